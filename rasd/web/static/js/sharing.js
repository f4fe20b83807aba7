// Sharing with partner organisations (POST /api/shares, POST /api/shares/{id}/withdraw):
// the share controls of the event page and of the explore page, and a share in words.
// Only the owner shares its own items (the API checks it: 403/404 otherwise).
import { api } from "./api.js";
import { h, clear, fmtDate, notice } from "./dom.js";
import { routeHref } from "./router.js";
import { orgName, owns, partners } from "./session.js";

/** A <select> of the other organisations (the sharing partners). */
export function partnerSelect(id) {
  return h("select", { id, name: "partner" },
    h("option", { value: "" }, "Choose an organisation…"),
    ...partners().map((o) => h("option", { value: o.id }, o.name)));
}

function labelled(text, control, cls) {
  return h("label", { class: ["field", cls] }, h("span", { class: "field-label" }, text), control);
}

/** POST /api/shares; the answer, or throws ApiError. */
export function createShare(body) {
  return api.postJson("shares", null, body);
}

/** POST /api/shares/{id}/withdraw. */
export function withdrawShare(id) {
  return api.postJson(`shares/${encodeURIComponent(id)}/withdraw`, null, {});
}

const KIND_WORDS = { event: "this event", document: "its report (full text and all its events)", feed: "a feed" };

function shareItem(share, onChanged) {
  const withdraw = h("button", { type: "button", class: "btn btn-small withdraw-btn", dataset: { shareId: String(share.id) } }, "Withdraw");
  withdraw.addEventListener("click", async () => {
    withdraw.disabled = true;
    try {
      await withdrawShare(share.id);
      onChanged({ kind: "ok", message: `Withdrawn: ${orgName(share.partner)} no longer sees ${KIND_WORDS[share.kind]}.` });
    } catch (err) {
      withdraw.disabled = false;
      onChanged({ kind: "error", message: `The share could not be withdrawn: ${err.message}`, fix: err.fix });
    }
  });
  return h("li", { class: "share-item", dataset: { shareId: String(share.id), kind: share.kind, partner: share.partner } },
    h("span", null, share.kind === "event" ? "Event" : "Report", " shared with ", h("strong", { class: "share-partner" }, orgName(share.partner)),
      h("span", { class: "muted" }, ` since ${fmtDate(share.created_at)}`), share.name ? h("span", { class: "muted" }, ` · ${share.name}`) : null),
    " ", withdraw);
}

/** The partner choice, the note and the share buttons of the share card. */
function shareForm(ev, result, onChanged) {
  const partner = partnerSelect("share-partner");
  const note = h("input", { type: "text", id: "share-name", name: "name", maxlength: "255", placeholder: "optional: why, or a reference" });
  const send = async (kind, target, button) => {
    if (!partner.value) {
      clear(result).append(notice("error", "Choose the organisation to share with."));
      partner.focus();
      return;
    }
    button.disabled = true;
    try {
      await createShare({ partner: partner.value, kind, target, name: note.value.trim() });
      onChanged({ kind: "ok", message: `Shared ${KIND_WORDS[kind]} with ${orgName(partner.value)}.` });
    } catch (err) {
      button.disabled = false;
      clear(result).append(notice("error", `The share was refused: ${err.message}`, err.fix));
    }
  };
  const button = (id, text, kind, target) => {
    const b = h("button", { type: "button", class: "btn", id }, text);
    b.addEventListener("click", () => send(kind, target, b));
    return b;
  };
  const reportOwned = ev.document && owns(ev.document);
  return h("div", { class: "share-form" },
    labelled("Partner organisation", partner), labelled("Note (optional)", note, "field-grow"),
    h("div", { class: "form-actions" }, button("share-event", "Share this event", "event", ev.id),
      reportOwned ? button("share-report", "Share the report", "document", ev.document_id) : null));
}

/**
 * The "Share" card of an event the user's organisation owns: a partner, then Share this
 * event / Share the report; the shares in force with a Withdraw button each.
 * onChanged(flash) reloads the page with a message.
 */
