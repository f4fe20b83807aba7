// TLP 2.0 markings (FIRST's Traffic Light Protocol) and where an item comes from.
// The badge follows the standard's look: the label in its colour on black.
import { h } from "./dom.js";
import { myOrg, orgName } from "./session.js";

export const TLP_LEVELS = ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"];

const INFO = {
  CLEAR: { cls: "tlp-clear", hint: "disclosure is not limited" },
  GREEN: { cls: "tlp-green", hint: "the community: every organisation of this rasd instance" },
  AMBER: { cls: "tlp-amber", hint: "your organisation and the partners it shares with, on a need-to-know basis" },
  "AMBER+STRICT": { cls: "tlp-amber tlp-strict", hint: "the recipient organisation only, no further" },
  RED: { cls: "tlp-red", hint: "the named recipients only, no further" },
};

/** What a marking allows, in words. */
export function tlpHint(tlp) {
  return (INFO[tlp] || { hint: "unknown marking" }).hint;
}

/** A "TLP:AMBER" badge (title: who may see it). */
export function tlpBadge(tlp) {
  const info = INFO[tlp] || { cls: "tlp-unknown" };
  return h("span", { class: `tlp ${info.cls}`, dataset: { tlp: tlp || "" }, title: `TLP:${tlp || "?"}: ${tlpHint(tlp)}` },
    `TLP:${tlp || "?"}`);
}

/** The owning organisation ("origin") of an event or report, by name; yours is marked. */
export function originTag(org) {
  const own = org && org === myOrg();
  return h("span", { class: ["origin", own ? "origin-own" : null], dataset: { org: org || "" }, title: `origin: organisation ${org || "?"}` },
    orgName(org), own ? h("span", { class: "muted" }, " (yours)") : null);
}

/** A <select> of the five markings with `current` selected. */
export function tlpSelect(id, current) {
  const select = h("select", { id, name: "tlp" });
  for (const level of TLP_LEVELS) {
    select.append(h("option", { value: level, selected: level === current }, `TLP:${level}`));
  }
  return select;
}
