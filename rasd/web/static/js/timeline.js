// Timeline: stacked bars of event counts per period and event type (SVG drawn
// here), with a brush: dragging across the bars selects a date range.
import { h, s, clear, fmtNumber } from "./dom.js";
import { EVENT_TYPES, eventType } from "./taxonomy.js";

const HEIGHT = 150;
const PAD = { top: 10, right: 12, bottom: 24, left: 34 };

function addDays(iso, n) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** First day of the period after `period`. */
export function nextPeriod(period, interval) {
  if (interval === "day") return addDays(period, 1);
  if (interval === "week") return addDays(period, 7);
  const d = new Date(`${period}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
}

/** Every period from first to last (gaps filled), so the axis is linear in time. */
function periods(first, last, interval) {
  const out = [];
  for (let p = first; p <= last && out.length < 2000; p = nextPeriod(p, interval)) out.push(p);
  return out;
}

/** Reshape /api/stats (by=event_type) into [{period, counts: Map(type -> n), total}]. */
export function binsOf(stats) {
  const all = new Map();
  for (const serie of stats.series) {
    for (const pt of serie.points) {
      if (!all.has(pt.period)) all.set(pt.period, new Map());
      all.get(pt.period).set(serie.key, pt.count);
    }
  }
  const keys = [...all.keys()].sort();
  if (!keys.length) return [];
  return periods(keys[0], keys[keys.length - 1], stats.interval).map((p) => {
    const counts = all.get(p) || new Map();
    let total = 0;
    for (const n of counts.values()) total += n;
    return { period: p, counts, total };
  });
}

/** Pick day/week/month so there are at most ~120 bars. */
export function autoInterval(since, until) {
  if (!since || !until) return "month";
  const days = (Date.parse(until) - Date.parse(since)) / 86400000;
  if (days <= 120) return "day";
  if (days <= 800) return "week";
  return "month";
}

function label(period, interval) {
  if (interval === "month") return period.slice(0, 7);
  return period;
}

function axisTicks(bins, interval, x, band) {
  const step = Math.max(1, Math.ceil(bins.length / 8));
  return bins.filter((_, i) => i % step === 0).map((b) =>
    s("text", { x: x(b.period) + band / 2, y: HEIGHT - 6, class: "tl-tick", "text-anchor": "middle" },
      label(b.period, interval)));
}

/**
 * Draw the timeline into `el`. bins from binsOf(); range = {since, until} (brushed
 * or typed); onBrush({since, until}) is called with the new range (or nulls to clear).
 */
export function drawTimeline(el, bins, interval, range, onBrush) {
  clear(el);
  const total = bins.reduce((n, b) => n + b.total, 0);
  el.dataset.total = String(total);
  el.dataset.interval = interval;
  if (!bins.length) {
    el.append(h("p", { class: "empty" }, "No dated events match these filters."));
    return;
  }
  const width = Math.max(320, el.clientWidth || 800);
  const inner = width - PAD.left - PAD.right;
  const band = Math.min(64, inner / bins.length);
  const left = PAD.left + (inner - band * bins.length) / 2; // few bars: centred, not stretched
  const max = Math.max(...bins.map((b) => b.total), 1);
  const y = (n) => ((HEIGHT - PAD.top - PAD.bottom) * n) / max;
  const index = new Map(bins.map((b, i) => [b.period, i]));
  const x = (period) => left + index.get(period) * band;
  const inRange = (p) => (!range.since || nextPeriod(p, interval) > range.since) && (!range.until || p <= range.until);

  const svg = s("svg", { class: "tl-svg", width, height: HEIGHT, viewBox: `0 0 ${width} ${HEIGHT}`, role: "img",
    "aria-label": `Events per ${interval} by event type; drag to select a date range` });
  svg.append(s("line", { x1: PAD.left, x2: width - PAD.right, y1: HEIGHT - PAD.bottom, y2: HEIGHT - PAD.bottom, class: "tl-axis" }));
  svg.append(s("text", { x: PAD.left - 6, y: PAD.top + 8, class: "tl-tick", "text-anchor": "end" }, fmtNumber(max)));
  svg.append(s("text", { x: PAD.left - 6, y: HEIGHT - PAD.bottom, class: "tl-tick", "text-anchor": "end" }, "0"));
  for (const b of bins) {
    let base = HEIGHT - PAD.bottom;
    const g = s("g", { class: ["tl-bar", inRange(b.period) ? null : "tl-out"], dataset: { period: b.period, total: String(b.total) } });
    const tip = [`${label(b.period, interval)}: ${b.total} events`];
    for (const t of [...EVENT_TYPES.map((e) => e.name), ...[...b.counts.keys()].filter((k) => !EVENT_TYPES.some((e) => e.name === k))]) {
      const n = b.counts.get(t) || 0;
      if (!n) continue;
      const hgt = y(n);
      base -= hgt;
      g.append(s("rect", { x: x(b.period) + band * 0.12, width: Math.max(1, band * 0.76), y: base, height: hgt, fill: eventType(t).color }));
      tip.push(`${t}: ${n}`);
    }
    g.append(s("title", null, tip.join("\n")));
    svg.append(g);
  }
  svg.append(...axisTicks(bins, interval, x, band));
  attachBrush(svg, bins, { x, left, band, interval, range, onBrush });
  el.append(svg);
}

function attachBrush(svg, bins, { x, left, band, interval, range, onBrush }) {
  const sel = s("rect", { class: "tl-brush", y: PAD.top - 4, height: HEIGHT - PAD.top - PAD.bottom + 4, x: 0, width: 0 });
  svg.append(sel);
  const periodAt = (px) => {
    const i = Math.min(bins.length - 1, Math.max(0, Math.floor((px - left) / band)));
    return bins[i].period;
  };
  const show = (a, b) => {
    const lo = Math.min(x(a), x(b));
    const hi = Math.max(x(a), x(b)) + band;
    sel.setAttribute("x", String(lo));
    sel.setAttribute("width", String(hi - lo));
  };
  if (range.since || range.until) {
    const firstIn = bins.find((b) => (!range.since || nextPeriod(b.period, interval) > range.since) && (!range.until || b.period <= range.until));
    const lastIn = [...bins].reverse().find((b) => (!range.since || nextPeriod(b.period, interval) > range.since) && (!range.until || b.period <= range.until));
    if (firstIn && lastIn) show(firstIn.period, lastIn.period);
  }
  let start = null;
  const px = (e) => {
    const r = svg.getBoundingClientRect();
    return ((e.clientX - r.left) * svg.viewBox.baseVal.width) / r.width;
  };
  svg.addEventListener("pointerdown", (e) => {
    start = periodAt(px(e));
    svg.setPointerCapture(e.pointerId);
    show(start, start);
  });
  svg.addEventListener("pointermove", (e) => { if (start) show(start, periodAt(px(e))); });
  svg.addEventListener("pointerup", (e) => {
    if (!start) return;
    const end = periodAt(px(e));
    const [a, b] = start <= end ? [start, end] : [end, start];
    start = null;
    onBrush({ since: a, until: addDays(nextPeriod(b, interval), -1) });
  });
}
