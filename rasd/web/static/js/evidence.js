// The source report with each coded field's evidence highlighted: spans come from
// evidence[].start/end over the document text, the sentence from sentence_start
// and the sentence's length. Everything is built from text nodes.
import { h, fmtDate, plural, link } from "./dom.js";
import { routeHref } from "./router.js";
import { ACTOR_TYPES, GEO_PRECISION, TIME_PRECISION, fieldInfo } from "./taxonomy.js";

/** Where each evidence item lies in `text`; items whose offsets do not match are relocated or dropped. */
export function placeEvidence(text, evidence) {
  const placed = [];
  let missing = 0;
  evidence.forEach((ev, i) => {
    let { start, end } = ev;
    if (!(start >= 0 && end >= start && end <= text.length) || text.slice(start, end) !== ev.text) {
      const sentAt = text.indexOf(ev.sentence || "\u0000", Math.max(0, (ev.sentence_start || 0) - 200));
      const at = sentAt >= 0 ? text.indexOf(ev.text, sentAt) : -1;
      if (at < 0 || !ev.text) { missing += 1; return; }
      [start, end] = [at, at + ev.text.length];
    }
    let sStart = ev.sentence_start;
    if (text.slice(sStart, sStart + (ev.sentence || "").length) !== ev.sentence) {
      const found = text.lastIndexOf(ev.sentence, start);
      sStart = found >= 0 ? found : start;
    }
    const sEnd = Math.max(end, sStart + (ev.sentence || "").length);
    placed.push({ index: i, field: ev.field, start, end, sStart, sEnd });
  });
  return { placed, missing };
}

function segmentsOf(text, placed) {
  const cuts = new Set([0, text.length]);
  for (const p of placed) [p.start, p.end, p.sStart, p.sEnd].forEach((c) => cuts.add(c));
  const points = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    if (a === b) continue;
    const spans = placed.filter((p) => p.start <= a && b <= p.end && p.end > p.start);
    const sentence = placed.find((p) => p.sStart <= a && b <= p.sEnd);
    out.push({ a, b, spans, sentence: sentence ? sentence.sStart : null });
  }
  return out;
}

function mark(text, spans) {
  // The innermost (shortest) span gives the colour; all fields are listed.
  const inner = [...spans].sort((x, y) => (x.end - x.start) - (y.end - y.start))[0];
  const fields = [...new Set(spans.map((p) => p.field))];
  return h("mark", {
    class: ["hl", fieldInfo(inner.field).cls],
    dataset: { fields: fields.join(" "), ev: spans.map((p) => p.index).join(" ") },
    title: fields.map((f) => fieldInfo(f).label).join(", "),
  }, text);
}

/** The document text as DOM, evidence sentences wrapped (id sent-<start>) and spans marked. */
export function highlightedText(text, evidence, idPrefix = "sent") {
  const { placed, missing } = placeEvidence(text, evidence);
  const root = h("div", { class: "doc-text", dataset: { missing: String(missing) } });
  let sentenceEl = null;
  let sentenceStart = null;
  for (const seg of segmentsOf(text, placed)) {
    const piece = text.slice(seg.a, seg.b);
    const node = seg.spans.length ? mark(piece, seg.spans) : document.createTextNode(piece);
    if (seg.sentence === null) {
      sentenceEl = null;
      root.append(node);
      continue;
    }
    if (!sentenceEl || sentenceStart !== seg.sentence) {
      sentenceStart = seg.sentence;
      sentenceEl = h("span", { class: "ev-sentence", id: `${idPrefix}-${seg.sentence}`, dataset: { start: String(seg.sentence) } });
      root.append(sentenceEl);
    }
    sentenceEl.append(node);
  }
  return { node: root, placed, missing };
}

function actorText(a) {
  if (!a) return null;
  const kind = ACTOR_TYPES[a.actor_type];
  return link(routeHref("actor", a.id), a.name + (kind ? ` (${kind})` : ""), "actor-link");
}

