// Actor profile (GET /api/actors/{id}): incidents and reports, first and last seen,
// events over time, event types, places of operation, members with their roles,
// associated and opposing actors as a network, the actor's events, and the
// analysts' corrections (merge into another actor).
import { api } from "../api.js";
import { h, card, clear, fmtNumber, link, notice } from "../dom.js";
import { bigFigure, dateFigures, rankBars, timeBars } from "../charts.js";
import { auditCard, correctionsOf, lookHint, mergePanel, outcome, profileData, takeFlash } from "../corrections.js";
import { createMap, mountReloadable } from "../map.js";
import { networkGraph } from "../network.js";
import { routeHref } from "../router.js";
import { renderTable } from "../table.js";
import { ACTOR_TYPES, eventType } from "../taxonomy.js";

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

function header(p, log) {
  const a = p.actor;
  const merged = [...log].reverse().find((c) => c.action === "merge_actors" && c.in_force && c.other === a.id);
  return h("div", { class: "profile-head" },
    h("p", { class: "kicker" }, "Actor", a.actor_type ? ` · ${ACTOR_TYPES[a.actor_type] || "type " + a.actor_type}` : "", a.country ? ` · ${a.country}` : ""),
    h("h1", { id: "profile-name" }, a.name),
    p.aliases && p.aliases.length ? h("p", { class: "muted", id: "actor-aliases" }, "Named in reports as: ", p.aliases.join(" · ")) : null,
    h("div", { class: "big-figures", id: "actor-figures" },
      bigFigure(fmtNumber(p.event_count || 0), p.event_count === 1 ? "incident" : "incidents", "distinct incidents: one told by several reports counts once"),
      bigFigure(fmtNumber(p.report_count || 0), p.report_count === 1 ? "report" : "reports", "events as reported, every source counted"),
      ...dateFigures(p.first_seen, p.last_seen, "seen")),
    p.report_count > p.event_count
      ? h("p", { class: "figure-note" }, "Several reports tell some of these incidents; the charts count each incident once.") : null,
    merged ? h("p", { class: "figure-note" }, "Includes ", link(routeHref("actor", merged.target), merged.target),
      `, merged into this actor by ${merged.analyst} (correction #${merged.id}).`) : null);
}

function personsTable(persons) {
  if (!persons.length) return h("p", { class: "empty" }, "No named member of this actor is reported.");
  return h("table", { class: "plain", id: "actor-persons" },
    h("thead", null, h("tr", null, h("th", null, "Person"), h("th", null, "Reported roles"), h("th", { class: "num" }, "Events"))),
    h("tbody", null, ...persons.map((p) => h("tr", null,
      h("td", null, p.person_id ? link(routeHref("person", p.person_id), p.name, "person-link") : p.name),
      h("td", null, (p.roles || []).join("; ") || "—"),
      h("td", { class: "num" }, String(p.event_count || 0))))));
}

/** "Same actor as…": merge this actor into another. */
function actorMerge(p, actors, ctx) {
  return mergePanel({
    kind: "actor", action: "merge_actors", subject: p.actor.id, name: p.actor.name, flash: ctx.flash,
    choices: actors.map((a) => ({ value: a.id, label: a.name })),
    intro: "The reports name one group two ways and rasd coded two actors. Every event of this actor is re-coded with the other one, now and when reports are processed again; reverting the merge restores this actor.",
    undo: "Revert the merge from the log below to undo it.",
  });
}

async function missing(root, id, err, ctx) {
  const log = err.status === 404 ? await correctionsOf(id) : [];
  const merge = [...log].reverse().find((c) => c.action === "merge_actors" && c.in_force && c.target === id);
  const message = merge
    ? ["An analyst merged this actor into ", link(routeHref("actor", merge.other), merge.other), ": its events are listed there. Revert the merge below to restore it."]
    : err.status === 404 ? `There is no actor ${id} in this store.` : `The actor could not be loaded: ${err.message}`;
  clear(root).append(h("div", null, h("p", { class: "crumbs" }, link("#/actors", "← All actors")), outcome(ctx.flash),
    notice(merge ? "info" : "error", message, merge ? null : lookHint(err, "#/actors", "the actor list")),
    log.length ? auditCard("Corrections of this actor", log, { id: "actor-corrections", onDone: ctx.reload }) : null));
}

function render(root, { p, log, actors }, ctx, tableEl) {
  const names = new Map(actors.map((a) => [a.id, a.name]));
  const id = p.actor.id;
  const placesMap = h("div", { class: "map map-small", id: "actor-map" });
  const net = h("div", { class: "network-slot", id: "actor-network" }, h("p", { class: "loading" }, "Drawing the network…"));
  const typeEntries = Object.entries(p.by_event_type || {}).map(([k, v]) => ({ label: k, value: v, cls: `et-${eventType(k).key}` }));
  const regionEntries = Object.entries(p.by_admin1 || {}).map(([k, v]) => ({
    label: k || "(unknown)", value: v, href: routeHref("explore", "", { admin1: k, actor: id }),
  }));
  clear(root).append(
    h("p", { class: "crumbs" }, link("#/actors", "← All actors")),
    card(null, header(p, log)),
    h("div", { class: "grid-2" },
      card("Incidents over time", timeBars((p.timeline || []).map((c) => ({ period: c.key, count: c.count })))),
      card("Event types", rankBars(typeEntries))),
    h("div", { class: "grid-2" },
      card("Places of operation", placesMap, rankBars(regionEntries, { max: 8 })),
      card("Members and leaders", personsTable(p.persons || []))),
    card("Associated and opposing actors", net),
    card("Events (every report)", tableEl),
    h("section", { class: "card card-correct", id: "correct-actor" },
      h("div", { class: "card-head" }, h("h2", { class: "card-title" }, "Correct this actor"),
        h("span", { class: "muted" }, "kept in the audit log; can be reverted")),
      actorMerge(p, actors, ctx)),
    auditCard("Corrections of this actor", log, { id: "actor-corrections", onDone: ctx.reload, names }));
  const m = createMap(placesMap, { minimal: true });
  api.get("places", { actor: id }).then((places) => m.showPlaces(places)).catch(() => {});
  network(p).then(({ nodes, edges }) => clear(net).append(networkGraph(nodes, edges)));
  return m;
}

function tableChange(id, params, changes) {
  const next = new URLSearchParams(params);
  for (const [k, v] of Object.entries(changes)) { next.delete(k); if (v) next.set(k, v); }
  location.hash = routeHref("actor", id, next);
}

export function mount(root, route) {
  const id = route.arg;
  let params = route.params;
  const tableEl = h("div", { class: "table-slot", id: "table" });
  const fetchView = async (ctx) => {
    const { p, err, log, all } = await profileData("actors", id);
    if (err) return (page) => missing(page, id, err, ctx);
    return (page) => {
      const m = render(page, { p, log, actors: all }, ctx, tableEl);
      renderTable(tableEl, { actor: id }, params, (changes) => tableChange(id, params, changes));
      return m;
    };
  };
  const view = mountReloadable(root, "actor-page", "Loading the actor…", fetchView, takeFlash());
  return {
    update(r) {
      params = r.params;
      renderTable(tableEl, { actor: id }, params, (c) => tableChange(id, params, c));
    },
    unmount: view.unmount,
  };
}
