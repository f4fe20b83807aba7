// rasd web UI entry point: routes, header navigation, version.
import { config } from "./js/api.js";
import { h } from "./js/dom.js";
import { startRouter } from "./js/router.js";
import * as explore from "./js/pages/explore.js";
import * as eventPage from "./js/pages/event.js";
import * as actorPage from "./js/pages/actor.js";
import * as personPage from "./js/pages/person.js";
import * as lists from "./js/pages/lists.js";
import * as submit from "./js/pages/submit.js";

const pages = {
  explore,
  event: eventPage,
  actor: actorPage,
  person: personPage,
  actors: lists.actors,
  persons: lists.persons,
  submit,
  notFound: {
    mount(root) {
      root.append(h("div", { class: "page narrow" },
        h("h1", null, "Page not found"),
        h("p", null, "This address does not match a page of rasd. ",
          h("a", { href: "#/explore" }, "Go to the events"), ".")));
    },
  },
};

const NAV_OF = { event: "explore", actor: "actors", person: "persons" };

function highlightNav(route) {
  const current = NAV_OF[route.name] || route.name;
  for (const a of document.querySelectorAll("[data-nav]")) {
    if (a.dataset.nav === current) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

startRouter(document.getElementById("app"), pages, highlightNav);
config().then((c) => {
  if (c && c.version) document.getElementById("version").textContent = `v${c.version}`;
});
