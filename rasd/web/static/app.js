// rasd web UI entry point: who is signed in, routes, header navigation, version.
import { config, onUnauthorized } from "./js/api.js";
import { h, clear, notice } from "./js/dom.js";
import { startRouter } from "./js/router.js";
import { authOff, can, current, loadSession, onSessionChange, sessionEnded, signOut, signedIn } from "./js/session.js";
import * as explore from "./js/pages/explore.js";
import * as eventPage from "./js/pages/event.js";
import * as actorPage from "./js/pages/actor.js";
import * as personPage from "./js/pages/person.js";
import * as lists from "./js/pages/lists.js";
import * as submit from "./js/pages/submit.js";
import * as sharing from "./js/pages/sharing.js";
import * as org from "./js/pages/org.js";
import { signinPage } from "./js/pages/signin.js";

const pages = {
  explore,
  event: eventPage,
  actor: actorPage,
  person: personPage,
  actors: lists.actors,
  persons: lists.persons,
  submit,
  sharing,
  org,
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

let router = null;
const signin = signinPage(() => router.refresh());

/** The header: navigation the role may use, who is signed in, and Sign out. */
function renderHeader(me) {
  const nav = document.getElementById("mainnav");
  nav.hidden = !me;
  for (const a of nav.querySelectorAll("[data-role]")) a.hidden = !can(a.dataset.role);
  const who = clear(document.getElementById("who"));
  if (!me) return;
  const out = h("button", { type: "button", class: "btn btn-small btn-signout", id: "signout" }, "Sign out");
  out.addEventListener("click", async () => {
    out.disabled = true;
    try {
      await signOut();
    } finally {
      router.refresh();
    }
  });
  who.append(
    h("span", { class: "who-user", id: "who-user", title: `user ${me.user.username}, role ${me.user.role}` }, me.user.username),
    h("span", { class: "who-role", id: "who-role" }, me.user.role),
    h("span", { class: "who-org", id: "who-org", title: `organisation ${me.user.org}` }, me.org_name),
    authOff() ? h("span", { class: "who-off", title: "RASD_AUTH=off: development only" }, "sign-in off") : out);
}

function start() {
  renderHeader(current()); // the session read at start
  onSessionChange(renderHeader);
  onUnauthorized(() => {
    if (!signedIn()) return;
    sessionEnded();
    router.refresh();
  });
  router = startRouter(document.getElementById("app"),
    (route) => (current() ? pages[route.name] || pages.notFound : signin), highlightNav);
}

loadSession().then(start, (err) => {
  clear(document.getElementById("app")).append(h("div", { class: "page narrow" },
    notice("error", `rasd could not start: ${err.message}`, err.fix || "reload the page")));
});
config().then((c) => {
  if (c && c.version) document.getElementById("version").textContent = `v${c.version}`;
});
