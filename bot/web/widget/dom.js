// Small DOM helpers: elements without innerHTML, and the bot's simple text formatting.

export function element(tag, attributes = {}, ...children) {
  const node = tag === "svg" || tag === "g"
    ? document.createElementNS("http://www.w3.org/2000/svg", tag)
    : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) node.setAttribute(name, value);
  }
  node.append(...children.filter((child) => child !== undefined && child !== null));
  return node;
}

// **bold**, _italic_ or *italic*, line breaks, https links and lists (lines that start
// with "- ", as actions/channels.py's `bulleted` writes them); everything else is text.
const INLINE = /(\*\*[^*]+\*\*|\*[^*\s][^*]*\*|_[^_\s][^_]*_|https:\/\/[^\s<>()]+[^\s<>().,;:!?'"])/g;

export function formatText(text) {
  const fragment = document.createDocumentFragment();
  let list = null;
  String(text).split("\n").forEach((line, index) => {
    const item = /^\s*- (.*)$/.exec(line);
    if (item) {
      if (!list) fragment.append(list = element("ul", { class: "kb-list" }));
      list.append(element("li", {}, inline(item[1])));
      return;
    }
    if (index && !list) fragment.append(document.createElement("br"));
    list = null;
    fragment.append(inline(line));
  });
  return fragment;
}

function inline(line) {
  const fragment = document.createDocumentFragment();
  for (const part of line.split(INLINE)) {
    if (!part) continue;
    if (part.startsWith("**") && part.endsWith("**") && part.length > 4) {
      fragment.append(element("strong", {}, part.slice(2, -2)));
    } else if (/^(\*[^*].*\*|_.+_)$/.test(part)) {
      fragment.append(element("em", {}, part.slice(1, -1)));
    } else if (part.startsWith("https://")) {
      fragment.append(element("a", { href: part, target: "_blank", rel: "noopener noreferrer" }, part));
    } else {
      fragment.append(part);
    }
  }
  return fragment;
}

// Black or white text on the clinic's colour, whichever contrasts more (WCAG's formula).
export function textColourOn(colour) {
  const hex = /^#?([0-9a-f]{6})$/i.exec(String(colour).trim());
  if (!hex) return "#ffffff";
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(hex[1].slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (1.05 / (luminance + 0.05)) >= ((luminance + 0.05) / 0.05) ? "#ffffff" : "#111111";
}
