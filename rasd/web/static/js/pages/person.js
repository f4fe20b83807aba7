// Person profile: name variants, nationality, the actors they belong to, their
// reported roles over time, their events over time and the places of those events.
import { api } from "../api.js";
import { h, card, clear, fmtDate, link, notice, plural } from "../dom.js";
import { timeBars } from "../charts.js";
import { createMap, mountWithMap } from "../map.js";
import { routeHref } from "../router.js";

function monthly(events) {
  const counts = new Map();
  for (const e of events) {
    if (!e.event_date) continue;
    const period = `${String(e.event_date).slice(0, 7)}-01`;
    counts.set(period, (counts.get(period) || 0) + 1);
  }
  return [...counts].map(([period, count]) => ({ period, count }));
}

async function actorLinks(ids) {
  // Names from the actor list (one request); the id itself when the actor is not listed.
  const listed = await api.get("actors", { limit: 500 }).catch(() => []);
  const byId = new Map(listed.map((a) => [a.id, a.name]));
  const names = ids.slice(0, 10).map((id) => byId.get(id) || id);
  if (!names.length) return h("span", { class: "muted" }, "no actor recorded");
  return h("span", null, ...names.map((name, i) => [i ? " · " : "", link(routeHref("actor", ids[i]), name, "actor-link")]));
}

function rolesTable(roles) {
  if (!roles.length) return h("p", { class: "empty" }, "No role reported.");
  return h("table", { class: "plain", id: "person-roles" },
    h("thead", null, h("tr", null, h("th", null, "Reported role"), h("th", null, "First seen"), h("th", null, "Last seen"), h("th", { class: "num" }, "Reports"))),
    h("tbody", null, ...roles.map((r) => h("tr", null, h("td", null, r.role || "—"), h("td", null, fmtDate(r.first_seen)),
      h("td", null, fmtDate(r.last_seen)), h("td", { class: "num" }, String((r.document_ids || []).length))))));
}

function eventsTable(events) {
  if (!events.length) return h("p", { class: "empty" }, "No events.");
  const sorted = [...events].sort((a, b) => String(b.event_date).localeCompare(String(a.event_date)));
  return h("table", { class: "plain", id: "person-events" },
    h("thead", null, h("tr", null, h("th", null, "Date"), h("th", null, "Event"), h("th", null, "What happened to them"), h("th", null, "Location"))),
    h("tbody", null, ...sorted.map((e) => h("tr", null, h("td", { class: "nowrap" }, fmtDate(e.event_date)),
      h("td", null, link(routeHref("event", e.event_id), e.sub_event_type || "event")),
      h("td", null, e.status || "—"), h("td", null, e.location || "—")))));
}

async function render(root, id) {
  let p;
  try {
    p = await api.get(`persons/${encodeURIComponent(id)}`);
  } catch (err) {
    const msg = err.unavailable && err.message === "Not Found"
      ? "Person profiles are not available on this server yet."
      : err.status === 404 ? `There is no person ${id} in this store.` : `The person could not be loaded: ${err.message}`;
    clear(root).append(h("p", { class: "crumbs" }, link("#/persons", "← All persons")), notice(err.status === 404 ? "info" : "error", msg, err.fix));
    return null;
  }
  const mapEl = h("div", { class: "map map-small", id: "person-map" });
  const affiliations = h("span", null, "…");
  clear(root).append(
    h("p", { class: "crumbs" }, link("#/persons", "← All persons")),
    card(null, h("div", { class: "profile-head" },
      h("p", { class: "kicker" }, "Person", p.nationality ? ` · ${p.nationality}` : ""),
      h("h1", { id: "profile-name" }, p.name),
      (p.variants || []).length ? h("p", { class: "muted" }, "Also written: ", p.variants.join(" · ")) : null,
      h("p", { class: "event-facts" }, h("span", null, plural((p.events || []).length, "event")), h("span", null, "Belongs to: ", affiliations)))),
    h("div", { class: "grid-2" },
      card("Reported roles", rolesTable(p.roles || [])),
      card("Events over time", timeBars(monthly(p.events || [])))),
    h("div", { class: "grid-2" }, card("Events", eventsTable(p.events || [])), card("Places", mapEl)));
  actorLinks(p.actor_ids || []).then((node) => clear(affiliations).append(node));
  const m = createMap(mapEl, { minimal: true });
  api.get("places", { person: p.name }).then((places) => m.showPlaces(places)).catch(() => {});
  return m;
}

export function mount(root, route) {
  return mountWithMap(root, "person-page", "Loading the person…", (page) => render(page, route.arg));
}
