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

const DAY = 86400000;
const toTime = (d) => Date.parse(`${String(d).slice(0, 10)}T00:00:00Z`);

/** Month ticks (first days) between two times, at most `max` of them. */
function monthTicks(t0, t1, max = 7) {
  const ticks = [];
  for (let p = `${new Date(t0).toISOString().slice(0, 7)}-01`; toTime(p) <= t1; p = nextPeriod(p, "month")) {
    if (toTime(p) >= t0) ticks.push(p);
  }
  const step = Math.max(1, Math.ceil(ticks.length / max));
  return ticks.filter((_, i) => i % step === 0);
}

/**
 * A person's roles over time: one lane per role (a bar from first to last report), and a
 * lane of their events as dots coloured by what happened to them (status).
 * roles [{role, first_seen, last_seen}], events [{event_date, status, sub_event_type, location}].
 */
export function roleLanes(roles, events) {
  const dated = events.filter((e) => e.event_date);
  const spans = roles.filter((r) => r.first_seen);
  const times = [...dated.map((e) => toTime(e.event_date)), ...spans.flatMap((r) => [toTime(r.first_seen), toTime(r.last_seen || r.first_seen)])];
  if (!times.length) return h("p", { class: "empty" }, "No dated reports.");
  const pad = Math.max(20 * DAY, (Math.max(...times) - Math.min(...times)) * 0.06);
  const [t0, t1] = [Math.min(...times) - pad, Math.max(...times) + pad];
  const width = 520;
  const left = 140;
  const lane = 30;
  const lanes = [{ label: "Reported events", events: true }, ...spans.map((r) => ({ label: r.role, role: r }))];
  const height = lanes.length * lane + 26;
  const x = (t) => left + ((width - left - 10) * (t - t0)) / (t1 - t0);
  const svg = s("svg", { class: "chart role-chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "Roles and events over time" });
  lanes.forEach((l, i) => {
    const y = i * lane + 4;
    svg.append(s("rect", { x: left, y: y + 4, width: width - left - 10, height: lane - 8, rx: 4, class: "lane-bg" }),
      s("text", { x: left - 8, y: y + lane / 2 + 4, "text-anchor": "end", class: "lane-label" }, l.label.length > 22 ? `${l.label.slice(0, 21)}…` : l.label));
    if (l.events) {
      for (const e of dated) {
        svg.append(s("circle", { cx: x(toTime(e.event_date)), cy: y + lane / 2, r: 6, class: ["ev-dot", `st-${STATUS_CLASS[e.status] || "other"}`] },
          s("title", null, `${String(e.event_date).slice(0, 10)} · ${e.sub_event_type} · ${e.status || "mentioned"} · ${e.location || ""}`)));
      }
      return;
    }
    const a = x(toTime(l.role.first_seen));
    const b = x(toTime(l.role.last_seen || l.role.first_seen));
    svg.append(s("rect", { x: Math.min(a, b - 4), y: y + 7, width: Math.max(8, b - a), height: lane - 14, rx: 3, class: "lane-bar" },
      s("title", null, `${l.label}: ${String(l.role.first_seen).slice(0, 10)} – ${String(l.role.last_seen || l.role.first_seen).slice(0, 10)}`)));
  });
  const axisY = lanes.length * lane + 8;
  svg.append(s("line", { x1: left, x2: width - 10, y1: axisY, y2: axisY, class: "tl-axis" }));
  for (const tick of monthTicks(t0, t1)) {
    svg.append(s("text", { x: x(toTime(tick)), y: axisY + 13, "text-anchor": "middle", class: "tl-tick" }, tick.slice(0, 7)));
  }
  return svg;
}

/** What happened to a person → a colour class (st-*, s-*). */
export const STATUS_CLASS = { arrested: "arrested", detained: "arrested", killed: "killed", injured: "injured", wounded: "injured", released: "released" };

/** A big number (or date) with a small label under it. */
export function bigFigure(value, label, title) {
  return h("div", { class: "big-figure", title }, h("strong", null, value), h("span", null, label));
}

/** "first <verb>" and "last <verb>" figures, or one "<verb>" when they are the same day. */
export function dateFigures(first, last, verb) {
  if (!first) return [];
  const [a, b] = [String(first).slice(0, 10), String(last || first).slice(0, 10)];
  return a === b ? [bigFigure(a, verb)] : [bigFigure(a, `first ${verb}`), bigFigure(b, `last ${verb}`)];
}
