// Actor profile: events over time, event types, places of operation, linked
// persons with roles, co-occurring actors as a network, and the actor's events.
import { allEvents, api } from "../api.js";
import { h, card, clear, fmtDate, link, notice, plural } from "../dom.js";
import { rankBars, timeBars } from "../charts.js";
import { createMap } from "../map.js";
import { networkGraph } from "../network.js";
import { routeHref } from "../router.js";
import { renderTable } from "../table.js";
import { ACTOR_TYPES, eventType } from "../taxonomy.js";

/** The profile, or null with a reason when the endpoint is not there (yet). */
async function fetchProfile(id) {
  try {
    return { profile: await api.get(`actors/${encodeURIComponent(id)}`) };
  } catch (err) {
    return { error: err };
  }
}

/** Count into a Map. */
function bump(map, key, n = 1) {
  map.set(key, (map.get(key) || 0) + n);
}

/** The sides of an event: [side1 actors, side2 actors]. */
function sides(ev) {
  return [[ev.actor1, ...(ev.assoc_actor_1 || [])].filter(Boolean), [ev.actor2, ...(ev.assoc_actor_2 || [])].filter(Boolean)];
}

/**
 * A profile computed from the actor's events when /api/actors/{id} is unavailable:
 * counts by type, region and month, co-occurring actors (same side = associated,
 * other side = opposing) and the links among them, and persons tied to the actor.
 */
async function fallbackProfile(id) {
  const { items } = await allEvents({ actor: id }, 5000);
  const mine = items.filter((ev) => sides(ev).flat().some((a) => a.id === id));
  const types = new Map();
  const regions = new Map();
  const months = new Map();
  const assoc = new Map();
  const opp = new Map();
  const actors = new Map();
  const pairs = new Map();
  const persons = new Map();
  let actor = null;
  for (const ev of mine) {
    bump(types, ev.event_type);
    bump(regions, (ev.place && ev.place.admin1) || "");
    if (ev.event_date) bump(months, `${ev.event_date.slice(0, 7)}-01`);
    const [s1, s2] = sides(ev);
    const [own, other] = s1.some((a) => a.id === id) ? [s1, s2] : [s2, s1];
    actor = actor || own.find((a) => a.id === id);
    for (const a of own) if (a.id !== id) { bump(assoc, a.id); actors.set(a.id, a); }
    for (const a of other) if (a.id !== id) { bump(opp, a.id); actors.set(a.id, a); }
    const links = [
      ...own.flatMap((a) => other.map((b) => [a.id, b.id, "opposing"])),
      ...own.flatMap((a, i) => own.slice(i + 1).map((b) => [a.id, b.id, "associated"])),
      ...other.flatMap((a, i) => other.slice(i + 1).map((b) => [a.id, b.id, "associated"])),
    ];
    for (const [x, y, kind] of links) {
      if (x === y || x === id || y === id) continue;
      bump(pairs, [x < y ? x : y, x < y ? y : x, kind].join("\u0000"));
    }
    for (const p of ev.persons || []) {
      if (p.actor_id !== id) continue;
      const key = p.person_id || p.name;
      const entry = persons.get(key) || { person_id: p.person_id, name: p.name, roles: [], event_count: 0 };
      entry.event_count += 1;
      if (p.role && !entry.roles.includes(p.role)) entry.roles.push(p.role);
      persons.set(key, entry);
    }
  }
  const ranked = (m) => [...m].map(([aid, count]) => ({ actor: actors.get(aid), count })).sort((a, b) => b.count - a.count);
  const dates = mine.map((ev) => ev.event_date).filter(Boolean).sort();
  return {
    actor: actor || { id, name: id, actor_type: 0, country: "" },
    aliases: [], event_count: mine.length, first_seen: dates[0], last_seen: dates[dates.length - 1],
    by_event_type: Object.fromEntries(types), by_admin1: Object.fromEntries(regions),
    timeline: [...months].map(([period, count]) => ({ period, count })),
    persons: [...persons.values()], associated: ranked(assoc), opposing: ranked(opp),
    edges: [...pairs].map(([key, count]) => {
      const [source, target, kind] = key.split("\u0000");
      return { source, target, kind, count };
    }),
  };
}

/** Nodes and edges: the actor, its associated and opposing actors, and links among them. */
async function network(profile) {
  const center = profile.actor;
  const neighbours = [
    ...(profile.associated || []).map((a) => ({ ...a, kind: "associated" })),
    ...(profile.opposing || []).map((a) => ({ ...a, kind: "opposing" })),
  ].sort((a, b) => b.count - a.count).slice(0, 14);
  const nodes = [{ id: center.id, name: center.name, center: true }];
  const edges = [];
  for (const n of neighbours) {
    if (!nodes.some((x) => x.id === n.actor.id)) nodes.push({ id: n.actor.id, name: n.actor.name, count: n.count, kind: n.kind });
    edges.push({ source: center.id, target: n.actor.id, kind: n.kind, count: n.count });
  }
  const ids = new Set(nodes.map((n) => n.id));
  if (profile.edges) return { nodes, edges: [...edges, ...profile.edges.filter((e) => ids.has(e.source) && ids.has(e.target))] };
  // Links between the neighbours, from their own profiles (first 10).
  const others = await Promise.allSettled(neighbours.slice(0, 10).map((n) => api.get(`actors/${encodeURIComponent(n.actor.id)}`)));
  for (const r of others) {
    if (r.status !== "fulfilled") continue;
    const p = r.value;
    for (const [list, kind] of [[p.associated || [], "associated"], [p.opposing || [], "opposing"]]) {
      for (const a of list) {
        if (a.actor.id === center.id || !ids.has(a.actor.id) || p.actor.id > a.actor.id) continue;
        edges.push({ source: p.actor.id, target: a.actor.id, kind, count: a.count });
      }
    }
  }
  return { nodes, edges };
}

