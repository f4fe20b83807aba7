// Analysts' corrections (POST /api/corrections): the "who and why" inputs (the name
// is remembered in localStorage), a panel of correction forms, the audit log with
// Revert buttons, and a message that survives the page's reload or a navigation.
import { api } from "./api.js";
import { h, clear, link, notice } from "./dom.js";
import { navigate, routeHref } from "./router.js";
import { CORRECTABLE } from "./taxonomy.js";
import { authOff, can, current } from "./session.js";

const ANALYST_KEY = "rasd.analyst";

function rememberedAnalyst() {
  try {
    return localStorage.getItem(ANALYST_KEY) || "";
  } catch {
    return "";
  }
}

function rememberAnalyst(name) {
  try {
    localStorage.setItem(ANALYST_KEY, name);
  } catch {
    // storage disabled: the name is simply asked again next time
  }
}

/** A mistake the analyst can fix before anything is sent. */
export class FormProblem extends Error {}

/** Name and reason inputs; read() gives {analyst, reason} or throws a FormProblem. */
function whoWhy(prefix) {
  // Signed in, the API records the user's name whatever is sent: show it, fixed.
  const me = current();
  const fixed = me && !authOff() ? me.user.username : null;
  const analyst = h("input", { type: "text", id: `${prefix}-analyst`, name: "analyst", value: fixed ?? rememberedAnalyst(),
    autocomplete: "name", placeholder: "who makes the correction", class: "ww-analyst", readonly: fixed !== null,
    title: fixed !== null ? "the signed-in user" : null });
  const reason = h("input", { type: "text", id: `${prefix}-reason`, name: "reason", autocomplete: "off",
    placeholder: "the source or your reasoning", class: "ww-reason" });
  const el = h("div", { class: "who-why" },
    h("label", { class: "field" }, h("span", { class: "field-label" }, "Your name"), analyst),
    h("label", { class: "field field-grow" }, h("span", { class: "field-label" }, "Reason"), reason));
  return {
    el,
    read() {
      const who = analyst.value.trim();
      const why = reason.value.trim();
      if (!who) {
        analyst.focus();
        throw new FormProblem("Give your name: every correction records who made it.");
      }
      if (!why) {
        reason.focus();
        throw new FormProblem("Give a reason: the source or the reasoning behind the correction.");
      }
      return { analyst: who, reason: why };
    },
  };
}

/** POST a correction; resolves to the recorded one. Remembers the analyst's name. */
async function sendCorrection(body) {
  const recorded = await api.postJson("corrections", null, body);
  rememberAnalyst(body.analyst);
  return recorded;
}

/** The message box for a correction's outcome: {kind: ok|error, message, fix?}. */
export function outcome(flash) {
  if (!flash) return null;
  const box = notice(flash.kind, flash.message, flash.fix);
  box.classList.add("correction-outcome");
  return box;
}

/** A FormProblem or an ApiError as a flash. */
function failure(err) {
  if (err instanceof FormProblem) return { kind: "error", message: err.message };
  return { kind: "error", message: `The correction was refused: ${err.message}`, fix: err.fix ? `Fix: ${err.fix}` : "" };
}

// A message handed to the page the app shows next (after a merge moves the analyst on).
let pending = null;
export function setFlash(flash) {
  pending = flash;
}
export function takeFlash() {
  const flash = pending;
  pending = null;
  return flash;
}

