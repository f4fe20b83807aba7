// Organisation (admins): the organisation's name and default TLP (PATCH /api/orgs/me),
// its users (GET/POST /api/users, PATCH /api/users/{id}: role, disable), and its audit
// log (GET /api/audit, newest first, "More" with ?before=<last id>).
import { api } from "../api.js";
import { h, card, clear, notice } from "../dom.js";
import { can, current, loadSession } from "../session.js";
import { tlpBadge, tlpSelect } from "../tlp.js";

const ROLES = ["viewer", "analyst", "admin"];
const AUDIT_PAGE = 50;

function labelled(text, control, cls) {
  return h("label", { class: ["field", cls] }, h("span", { class: "field-label" }, text), control);
}

function roleSelect(id, value) {
  return h("select", { id, name: "role" }, ...ROLES.map((r) => h("option", { value: r, selected: r === value }, r)));
}

function show(slot, kind, message, fix) {
  clear(slot).append(notice(kind, message, fix));
}

// -- the organisation's settings ---------------------------------------------------------

function settingsCard() {
  const me = current();
  const name = h("input", { type: "text", id: "org-name", maxlength: "255", value: me.org_name });
  const tlp = tlpSelect("org-tlp", me.default_tlp);
  const save = h("button", { type: "submit", class: "btn btn-primary", id: "org-save" }, "Save");
  const result = h("div", { id: "org-result", "aria-live": "polite" });
  const form = h("form", { class: "form-line", id: "org-form", novalidate: true },
    labelled("Name", name, "field-grow"), labelled("Default marking of new reports", tlp), h("div", { class: "form-actions" }, save));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    save.disabled = true;
    try {
      const org = await api.patch("orgs/me", { name: name.value.trim() || null, default_tlp: tlp.value });
      await loadSession(); // the header shows the new name, the report form the new marking
      show(result, "ok", `Saved: ${org.name}, new reports marked TLP:${org.default_tlp}.`);
    } catch (err) {
      show(result, "error", `The organisation could not be saved: ${err.message}`, err.fix);
    } finally {
      save.disabled = false;
    }
  });
  return card("Organisation", h("p", { class: "hint" }, `Id ${me.user.org}. The default marking applies to reports added without one.`), form, result);
}

// -- users -----------------------------------------------------------------------------------

function userRow(user, reload) {
  const self = user.id === current().user.id;
  const role = roleSelect(`role-${user.id}`, user.role);
  const act = async (body, done) => {
    try {
      await api.patch(`users/${encodeURIComponent(user.id)}`, body);
      reload({ kind: "ok", message: done });
    } catch (err) {
      reload({ kind: "error", message: `${user.username} could not be changed: ${err.message}`, fix: err.fix });
    }
  };
  const setRole = h("button", { type: "button", class: "btn btn-small role-btn" }, "Change role");
  setRole.addEventListener("click", () => act({ role: role.value }, `${user.username} is now ${role.value}.`));
  const toggle = h("button", { type: "button", class: "btn btn-small disable-btn" }, user.disabled ? "Enable" : "Disable");
  toggle.addEventListener("click", () => act({ disabled: !user.disabled },
    user.disabled ? `${user.username} can sign in again.` : `${user.username} is disabled: their sessions and tokens have ended.`));
  return h("tr", { class: ["user-row", user.disabled ? "is-undone" : null], dataset: { userId: user.id, username: user.username } },
    h("td", { class: "user-name" }, user.username, self ? h("span", { class: "muted" }, " (you)") : null),
    h("td", { class: "user-role" }, self ? user.role : role),
    h("td", null, user.disabled ? h("span", { class: "pill pill-off" }, "disabled") : h("span", { class: "pill pill-ok" }, "active")),
    h("td", { class: "audit-act" }, self ? null : [setRole, " ", toggle]));
}

function addUserForm(reload) {
  const username = h("input", { type: "text", id: "new-username", autocomplete: "off", maxlength: "255" });
  const password = h("input", { type: "password", id: "new-password", autocomplete: "new-password" });
  const role = roleSelect("new-role", "viewer");
  const add = h("button", { type: "submit", class: "btn btn-primary", id: "user-add" }, "Add user");
  const form = h("form", { class: "form-line", id: "user-form", novalidate: true },
    labelled("Username", username), labelled("Password (12+ characters)", password), labelled("Role", role), h("div", { class: "form-actions" }, add));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    add.disabled = true;
    try {
      const user = await api.postJson("users", null, { username: username.value.trim(), password: password.value, role: role.value });
      reload({ kind: "ok", message: `User ${user.username} (${user.role}) added.` });
    } catch (err) {
      add.disabled = false;
      reload({ kind: "error", message: `The user could not be added: ${err.message}`, fix: err.fix }, { keepForm: true });
    }
  });
  return form;
}

