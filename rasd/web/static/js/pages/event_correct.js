// The "Correct this event" panel: edit a coded field, mark the event as not an event,
// or say it is the same incident as / a different incident from another event.
import { api } from "../api.js";
import { h, clear, fmtDate } from "../dom.js";
import { FormProblem, correctionPanel, fieldLabel, idInput } from "../corrections.js";
import { CORRECTABLE, SUB_EVENT_TYPES } from "../taxonomy.js";

/** The field's value on the event, as the input shows it. */
function currentValue(ev, field) {
  if (field === "actor1" || field === "actor2") return ev[field] ? ev[field].id : "";
  if (field === "admin1") return (ev.place && ev.place.admin1) || "";
  const v = ev[field];
  return v === null || v === undefined ? "" : String(v);
}

function subtypeSelect(value) {
  const select = h("select", { id: "correct-value", name: "value" });
  for (const [type, subs] of Object.entries(SUB_EVENT_TYPES)) {
    select.append(h("optgroup", { label: type }, ...subs.map((s) => h("option", { value: s, selected: s === value }, s))));
  }
  return select;
}

function valueInput(spec, value) {
  const common = { id: "correct-value", name: "value" };
  switch (spec.input) {
    case "subtype": return subtypeSelect(value);
    case "textarea": return h("textarea", { ...common, rows: "3" }, value);
    case "date": return h("input", { ...common, type: "date", value });
    case "number": return h("input", { ...common, type: "number", step: "1", value, inputmode: "numeric" });
    case "actor": return h("input", { ...common, type: "text", value, list: "actor-ids", autocomplete: "off", placeholder: "an actor id, e.g. islamic-state" });
    default: return h("input", { ...common, type: "text", value });
  }
}

const VALUE_HINTS = {
  actor: "An actor id (suggestions list the actors in the store; the knowledge base's ids work too). Empty removes the actor.",
  date: "The date the event happened (not the report's date).",
  number: "A whole number, 0 or more.",
  textarea: "Replaces the notes. Empty clears them.",
  text: "Empty clears the field.",
};

// Fields that cannot be left empty (the others are cleared by an empty value).
const REQUIRED = new Set(["event_date", "sub_event_type", "fatalities"]);

/**
 * The value sent to the API: actor ids as typed (empty: no actor), numbers as typed
 * (the API checks them), text as a JSON string (so "12" or "null" stay text).
 */
function encodeValue(spec, raw) {
  const text = spec.input === "textarea" ? raw : raw.trim();
  if (spec.input === "actor" || spec.input === "number") return text === "" ? null : text;
  return JSON.stringify(text);
}

// The field chosen last, kept when the page reloads after a correction.
let lastField = CORRECTABLE[0].field;

