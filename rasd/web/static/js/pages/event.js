// Event page: the coded event, its evidence highlighted in the source report, and
// the other sources of the same event.
import { api } from "../api.js";
import { h, card, clear, extLink, fmtDate, link, notice, plural } from "../dom.js";
import { evidenceView } from "../evidence.js";
import { createMap, mountWithMap } from "../map.js";
import { routeHref } from "../router.js";
import { eventType } from "../taxonomy.js";

export function documentMeta(doc) {
  if (!doc) return null;
  return h("dl", { class: "doc-meta" },
    h("dt", null, "Title"), h("dd", { class: "doc-title" }, doc.title || "(untitled)"),
    h("dt", null, "Source"), h("dd", null, doc.source || "—"),
    h("dt", null, "Published"), h("dd", null, fmtDate(doc.published_at)),
    doc.url ? [h("dt", null, "Link"), h("dd", null, extLink(doc.url))] : null);
}

function sourcesList(ev) {
  const sources = ev.sources || [];
  if (!sources.length) {
    return h("p", { class: "muted", id: "sources-empty" }, "No other report describes this event yet.");
  }
  return h("ul", { class: "sources", id: "sources" }, ...sources.map((src) => {
    const d = src.document || {};
    const trigger = (src.evidence || []).find((e) => e.field === "event_type") || (src.evidence || [])[0];
    return h("li", { class: "source" },
      h("div", { class: "source-head" },
        link(routeHref("event", src.event_id), d.title || "(untitled report)", "source-title"),
        h("span", { class: "muted" }, ` · ${d.source || "unknown source"} · ${fmtDate(d.published_at)}`),
        d.url ? [" · ", extLink(d.url, "original")] : null),
      trigger ? h("blockquote", { class: "source-quote" }, trigger.sentence) : null);
  }));
}

function summary(ev) {
  const t = eventType(ev.event_type);
  return h("div", { class: "event-summary" },
    h("p", { class: "kicker" }, h("span", { class: ["badge", `et-${t.key}`] }, ev.event_type)),
    h("h1", { id: "event-title" }, ev.sub_event_type, h("span", { class: "muted" }, ` · ${ev.location || "unknown place"}`)),
    h("p", { class: "event-facts" },
      h("span", null, fmtDate(ev.event_date)),
      h("span", null, plural(ev.fatalities || 0, "fatality", "fatalities")),
      h("span", null, `${plural(ev.source_count || 1, "source")}`),
      h("span", null, `confidence ${Math.round((ev.confidence || 0) * 100)}%`)),
    ev.notes ? h("p", { class: "notes" }, ev.notes) : null);
}

async function load(root, id) {
  let ev;
  try {
    ev = await api.get(`events/${encodeURIComponent(id)}`);
  } catch (err) {
    clear(root).append(notice("error", err.status === 404 ? `There is no event ${id} in this store.` : `The event could not be loaded: ${err.message}`, err.fix));
    return;
  }
  let text = null;
  let docError = null;
  try {
    const doc = await api.get(`documents/${encodeURIComponent(ev.document_id)}`);
    text = doc.text;
  } catch (err) {
    docError = err;
  }
  const mapEl = h("div", { class: "map map-small", id: "event-map" });
  clear(root).append(
    h("p", { class: "crumbs" }, link("#/explore", "← All events")),
    h("div", { class: "event-top" }, card(null, summary(ev)), h("section", { class: "card card-map-small" }, mapEl)),
    card("Evidence in the source report",
      documentMeta(ev.document),
      text !== null ? evidenceView(ev, text) : notice("warn", `The report text could not be loaded: ${docError.message}`, docError.fix)),
    card("Other sources of this event", sourcesList(ev)));
  const mini = createMap(mapEl, { minimal: true });
  if (!mini.show([ev])) mapEl.append(h("p", { class: "map-empty" }, "No coordinates for this event."));
  return mini;
}

export function mount(root, route) {
  return mountWithMap(root, "event-page", "Loading the event…", (page) => load(page, route.arg));
}
