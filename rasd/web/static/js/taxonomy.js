// ACLED event types (rasd/taxonomy.py), their colours, actor types and the labels
// and colours of coded fields. Colours live in style.css as classes (the page's
// CSP forbids inline styles); the hex values here are for SVG fills.

export const EVENT_TYPES = [
  { name: "Battles", key: "battles", color: "#d1495b" },
  { name: "Explosions/Remote violence", key: "explosions", color: "#f08c2e" },
  { name: "Violence against civilians", key: "civilians", color: "#8e44ad" },
  { name: "Protests", key: "protests", color: "#2f7ed8" },
  { name: "Riots", key: "riots", color: "#c9a227" },
  { name: "Strategic developments", key: "strategic", color: "#2a9d8f" },
];

const BY_NAME = new Map(EVENT_TYPES.map((t) => [t.name, t]));
const OTHER = { name: "Other", key: "other", color: "#6b7280" };

export function eventType(name) {
  return BY_NAME.get(name) || OTHER;
}

export const ACTOR_TYPES = {
  1: "State forces",
  2: "Rebel group",
  3: "Political militia",
  4: "Identity militia",
  5: "Rioters",
  6: "Protesters",
  7: "Civilians",
  8: "External/other forces",
};

export const TIME_PRECISION = { 1: "exact day", 2: "within a week", 3: "within a month" };
export const GEO_PRECISION = { 1: "the town itself", 2: "near a town / part of a region", 3: "region only" };

// Coded fields, in display order. `cls` selects the highlight colour in style.css.
export const FIELDS = [
  { field: "event_type", label: "Event type", cls: "f-type" },
  { field: "sub_event_type", label: "Sub-event type", cls: "f-type" },
  { field: "event_date", label: "Date", cls: "f-date" },
  { field: "location", label: "Location", cls: "f-place" },
  { field: "actor1", label: "Actor 1", cls: "f-actor1" },
  { field: "assoc_actor_1", label: "Associated actor 1", cls: "f-assoc1" },
  { field: "actor2", label: "Actor 2", cls: "f-actor2" },
  { field: "assoc_actor_2", label: "Associated actor 2", cls: "f-assoc2" },
  { field: "fatalities", label: "Fatalities", cls: "f-fatal" },
  { field: "persons", label: "Person", cls: "f-person" },
  { field: "persons.role", label: "Person's role", cls: "f-role" },
  { field: "persons.nationality", label: "Person's nationality", cls: "f-nation" },
  { field: "mention", label: "Other mention", cls: "f-mention" },
];
const FIELD_BY_NAME = new Map(FIELDS.map((f) => [f.field, f]));

export function fieldInfo(name) {
  return FIELD_BY_NAME.get(name) || { field: name, label: name, cls: "f-other" };
}

// ACLED sub-event types by event type (rasd/taxonomy.py SUB_EVENT_TYPES, codebook order).
export const SUB_EVENT_TYPES = {
  "Battles": ["Armed clash", "Government regains territory", "Non-state actor overtakes territory"],
  "Explosions/Remote violence": ["Chemical weapon", "Air/drone strike", "Suicide bomb",
    "Shelling/artillery/missile attack", "Remote explosive/landmine/IED", "Grenade"],
  "Violence against civilians": ["Sexual violence", "Attack", "Abduction/forced disappearance"],
  "Protests": ["Peaceful protest", "Protest with intervention", "Excessive force against protesters"],
  "Riots": ["Violent demonstration", "Mob violence"],
  "Strategic developments": ["Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
    "Headquarters or base established", "Looting/property destruction", "Non-violent transfer of territory", "Other"],
};

// Coded fields an analyst can correct from the event page (rasd/knowledge/corrections.py
// EDITABLE), with the input each one needs.
export const CORRECTABLE = [
  { field: "event_date", label: "Date", input: "date" },
  { field: "sub_event_type", label: "Sub-event type", input: "subtype" },
  { field: "fatalities", label: "Fatalities", input: "number" },
  { field: "location", label: "Location (place name)", input: "text" },
  { field: "admin1", label: "Region (admin1)", input: "text" },
  { field: "actor1", label: "Actor 1", input: "actor" },
  { field: "actor2", label: "Actor 2", input: "actor" },
  { field: "notes", label: "Notes", input: "textarea" },
];