export function shareCard(ev, shares, flash, onChanged) {
  const result = h("div", { id: "share-result", "aria-live": "polite" }, flash ? notice(flash.kind, flash.message, flash.fix) : null);
  const form = partners().length
    ? shareForm(ev, result, onChanged)
    : h("p", { class: "muted" }, "There is no other organisation on this rasd instance to share with.");
  return h("section", { class: "card card-share", id: "share-card" },
    h("div", { class: "card-head" }, h("h2", { class: "card-title" }, "Share"),
      h("span", { class: "muted" }, "the partner sees it until you withdraw it")),
    h("p", { class: "hint" }, "Sharing the event shows it with its evidence sentences; sharing the report also shows its full text and all its events.",
      ev.tlp === "RED" ? " This event is TLP:RED: share it only with the named recipients who need it." : ""),
    form, result,
    shares.length ? h("ul", { class: "share-list", id: "share-list" }, ...shares.map((s) => shareItem(s, onChanged)))
      : h("p", { class: "muted", id: "share-list-empty" }, "Not shared with any organisation."));
}

// The event filters a standing feed keeps (the API's ShareIn fields).
const FEED_KEYS = ["since", "until", "event_type", "sub_event_type", "actor", "country", "admin1", "admin2", "q", "person"];

/** The explore filters a feed keeps (distinct is a display choice, not a filter). */
export function feedFilters(filters) {
  const out = {};
  for (const key of FEED_KEYS) if (filters[key] !== undefined) out[key] = filters[key];
  return out;
}

/**
 * "Share these filters as a feed…": a button opening a small form (partner, name);
 * the feed shows the partner your AMBER and AMBER+STRICT events matching the filters,
 * now and later. filters() gives the current explore filters.
 */
export function feedShare(filters) {
  const partner = partnerSelect("feed-partner");
  const name = h("input", { type: "text", id: "feed-name", maxlength: "255", placeholder: "e.g. Kirkuk battles" });
  const result = h("div", { id: "feed-result", "aria-live": "polite" });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-small", id: "feed-submit" }, "Share the feed");
  const form = h("form", { class: "feed-form", id: "feed-form", hidden: true, novalidate: true },
    h("p", { class: "hint" }, "The partner will see your organisation's TLP:AMBER and AMBER+STRICT events that match these filters, now and later (never RED), until you withdraw the feed."),
    h("div", { class: "form-line" }, labelled("Partner organisation", partner), labelled("Feed name", name, "field-grow"),
      h("div", { class: "form-actions" }, submit)), result);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!partner.value) {
      clear(result).append(notice("error", "Choose the organisation to share with."));
      return;
    }
    submit.disabled = true;
    try {
      const share = await createShare({ partner: partner.value, kind: "feed", name: name.value.trim(), ...feedFilters(filters()) });
      clear(result).append(notice("ok", `Feed #${share.id} shared with ${orgName(share.partner)}: ${feedText(share.query)}.`));
    } catch (err) {
      clear(result).append(notice("error", `The feed was refused: ${err.message}`, err.fix));
    } finally {
      submit.disabled = false;
    }
  });
  const open = h("button", { type: "button", class: "btn btn-small", id: "share-feed-btn", "aria-expanded": "false" }, "Share these filters as a feed…");
  open.addEventListener("click", () => {
    form.hidden = !form.hidden;
    open.setAttribute("aria-expanded", String(!form.hidden));
  });
  return { button: open, form };
}

// The saved query of a feed (rasd.store.visibility FEED_FILTERS) -> explore's URL filters.
const QUERY_TO_URL = { event_types: "event_type", sub_event_types: "sub_event_type", text: "q" };

/** A feed's saved filters in words ("event types: Battles; admin1: Kirkuk"). */
export function feedText(query) {
  const parts = Object.entries(query || {}).map(([k, v]) => `${(QUERY_TO_URL[k] || k).replace(/_/g, " ")}: ${Array.isArray(v) ? v.join(", ") : v}`);
  return parts.length ? parts.join("; ") : "all AMBER and AMBER+STRICT events";
}

/** The explore page showing a feed's filters. */
export function feedRoute(query) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) {
    if (k === "bbox") continue;
    for (const one of Array.isArray(v) ? v : [v]) params.append(QUERY_TO_URL[k] || k, String(one));
  }
  return routeHref("explore", "", params);
}
