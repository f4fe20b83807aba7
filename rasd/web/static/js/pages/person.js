// Person profile (GET /api/persons/{id}): name variants, nationality, affiliations,
// roles over time, what was reported about them event by event, the places of those
// events, and the analysts' corrections (merge into another person, split a mention).
import { api } from "../api.js";
import { h, card, clear, fmtDate, fmtNumber, link, notice, plural } from "../dom.js";
import { STATUS_CLASS, bigFigure, dateFigures, roleLanes } from "../charts.js";
import { auditCard, correctionsOf, inlineCorrection, lookHint, mergePanel, outcome, profileData, rowForm, takeFlash } from "../corrections.js";
import { createMap, mountReloadable } from "../map.js";
import { routeHref } from "../router.js";
import { ACTOR_TYPES } from "../taxonomy.js";
import { can } from "../session.js";

/** Affiliations as links to the actor pages (names and types from the actor list). */
async function affiliations(ids) {
  if (!ids.length) return h("p", { class: "empty" }, "No group is reported for this person.");
  const listed = await api.get("actors", { limit: 500 }).catch(() => []);
  const byId = new Map(listed.map((a) => [a.id, a]));
  return h("ul", { class: "affiliations", id: "person-actors" }, ...ids.map((id) => {
    const a = byId.get(id);
    return h("li", { class: "affiliation" }, link(routeHref("actor", id), a ? a.name : id, "actor-link"),
      h("span", { class: "muted" }, a ? [ACTOR_TYPES[a.actor_type], a.country].filter(Boolean).join(" · ") : "actor id"));
  }));
}

function rolesTable(roles) {
  if (!roles.length) return h("p", { class: "empty" }, "No role reported.");
  return h("table", { class: "plain", id: "person-roles" },
    h("thead", null, h("tr", null, h("th", null, "Reported role"), h("th", null, "First reported"), h("th", null, "Last reported"), h("th", { class: "num" }, "Reports"))),
    h("tbody", null, ...roles.map((r) => h("tr", null, h("td", null, r.role || "—"), h("td", { class: "nowrap" }, fmtDate(r.first_seen)),
      h("td", { class: "nowrap" }, fmtDate(r.last_seen)), h("td", { class: "num" }, String((r.document_ids || []).length))))));
}

function statusTag(status) {
  if (!status) return h("span", { class: "muted" }, "mentioned");
  return h("span", { class: ["status-tag", `s-${STATUS_CLASS[status] || "other"}`] }, status);
}

/** The person id a split-off mention got: the event's person of that name that is not this one. */
async function splitOffId(p, eventId) {
  const ev = await api.get(`events/${encodeURIComponent(eventId)}`).catch(() => null);
  const names = new Set(p.variants || [p.name]);
  const other = ev && (ev.persons || []).find((x) => x.person_id && x.person_id !== p.id && names.has(x.name));
  return other ? other.person_id : null;
}

function splitForm(p, e, onDone) {
  return (close) => inlineCorrection({
    prefix: `split-${e.event_id}`,
    hint: `The person named in this event (${fmtDate(e.event_date)}, ${e.sub_event_type}, ${e.location || "?"}) is someone else: the mention leaves ${p.name} and becomes a person of its own.`,
    confirm: "Split off this mention",
    build: () => ({ action: "split_person", target: p.id, other: e.event_id }),
    done: async (c) => {
      const other = await splitOffId(p, e.event_id);
      return { kind: "ok", message: [`Correction #${c.id} recorded: the mention in that event is now a separate person`,
        other ? [" (", link(routeHref("person", other), "open it"), ")"] : "", "."] };
    },
    onDone,
    close,
  });
}

function eventsTable(p, onDone) {
  const events = p.events || [];
  if (!events.length) return h("p", { class: "empty", id: "person-events-empty" }, "No event names this person.");
  const sorted = [...events].sort((a, b) => String(b.event_date).localeCompare(String(a.event_date)));
  const columns = 6;
  return h("div", { class: "table-wrap" }, h("table", { class: "plain", id: "person-events" },
    h("thead", null, h("tr", null, h("th", null, "Date"), h("th", null, "Event"), h("th", null, "Reported role"),
      h("th", null, "What happened to them"), h("th", null, "Location"), h("th", null, ""))),
    h("tbody", null, ...sorted.flatMap((e) => {
      const split = can("analyst") ? rowForm("Not this person…", "split-btn", columns, splitForm(p, e, onDone)) : null;
      return [h("tr", { dataset: { eventId: e.event_id } },
        h("td", { class: "nowrap" }, fmtDate(e.event_date)),
        h("td", null, link(routeHref("event", e.event_id), e.sub_event_type || "event", "event-link")),
        h("td", null, e.role || "—"),
        h("td", null, statusTag(e.status)),
        h("td", null, e.location || "—"),
        h("td", { class: "audit-act" }, split && split.button)), split && split.row];
    }))));
}

/** "Same person as…": merge this person into another. */
function personMerge(p, persons, ctx) {
  return mergePanel({
    kind: "person", action: "merge_persons", subject: p.id, name: p.name, flash: ctx.flash,
    choices: persons.map((r) => ({ value: r.id, label: r.name })),
    intro: "Another person entry is the same individual (a spelling rasd did not match, a new kunya). This person's mentions move to the other one, here and in later reports; reverting the merge separates them again.",
    undo: "Revert the merge from the log below to separate them.",
  });
}