/** An event, person or actor id typed or pasted as a link ("…#/event/<id>"): the bare id. */
export function bareId(text) {
  const value = String(text || "").trim();
  const m = value.match(/#\/(?:event|person|actor)\/([^?#/]+)/);
  return m ? decodeURIComponent(m[1]) : value;
}

/** A datalist of choices [{value, label}] for an input (the input gets list=id). */
function datalist(id, choices) {
  return h("datalist", { id }, ...choices.map((c) => h("option", { value: c.value, label: c.label })));
}

/**
 * An input for the id of an event, person or actor (typed, or its address pasted), with
 * suggestions [{value, label}] (more can be appended to `list`); read() gives the bare
 * id or throws a FormProblem saying `missing`.
 */
export function idInput({ id, kind, label, choices, missing }) {
  const input = h("input", { type: "text", id, name: "other", list: `${id}-list`, autocomplete: "off",
    placeholder: `${kind === "event" || kind === "actor" ? "an" : "a"} ${kind} id, or paste the ${kind}'s address` });
  const list = datalist(`${id}-list`, choices);
  return {
    list,
    node: h("label", { class: "field field-grow" }, h("span", { class: "field-label" }, label), input, list),
    read() {
      const value = bareId(input.value);
      if (!value) {
        input.focus();
        throw new FormProblem(missing);
      }
      return value;
    },
  };
}

/**
 * The one-action panel "Same <kind> as…" of a profile: merge this person or actor into
 * another (`action`: merge_persons or merge_actors), then open the other one's page.
 * choices: [{value: id, label: name}] of the kind in the store.
 */
export function mergePanel({ kind, action, subject, name, choices, intro, undo, flash }) {
  const other = idInput({ id: `merge-${kind}`, kind, label: `The other ${kind}`,
    choices: choices.filter((c) => c.value !== subject),
    missing: `Give the id of the ${kind} to merge into (suggestions list the ${kind}s in the store).` });
  const merge = {
    key: action, label: `Same ${kind} as…`, submit: `Merge into that ${kind}`, intro,
    inputs: () => [other.node],
    build: () => ({ action, target: subject, other: other.read() }),
    done: (c) => ({ kind: "ok", message: `Correction #${c.id} recorded: ${name} is merged into this ${kind}. ${undo}` }),
  };
  return correctionPanel({ id: `${kind}-correct`, actions: [merge], flash, onDone: (next, recorded) => {
    setFlash(next);
    navigate(routeHref(kind, recorded.other));
  } });
}

// The action each panel showed last, so a reload after a correction keeps it.
const lastAction = new Map();

/**
 * A panel of correction forms. actions: [{key, label, submit, intro?, inputs?: () => Node[],
 * build: () => partial body (throws FormProblem), done: (recorded) => flash}];
 * onDone(flash, recorded) runs after the API accepted it. The panel keeps its action.
 */
export function correctionPanel({ id, actions, onDone, flash }) {
  if (!can("analyst")) {
    return h("div", { id }, outcome(flash), notice("info", "Your role can read the corrections but not make them.", "ask an admin of your organisation for the analyst role"));
  }
  const ww = whoWhy(id);
  const tabs = h("div", { class: "segmented action-tabs", role: "tablist" });
  const body = h("div", { class: "action-body" });
  const submit = h("button", { type: "submit", class: "btn btn-primary", id: `${id}-submit` });
  const result = h("div", { class: "correction-result", id: `${id}-result`, "aria-live": "polite" }, outcome(flash));
  let current = actions.find((a) => a.key === lastAction.get(id)) || actions[0];
  const choose = (action) => {
    current = action;
    lastAction.set(id, action.key);
    for (const b of tabs.children) b.classList.toggle("on", b.dataset.action === action.key);
    for (const b of tabs.children) b.setAttribute("aria-selected", String(b.dataset.action === action.key));
    const intro = action.intro ? [h("p", { class: "hint action-intro" }, action.intro)] : [];
    clear(body).append(...intro, ...(action.inputs ? action.inputs() : []));
    submit.textContent = action.submit;
  };
  for (const action of actions) {
    tabs.append(h("button", { type: "button", role: "tab", dataset: { action: action.key }, on: { click: () => choose(action) } }, action.label));
  }
  const send = async (event) => {
    event.preventDefault();
    let request;
    try {
      request = { ...current.build(), ...ww.read() };
    } catch (err) {
      if (!(err instanceof FormProblem)) throw err;
      clear(result).append(outcome(failure(err)));
      return;
    }
    submit.disabled = true;
    clear(result).append(h("p", { class: "muted" }, "Recording the correction…"));
    try {
      const recorded = await sendCorrection(request);
      await onDone(await current.done(recorded), recorded);
    } catch (err) {
      clear(result).append(outcome(failure(err)));
    } finally {
      submit.disabled = false;
    }
  };
  const form = h("form", { class: "correction-form", id, novalidate: true, on: { submit: send } },
    actions.length > 1 ? tabs : null, body, ww.el, h("div", { class: "form-actions" }, submit), result);
  choose(current);
  if (flash) requestAnimationFrame(() => result.scrollIntoView({ block: "nearest" }));
  return form;
}

// -- the audit log ----------------------------------------------------------------------------

function shortId(id) {
  return id && id.length > 14 ? `${id.slice(0, 10)}…` : id || "?";
}

function idLink(kind, id, names) {
  const name = names && names.get(id);
  if (name) return h("a", { href: routeHref(kind, id), title: `${kind} ${id}` }, name);
  return h("a", { href: routeHref(kind, id), class: "id-link", title: `${kind} ${id}` }, `${kind} ${shortId(id)}`);
}

/** A correctable field's label ("fatalities" -> "Fatalities"). */
export function fieldLabel(field) {
  const known = CORRECTABLE.find((f) => f.field === field);
  return known ? known.label : field;
}

function valueText(value) {
  if (typeof value === "object") return value.name ? `${value.name} (${value.id})` : JSON.stringify(value);
  return String(value);
}

const ACTION_NAMES = {
  set_field: "field edit", not_event: "not an event", merge_events: "same incident", split_events: "different incidents",
  merge_actors: "actor merge", merge_persons: "person merge", split_person: "mention split", revert: "revert",
};

/** What a correction does, in words; ids become links (named from `names`, id -> name, when known). */
function describeCorrection(c, names, byId) {
  const ref = (kind, id) => idLink(kind, id, names);
  switch (c.action) {
    case "set_field":
      if (c.value === null || c.value === "") return [h("strong", null, fieldLabel(c.field)), " cleared"];
      return [h("strong", null, fieldLabel(c.field)), " set to ", h("q", { class: "corr-value" }, valueText(c.value))];
    case "not_event":
      return [h("strong", null, "Not an event"), " (removed from the store)"];
    case "merge_events":
      return [h("strong", null, "Same incident"), ": ", ref("event", c.target), " and ", ref("event", c.other)];
    case "split_events":
      return [h("strong", null, "Different incidents"), ": ", ref("event", c.target), " and ", ref("event", c.other)];
    case "merge_actors":
      return [h("strong", null, "Actors merged"), ": ", ref("actor", c.target), " into ", ref("actor", c.other)];
    case "merge_persons":
      return [h("strong", null, "Persons merged"), ": ", ref("person", c.target), " into ", ref("person", c.other)];
    case "split_person":
      return [h("strong", null, "Mention split off"), ": ", ref("person", c.target), " in ", ref("event", c.other)];
    case "revert": {
      const undone = byId && byId.get(c.reverts);
      return [h("strong", null, "Revert"), ` of correction #${c.reverts}`, undone ? h("span", { class: "muted" }, ` (${ACTION_NAMES[undone.action] || undone.action})`) : null];
    }
    default:
      return [c.action];
  }
}

function when(value) {
  if (!value) return "—";
  const text = String(value);
  return `${text.slice(0, 10)} ${text.slice(11, 16)}`;
}

/**
 * A small form under a table row: a hint, who/why, Confirm and Cancel; it sends
 * build()'s correction and hands done(recorded) to onDone.
 */
export function inlineCorrection({ prefix, hint, confirm, build, done, onDone, close }) {
  const ww = whoWhy(prefix);
  const result = h("div", { class: "correction-result" });
  const button = h("button", { type: "submit", class: "btn btn-primary btn-small" }, confirm);
  const send = async (event) => {
    event.preventDefault();
    try {
      const request = { ...build(), ...ww.read() };
      button.disabled = true;
      const recorded = await sendCorrection(request);
      await onDone(await done(recorded), recorded);
    } catch (err) {
      if (!(err instanceof FormProblem) && !(err && "status" in err)) throw err;
      button.disabled = false;
      clear(result).append(outcome(failure(err)));
    }
  };
  return h("form", { class: "inline-correction", id: prefix, novalidate: true, on: { submit: send } },
    h("p", { class: "hint" }, hint), ww.el,
    h("div", { class: "form-actions" }, button, h("button", { type: "button", class: "btn btn-quiet btn-small", on: { click: close } }, "Cancel")),
    result);
}

/**
 * A button that opens a form in a table row of its own (returned after the button).
 * makeForm(close) builds the form.
 */
export function rowForm(label, cls, columns, makeForm) {
  const extra = h("tr", { class: "inline-form-row", hidden: true });
  const button = h("button", { type: "button", class: ["btn btn-small", cls] }, label);
  const close = () => {
    extra.hidden = true;
    clear(extra);
    button.disabled = false;
  };
  button.addEventListener("click", () => {
    button.disabled = true;
    clear(extra).append(h("td", { colspan: String(columns) }, makeForm(close)));
    extra.hidden = false;
    const first = extra.querySelector(".ww-reason");
    if (first) first.focus();
  });
  return { button, row: extra };
}

function auditRow(c, { onDone, names, byId }, columns) {
  const status = c.in_force ? h("span", { class: "pill pill-on" }, "in force") : h("span", { class: "pill pill-off" }, "undone");
  const undoing = c.action === "revert";
  const revert = c.in_force && can("analyst")
    ? rowForm(undoing ? "Undo revert…" : "Revert…", "revert-btn", columns, (close) => inlineCorrection({
      prefix: `revert-${c.id}`,
      hint: `Undo correction #${c.id}: the data goes back to what it was without it. The log keeps both.`,
      confirm: undoing ? "Undo the revert" : "Revert",
      build: () => ({ action: "revert", target: "", reverts: c.id }),
      done: (r) => ({ kind: "ok", message: `Correction #${c.id} is reverted (correction #${r.id}).` }),
      onDone,
      close,
    }))
    : null;
  const row = h("tr", { class: ["audit-entry", c.in_force ? null : "is-undone"], dataset: { correctionId: String(c.id), inForce: String(c.in_force), action: c.action } },
    h("td", { class: "num muted" }, `#${c.id}`),
    h("td", { class: "nowrap muted" }, when(c.created_at)),
    h("td", { class: "audit-what" }, describeCorrection(c, names, byId)),
    h("td", { class: "audit-who" }, c.analyst),
    h("td", { class: "audit-why" }, c.reason),
    h("td", null, status),
    h("td", { class: "audit-act" }, revert && revert.button));
  return revert ? [row, revert.row] : [row];
}

/** The audit log of a subject: newest first, with a Revert button on those in force. */
function auditLog(corrections, { id, onDone, names, empty = "No analyst has corrected this yet." }) {
  if (!corrections || !corrections.length) return h("p", { class: "empty", id }, empty);
  const sorted = [...corrections].sort((a, b) => b.id - a.id);
  const byId = new Map(corrections.map((c) => [c.id, c]));
  return h("div", { class: "table-wrap" }, h("table", { class: "plain audit", id },
    h("thead", null, h("tr", null, ...["#", "When", "Correction", "Analyst", "Reason", "Status", ""].map((t, i) => h("th", { class: i === 0 ? "num" : null }, t)))),
    h("tbody", null, ...sorted.flatMap((c) => auditRow(c, { onDone, names, byId }, 7)))));
}

/**
 * A profile page's data at once: GET /api/<collection>/<id> ({p} or {err}), the id's
 * corrections (log) and the collection's list (all, for suggestions and names).
 */
export async function profileData(collection, id) {
  const [got, log, all] = await Promise.all([
    api.get(`${collection}/${encodeURIComponent(id)}`).then((p) => ({ p }), (err) => ({ err })),
    correctionsOf(id),
    api.get(collection, { limit: 500 }).catch(() => []),
  ]);
  return { ...got, log, all };
}

/** GET /api/corrections?subject=id (an empty list when it cannot be read). */
export function correctionsOf(subject) {
  return api.get("corrections", { subject }).catch(() => []);
}

/** A card with the audit log of a subject, which refreshes through onDone. */
export function auditCard(title, corrections, opts) {
  return h("section", { class: "card", id: `${opts.id}-card` },
    h("div", { class: "card-head" }, h("h2", { class: "card-title" }, title),
      h("span", { class: "muted" }, "append-only: a revert is itself a correction")),
    auditLog(corrections, opts));
}

/** The fix line of a page whose id is unknown: where to look in the UI (else the API's fix). */
export function lookHint(err, route, where) {
  return err.status === 404 ? ["Look it up in ", link(route, where), "."] : err.fix;
}
