// Event page: the coded event with its TLP marking and origin, its evidence highlighted
// in the source report (or in its evidence sentences alone, when only the event is
// shared with the user's organisation), the other reports of the same incident, sharing
// with partners, and the analysts' corrections (a panel to correct the event and its
// audit log with Revert buttons).
import { api } from "../api.js";
import { h, card, clear, extLink, fill, fmtDate, link, notice, plural } from "../dom.js";
import { can, myOrg, orgName, owns } from "../session.js";
import { shareCard } from "../sharing.js";
import { originTag, tlpBadge } from "../tlp.js";
import { evidenceView } from "../evidence.js";
import { createMap, mountReloadable } from "../map.js";
import { routeHref } from "../router.js";
import { eventType } from "../taxonomy.js";
import { auditCard, correctionsOf, fieldLabel, lookHint, outcome, takeFlash } from "../corrections.js";
import { eventCorrectionPanel } from "./event_correct.js";

export function documentMeta(doc) {
  if (!doc) return null;
  return h("dl", { class: "doc-meta" },
    h("dt", null, "Title"), h("dd", { class: "doc-title" }, doc.title || "(untitled)"),
    h("dt", null, "Source"), h("dd", null, doc.source || "—"),
    h("dt", null, "Published"), h("dd", null, fmtDate(doc.published_at)),
    doc.url ? [h("dt", null, "Link"), h("dd", null, extLink(doc.url))] : null,
    doc.tlp ? [h("dt", null, "Marking"), h("dd", { class: "doc-tlp" }, tlpBadge(doc.tlp))] : null,
    doc.org ? [h("dt", null, "Origin"), h("dd", { class: "doc-origin" }, originTag(doc.org))] : null);
}

function sourcesList(ev) {
  const sources = ev.sources || [];
  if (!sources.length) {
    return h("p", { class: "muted", id: "sources-empty" }, "No other report describes this incident yet.");
  }
  return h("ul", { class: "sources", id: "sources" }, ...sources.map((src) => {
    const d = src.document;
    const trigger = (src.evidence || []).find((e) => e.field === "event_type") || (src.evidence || [])[0];
    const about = d
      ? [h("span", { class: "muted" }, ` · ${d.source || "unknown source"} · published ${fmtDate(d.published_at)}`),
        d.url ? [" · ", extLink(d.url, "original")] : null, " ", tlpBadge(d.tlp), " ", originTag(d.org)]
      : h("span", { class: "muted source-unshared" }, " · only the event is shared with your organisation, not its report");
    return h("li", { class: "source", dataset: { eventId: src.event_id } },
      h("div", { class: "source-head" },
        link(routeHref("event", src.event_id), d ? d.title || "(untitled report)" : "(report not shared with you)", "source-title"),
        about),
      trigger ? h("blockquote", { class: "source-quote" }, trigger.sentence) : null);
  }));
}

/** The fields an analyst's correction in force has set. */
function correctedFields(ev) {
  return new Set((ev.corrections || []).filter((c) => c.in_force && c.action === "set_field").map((c) => c.field));
}

/** A button scrolling to a card of the page (the hash holds the route, so no #anchor links). */
function jump(target, text, cls, id) {
  const go = () => document.getElementById(target).scrollIntoView({ behavior: "smooth", block: "start" });
  return h("button", { type: "button", class: cls, id, on: { click: go } }, text);
}

