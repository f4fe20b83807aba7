// The actor and person directories: a search box and a table ranked by events.
import { api } from "../api.js";
import { h, clear, debounce, link, notice } from "../dom.js";
import { navigate, routeHref } from "../router.js";
import { ACTOR_TYPES } from "../taxonomy.js";

function directory({ name, title, lede, endpoint, columns, rowOf, missing }) {
  return {
    mount(root, route) {
      const results = h("div", { class: "table-slot", id: `${name}-results` });
      const input = h("input", { type: "search", id: `${name}-q`, value: route.params.get("q") || "", placeholder: `Search ${name} by name…`, autocomplete: "off" });
      const go = () => navigate(routeHref(name, "", input.value.trim() ? { q: input.value.trim() } : null), { replace: true });
      input.addEventListener("input", debounce(go, 350));
      root.append(h("div", { class: "page" },
        h("div", { class: "page-head" }, h("div", null, h("h1", null, title), h("p", { class: "lede" }, lede))),
        h("section", { class: "card" }, h("form", { class: "searchbar", role: "search", on: { submit: (e) => { e.preventDefault(); go(); } } }, input), results)));
      const load = async (params) => {
        let rows;
        try {
          rows = await api.get(endpoint, { q: params.get("q") || "", limit: 200 });
        } catch (err) {
          clear(results).append(err.unavailable ? notice("info", missing) : notice("error", `Could not load ${name}: ${err.message}`, err.fix));
          return;
        }
        clear(results).append(rows.length
          ? h("table", { class: "plain", id: `${name}-table` },
            h("thead", null, h("tr", null, ...columns.map(([label, cls]) => h("th", { class: cls }, label)))),
            h("tbody", null, ...rows.map((r) => h("tr", null, ...rowOf(r).map((cell, i) => h("td", { class: columns[i][1] }, cell))))))
          : h("p", { class: "empty" }, "Nobody matches this search."));
      };
      load(route.params);
      return { update: (r) => load(r.params) };
    },
  };
}

export const actors = directory({
  name: "actors",
  title: "Actors",
  lede: "Armed groups, state forces, protesters and others named in the events, by number of events.",
  endpoint: "actors",
  missing: "The actor list is not available on this server yet.",
  columns: [["Actor", null], ["Type", null], ["Country", null], ["Events", "num"]],
  rowOf: (a) => [link(routeHref("actor", a.id), a.name, "actor-link"), ACTOR_TYPES[a.actor_type] || "—", a.country || "—", String(a.event_count ?? "—")],
});

export const persons = directory({
  name: "persons",
  title: "Persons",
  lede: "Named persons in the events (commanders, officials, victims), one entry per individual across reports. Open one for their roles, affiliations and what was reported about them.",
  endpoint: "persons",
  missing: "Person profiles are not available on this server yet.",
  columns: [["Person", null], ["Id", "id-col"], ["Spelling key", "key-col"]],
  rowOf: (p) => [link(routeHref("person", p.id), p.name, "person-link"), p.id,
    h("span", { title: "spelling-tolerant key: names with the same key may be one person" }, p.key || "—")],
});
