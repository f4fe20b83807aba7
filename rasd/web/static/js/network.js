// A small force-directed network of co-occurring actors, drawn in SVG. The layout
// is computed synchronously (deterministic start on a circle, fixed iterations).
import { h, s } from "./dom.js";
import { navigate, routeHref } from "./router.js";

const W = 900;
const HT = 440;

/** nodes [{id, name, count, center?}], edges [{source, target, kind, count}]. */
export function layout(nodes, edges, iterations = 400) {
  const pos = new Map();
  nodes.forEach((n, i) => {
    const a = (2 * Math.PI * i) / Math.max(1, nodes.length);
    pos.set(n.id, n.center ? { x: 0, y: 0 } : { x: Math.cos(a) * 150, y: Math.sin(a) * 150 });
  });
  const links = edges.filter((e) => pos.has(e.source) && pos.has(e.target));
  for (let it = 0; it < iterations; it++) {
    const cool = 1 - it / iterations;
    const force = new Map(nodes.map((n) => [n.id, { x: 0, y: 0 }]));
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) {
        const a = pos.get(nodes[i].id);
        const b = pos.get(nodes[j].id);
        const dx = a.x - b.x || 0.01;
        const dy = a.y - b.y || 0.01;
        const d2 = Math.max(dx * dx + dy * dy, 25);
        const f = 6000 / d2;
        const d = Math.sqrt(d2);
        force.get(nodes[i].id).x += (f * dx) / d; force.get(nodes[i].id).y += (f * dy) / d;
        force.get(nodes[j].id).x -= (f * dx) / d; force.get(nodes[j].id).y -= (f * dy) / d;
      }
    }
    for (const e of links) {
      const a = pos.get(e.source);
      const b = pos.get(e.target);
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const d = Math.sqrt(dx * dx + dy * dy) || 0.01;
      const f = (d - 120) * 0.05;
      force.get(e.source).x += (f * dx) / d; force.get(e.source).y += (f * dy) / d;
      force.get(e.target).x -= (f * dx) / d; force.get(e.target).y -= (f * dy) / d;
    }
    for (const n of nodes) {
      if (n.center) continue;
      const p = pos.get(n.id);
      const f = force.get(n.id);
      f.x -= p.x * 0.01; f.y -= p.y * 0.01; // gravity
      const len = Math.sqrt(f.x * f.x + f.y * f.y) || 1;
      const step = Math.min(len, 12 * cool + 0.5);
      p.x += (f.x / len) * step; p.y += (f.y / len) * step;
    }
  }
  return pos;
}

function fit(pos, ht) {
  const xs = [...pos.values()].map((p) => p.x);
  const ys = [...pos.values()].map((p) => p.y);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const k = Math.min((W - 220) / Math.max(1, maxX - minX), (ht - 110) / Math.max(1, maxY - minY), 1.6);
  return (p) => ({ x: W / 2 + (p.x - (minX + maxX) / 2) * k, y: ht / 2 - 15 + (p.y - (minY + maxY) / 2) * k });
}

/** Words packed into lines of at most `width` characters (at most `max` lines). */
export function wrap(name, width = 24, max = 3) {
  const lines = [];
  for (const word of name.split(/\s+/)) {
    const last = lines[lines.length - 1];
    if (last !== undefined && (last + " " + word).length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  if (lines.length > max) lines.splice(max - 1, lines.length, `${lines[max - 1]}…`);
  return lines;
}

function label(name, x, y) {
  const text = s("text", { x, y, "text-anchor": "middle" });
  wrap(name).forEach((line, i) => text.append(s("tspan", { x, dy: i ? "1.15em" : "0" }, line)));
  return text;
}

/** The network as an SVG figure with a legend. */
export function networkGraph(nodes, edges) {
  if (nodes.length < 2) return h("p", { class: "empty" }, "No co-occurring actors recorded.");
  const pos = layout(nodes, edges);
  const small = nodes.length <= 4; // a few actors need less room
  const height = small ? 260 : HT;
  const at = fit(pos, height);
  const svg = s("svg", { class: ["network", small ? "network-small" : null], viewBox: `0 0 ${W} ${height}`, role: "img", "aria-label": "Network of co-occurring actors" });
  const maxCount = Math.max(1, ...edges.map((e) => e.count || 1));
  for (const e of edges) {
    if (!pos.has(e.source) || !pos.has(e.target)) continue;
    const a = at(pos.get(e.source));
    const b = at(pos.get(e.target));
    svg.append(s("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: ["edge", `edge-${e.kind}`], "stroke-width": 1 + (4 * (e.count || 1)) / maxCount },
      s("title", null, `${e.kind === "opposing" ? "opposed in" : "together in"} ${e.count} event(s)`)));
  }
  for (const n of nodes) {
    const p = at(pos.get(n.id));
    const r = n.center ? 14 : 6 + Math.min(10, Math.sqrt(n.count || 1) * 2);
    const g = s("g", { class: ["node", n.center ? "node-center" : null, n.kind ? `node-${n.kind}` : null], tabindex: "0", role: "link",
      dataset: { actorId: n.id } });
    g.append(s("circle", { cx: p.x, cy: p.y, r }), label(n.name, p.x, p.y + r + 13),
      s("title", null, `${n.name}${n.count ? ` — ${n.count} event(s)` : ""}`));
    const go = () => navigate(routeHref("actor", n.id));
    if (!n.center) {
      g.addEventListener("click", go);
      g.addEventListener("keydown", (e) => { if (e.key === "Enter") go(); });
    }
    svg.append(g);
  }
  return h("figure", { class: "network-figure" }, svg,
    h("figcaption", { class: "legend" },
      h("span", { class: "legend-item" }, h("span", { class: "line-swatch edge-associated" }), "same side (associated)"),
      h("span", { class: "legend-item" }, h("span", { class: "line-swatch edge-opposing" }), "opposing sides"),
      h("span", { class: "muted" }, " · circle size: shared events; click an actor to open it")));
}
