// Explore: filters, map, timeline and table over the same filters, all in the URL.
// Brushing the timeline sets since/until, which filters the map and the table; the
// timeline itself ignores since/until so the whole period stays visible.
import { api, allEvents, query } from "../api.js";
import { h, clear, fmtNumber, notice, plural } from "../dom.js";
import { filterBar, filtersOf, filterSignature, withParams } from "../filters.js";
import { createMap } from "../map.js";
import { navigate, routeHref } from "../router.js";
import { renderTable } from "../table.js";
import { autoInterval, binsOf, drawTimeline } from "../timeline.js";
import { can, partners } from "../session.js";
import { feedShare } from "../sharing.js";

const INTERVALS = ["auto", "day", "week", "month"];

async function filterOptions() {
  const [regions, actors] = await Promise.allSettled([
    api.get("stats", { by: "admin1", interval: "month" }),
    api.get("actors", { limit: 300 }),
  ]);
  const admin1 = regions.status === "fulfilled"
    ? regions.value.series.filter((sv) => sv.key).map((sv) => ({
      value: sv.key, label: `${sv.key} (${sv.points.reduce((n, p) => n + p.count, 0)})`,
    })).sort((a, b) => a.value.localeCompare(b.value))
    : [];
  const actorList = actors.status === "fulfilled"
    ? actors.value.map((a) => ({ value: a.name, label: `${a.event_count} events` }))
    : [];
  return { admin1, actors: actorList };
}

function exportLinks(filters) {
  const fmts = [["acled-csv", "ACLED CSV"], ["geojson", "GeoJSON"], ["jsonl", "JSONL"]];
  return h("div", { class: "exports" }, h("span", { class: "muted" }, "Export these events:"),
    ...fmts.map(([fmt, label]) => h("a", { href: `/api/exports/${fmt}${query(filters)}`, class: "btn btn-small", download: "" }, label)));
}

function intervalSwitch(current, onPick) {
  return h("div", { class: "segmented", role: "group", "aria-label": "Timeline interval" },
    ...INTERVALS.map((iv) => h("button", {
      type: "button", class: iv === current ? "on" : null, "aria-pressed": iv === current ? "true" : "false",
      dataset: { interval: iv }, on: { click: () => onPick(iv) },
    }, iv[0].toUpperCase() + iv.slice(1))));
}

/** Rebuild `slot` with `node`, keeping the keyboard focus and caret of a same-id control. */
function replaceKeepingFocus(slot, node) {
  const active = document.activeElement;
  const id = active && slot.contains(active) ? active.id : null;
  const caret = id && typeof active.selectionStart === "number" ? active.selectionStart : null;
  clear(slot).append(node);
  const again = id ? document.getElementById(id) : null;
  if (again) {
    again.focus();
    if (caret !== null && typeof again.setSelectionRange === "function") again.setSelectionRange(caret, caret);
  }
}

/** The page skeleton; returns the slots the loaders fill. */
function layout(root) {
  const els = {
    filters: h("div", { class: "filters-slot" }),
    mapStatus: h("p", { class: "map-status muted", id: "map-status" }),
    map: h("div", { class: "map", id: "map" }),
    tlHead: h("div", { class: "card-tools" }),
    timeline: h("div", { class: "timeline", id: "timeline" }),
    tlRange: h("p", { class: "tl-range muted", id: "timeline-range" }),
    table: h("div", { class: "table-slot", id: "table" }),
    exports: h("div", { class: "exports-slot" }),
    feed: h("div", { class: "feed-slot" }),
    feedButton: h("div", { class: "feed-button-slot" }),
  };
  const head = (title, extra) => h("div", { class: "card-head" }, h("h2", { class: "card-title" }, title), extra);
  root.append(h("div", { class: "page" },
    h("div", { class: "page-head" },
      h("div", null, h("h1", null, "Events"),
        h("p", { class: "lede" }, "Coded, geocoded events from the reports in this store. Filter, brush the timeline, open an event to see its evidence.")),
      h("div", { class: "head-tools" }, els.exports, els.feedButton)),
    els.filters,
    els.feed,
    h("section", { class: "card card-map" }, head("Map", els.mapStatus), els.map),
    h("section", { class: "card card-timeline" }, head("Timeline", els.tlHead), els.timeline, els.tlRange),
    h("section", { class: "card" }, h("h2", { class: "card-title" }, "Event table"), els.table)));
  return els;
}