function summary(ev) {
  const t = eventType(ev.event_type);
  const corrected = correctedFields(ev);
  const sources = ev.source_count || 1;
  return h("div", { class: "event-summary" },
    h("p", { class: "kicker" }, h("span", { class: ["badge", `et-${t.key}`] }, ev.event_type), " ",
      h("span", { id: "event-tlp" }, tlpBadge(ev.tlp))),
    h("h1", { id: "event-title" }, ev.sub_event_type, h("span", { class: "muted" }, ` · ${ev.location || "unknown place"}`)),
    h("p", { class: "event-facts" },
      h("span", { id: "event-date" }, fmtDate(ev.event_date)),
      h("span", { id: "event-fatalities" }, plural(ev.fatalities || 0, "fatality", "fatalities")),
      h("span", { id: "event-sources" }, sources > 1 ? jump("sources-card", `${plural(sources, "report")} of this incident`, "linklike") : "1 report"),
      h("span", null, `confidence ${Math.round((ev.confidence || 0) * 100)}%`),
      h("span", { class: "event-origin", id: "event-origin" }, "origin: ", originTag(ev.org))),
    ev.notes ? h("p", { class: "notes" }, ev.notes) : null,
    h("p", { class: "summary-actions" },
      corrected.size ? h("span", { class: "pill pill-on", title: "an analyst's correction is in force" },
        `corrected: ${[...corrected].map((f) => fieldLabel(f).toLowerCase()).join(", ")}`) : null,
      mayCorrect(ev) ? jump("correct-event", "✎ Correct this event", "btn btn-small", "go-correct") : null,
      mayShare(ev) ? jump("share-card", "Share…", "btn btn-small", "go-share") : null));
}

/** Corrections and shares are the owner's (analyst or admin); the API refuses others (403). */
function mayCorrect(ev) {
  return can("analyst") && owns(ev);
}

const mayShare = mayCorrect;

/** The event's shares in force (the event's own, and its report's). */
async function sharesOf(ev) {
  if (!mayShare(ev)) return [];
  const all = await api.get("shares").catch(() => []);
  return all.filter((s) => s.org === myOrg() && !s.withdrawn_at &&
    ((s.kind === "event" && s.target === ev.id) || (s.kind === "document" && s.target === ev.document_id)));
}

/**
 * The evidence sentences alone, as one text (in report order, "[…]" between them), and
 * the event with its evidence offsets moved onto that text: for an event shared without
 * its report, whose full text the user may not read.
 */
export function excerptOf(ev) {
  const SEP = "\n[…]\n";
  const starts = new Map();
  let text = "";
  const sentences = [...new Map((ev.evidence || []).filter((e) => e.sentence).map((e) => [e.sentence_start, e.sentence])).entries()]
    .sort((a, b) => a[0] - b[0]);
  for (const [at, sentence] of sentences) {
    if (text) text += SEP;
    starts.set(at, text.length);
    text += sentence;
  }
  const evidence = (ev.evidence || []).filter((e) => starts.has(e.sentence_start)).map((e) => {
    const base = starts.get(e.sentence_start);
    return { ...e, start: base + e.start - e.sentence_start, end: base + e.end - e.sentence_start, sentence_start: base };
  });
  return { text, ev: { ...ev, evidence } };
}

/** Tag the coded fields an analyst corrected in the evidence list. */
function tagCorrected(root, ev) {
  const shown = { sub_event_type: "event_type", admin1: "location", notes: null };
  for (const field of correctedFields(ev)) {
    const name = field in shown ? shown[field] : field;
    const button = name && root.querySelector(`li.field-row[data-field="${name}"] .field-btn`);
    if (button && !button.querySelector(".tag-corrected")) button.append(h("span", { class: "tag-corrected" }, "corrected"));
  }
}

/** How the audit log names events: this one, and the other reports by their titles. */
function eventNames(ev) {
  const names = new Map((ev.sources || []).map((src) => [src.event_id, `“${(src.document && src.document.title) || "another report"}”`]));
  names.set(ev.id, "this event");
  return names;
}

/**
 * The event, its report text (null when the report is not shared with the user: the
 * event has no document, or the API answers 404), an error to show instead of the text,
 * and the shares of the event the user may withdraw.
 */
async function fetchEvent(id) {
  const ev = await api.get(`events/${encodeURIComponent(id)}`);
  const shares = await sharesOf(ev);
  if (!ev.document) return { ev, text: null, docError: null, shares };
  try {
    const doc = await api.get(`documents/${encodeURIComponent(ev.document_id)}`);
    return { ev, text: doc.text, docError: null, shares };
  } catch (err) {
    return { ev, text: null, docError: err.status === 404 ? null : err, shares };
  }
}

