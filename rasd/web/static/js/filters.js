// The event filters shared by the map, the timeline and the table, read from and
// written to the URL (see router.js). Names follow the API's filter parameters.
import { h, debounce } from "./dom.js";
import { EVENT_TYPES } from "./taxonomy.js";

export const FILTER_KEYS = [
  "since", "until", "event_type", "sub_event_type", "actor", "person",
  "country", "admin1", "admin2", "q", "distinct",
];
const MULTI = new Set(["event_type", "sub_event_type"]);

/** The API filters in URL params, as an object (repeatable keys become arrays). */
export function filtersOf(params, { without = [] } = {}) {
  const out = {};
  for (const key of FILTER_KEYS) {
    if (without.includes(key)) continue;
    const values = params.getAll(key).filter((v) => v !== "");
    if (!values.length) continue;
    out[key] = MULTI.has(key) ? values : values[0];
  }
  return out;
}

/** A string that changes exactly when the filters change. */
export function filterSignature(params, options) {
  return JSON.stringify(filtersOf(params, options));
}

/** Copy params with some keys set (null/"" deletes; arrays repeat); table paging is reset. */
export function withParams(params, changes, { keepPage = false } = {}) {
  const next = new URLSearchParams(params);
  for (const [key, value] of Object.entries(changes)) {
    next.delete(key);
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) if (v !== null && v !== undefined && v !== "") next.append(key, v);
  }
  if (!keepPage) next.delete("cur");
  return next;
}

function labelled(text, control) {
  return h("label", { class: "field" }, h("span", { class: "field-label" }, text), control);
}

function select(name, current, options, allLabel) {
  const el = h("select", { name, id: `filter-${name}` }, h("option", { value: "" }, allLabel));
  for (const opt of options) {
    const o = h("option", { value: opt.value }, opt.label);
    if (opt.value === current) o.selected = true;
    el.append(o);
  }
  if (current && !options.some((o) => o.value === current)) {
    const o = h("option", { value: current }, current);
    o.selected = true;
    el.append(o);
  }
  return el;
}

function typeChips(params, onChange) {
  const active = new Set(params.getAll("event_type"));
  const chips = EVENT_TYPES.map((t) => {
    const on = active.has(t.name);
    return h("button", {
      type: "button",
      class: ["chip", `et-${t.key}`, on ? "on" : null, active.size && !on ? "off" : null],
      "aria-pressed": on ? "true" : "false",
      dataset: { eventType: t.name },
      title: on ? `Showing ${t.name}; click to remove` : `Show only ${t.name} (click more to add)`,
      on: {
        click: () => {
          const next = new Set(active);
          if (next.has(t.name)) next.delete(t.name);
          else next.add(t.name);
          onChange({ event_type: [...next] });
        },
      },
    }, h("span", { class: "dot" }), t.name);
  });
  return h("div", { class: "chips", role: "group", "aria-label": "Event types" }, ...chips);
}

/**
 * The filter bar. `options` = {admin1: [{value,label}], actors: [{value,label}]};
 * onChange(changes) receives {key: value} to apply to the URL.
 */
export function filterBar(params, options, onChange) {
  const q = h("input", {
    type: "search", name: "q", id: "filter-q", value: params.get("q") || "",
    placeholder: "Search notes, places, actors, evidence…", autocomplete: "off",
  });
  const typed = debounce(() => onChange({ q: q.value.trim() }, { replace: true }), 500);
  q.addEventListener("input", typed);
  q.addEventListener("keydown", (e) => { if (e.key === "Enter") onChange({ q: q.value.trim() }); });

  const since = h("input", { type: "date", name: "since", id: "filter-since", value: params.get("since") || "" });
  const until = h("input", { type: "date", name: "until", id: "filter-until", value: params.get("until") || "" });
  since.addEventListener("change", () => onChange({ since: since.value }));
  until.addEventListener("change", () => onChange({ until: until.value }));

  const admin1 = select("admin1", params.get("admin1") || "", options.admin1 || [], "All regions");
  admin1.addEventListener("change", () => onChange({ admin1: admin1.value }));

  const actor = h("input", {
    type: "text", name: "actor", id: "filter-actor", list: "actor-options",
    value: params.get("actor") || "", placeholder: "Any actor", autocomplete: "off",
  });
  const datalist = h("datalist", { id: "actor-options" },
    ...(options.actors || []).map((a) => h("option", { value: a.value }, a.label)));
  actor.addEventListener("change", () => onChange({ actor: actor.value.trim() }));

  const distinct = h("input", { type: "checkbox", name: "distinct", id: "filter-distinct", checked: params.get("distinct") === "true" });
  distinct.addEventListener("change", () => onChange({ distinct: distinct.checked ? "true" : null }));
  const distinctBox = h("label", { class: "check", title: "Show one row per incident when several reports describe it" },
    distinct, "One row per incident");

  const reset = h("button", { type: "button", class: "btn btn-quiet", id: "filter-reset" }, "Clear filters");
  reset.addEventListener("click", () => onChange(Object.fromEntries(
    [...params.keys()].filter((k) => k !== "interval" && k !== "order").map((k) => [k, null]))));

  return h("form", { class: "filterbar", role: "search", on: { submit: (e) => e.preventDefault() } },
    h("div", { class: "filter-row" },
      labelled("Search", q), labelled("From", since), labelled("To", until),
      labelled("Region (admin1)", admin1), labelled("Actor", actor), datalist,
      h("div", { class: "field field-end" }, reset)),
    h("div", { class: "filter-row2" }, typeChips(params, onChange), distinctBox));
}
