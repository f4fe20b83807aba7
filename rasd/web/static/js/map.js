// The events map: an offline base layer (Natural Earth countries and admin-1
// boundaries, vendored), an optional online tile layer (/api/config tile_url),
// clustered markers coloured by event type, a legend, and popups built from DOM nodes.
/* global L, topojson */
import { config } from "./api.js";
import { h, link, fmtDate, plural, safeHref } from "./dom.js";
import { routeHref } from "./router.js";
import { EVENT_TYPES, eventType } from "./taxonomy.js";
import { originTag, tlpBadge } from "./tlp.js";

const VENDOR = "vendor";
let basePromise = null;

async function fetchJson(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return r.json();
}

/** Countries (1:50m) and admin-1 (1:10m, vendored countries) as GeoJSON, loaded once. */
function baseData() {
  if (!basePromise) {
    basePromise = (async () => {
      const world = await fetchJson(`${VENDOR}/world-atlas/countries-50m.json`);
      const countries = topojson.feature(world, world.objects.countries);
      const index = await fetchJson(`${VENDOR}/admin1/index.json`);
      const parts = await Promise.all(index.files.map(async (f) => {
        const topo = await fetchJson(`${VENDOR}/admin1/${f}`);
        const key = Object.keys(topo.objects)[0];
        return topojson.feature(topo, topo.objects[key]).features;
      }));
      return { countries, admin1: { type: "FeatureCollection", features: parts.flat() } };
    })();
  }
  return basePromise;
}

/** Name labels at the centre of each shape's bounds: countries (small ones) and admin-1. */
function nameLabels(countries, admin1) {
  const layer = (features, cls) => {
    const group = L.layerGroup();
    for (const f of features) {
      const name = f.properties && f.properties.name;
      if (!name) continue;
      const bounds = L.geoJSON(f).getBounds();
      if (bounds.getEast() - bounds.getWest() > 40) continue; // huge or antimeridian-crossing shapes
      const icon = L.divIcon({ className: cls, html: h("span", null, name), iconSize: null });
      L.marker(bounds.getCenter(), { icon, interactive: false, keyboard: false, pane: "labels" }).addTo(group);
    }
    return group;
  };
  return { countries: layer(countries.features, "map-label country-label"), admin1: layer(admin1.features, "map-label admin1-label") };
}

function addBaseLayers(map, control, layers) {
  const panes = [["countries", 200], ["admin1", 250], ["labels", 390]];
  for (const [name, z] of panes) map.createPane(name).style.zIndex = String(z);
  baseData().then(({ countries, admin1 }) => {
    const c = (layers.countries = L.geoJSON(countries, {
      pane: "countries", interactive: false,
      style: { color: "#7c8794", weight: 1, fillColor: "#eef1ea", fillOpacity: layers.tiles ? 0 : 1 },
    }).addTo(map));
    const a = L.geoJSON(admin1, {
      pane: "admin1",
      style: { color: "#9aa5b1", weight: 0.7, dashArray: "3 3", fill: true, fillOpacity: 0 },
      onEachFeature: (f, layer) => layer.bindTooltip(h("span", null, f.properties.name || ""), { sticky: true }),
    }).addTo(map);
    const labels = nameLabels(countries, admin1);
    const zoomLabels = () => {
      const z = map.getZoom();
      for (const [layer, lo, hi] of [[labels.countries, 0, 6], [labels.admin1, 6, 99]]) {
        if (z >= lo && z < hi) layer.addTo(map);
        else layer.remove();
      }
    };
    map.on("zoomend", zoomLabels);
    zoomLabels();
    control.addOverlay(c, "Countries (Natural Earth)");
    control.addOverlay(a, "Regions / admin-1 (Natural Earth)");
    map.getContainer().dataset.baseLoaded = "true";
  }).catch((err) => {
    map.getContainer().dataset.baseError = String(err);
  });
}

/** The online tile layer when /api/config has a tile_url: shown first, boundaries on top. */
function addTiles(map, control, layers) {
  map.on("baselayerchange", (e) => {
    if (layers.countries) layers.countries.setStyle({ fillOpacity: e.layer === layers.tiles ? 0 : 1 });
  });
  config().then((c) => {
    const url = c && c.tile_url;
    // Only http(s) templates ("{z}" placeholders survive the check); the host names the source.
    const checked = url ? safeHref(url.replace(/[{}]/g, "")) : null;
    if (!checked) return;
    layers.tiles = L.tileLayer(url, { maxZoom: 18, attribution: `tiles: ${new URL(checked).host}` }).addTo(map);
    if (layers.countries) layers.countries.setStyle({ fillOpacity: 0 });
    control.addBaseLayer(layers.tiles, "Online tiles");
    control.addBaseLayer(L.layerGroup(), "Offline boundaries only");
  });
}

function legend() {
  const ctl = L.control({ position: "bottomright" });
  ctl.onAdd = () => h("div", { class: "map-legend" },
    h("div", { class: "legend-title" }, "Event type"),
    ...EVENT_TYPES.map((t) => h("div", { class: "legend-row" }, h("span", { class: ["dot", `et-${t.key}`] }), t.name)));
  return ctl;
}

