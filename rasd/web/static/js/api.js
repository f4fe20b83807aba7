// The HTTP API client (contract: /api/..., JSON): the one place that calls fetch for
// the API. It sends the session's CSRF token with every change, reports a 401 (signed
// out) to the app, and turns errors (403, 429 with Retry-After...) into ApiError with
// the status and a readable message built from the API's detail/subject/fix.

export class ApiError extends Error {
  constructor(status, message, fix, detail, subject) {
    super(message);
    this.status = status;
    this.fix = fix || "";
    this.detail = detail;
    this.subject = subject || "";
  }

  /** True when the endpoint does not exist (yet) on this server. */
  get unavailable() {
    return this.status === 404 || this.status === 501 || this.status === 405;
  }
}

/** Build "?a=1&b=2&b=3" from an object; arrays repeat the key; empty values are left out. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) if (v !== undefined && v !== null && v !== "") q.append(key, String(v));
  }
  const text = q.toString();
  return text ? `?${text}` : "";
}

function describe(status, body, retryAfter) {
  if (body && Array.isArray(body.detail)) {
    const parts = body.detail.map((d) => {
      const where = Array.isArray(d.loc) ? d.loc.filter((p) => p !== "body" && p !== "query").join(".") : "";
      return where ? `${where}: ${d.msg}` : d.msg;
    });
    return [parts.join("; "), ""];
  }
  // rasd's own errors: {detail: the problem, subject: the bad input, fix}.
  if (body && typeof body.detail === "string") {
    const message = body.subject ? `${body.subject}: ${body.detail}` : body.detail;
    const wait = status === 429 && retryAfter ? ` (try again in ${waitText(retryAfter)})` : "";
    return [message + wait, body.fix || ""];
  }
  if (status === 401) return ["you are not signed in", "sign in again"];
  if (status === 403) return ["your role or organisation does not allow this", ""];
  if (status === 429) return [`too many attempts${retryAfter ? `; try again in ${waitText(retryAfter)}` : ""}`, ""];
  return [`the server answered ${status}`, ""];
}

function waitText(seconds) {
  const s = Number(seconds);
  if (!Number.isFinite(s)) return String(seconds);
  return s >= 120 ? `${Math.ceil(s / 60)} minutes` : `${s} seconds`;
}

// The session's CSRF token (from /api/auth/me or the sign-in answer): every request that
// changes something sends it in X-CSRF-Token, else the API answers 403.
let csrfToken = "";
let onSignedOut = null;
const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function setCsrf(token) {
  csrfToken = token || "";
}

/** fn(err) runs when an API call answers 401 (the session expired or was ended). */
export function onUnauthorized(fn) {
  onSignedOut = fn;
}

async function request(method, path, { params, json, form, signIn = false } = {}) {
  const init = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
  if (UNSAFE.has(method) && csrfToken) init.headers["X-CSRF-Token"] = csrfToken;
  if (json !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(json);
  } else if (form !== undefined) {
    init.body = form;
  }
  let response;
  try {
    response = await fetch(`/api/${path}${query(params)}`, init);
  } catch (err) {
    throw new ApiError(0, "the rasd server cannot be reached", "check that `rasd serve` is running");
  }
  const type = response.headers.get("content-type") || "";
  const body = type.includes("json") ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    const retryAfter = response.headers.get("retry-after");
    const [message, fix] = describe(response.status, body, retryAfter);
    const err = new ApiError(response.status, message, fix, body && body.detail, body && body.subject);
    err.retryAfter = retryAfter ? Number(retryAfter) : null;
    // A wrong password is a 401 too: only a signed-in call means "the session is over".
    if (response.status === 401 && !signIn && onSignedOut) onSignedOut(err);
    throw err;
  }
  return body;
}

export const api = {
  get: (path, params) => request("GET", path, { params }),
  postJson: (path, params, json) => request("POST", path, { params, json }),
  postForm: (path, params, form) => request("POST", path, { params, form }),
  patch: (path, json) => request("PATCH", path, { json }),
  del: (path) => request("DELETE", path),
  /** POST /api/auth/login: a 401 here is a wrong password, not an ended session. */
  signIn: (json) => request("POST", "auth/login", { json, signIn: true }),
};

/** Every event matching filters, page by page (up to `max`); returns {items, total, truncated}. */
export async function allEvents(filters, max = 10000) {
  const items = [];
  let cursor = null;
  let total = 0;
  do {
    const page = await api.get("events", { ...filters, limit: 500, cursor, order: "event_date" });
    items.push(...page.items);
    total = page.total;
    cursor = page.next_cursor;
  } while (cursor && items.length < max);
  return { items, total, truncated: Boolean(cursor) };
}

let configPromise = null;
/** /api/config, fetched once: {tile_url, version}. */
export function config() {
  if (!configPromise) configPromise = api.get("config").catch(() => ({ tile_url: null, version: "" }));
  return configPromise;
}