/** The evidence card's body: the report with highlights, or the sentences alone. */
function evidenceBody(ev, text, docError) {
  if (text !== null) return [documentMeta(ev.document), evidenceView(ev, text)];
  if (docError) return [documentMeta(ev.document), notice("warn", `The report text could not be loaded: ${docError.message}`, docError.fix)];
  const excerpt = excerptOf(ev);
  return [
    documentMeta(ev.document),
    h("div", { class: "notice notice-info", id: "report-not-shared", role: "status" },
      h("p", null, `${orgName(ev.org)} shares this event with your organisation, not its report: below are the evidence sentences only.`)),
    excerpt.text ? evidenceView(excerpt.ev, excerpt.text) : h("p", { class: "empty" }, "This event has no evidence sentences."),
  ];
}

// A message from the share card, shown once after the page reloads.
let shareFlash = null;

/** The page of an event that is not (or no longer) in the store; its corrections if any. */
async function missing(root, id, err, ctx) {
  const log = err.status === 404 ? await correctionsOf(id) : [];
  const removed = log.some((c) => c.action === "not_event" && c.in_force);
  const message = removed
    ? "An analyst marked this as not an event, so it is no longer in the store. Revert the correction below to bring it back."
    : err.status === 404 ? `There is no event ${id} in this store.` : `The event could not be loaded: ${err.message}`;
  clear(root).append(h("div", null,
    h("p", { class: "crumbs" }, link("#/explore", "← All events")),
    outcome(ctx.flash),
    notice(removed ? "info" : "error", message, removed ? null : lookHint(err, "#/explore", "the events")),
    log.length ? auditCard("Corrections of this event", log, { id: "event-corrections", onDone: ctx.reload, names: new Map([[id, "this event"]]) }) : null));
}

function render(root, { ev, text, docError, shares }, ctx) {
  const mapEl = h("div", { class: "map map-small", id: "event-map" });
  fill(root,
    h("p", { class: "crumbs" }, link("#/explore", "← All events")),
    h("div", { class: "event-top" }, card(null, summary(ev)), h("section", { class: "card card-map-small" }, mapEl)),
    card(text !== null || docError ? "Evidence in the source report" : "Evidence (sentences shared with you)",
      evidenceBody(ev, text, docError)),
    h("section", { class: "card", id: "sources-card" },
      h("div", { class: "card-head" }, h("h2", { class: "card-title" }, "Other reports of this incident"),
        h("span", { class: "muted" }, "linked by rasd's de-duplication or an analyst")),
      sourcesList(ev)),
    mayShare(ev) ? shareCard(ev, shares, takeShareFlash(), (flash) => { shareFlash = flash; ctx.reload(null); }) : null,
    mayCorrect(ev) ? h("section", { class: "card card-correct", id: "correct-event" },
      h("div", { class: "card-head" }, h("h2", { class: "card-title" }, "Correct this event"),
        h("span", { class: "muted" }, "kept in the audit log; survives re-processing; can be reverted")),
      eventCorrectionPanel(ev, ctx)) : null,
    auditCard("Corrections of this event", ev.corrections || [], { id: "event-corrections", onDone: ctx.reload, names: eventNames(ev) }));
  tagCorrected(root, ev);
  const mini = createMap(mapEl, { minimal: true });
  if (!mini.show([ev])) mapEl.append(h("p", { class: "map-empty" }, "No coordinates for this event."));
  return mini;
}

function takeShareFlash() {
  const flash = shareFlash;
  shareFlash = null;
  return flash;
}

export function mount(root, route) {
  const fetchView = async (ctx) => {
    try {
      const data = await fetchEvent(route.arg);
      return (page) => render(page, data, ctx);
    } catch (err) {
      return (page) => missing(page, route.arg, err, ctx);
    }
  };
  return mountReloadable(root, "event-page", "Loading the event…", fetchView, takeFlash());
}
