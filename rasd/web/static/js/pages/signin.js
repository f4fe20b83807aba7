// The sign-in screen: shown at start when /api/auth/me answers 401, and whenever a call
// answers 401 later (the session expired or was ended). The address stays as it was,
// so signing in opens the page that was asked for.
import { h, clear, notice } from "../dom.js";
import { signIn } from "../session.js";

function field(label, input) {
  return h("label", { class: "field" }, h("span", { class: "field-label" }, label), input);
}

/** The page; `onSignedIn()` runs after a successful sign-in. */
export function signinPage(onSignedIn) {
  return {
    mount(root) {
      const username = h("input", { type: "text", id: "signin-username", name: "username", autocomplete: "username", required: true });
      const password = h("input", { type: "password", id: "signin-password", name: "password", autocomplete: "current-password", required: true });
      const button = h("button", { type: "submit", class: "btn btn-primary", id: "signin-submit" }, "Sign in");
      const result = h("div", { id: "signin-result", "aria-live": "polite" });
      const submit = async (e) => {
        e.preventDefault();
        if (!username.value.trim() || !password.value) {
          clear(result).append(notice("error", "Give your username and password."));
          return;
        }
        button.disabled = true;
        clear(result).append(h("p", { class: "muted" }, "Signing in…"));
        try {
          await signIn(username.value.trim(), password.value);
          onSignedIn();
        } catch (err) {
          password.value = "";
          clear(result).append(notice("error", `Could not sign in: ${err.message}`, err.fix));
          button.disabled = false;
          password.focus();
        }
      };
      root.append(h("div", { class: "page signin-page", id: "signin-page" },
        h("section", { class: "card signin-card" },
          h("h1", null, "Sign in to rasd"),
          h("p", { class: "lede" }, "Events and reports are shown according to your organisation and their TLP marking."),
          h("form", { class: "signin-form", id: "signin-form", novalidate: true, on: { submit } },
            field("Username", username), field("Password", password), h("div", { class: "form-actions" }, button)),
          result)));
      username.focus();
    },
  };
}
