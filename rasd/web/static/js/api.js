// The HTTP API client (contract: /api/..., JSON). Errors become ApiError with the
// status and a readable message built from FastAPI's shapes.

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

function describe(status, body) {
  if (body && Array.isArray(body.detail)) {
    const parts = body.detail.map((d) => {
      const where = Array.isArray(d.loc) ? d.loc.filter((p) => p !== "body" && p !== "query").join(".") : "";
      return where ? `${where}: ${d.msg}` : d.msg;
    });
    return [parts.join("; "), ""];
  }
  // rasd's own errors: {detail: the problem, subject: the bad input, fix}.
  if (body && typeof body.detail === "string") {
    return [body.subject ? `${body.subject}: ${body.detail}` : body.detail, body.fix || ""];
  }
  return [`the server answered ${status}`, ""];
}

async function request(method, path, { params, json, form } = {}) {
  const init = { method, headers: { Accept: "application/json" } };
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
    const [message, fix] = describe(response.status, body);
    throw new ApiError(response.status, message, fix, body && body.detail, body && body.subject);
  }
  return body;
}

export const api = {
  get: (path, params) => request("GET", path, { params }),
  postJson: (path, params, json) => request("POST", path, { params, json }),
  postForm: (path, params, form) => request("POST", path, { params, form }),
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
