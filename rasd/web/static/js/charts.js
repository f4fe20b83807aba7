// Small charts for the profile pages: counts over time (SVG bars) and ranked
// horizontal bars (HTML, widths set through the CSSOM, which the CSP allows).
import { h, s, fmtNumber } from "./dom.js";
import { nextPeriod } from "./timeline.js";

/** Bars of [{period, count}] over time; monthly series get their empty months filled. */
export function timeBars(points, { height = 120, color = "#0f766e" } = {}) {
  const sorted = [...points].sort((a, b) => a.period.localeCompare(b.period));
  if (!sorted.length) return h("p", { class: "empty" }, "No dated events.");
  let series = sorted;
  if (sorted.every((p) => p.period.endsWith("-01"))) {
    const counts = new Map(sorted.map((p) => [p.period, p.count]));
    series = [];
    for (let p = sorted[0].period; p <= sorted[sorted.length - 1].period && series.length < 600; p = nextPeriod(p, "month")) {
      series.push({ period: p, count: counts.get(p) || 0 });
    }
  }
  const width = 640;
  const pad = { l: 28, r: 8, t: 8, b: 22 };
  const band = Math.min(48, (width - pad.l - pad.r) / series.length);
  const max = Math.max(1, ...series.map((p) => p.count));
  const scale = (n) => ((height - pad.t - pad.b) * n) / max;
  const svg = s("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "Events over time" });
  svg.append(s("line", { x1: pad.l, x2: width - pad.r, y1: height - pad.b, y2: height - pad.b, class: "tl-axis" }));
  svg.append(s("text", { x: pad.l - 4, y: pad.t + 8, class: "tl-tick", "text-anchor": "end" }, fmtNumber(max)));
  const step = Math.max(1, Math.ceil(series.length / 6));
  series.forEach((p, i) => {
    const x = pad.l + i * band;
    const hh = scale(p.count);
    svg.append(s("rect", { x: x + band * 0.12, width: Math.max(1, band * 0.76), y: height - pad.b - hh, height: hh, fill: color },
      s("title", null, `${p.period}: ${p.count}`)));
    if (i % step === 0) {
      svg.append(s("text", { x: x + band / 2, y: height - 6, class: "tl-tick", "text-anchor": "middle" }, p.period.slice(0, 7)));
    }
  });
  return svg;
}

/** Ranked bars: entries [{label, value, cls?, href?}] sorted by value. */
export function rankBars(entries, { max = 12 } = {}) {
  const top = [...entries].sort((a, b) => b.value - a.value).slice(0, max);
  if (!top.length) return h("p", { class: "empty" }, "Nothing recorded.");
  const biggest = Math.max(1, ...top.map((e) => e.value));
  return h("ul", { class: "rank" }, ...top.map((e) => {
    const bar = h("span", { class: ["rank-bar", e.cls] });
    bar.style.width = `${Math.max(2, (100 * e.value) / biggest)}%`;
    const label = e.href ? h("a", { href: e.href }, e.label) : e.label;
    return h("li", null, h("span", { class: "rank-label" }, label), h("span", { class: "rank-track" }, bar),
      h("span", { class: "rank-value" }, fmtNumber(e.value)));
  }));
}
