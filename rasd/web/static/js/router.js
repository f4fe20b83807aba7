// Hash routing: "#/<page>/<arg>?<params>". The whole state of a page lives in the
// URL, so a link is shareable and a reload restores the view.

/** Parse location.hash into {name, arg, params: URLSearchParams}. */
export function currentRoute() {
  const raw = location.hash.replace(/^#\/?/, "");
  const [path, search = ""] = raw.split(/\?(.*)/s, 2);
  const [name = "", ...rest] = path.split("/");
  return {
    name: name || "explore",
    arg: rest.length ? decodeURIComponent(rest.join("/")) : "",
    params: new URLSearchParams(search),
  };
}

/** Build "#/name/arg?params". */
export function routeHref(name, arg, params) {
  const path = arg ? `${name}/${encodeURIComponent(arg)}` : name;
  const search = params ? new URLSearchParams(params).toString() : "";
  return `#/${path}${search ? `?${search}` : ""}`;
}

/** Change the URL; replace=true does not add a history entry (typing in a search box). */
export function navigate(href, { replace = false } = {}) {
  if (href === location.hash) return;
  if (replace) {
    history.replaceState(null, "", href);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } else {
    location.hash = href;
  }
}

/**
 * Start the router. `pages(route)` gives the page of a route: {mount(root, route) ->
 * {update?(route), unmount?()}}. A page whose name and arg are unchanged gets
 * update(route) instead of a remount. Returns {refresh()}, which mounts the current
 * route's page again (after signing in or out).
 */
export function startRouter(root, pages, onRoute) {
  let active = null;
  const render = ({ force = false } = {}) => {
    const route = currentRoute();
    const page = pages(route);
    onRoute(route);
    const same = active && active.page === page && active.name === route.name && active.arg === route.arg;
    if (same && !force && active.view.update) {
      active.view.update(route);
      return;
    }
    if (active && active.view.unmount) active.view.unmount();
    while (root.firstChild) root.removeChild(root.firstChild);
    const view = page.mount(root, route) || {};
    active = { page, name: route.name, arg: route.arg, view };
    root.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  };
  window.addEventListener("hashchange", () => render());
  render();
  return { refresh: () => render({ force: true }) };
}