function usersCard(onUsers) {
  const slot = h("div", { id: "users-body" }, h("p", { class: "loading" }, "Loading the users…"));
  const result = h("div", { id: "users-result", "aria-live": "polite" });
  const form = addUserForm((flash, opts) => load(flash, opts));
  // The message shows once the table is redrawn, so what it says is what the table shows.
  async function load(flash, { keepForm = false } = {}) {
    if (!keepForm) form.reset();
    let users;
    try {
      users = await api.get("users");
    } catch (err) {
      show(slot, "error", `The users could not be loaded: ${err.message}`, err.fix);
      if (flash) show(result, flash.kind, flash.message, flash.fix);
      onUsers([]);
      return;
    }
    onUsers(users);
    clear(slot).append(h("div", { class: "table-wrap" }, h("table", { class: "plain users", id: "users-table" },
      h("thead", null, h("tr", null, ...["User", "Role", "Status", ""].map((t) => h("th", null, t)))),
      h("tbody", null, ...users.map((u) => userRow(u, load))))));
    if (flash) show(result, flash.kind, flash.message, flash.fix);
  }
  load(null);
  return card("Users", slot, result, h("h3", { class: "subhead" }, "Add a user"), form);
}

// -- the audit log ---------------------------------------------------------------------------

function when(at) {
  return at ? `${String(at).slice(0, 10)} ${String(at).slice(11, 19)}` : "—";
}

function auditRow(a, names) {
  return h("tr", { class: "audit-row", dataset: { auditId: String(a.id), action: a.action } },
    h("td", { class: "num muted" }, `#${a.id}`), h("td", { class: "nowrap" }, when(a.at)),
    h("td", { class: "audit-user" }, a.user ? names.get(a.user) || a.user : "—"),
    h("td", null, a.action), h("td", null, a.resource),
    h("td", { class: "num" }, String(a.count)), h("td", null, a.tlp ? tlpBadge(a.tlp) : ""),
    h("td", { class: "audit-why" }, a.detail || ""));
}

function auditCard(names, usersReady) {
  const action = h("select", { id: "audit-action" }, ...["", "read", "write", "login", "logout"].map((v) => h("option", { value: v }, v || "all actions")));
  const body = h("tbody", null);
  const status = h("p", { class: "muted", id: "audit-status" });
  const more = h("button", { type: "button", class: "btn", id: "audit-more", hidden: true }, "More");
  let last = null;
  const load = async (reset) => {
    if (reset) {
      clear(body);
      last = null;
    }
    more.disabled = true;
    await usersReady; // user ids are shown as usernames
    try {
      const rows = await api.get("audit", { limit: AUDIT_PAGE, before: last, action: action.value });
      body.append(...rows.map((a) => auditRow(a, names)));
      if (rows.length) last = rows[rows.length - 1].id;
      more.hidden = rows.length < AUDIT_PAGE;
      status.textContent = body.children.length ? `${body.children.length} entries shown, newest first` : "No entries.";
    } catch (err) {
      status.textContent = `The audit log could not be loaded: ${err.message}`;
    } finally {
      more.disabled = false;
    }
  };
  action.addEventListener("change", () => load(true));
  more.addEventListener("click", () => load(false));
  load(true);
  return h("section", { class: "card", id: "audit-card" },
    h("div", { class: "card-head" }, h("h2", { class: "card-title" }, "Audit log"), labelled("Show", action)),
    h("p", { class: "hint" }, "Every change, sign-in and read of AMBER or RED items by your organisation's users."),
    h("div", { class: "table-wrap" }, h("table", { class: "plain audit", id: "audit-table" },
      h("thead", null, h("tr", null, ...["#", "When", "User", "Action", "What", "Items", "Marking", "Detail"].map((t) => h("th", null, t)))), body)),
    status, more);
}

export function mount(root) {
  if (!can("admin")) {
    root.append(h("div", { class: "page narrow", id: "org-page" }, h("h1", null, "Organisation"),
      notice("info", "Only an admin of your organisation manages its users and settings.")));
    return;
  }
  const names = new Map(); // user id -> username, for the audit log
  let ready = null;
  const usersReady = new Promise((resolve) => { ready = resolve; });
  root.append(h("div", { class: "page", id: "org-page" },
    h("div", { class: "page-head" }, h("div", null, h("h1", null, "Organisation"),
      h("p", { class: "lede" }, "Your organisation's settings, users and audit log."))),
    settingsCard(),
    usersCard((users) => { for (const u of users) names.set(u.id, u.username); ready(); }),
    auditCard(names, usersReady)));
}
