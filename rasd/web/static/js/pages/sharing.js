// Sharing: what your organisation shares with partners (withdrawn shares too, with a
// Withdraw button on those in force) and what partners share with it (GET /api/shares).
import { api } from "../api.js";
import { h, card, clear, fill, fmtDate, link, notice } from "../dom.js";
import { routeHref } from "../router.js";
import { can, myOrg, orgName } from "../session.js";
import { feedRoute, feedText, withdrawShare } from "../sharing.js";
import { originTag } from "../tlp.js";

const KIND_LABELS = { event: "Event", document: "Report", feed: "Feed" };

function shortId(id) {
  return id && id.length > 14 ? `${id.slice(0, 12)}…` : id || "?";
}

/** What a share shows: a link to the event, the report's events, or the feed's filters. */
function whatOf(share) {
  if (share.kind === "event") {
    const cell = h("span", { class: "share-what" }, link(routeHref("event", share.target), `event ${shortId(share.target)}`, "id-link"));
    if (!share.withdrawn_at) describeEvent(cell, share.target);
    return cell;
  }
  if (share.kind === "document") {
    const cell = h("span", { class: "share-what" }, h("span", { class: "id-link" }, `report ${shortId(share.target)}`));
    if (!share.withdrawn_at) describeDocument(cell, share.target);
    return cell;
  }
  return h("span", { class: "share-what" }, feedText(share.query), " ",
    share.withdrawn_at ? null : link(feedRoute(share.query), "open in Explore →", "feed-link"));
}

/** Replace an event's id by its sub-event type, place and date, when it can be read. */
async function describeEvent(cell, id) {
  try {
    const ev = await api.get(`events/${encodeURIComponent(id)}`);
    fill(cell, link(routeHref("event", id), `${ev.sub_event_type} · ${ev.location || "?"} · ${fmtDate(ev.event_date)}`));
  } catch {
    // not visible (any more): the id stays
  }
}

/** Replace a report's id by its title and links to its events, when it can be read. */
async function describeDocument(cell, id) {
  try {
    const doc = await api.get(`documents/${encodeURIComponent(id)}`);
    fill(cell, h("span", { class: "share-doc-title" }, doc.title || "(untitled report)"),
      ...(doc.event_ids || []).map((e, i) => [i ? ", " : " — ", link(routeHref("event", e), `event ${i + 1}`)]));
  } catch {
    // not visible (any more): the id stays
  }
}

function status(share) {
  return share.withdrawn_at
    ? h("span", { class: "pill pill-off" }, `withdrawn ${fmtDate(share.withdrawn_at)}`)
    : h("span", { class: "pill pill-on" }, "in force");
}

function withdrawButton(share, reload) {
  if (share.withdrawn_at || !can("analyst")) return null;
  const b = h("button", { type: "button", class: "btn btn-small withdraw-btn", dataset: { shareId: String(share.id) } }, "Withdraw");
  b.addEventListener("click", async () => {
    b.disabled = true;
    try {
      await withdrawShare(share.id);
      reload({ kind: "ok", message: `Share #${share.id} withdrawn: ${orgName(share.partner)} no longer sees it.` });
    } catch (err) {
      b.disabled = false;
      reload({ kind: "error", message: `Share #${share.id} could not be withdrawn: ${err.message}`, fix: err.fix });
    }
  });
  return b;
}

function table(id, headers, rows, empty) {
  if (!rows.length) return h("p", { class: "empty", id }, empty);
  return h("div", { class: "table-wrap" }, h("table", { class: "plain shares", id },
    h("thead", null, h("tr", null, ...headers.map((t) => h("th", null, t)))), h("tbody", null, ...rows)));
}

function outgoing(shares, reload) {
  const rows = shares.map((s) => h("tr", { class: ["share-row", s.withdrawn_at ? "is-undone" : null], dataset: { shareId: String(s.id), kind: s.kind, partner: s.partner } },
    h("td", null, KIND_LABELS[s.kind] || s.kind), h("td", null, whatOf(s)),
    h("td", { class: "share-partner" }, originTag(s.partner)), h("td", null, s.name || "—"),
    h("td", { class: "nowrap" }, fmtDate(s.created_at)), h("td", null, status(s)), h("td", { class: "audit-act" }, withdrawButton(s, reload))));
  return table("shares-out", ["Kind", "What", "Shared with", "Name", "Since", "Status", ""], rows,
    "Your organisation shares nothing with partners yet. Share from an event's page, or share a feed from Explore.");
}

function incoming(shares) {
  const rows = shares.map((s) => h("tr", { class: "share-row", dataset: { shareId: String(s.id), kind: s.kind, org: s.org } },
    h("td", null, KIND_LABELS[s.kind] || s.kind), h("td", null, whatOf(s)),
    h("td", { class: "share-from" }, originTag(s.org)), h("td", null, s.name || "—"), h("td", { class: "nowrap" }, fmtDate(s.created_at))));
  return table("shares-in", ["Kind", "What", "From", "Name", "Since"], rows, "No partner shares anything with your organisation.");
}

export function mount(root) {
  const body = h("div", { id: "sharing-body" }, h("p", { class: "loading" }, "Loading the shares…"));
  root.append(h("div", { class: "page", id: "sharing-page" },
    h("div", { class: "page-head" }, h("div", null, h("h1", null, "Sharing"),
      h("p", { class: "lede" }, "What your organisation shows to partner organisations, and what they show to yours. A withdrawn share stops at once."))),
    body));
  const load = async (flash) => {
    let all;
    try {
      all = await api.get("shares");
    } catch (err) {
      clear(body).append(notice("error", `The shares could not be loaded: ${err.message}`, err.fix));
      return;
    }
    const mine = all.filter((s) => s.org === myOrg()).sort((a, b) => b.id - a.id);
    const theirs = all.filter((s) => s.org !== myOrg()).sort((a, b) => b.id - a.id);
    fill(body,
      flash ? h("div", { id: "sharing-result" }, notice(flash.kind, flash.message, flash.fix)) : null,
      card("Shared by your organisation", outgoing(mine, load)),
      card("Shared with your organisation", incoming(theirs)));
  };
  load(null);
}
