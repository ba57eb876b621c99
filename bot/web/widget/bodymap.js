// "Where does it hurt?" as a body map: tap one or more regions (the side follows from the
// shape), or pick them from the list alternative, then send. The drawing comes from the
// web app (bot/web/bodymap.py), the same one the result card shades.
import { element } from "./dom.js";

let drawing = null;

function fetchDrawing(base) {
  drawing = drawing || fetch(base + "bodymap.svg").then((reply) => {
    if (!reply.ok) throw new Error("body map: HTTP " + reply.status);
    return reply.text();
  });
  return drawing;
}

let counter = 0;

export class MapQuestion {
  constructor(base, send) {
    this.base = base;
    this.sendAnswer = send;
    this.selected = new Map(); // "code|side" -> label
    this.id = "kb-map-" + ++counter;
    this.figure = element("div", { class: "kb-map-figure" });
    this.list = element("fieldset", { class: "kb-map-list-items" },
      element("legend", { class: "kb-sr" }, "Where it hurts"));
    this.sendButton = element("button", { type: "button", class: "kb-map-send", disabled: "" }, "Send");
    this.sendButton.addEventListener("click", () => this.send());
    this.element = element("div", { class: "kb-map", role: "group", "aria-labelledby": this.id + "-help" },
      element("p", { id: this.id + "-help", class: "kb-map-help" },
        "Tap where it hurts, as many places as you need, then press Send. ",
        element("span", { class: "kb-sr" }, "On the map, arrow keys move between places and Space selects one. "),
        "Or type it below."),
      this.figure,
      element("details", { class: "kb-map-list" },
        element("summary", {}, "Choose from a list instead"), this.list),
      this.sendButton);
  }

  async load() {
    try {
      this.figure.innerHTML = await fetchDrawing(this.base);
    } catch {
      this.figure.append(element("p", {}, "The body map could not load. Please type where it hurts."));
      return;
    }
    this.shapes = [...this.figure.querySelectorAll("[data-region]")];
    const seen = new Set();
    this.shapes.forEach((shape, index) => {
      const key = keyOf(shape);
      shape.setAttribute("role", "checkbox");
      shape.setAttribute("aria-checked", "false");
      shape.setAttribute("tabindex", index === 0 ? "0" : "-1");
      shape.addEventListener("click", () => this.toggle(key, labelOf(shape)));
      if (!seen.has(key)) {
        seen.add(key);
        const box = element("input", { type: "checkbox", id: this.id + "-" + key.replace("|", "-"), value: key });
        box.addEventListener("change", () => this.toggle(key, labelOf(shape), box.checked));
        this.list.append(element("div", { class: "kb-map-item" },
          box, element("label", { for: box.id }, labelOf(shape))));
      }
    });
    this.figure.querySelector("svg").addEventListener("keydown", (event) => this.onKey(event));
    if (this.disabled) this.disable();
  }

  onKey(event) {
    const index = this.shapes.indexOf(event.target);
    if (index < 0) return;
    const moves = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, Home: -index, End: this.shapes.length - 1 - index };
    if (event.key in moves) {
      event.preventDefault();
      const next = this.shapes[(index + moves[event.key] + this.shapes.length) % this.shapes.length];
      event.target.setAttribute("tabindex", "-1");
      next.setAttribute("tabindex", "0");
      next.focus();
    } else if (event.key === " " || event.key === "Enter") {
      event.preventDefault();
      this.toggle(keyOf(event.target), labelOf(event.target));
    }
  }

  toggle(key, label, on = !this.selected.has(key)) {
    if (this.disabled) return;
    if (on) this.selected.set(key, label);
    else this.selected.delete(key);
    for (const shape of this.shapes) {
      if (keyOf(shape) !== key) continue;
      shape.classList.toggle("km-selected", on);
      shape.setAttribute("aria-checked", String(on));
    }
    const box = this.list.querySelector(`input[value="${key}"]`);
    if (box) box.checked = on;
    const count = this.selected.size;
    this.sendButton.disabled = count === 0;
    this.sendButton.textContent = count ? `Send (${count} selected)` : "Send";
  }

  send() {
    if (!this.selected.size) return;
    const keys = [...this.selected.keys()].map((key) => key.split("|"));
    const regions = [...new Set(keys.map(([code]) => code))];
    const sides = [...new Set(keys.map(([, side]) => side))];
    const payload = "/inform" + JSON.stringify({ body_region: regions, side: sides });
    this.sendAnswer(payload, [...this.selected.values()].join("; "));
  }

  disable() {
    this.disabled = true;
    this.sendButton.disabled = true;
    this.element.classList.add("kb-answered");
    for (const input of this.list.querySelectorAll("input")) input.disabled = true;
    for (const shape of this.shapes || []) {
      shape.removeAttribute("tabindex");
      shape.setAttribute("aria-disabled", "true");
    }
  }
}

function keyOf(shape) {
  return shape.dataset.region + "|" + shape.dataset.side;
}

function labelOf(shape) {
  return shape.querySelector("title").textContent;
}
