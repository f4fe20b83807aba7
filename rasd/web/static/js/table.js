// The event table: one API page at a time (cursor pagination), sorted by date on
// the server (order=event_date|-event_date) or by another column within the page.
// Paging state (a stack of cursors) and sorting live in the URL.
import { api } from "./api.js";
import { h, clear, fmtDate, fmtNumber, link, notice } from "./dom.js";
import { routeHref } from "./router.js";
import { eventType } from "./taxonomy.js";
import { TLP_LEVELS, originTag, tlpBadge } from "./tlp.js";
import { orgName } from "./session.js";

export const PAGE_SIZE = 25;

const COLUMNS = [
  { key: "event_date", label: "Date", server: true, value: (e) => e.event_date || "" },
  { key: "sub_event_type", label: "Event", value: (e) => e.sub_event_type },
  { key: "actor1", label: "Actor 1", value: (e) => (e.actor1 ? e.actor1.name : "") },
  { key: "actor2", label: "Actor 2", value: (e) => (e.actor2 ? e.actor2.name : "") },
  { key: "location", label: "Location", value: (e) => e.location || "" },
  { key: "admin1", label: "Region", value: (e) => (e.place ? e.place.admin1 : "") },
  { key: "fatalities", label: "Fatalities", numeric: true, value: (e) => e.fatalities || 0 },
  { key: "source_count", label: "Sources", numeric: true, value: (e) => e.source_count || 1 },
  { key: "tlp", label: "TLP", value: (e) => TLP_LEVELS.indexOf(e.tlp) },
  { key: "org", label: "Origin", value: (e) => orgName(e.org) },
];

function actorCell(actor) {
  if (!actor) return h("span", { class: "muted" }, "—");
  return link(routeHref("actor", actor.id), actor.name, "actor-link");
}

function row(ev) {
  const t = eventType(ev.event_type);
  const open = routeHref("event", ev.id);
  return h("tr", { dataset: { eventId: ev.id } },
    h("td", { class: "nowrap" }, fmtDate(ev.event_date)),
    h("td", null, h("a", { href: open, class: "event-link" }, h("span", { class: ["dot", `et-${t.key}`], title: ev.event_type }), ev.sub_event_type)),
    h("td", null, actorCell(ev.actor1)),
    h("td", null, actorCell(ev.actor2)),
    h("td", null, ev.location || "—"),
    h("td", null, (ev.place && ev.place.admin1) || "—"),
    h("td", { class: "num" }, fmtNumber(ev.fatalities || 0)),
    h("td", { class: "num" }, fmtNumber(ev.source_count || 1)),
    h("td", { class: "tlp-cell" }, tlpBadge(ev.tlp)),
    h("td", { class: "origin-cell" }, originTag(ev.org)));
}

function sortItems(items, sort, dir) {
  const col = COLUMNS.find((c) => c.key === sort && !c.server);
  if (!col) return items;
  const sign = dir === "desc" ? -1 : 1;
  return [...items].sort((a, b) => {
    const va = col.value(a);
    const vb = col.value(b);
    if (typeof va === "number" && typeof vb === "number") return sign * (va - vb);
    return sign * String(va).localeCompare(String(vb));
  });
}

function header(params, onChange) {
  const order = params.get("order") || "-event_date";
  const sort = params.get("sort") || "";
  const dir = params.get("dir") || "asc";
  return h("thead", null, h("tr", null, ...COLUMNS.map((c) => {
    let state = "none";
    if (c.server && !sort) state = order.startsWith("-") ? "descending" : "ascending";
    else if (sort === c.key) state = dir === "desc" ? "descending" : "ascending";
    const click = () => {
      if (c.server) onChange({ order: order.startsWith("-") && !sort ? "event_date" : "-event_date", sort: null, dir: null });
      else onChange({ sort: c.key, dir: sort === c.key && dir === "asc" ? "desc" : "asc" }, { keepPage: true });
    };
    return h("th", { class: [c.numeric ? "num" : null], "aria-sort": state, scope: "col" },
      h("button", { type: "button", class: "th-sort", dataset: { sort: c.key }, on: { click } }, c.label,
        h("span", { class: "sort-mark", "aria-hidden": "true" }, state === "ascending" ? "▲" : state === "descending" ? "▼" : "↕")));
  })));
}

/**
 * Render one page of events into `el`. filters = API filters; params = URL params
 * (order, sort, dir, cur); onChange(changes, options) updates the URL.
 */
export async function renderTable(el, filters, params, onChange) {
  // Cursors are opaque: each is URI-encoded so that "," can separate them.
  const stack = (params.get("cur") || "").split(",").filter(Boolean).map(decodeURIComponent);
  const pack = (list) => list.map(encodeURIComponent).join(",");
  const cursor = stack.length ? stack[stack.length - 1] : null;
  const order = params.get("order") || "-event_date";
  el.setAttribute("aria-busy", "true");
  const token = {};
  el.rasdToken = token; // a later call supersedes this one
  let page;
  try {
    page = await api.get("events", { ...filters, limit: PAGE_SIZE, cursor, order });
    if (el.rasdToken !== token) return null;
  } catch (err) {
    if (el.rasdToken !== token) return null;
    clear(el).append(notice("error", `The events could not be loaded: ${err.message}`, err.fix));
    el.removeAttribute("aria-busy");
    return null;
  }
  const items = sortItems(page.items, params.get("sort"), params.get("dir"));
  const first = stack.length * PAGE_SIZE + 1;
  const last = stack.length * PAGE_SIZE + page.items.length;
  const prev = h("button", { type: "button", class: "btn", id: "page-prev", disabled: stack.length ? null : true,
    on: { click: () => onChange({ cur: pack(stack.slice(0, -1)) }, { keepPage: true }) } }, "← Previous");
  const next = h("button", { type: "button", class: "btn", id: "page-next", disabled: page.next_cursor ? null : true,
    on: { click: () => onChange({ cur: pack([...stack, page.next_cursor]) }, { keepPage: true }) } }, "Next →");
  const sorted = params.get("sort") ? h("span", { class: "muted" }, " · sorted within this page") : null;
  clear(el).append(
    h("div", { class: "table-head" },
      h("p", { class: "count", id: "table-count", dataset: { total: String(page.total) } },
        page.total ? `${fmtNumber(first)}–${fmtNumber(last)} of ${fmtNumber(page.total)} events` : "No events match these filters", sorted),
      h("div", { class: "pager" }, prev, next)),
    h("div", { class: "table-wrap" },
      h("table", { class: "events", id: "events-table" }, header(params, onChange), h("tbody", null, ...items.map(row)))));
  el.removeAttribute("aria-busy");
  return page;
}