/** Counts per period and event type, ignoring since/until; "auto" picks the interval from the span. */
async function timelineStats(params) {
  const filters = filtersOf(params, { without: ["since", "until"] });
  const wanted = params.get("interval") || "auto";
  const stats = await api.get("stats", { ...filters, by: "event_type", interval: wanted === "auto" ? "month" : wanted });
  if (wanted !== "auto") return stats;
  const periods = stats.series.flatMap((sv) => sv.points.map((p) => p.period)).sort();
  const iv = autoInterval(periods[0], periods[periods.length - 1]);
  return iv === "month" ? stats : api.get("stats", { ...filters, by: "event_type", interval: iv });
}

function mapStatus(shown, loaded, total, truncated) {
  const missing = loaded - shown;
  return `${plural(shown, "event")} on the map` +
    (missing ? ` · ${fmtNumber(missing)} without coordinates` : "") +
    (truncated ? ` · first ${fmtNumber(loaded)} of ${fmtNumber(total)} loaded` : "");
}

function rangeNote(el, range, onClear) {
  clear(el);
  if (range.since || range.until) {
    el.append(`Selected: ${range.since || "start"} → ${range.until || "end"} `,
      h("button", { type: "button", class: "linklike", id: "clear-range", on: { click: onClear } }, "clear range"));
  } else {
    el.append("Drag across the bars to select a date range.");
  }
}

export function mount(root, route) {
  const els = layout(root);
  const mapView = createMap(els.map);
  let params = null;
  let options = { admin1: [], actors: [] };
  let mapSeq = 0;
  let tlSeq = 0;
  let lastFilters = null;
  let lastTimeline = null;
  let lastBins = null;

  const change = (changes, opts = {}) => {
    const next = withParams(params, changes, { keepPage: opts.keepPage });
    navigate(routeHref("explore", "", next), { replace: Boolean(opts.replace) });
  };

  const drawBins = () => {
    if (!lastBins) return;
    const range = { since: params.get("since") || "", until: params.get("until") || "" };
    drawTimeline(els.timeline, lastBins.bins, lastBins.interval, range, (r) => change(r));
    rangeNote(els.tlRange, range, () => change({ since: null, until: null }));
  };

  async function loadTimeline() {
    const my = ++tlSeq;
    try {
      const stats = await timelineStats(params);
      if (my !== tlSeq) return;
      lastBins = { bins: binsOf(stats), interval: stats.interval };
      drawBins();
    } catch (err) {
      if (my === tlSeq) clear(els.timeline).append(notice("error", `The timeline could not be loaded: ${err.message}`, err.fix));
    }
  }

  async function loadMap() {
    const my = ++mapSeq;
    els.mapStatus.textContent = "Loading events…";
    els.map.setAttribute("aria-busy", "true");
    try {
      const { items, total, truncated } = await allEvents(filtersOf(params));
      if (my !== mapSeq) return;
      const shown = mapView.show(items);
      els.map.dataset.total = String(total);
      els.mapStatus.textContent = mapStatus(shown, items.length, total, truncated);
    } catch (err) {
      if (my === mapSeq) els.mapStatus.textContent = `The map could not be loaded: ${err.message}`;
    }
    if (my === mapSeq) els.map.removeAttribute("aria-busy");
  }

  // Analysts share the current filters as a standing feed (the form reads them when sent).
  if (can("analyst") && partners().length) {
    const feed = feedShare(() => filtersOf(params));
    els.feedButton.append(feed.button);
    els.feed.append(feed.form);
  }

  function renderControls() {
    replaceKeepingFocus(els.filters, filterBar(params, options, change));
    clear(els.tlHead).append(intervalSwitch(params.get("interval") || "auto", (iv) => change({ interval: iv === "auto" ? null : iv }, { keepPage: true })));
    clear(els.exports).append(exportLinks(filtersOf(params)));
  }

  function update(next) {
    params = next.params;
    const sig = filterSignature(params);
    const tlSig = filterSignature(params, { without: ["since", "until"] }) + (params.get("interval") || "");
    renderControls();
    renderTable(els.table, filtersOf(params), params, change);
    if (sig !== lastFilters) loadMap();
    if (tlSig !== lastTimeline) loadTimeline();
    else if (sig !== lastFilters) drawBins();
    lastFilters = sig;
    lastTimeline = tlSig;
  }

  const onResize = () => { mapView.map.invalidateSize(); drawBins(); };
  window.addEventListener("resize", onResize);
  filterOptions().then((o) => { options = o; if (params) renderControls(); });
  update(route);
  return {
    update,
    unmount() { window.removeEventListener("resize", onResize); mapView.map.remove(); },
  };
}
