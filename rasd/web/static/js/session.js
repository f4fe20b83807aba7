// Who is signed in (GET /api/auth/me), signing in and out, what the user's role allows,
// and the organisations of this instance (names of origins and sharing partners).
// The API decides everything (403): this only hides what a role cannot do.
import { api, setCsrf } from "./api.js";

const ROLES = ["viewer", "analyst", "admin"];
let me = null; // {user: {id, username, org, role, disabled}, org_name, default_tlp, csrf, auth}
let orgs = new Map(); // id -> {id, name, default_tlp}
const listeners = new Set();

function set(next) {
  me = next;
  setCsrf(next ? next.csrf : "");
  if (!next) orgs = new Map();
  for (const fn of listeners) fn(me);
}

/** fn(me or null) runs after every sign-in, sign-out or refresh. */
export function onSessionChange(fn) {
  listeners.add(fn);
}

export function current() {
  return me;
}

export function signedIn() {
  return me !== null;
}

/** True when sign-in is off (development): everyone is the local admin. */
export function authOff() {
  return Boolean(me && me.auth === "off");
}

/** True when the signed-in user has `role` or a higher one. */
export function can(role) {
  return Boolean(me) && ROLES.indexOf(me.user.role) >= ROLES.indexOf(role);
}

export function myOrg() {
  return me ? me.user.org : "";
}

/** True when the user's organisation owns an item ({org}). */
export function owns(item) {
  return Boolean(me && item && item.org === me.user.org);
}

/** An organisation's display name (its id when unknown). */
export function orgName(id) {
  const org = orgs.get(id);
  return org ? org.name : id || "?";
}

/** The other organisations of this instance (possible sharing partners). */
export function partners() {
  return [...orgs.values()].filter((o) => o.id !== myOrg());
}

async function loadOrgs() {
  try {
    const list = await api.get("orgs");
    orgs = new Map(list.map((o) => [o.id, o]));
  } catch (err) {
    if (err.status === 401) throw err;
    orgs = new Map(); // names fall back to ids
  }
}

/** Read /api/auth/me (and the organisations); null when not signed in (401). */
export async function loadSession() {
  let found;
  try {
    found = await api.get("auth/me");
    setCsrf(found.csrf);
    me = found;
    await loadOrgs();
  } catch (err) {
    if (err.status !== 401) throw err;
    found = null;
  }
  set(found);
  return found;
}

/** POST /api/auth/login; throws ApiError (401 wrong password, 429 too many attempts). */
export async function signIn(username, password) {
  const found = await api.signIn({ username, password });
  setCsrf(found.csrf);
  me = found;
  await loadOrgs();
  set(found);
  return found;
}

/** POST /api/auth/logout, then forget the session (even if the server could not be reached). */
export async function signOut() {
  try {
    await api.postJson("auth/logout", null, {});
  } finally {
    set(null);
  }
}

/** The server said 401 to a signed-in call: the session is over. */
export function sessionEnded() {
  if (me !== null) set(null);
}