function clusterIcon(cluster) {
  const markers = cluster.getAllChildMarkers();
  const counts = new Map();
  for (const m of markers) counts.set(m.options.eventType, (counts.get(m.options.eventType) || 0) + 1);
  // A pie of event types: a conic gradient set through the CSSOM (allowed by the CSP).
  let angle = 0;
  const stops = [];
  for (const t of EVENT_TYPES) {
    const n = counts.get(t.name) || 0;
    if (!n) continue;
    const next = angle + (360 * n) / markers.length;
    stops.push(`${t.color} ${angle}deg ${next}deg`);
    angle = next;
  }
  if (angle < 360) stops.push(`#6b7280 ${angle}deg 360deg`);
  const ring = h("div", { class: "cluster-ring" }, h("span", { class: "cluster-count" }, String(markers.length)));
  ring.style.setProperty("background", `conic-gradient(${stops.join(", ")})`);
  const size = markers.length < 10 ? 34 : markers.length < 100 ? 42 : 50;
  return L.divIcon({ html: ring, className: "cluster-icon", iconSize: L.point(size, size) });
}

function popup(ev) {
  const t = eventType(ev.event_type);
  const actors = [ev.actor1 && ev.actor1.name, ev.actor2 && ev.actor2.name].filter(Boolean);
  return h("div", { class: "popup" },
    h("div", { class: "popup-type" }, h("span", { class: ["dot", `et-${t.key}`] }), ev.sub_event_type),
    h("div", { class: "popup-meta" }, fmtDate(ev.event_date), " · ", ev.location || (ev.place && ev.place.name) || ""),
    ev.tlp ? h("div", { class: "popup-marking" }, tlpBadge(ev.tlp), " ", originTag(ev.org)) : null,
    actors.length ? h("div", { class: "popup-actors" }, actors.join(" vs ")) : null,
    ev.fatalities ? h("div", { class: "popup-fatal" }, plural(ev.fatalities, "fatality", "fatalities")) : null,
    h("div", { class: "popup-notes" }, ev.notes || ""),
    link(routeHref("event", ev.id), "Open event and evidence →", "popup-link"));
}

export function coords(ev) {
  const p = ev.place;
  return p && typeof p.latitude === "number" && typeof p.longitude === "number" ? [p.latitude, p.longitude] : null;
}

/** Create the map in `el`; returns {show(events), map}. */
export function createMap(el, { minimal = false } = {}) {
  const map = L.map(el, { zoomSnap: 0.5, minZoom: 2, maxZoom: 14, worldCopyJump: true });
  map.attributionControl.setPrefix("Leaflet · Natural Earth");
  map.setView([33.5, 42.5], 5);
  const control = L.control.layers(null, null, { collapsed: true, position: "topright" });
  if (!minimal) control.addTo(map);
  const layers = { countries: null, tiles: null };
  addBaseLayers(map, control, layers);
  addTiles(map, control, layers);
  if (!minimal) legend().addTo(map);
  const cluster = L.markerClusterGroup({
    iconCreateFunction: clusterIcon, showCoverageOnHover: false, maxClusterRadius: 45,
    spiderfyOnMaxZoom: true,
  }).addTo(map);

  function show(events) {
    cluster.clearLayers();
    const markers = [];
    for (const ev of events) {
      const ll = coords(ev);
      if (!ll) continue;
      const t = eventType(ev.event_type);
      const icon = L.divIcon({ className: `mk et-${t.key}`, iconSize: [14, 14] });
      const m = L.marker(ll, { icon, eventType: ev.event_type, title: `${ev.sub_event_type}, ${ev.location || ""}`, keyboard: true });
      m.bindPopup(() => popup(ev), { maxWidth: 320, minWidth: 220 });
      markers.push(m);
    }
    cluster.addLayers(markers);
    el.dataset.markers = String(markers.length);
    if (markers.length) {
      map.fitBounds(cluster.getBounds().pad(0.3), { maxZoom: minimal ? 6 : 8, animate: false });
    }
    return markers.length;
  }

  /** Places [{name, admin1, country, latitude, longitude, event_count}] as sized circles. */
  function showPlaces(places) {
    const layer = L.featureGroup();
    const max = Math.max(1, ...places.map((p) => p.event_count || 1));
    for (const p of places) {
      if (typeof p.latitude !== "number" || typeof p.longitude !== "number") continue;
      const r = 5 + 12 * Math.sqrt((p.event_count || 1) / max);
      L.circleMarker([p.latitude, p.longitude], { radius: r, color: "#0f766e", weight: 1.5, fillColor: "#14b8a6", fillOpacity: 0.45 })
        .bindTooltip(h("span", null, `${p.name}${p.admin1 && p.admin1 !== p.name ? `, ${p.admin1}` : ""}: ${plural(p.event_count || 0, "event")}`))
        .addTo(layer);
    }
    layer.addTo(map);
    el.dataset.places = String(layer.getLayers().length);
    if (layer.getLayers().length) map.fitBounds(layer.getBounds().pad(0.3), { maxZoom: 6, animate: false });
    return layer.getLayers().length;
  }

  return { map, show, showPlaces };
}

/**
 * Mount a page that owns a small map and redraws itself after a correction.
 * fetchView(ctx) loads the data and returns draw(pageEl), which renders the page and
 * returns its map view (or nothing); ctx = {flash, reload(flash)}. The previous map is
 * removed just before a redraw, and when the page is left.
 */
export function mountReloadable(root, id, loadingText, fetchView, flash) {
  const page = h("div", { class: "page", id }, h("p", { class: "loading" }, loadingText));
  root.append(page);
  let view = null;
  let seq = 0;
  const show = async (next) => {
    const my = ++seq;
    const draw = await fetchView({ flash: next, reload: show });
    if (my !== seq) return;
    if (view) view.map.remove();
    view = (await draw(page)) || null;
    const box = next && page.querySelector(".correction-outcome");
    if (box) box.scrollIntoView({ block: "center" });
  };
  show(flash);
  return {
    unmount() {
      seq += 1;
      if (view) view.map.remove();
    },
  };
}