/** The merge in force that moved this person's mentions to another, if any. */
function mergedAway(p, log) {
  return [...log].reverse().find((c) => c.action === "merge_persons" && c.in_force && c.target === p.id) || null;
}

function mergedNotice(merge, names) {
  if (!merge) return null;
  return notice("info", ["An analyst merged this person into ", link(routeHref("person", merge.other), names.get(merge.other) || merge.other),
    ": the mentions are listed there. Revert the merge below to separate them again."]);
}

/** The colours of what happened to them, for the statuses present. */
function statusLegend(events) {
  const present = [...new Set(events.map((e) => e.status || "mentioned"))];
  return h("p", { class: "legend" }, ...present.map((st) => h("span", { class: "legend-item" },
    h("span", { class: ["status-dot", `st-${STATUS_CLASS[st] || "other"}`] }), st)));
}

function header(p, log, names) {
  const events = p.events || [];
  const dates = events.map((e) => e.event_date).filter(Boolean).sort();
  const reports = new Set(events.map((e) => e.document_id));
  return h("div", { class: "profile-head" },
    h("p", { class: "kicker" }, "Person", p.nationality ? ` · ${p.nationality}` : ""),
    h("h1", { id: "profile-name" }, p.name),
    (p.variants || []).filter((v) => v !== p.name).length
      ? h("p", { class: "muted", id: "person-variants" }, "Also written: ", p.variants.filter((v) => v !== p.name).join(" · ")) : null,
    h("div", { class: "big-figures" },
      bigFigure(fmtNumber(events.length), events.length === 1 ? "event" : "events"),
      bigFigure(fmtNumber(reports.size), reports.size === 1 ? "report" : "reports"),
      bigFigure(fmtNumber((p.roles || []).length), (p.roles || []).length === 1 ? "role" : "roles"),
      ...dateFigures(dates[0], dates[dates.length - 1], "reported")),
    mergedNotice(mergedAway(p, log), names));
}

async function missing(root, id, err, ctx) {
  const log = err.status === 404 ? await correctionsOf(id) : [];
  clear(root).append(h("div", null, h("p", { class: "crumbs" }, link("#/persons", "← All persons")), outcome(ctx.flash),
    notice(err.status === 404 ? "info" : "error", err.status === 404 ? `There is no person ${id} in this store.` : `The person could not be loaded: ${err.message}`, lookHint(err, "#/persons", "the person list")),
    log.length ? auditCard("Corrections of this person", log, { id: "person-corrections", onDone: ctx.reload }) : null));
}

function render(root, { p, log, persons, names }, ctx) {
  const mapEl = h("div", { class: "map map-small", id: "person-map" });
  const groups = h("div", null, h("p", { class: "loading" }, "…"));
  const audit = { id: "person-corrections", onDone: ctx.reload, names };
  clear(root).append(
    h("p", { class: "crumbs" }, link("#/persons", "← All persons")),
    card(null, header(p, log, names)),
    h("div", { class: "grid-2" },
      card("Roles over time", roleLanes(p.roles || [], p.events || []), statusLegend(p.events || []), rolesTable(p.roles || [])),
      h("div", null, card("Affiliations", groups), card("Places", mapEl))),
    h("section", { class: "card", id: "person-events-card" },
      h("div", { class: "card-head" }, h("h2", { class: "card-title" }, "What was reported about them"),
        h("span", { class: "muted" }, `${plural((p.events || []).length, "event")}; each links to its evidence`)),
      eventsTable(p, ctx.reload)),
    mergedAway(p, log) ? null : h("section", { class: "card card-correct", id: "correct-person" },
      h("div", { class: "card-head" }, h("h2", { class: "card-title" }, "Correct this person"),
        h("span", { class: "muted" }, "to split one mention off, use “Not this person…” on its event above")),
      personMerge(p, persons, ctx)),
    auditCard("Corrections of this person", log, audit));
  affiliations(p.actor_ids || []).then((node) => clear(groups).append(node));
  const m = createMap(mapEl, { minimal: true });
  api.get("places", { person: p.name }).then((places) => m.showPlaces(places)).catch(() => {});
  return m;
}

/** Names of the persons a log mentions: from the list, else their own profiles (a few). */
async function personNames(persons, log) {
  const names = new Map(persons.map((r) => [r.id, r.name]));
  const unknown = [...new Set(log.flatMap((c) => (c.action === "merge_persons" ? [c.target, c.other] : [c.target])))]
    .filter((id) => id && id.startsWith("p-") && !names.has(id)).slice(0, 10);
  const found = await Promise.all(unknown.map((id) => api.get(`persons/${encodeURIComponent(id)}`).catch(() => null)));
  for (const q of found) if (q) names.set(q.id, q.name);
  return names;
}

export function mount(root, route) {
  const id = route.arg;
  const fetchView = async (ctx) => {
    const { p, err, log, all } = await profileData("persons", id);
    if (err) return (page) => missing(page, id, err, ctx);
    const names = await personNames(all, log);
    names.set(p.id, p.name);
    return (page) => render(page, { p, log, persons: all, names }, ctx);
  };
  return mountReloadable(root, "person-page", "Loading the person…", fetchView, takeFlash());
}
