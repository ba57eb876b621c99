// The result card (bot/actions: action_show_result_card): for an emergency, a banner with
// the number to call and nothing else; otherwise the body map with the pain shaded and the
// trigger points numbered, the level in words and colour, and what to do for each muscle.
import { element } from "./dom.js";

export function resultCard(card, config) {
  if (card.level === "emergency") {
    return element("div", { class: "kb-emergency", role: "alert" },
      element("p", { class: "kb-emergency-title" }, card.title),
      element("a", { class: "kb-call", href: "tel:" + card.emergency_number }, "Call " + card.emergency_number + " now"));
  }
  const points = card.trigger_points || [];
  const regions = card.regions || [];
  const heading = element("h3", { class: "kb-level", style: `background:${card.colour}` },
    element("span", { class: "kb-sr" }, "Result: "), card.title);
  const map = new URLSearchParams({
    regions: regions.map((r) => r.code).join(","),
    side: card.side || "",
    muscles: points.map((p) => p.code).join(","),
  });
  const where = regions.map((r) => r.label).join(", ") || "not given";
  const alt = `Body map. Pain shaded: ${where}` + (card.side ? ` (${card.side} side)` : "") +
    (points.length ? `. Trigger points numbered 1 to ${points.length}: ${points.map((p) => p.name).join(", ")}.` : ".");
  const article = element("article", { class: "kb-card", "aria-label": "Your result: " + card.title },
    heading,
    element("img", { class: "kb-card-map", src: config.base + "bodymap.svg?" + map, alt }));
  if (points.length) {
    const list = element("ol", { class: "kb-points" });
    for (const point of points) {
      list.append(element("li", {},
        element("p", { class: "kb-point-name" }, element("span", { class: "kb-point-number", "aria-hidden": "true" }, String(point.number)), point.name),
        point.reason ? element("p", {}, capitalise(point.reason) + ".") : null,
        element("p", {}, element("strong", {}, "Where to find it: "), point.location),
        point.pressure ? element("p", {}, element("strong", {}, "1. Pressure: "), point.pressure) : null,
        point.stretch ? element("p", {}, element("strong", {}, "2. Stretch: "), point.stretch) : null,
        point.cautions && point.cautions.length
          ? element("div", { class: "kb-caution" }, element("strong", {}, "Take care:"),
            element("ul", {}, ...point.cautions.map((caution) => element("li", {}, capitalise(caution) + "."))))
          : null));
    }
    article.append(element("h4", {}, card.level === "doctor" ? "Muscles to mention to your doctor" : "Likely trigger points"), list);
  }
  if (card.booking && config.bookingUrl) {
    article.append(element("a", { class: "kb-book", href: config.bookingUrl }, "Book a licensed massage therapist"));
  }
  return article;
}

// A question about one muscle (actions/muscle_question.py): the body map with its trigger
// point and the regions it sends pain to; the words came in the message before.
export function muscleFigure(muscle, config) {
  const regions = muscle.regions || [];
  const map = new URLSearchParams({ regions: regions.map((r) => r.code).join(","), muscles: muscle.code });
  const where = regions.map((r) => r.label).join(", ");
  return element("figure", { class: "kb-muscle" },
    element("img", {
      class: "kb-card-map",
      src: config.base + "bodymap.svg?" + map,
      alt: `Body map: the ${muscle.name} trigger point, marked 1, and where it can send pain, shaded: ${where}.`,
    }),
    element("figcaption", {}, muscle.name));
}

function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