function fieldEditor(ev, actorChoices) {
  const select = h("select", { id: "correct-field", name: "field" },
    ...CORRECTABLE.map((f) => h("option", { value: f.field }, f.label)));
  const slot = h("div", { class: "field field-grow" });
  let input = null;
  const show = () => {
    const spec = CORRECTABLE.find((f) => f.field === select.value);
    const now = currentValue(ev, spec.field);
    input = valueInput(spec, now);
    clear(slot).append(h("span", { class: "field-label" }, "New value"), input,
      h("span", { class: "hint", id: "correct-now" }, `Now: ${now === "" ? "(empty)" : spec.input === "date" ? fmtDate(now) : now}. `, VALUE_HINTS[spec.input] || ""));
  };
  select.value = lastField;
  select.addEventListener("change", () => {
    lastField = select.value;
    show();
  });
  show();
  return {
    inputs: () => [h("div", { class: "form-line" },
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Field"), select), slot), actorChoices],
    build() {
      const spec = CORRECTABLE.find((f) => f.field === select.value);
      const value = encodeValue(spec, input.value);
      if (REQUIRED.has(spec.field) && !input.value.trim()) {
        input.focus();
        throw new FormProblem(`Give the new value of ${spec.label.toLowerCase()}.`);
      }
      return { action: "set_field", target: ev.id, field: spec.field, value };
    },
    done: (c) => ({ kind: "ok", message: `Correction #${c.id} recorded: ${fieldLabel(c.field).toLowerCase()} is now ${describeValue(c.value)}.` }),
  };
}

function describeValue(value) {
  if (value === null || value === undefined || value === "") return "empty";
  if (typeof value === "object") return value.name || JSON.stringify(value);
  return String(value);
}

/** The other event of a merge or split (suggestions [{value, label}]). */
function otherEvent(id, choices) {
  return idInput({ id, kind: "event", label: "The other event", choices,
    missing: "Give the id of the other event (its address ends with it: #/event/<id>)." });
}

function eventChoice(e) {
  return { value: e.id, label: `${fmtDate(e.event_date)} · ${e.sub_event_type} · ${e.location || "?"}` };
}

/** Events within a week of this one, for the merge suggestions (empty when unavailable). */
async function nearbyEvents(ev) {
  if (!ev.event_date) return [];
  const day = new Date(`${ev.event_date}T00:00:00Z`);
  const shift = (n) => new Date(day.getTime() + n * 86400000).toISOString().slice(0, 10);
  const page = await api.get("events", { since: shift(-7), until: shift(7), limit: 100 }).catch(() => ({ items: [] }));
  return page.items.filter((e) => e.id !== ev.id);
}

/** The panel. ctx: {flash, reload(flash)}. */
export function eventCorrectionPanel(ev, ctx) {
  const actorChoices = h("datalist", { id: "actor-ids" });
  api.get("actors", { limit: 500 }).then((actors) => actorChoices.append(
    ...actors.map((a) => h("option", { value: a.id, label: a.name })))).catch(() => {});
  const sourceIds = new Set((ev.sources || []).map((s) => s.event_id));
  const merge = otherEvent("merge-other", []);
  nearbyEvents(ev).then((items) => merge.list.append(
    ...items.filter((e) => !sourceIds.has(e.id)).map((e) => h("option", eventChoice(e)))));
  const split = otherEvent("split-other", (ev.sources || []).map((s) => ({ value: s.event_id,
    label: `${(s.document && s.document.title) || "report"} · ${fmtDate(s.document && s.document.published_at)}` })));
  const editor = fieldEditor(ev, actorChoices);
  const actions = [
    { key: "set_field", label: "Edit a field", submit: "Save the new value", ...editor },
    {
      key: "not_event", label: "Not an event", submit: "Mark as not an event",
      intro: "The report does not describe a real event here (a statement, a denial, a repeated mention, an extraction mistake). The event leaves the store, and stays out when the report is processed again; reverting the correction brings it back.",
      build: () => ({ action: "not_event", target: ev.id }),
      done: (c) => ({ kind: "ok", message: `Correction #${c.id} recorded: this is not an event; it has left the store.` }),
    },
    {
      key: "merge_events", label: "Same incident as…", submit: "Link as the same incident",
      intro: "Another report tells this same incident: both become sources of one event (one incident, several reports). Two events of one report cannot be merged.",
      inputs: () => [merge.node],
      build: () => ({ action: "merge_events", target: ev.id, other: merge.read() }),
      done: (c) => ({ kind: "ok", message: `Correction #${c.id} recorded: event ${c.other} is the same incident.` }),
    },
    {
      key: "split_events", label: "Different incident from…", submit: "Separate the incidents",
      intro: "rasd linked another report to this event by mistake: they describe different incidents. Suggestions list this incident's other reports.",
      inputs: () => [split.node],
      build: () => ({ action: "split_events", target: ev.id, other: split.read() }),
      done: (c) => ({ kind: "ok", message: `Correction #${c.id} recorded: event ${c.other} is a different incident.` }),
    },
  ];
  return correctionPanel({ id: "event-correct", actions, flash: ctx.flash, onDone: (flash) => ctx.reload(flash) });
}