/** [field, label, value node] rows for an event's coded fields. */
export function codedFields(ev) {
  const place = ev.place || {};
  const where = [ev.location, place.admin2, place.admin1, place.country].filter(Boolean);
  const rows = [
    ["event_type", "Event type", `${ev.event_type} › ${ev.sub_event_type}`],
    ["event_date", "Date", `${fmtDate(ev.event_date)} (${TIME_PRECISION[ev.time_precision] || "precision " + ev.time_precision})`],
    ["location", "Location", where.length ? `${[...new Set(where)].join(", ")} — ${GEO_PRECISION[ev.geo_precision] || ""}` : "—"],
    ["actor1", "Actor 1", actorText(ev.actor1) || "—"],
    ["assoc_actor_1", "Associated with actor 1", (ev.assoc_actor_1 || []).length ? h("span", null, ...ev.assoc_actor_1.map((a, i) => [i ? "; " : "", actorText(a)])) : null],
    ["actor2", "Actor 2", actorText(ev.actor2) || "—"],
    ["assoc_actor_2", "Associated with actor 2", (ev.assoc_actor_2 || []).length ? h("span", null, ...ev.assoc_actor_2.map((a, i) => [i ? "; " : "", actorText(a)])) : null],
    ["fatalities", "Fatalities", plural(ev.fatalities || 0, "fatality", "fatalities")],
  ];
  for (const p of ev.persons || []) {
    const parts = [p.role, p.nationality, p.status].filter(Boolean).join(" · ");
    const name = p.person_id ? link(routeHref("person", p.person_id), p.name, "person-link") : p.name;
    rows.push(["persons", "Person", h("span", null, name, parts ? h("span", { class: "muted" }, ` — ${parts}`) : null)]);
  }
  return rows.filter((r) => r[2] !== null);
}

/**
 * The evidence view of one event: a list of coded fields (colour = highlight colour;
 * click scrolls to the sentence and lights that field) beside the highlighted text.
 */
export function evidenceView(ev, text, { idPrefix = "sent" } = {}) {
  const evidence = ev.evidence || [];
  const { node: textNode, placed, missing } = highlightedText(text, evidence, idPrefix);
  const present = new Set(placed.map((p) => p.field));

  const focus = (field) => {
    const hit = placed.find((p) => p.field === field || (field === "event_type" && p.field === "sub_event_type"));
    for (const m of textNode.querySelectorAll("mark.hl")) {
      m.classList.toggle("lit", m.dataset.fields.split(" ").includes(field));
    }
    textNode.classList.add("focusing");
    for (const s of textNode.querySelectorAll(".ev-sentence.current")) s.classList.remove("current");
    if (!hit) return;
    const sentence = document.getElementById(`${idPrefix}-${hit.sStart}`);
    if (sentence) {
      sentence.classList.add("current");
      sentence.scrollIntoView({ behavior: "smooth", block: "center" });
    }
  };

  const list = h("ul", { class: "fields" }, ...codedFields(ev).map(([field, label, value]) => {
    const info = fieldInfo(field);
    const has = present.has(field);
    return h("li", { class: ["field-row", has ? "has-evidence" : "no-evidence"], dataset: { field } },
      h("button", { type: "button", class: "field-btn", disabled: has ? null : true,
        title: has ? "Show the evidence in the report" : "No evidence span for this field",
        on: { click: () => focus(field) } },
      h("span", { class: ["swatch", info.cls] }), h("span", { class: "field-name" }, label)),
      h("div", { class: "field-value" }, value));
  }));

  const legend = h("div", { class: "legend", "aria-label": "Highlight colours" },
    ...[...present].map((f) => fieldInfo(f)).filter((f, i, all) => all.findIndex((g) => g.cls === f.cls) === i)
      .map((f) => h("button", { type: "button", class: "legend-chip", dataset: { field: f.field }, on: { click: () => focus(f.field) } },
        h("span", { class: ["swatch", f.cls] }), f.label)),
    h("button", { type: "button", class: "linklike", on: { click: () => { textNode.classList.remove("focusing"); } } }, "show all"));

  return h("div", { class: "evidence-view" },
    h("div", { class: "ev-fields" }, h("h3", null, "Coded fields"), list),
    h("div", { class: "ev-doc" }, legend,
      missing ? h("p", { class: "notice notice-warn" }, `${plural(missing, "evidence span")} could not be placed in this text.`) : null,
      textNode));
}

