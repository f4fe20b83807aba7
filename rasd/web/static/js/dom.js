// DOM helpers. Every piece of data (report text, titles, names, URLs) reaches the
// page through text nodes or checked attributes: nothing here parses HTML.

const SVG_NS = "http://www.w3.org/2000/svg";

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function setAttrs(el, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.setAttribute("class", Array.isArray(value) ? value.filter(Boolean).join(" ") : value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "on") for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
    else if (key === "href") {
      const safe = safeHref(value, { internal: true });
      if (safe) el.setAttribute("href", safe);
    } else if (key === "style" || key.startsWith("on")) {
      throw new Error(`h(): attribute ${key} is not allowed (CSP; use classes and listeners)`);
    } else el.setAttribute(key, value === true ? "" : String(value));
  }
  return el;
}

/** Create an HTML element: h("a", {href, class}, "text", child...). */
export function h(tag, attrs, ...children) {
  return append(setAttrs(document.createElement(tag), attrs), children);
}

/** Create an SVG element with attributes (numbers are fine). */
export function s(tag, attrs, ...children) {
  return append(setAttrs(document.createElementNS(SVG_NS, tag), attrs), children);
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** Replace el's children (null, undefined and false are left out, as in h()). */
export function fill(el, ...children) {
  return append(clear(el), children);
}

/**
 * A URL that is safe to put in an href: http(s) only (and, when `internal`, app
 * links "#/..." and same-origin paths "/api/..."). Anything else (javascript:,
 * data:, vbscript:, "//host", garbage) gives null.
 */
export function safeHref(value, { internal = false } = {}) {
  if (typeof value !== "string") return null;
  const v = value.trim();
  // In-app links: "#/route" and same-origin paths ("/api/...", "docs"), never "//host".
  if (internal && (v.startsWith("#") || (v.startsWith("/") && !/^\/[/\\]/.test(v)))) return v;
  if (internal && /^[a-z0-9_\-./]+$/i.test(v)) return v;
  try {
    const url = new URL(v);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/** A link to an outside page, or the URL as plain text when it is not http(s). */
export function extLink(url, text) {
  const safe = safeHref(url);
  const label = text || url || "";
  if (!safe) return h("span", { class: "unsafe-url", title: "not an http(s) link" }, label);
  return h("a", { href: safe, target: "_blank", rel: "noopener noreferrer", class: "ext" }, label);
}

/** An in-app link: route like "#/event/abc". */
export function link(route, text, cls) {
  return h("a", { href: route, class: cls }, text);
}

export function fmtDate(value) {
  if (!value) return "—";
  return String(value).slice(0, 10);
}

export function fmtNumber(n) {
  return typeof n === "number" ? n.toLocaleString("en-GB") : "—";
}

export function plural(n, one, many) {
  return `${fmtNumber(n)} ${n === 1 ? one : many || one + "s"}`;
}

/** A message box (info / error / warn) with an optional fix line. */
export function notice(kind, message, fix) {
  return h("div", { class: ["notice", `notice-${kind}`], role: kind === "error" ? "alert" : "status" },
    h("p", null, message), fix ? h("p", { class: "fix" }, fix) : null);
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** A <section class="card"> with a heading. */
export function card(title, ...children) {
  return h("section", { class: "card" }, title ? h("h2", { class: "card-title" }, title) : null, ...children);
}