function header(p, warning) {
  const a = p.actor;
  return h("div", { class: "profile-head" },
    h("p", { class: "kicker" }, "Actor", a.actor_type ? ` · ${ACTOR_TYPES[a.actor_type] || "type " + a.actor_type}` : "", a.country ? ` · ${a.country}` : ""),
    h("h1", { id: "profile-name" }, a.name),
    p.aliases && p.aliases.length ? h("p", { class: "muted" }, "Also reported as: ", p.aliases.join(" · ")) : null,
    h("p", { class: "event-facts" },
      h("span", null, plural(p.event_count || 0, "event")),
      p.first_seen ? h("span", null, `first seen ${fmtDate(p.first_seen)}`) : null,
      p.last_seen ? h("span", null, `last seen ${fmtDate(p.last_seen)}`) : null),
    warning);
}

function personsTable(persons) {
  if (persons === null) return notice("info", "Linked persons are not available on this server yet.");
  if (!persons.length) return h("p", { class: "empty" }, "No named persons linked to this actor.");
  return h("table", { class: "plain", id: "actor-persons" },
    h("thead", null, h("tr", null, h("th", null, "Person"), h("th", null, "Reported roles"), h("th", { class: "num" }, "Events"))),
    h("tbody", null, ...persons.map((p) => h("tr", null,
      h("td", null, p.person_id ? link(routeHref("person", p.person_id), p.name) : p.name),
      h("td", null, (p.roles || []).join("; ") || "—"),
      h("td", { class: "num" }, String(p.event_count || 0))))));
}

async function render(root, id, params, tableEl) {
  const { profile: prof, error } = await fetchProfile(id);
  let p = prof;
  let warning = null;
  if (!p) {
    if (error.status === 404 && error.message !== "Not Found") {
      clear(root).append(notice("error", `There is no actor ${id} in this store.`, error.fix));
      return;
    }
    warning = notice("info", "This server has no actor profiles yet: the figures below are computed from the actor's events.");
    p = await fallbackProfile(id).catch(() => null);
    if (!p) { clear(root).append(notice("error", `The actor could not be loaded: ${error.message}`)); return; }
  }
  const placesMap = h("div", { class: "map map-small", id: "actor-map" });
  const net = h("div", { class: "network-slot", id: "actor-network" }, h("p", { class: "loading" }, "Drawing the network…"));
  const typeEntries = Object.entries(p.by_event_type || {}).map(([k, v]) => ({ label: k, value: v, cls: `et-${eventType(k).key}` }));
  const regionEntries = Object.entries(p.by_admin1 || {}).map(([k, v]) => ({
    label: k || "(unknown)", value: v, href: routeHref("explore", "", { admin1: k, actor: id }),
  }));
  clear(root).append(
    h("p", { class: "crumbs" }, link("#/actors", "← All actors")),
    card(null, header(p, warning)),
    h("div", { class: "grid-2" },
      card("Events over time", timeBars((p.timeline || []).map((c) => ({ period: c.period || c.key, count: c.count })))),
      card("Event types", rankBars(typeEntries))),
    h("div", { class: "grid-2" },
      card("Places of operation", placesMap, rankBars(regionEntries, { max: 8 })),
      card("Linked persons", personsTable(p.persons ?? null))),
    card("Co-occurring actors", p.associated === null ? notice("info", "Co-occurring actors are not available on this server yet.") : net),
    card("Events", tableEl));
  const m = createMap(placesMap, { minimal: true });
  api.get("places", { actor: id }).then((places) => m.showPlaces(places)).catch(() => {});
  if (p.associated !== null) network(p).then(({ nodes, edges }) => clear(net).append(networkGraph(nodes, edges)));
  renderTable(tableEl, { actor: id }, params, (changes) => tableChange(id, params, changes));
  return m;
}

function tableChange(id, params, changes) {
  const next = new URLSearchParams(params);
  for (const [k, v] of Object.entries(changes)) { next.delete(k); if (v) next.set(k, v); }
  location.hash = routeHref("actor", id, next);
}

export function mount(root, route) {
  const page = h("div", { class: "page", id: "actor-page" }, h("p", { class: "loading" }, "Loading the actor…"));
  const tableEl = h("div", { class: "table-slot", id: "table" });
  root.append(page);
  let mini = null;
  render(page, route.arg, route.params, tableEl).then((m) => { mini = m; });
  return {
    update(r) { renderTable(tableEl, { actor: r.arg }, r.params, (c) => tableChange(r.arg, r.params, c)); },
    unmount() { if (mini) mini.map.remove(); },
  };
}
