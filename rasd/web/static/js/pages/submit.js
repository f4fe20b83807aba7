// Add a report: paste text (or upload a file), preview the extracted events with
// their evidence (POST /api/documents?dry_run=true), then save (dry_run=false).
import { api } from "../api.js";
import { h, card, clear, fill, fmtDate, link, notice, plural } from "../dom.js";
import { evidenceView } from "../evidence.js";
import { routeHref } from "../router.js";
import { eventType } from "../taxonomy.js";
import { documentMeta } from "./event.js";
import { can, current } from "../session.js";
import { tlpHint, tlpSelect } from "../tlp.js";

// The same canonical text as rasd.pipeline.normalise.normalise_text, so that the
// evidence offsets of a preview fall on the pasted text.
const INVISIBLE = /[\ufeff\u200b\u200c\u200d\u2060\u00ad\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g;
const SPACES = /[\u00a0\u1680\u202f\u205f\u3000\u2000-\u200a]/g;
const BREAKS = /[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]/g;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x08\x0e-\x1f\x7f\x80-\x84\x86-\x9f]/g;

export function normaliseText(text) {
  return text.replace(/\r\n/g, "\n").replace(INVISIBLE, "").replace(SPACES, " ").replace(BREAKS, "\n")
    .replace(CONTROLS, "").normalize("NFC").replace(/ {2,}/g, " ").replace(/[ \t]+\n/g, "\n").trim();
}

/** Text to highlight: the server's copy, else the pasted text, else the evidence sentences. */
function textFor(result, pasted) {
  if (result.document && typeof result.document.text === "string") return result.document.text;
  if (pasted) return normaliseText(pasted);
  const sentences = [];
  for (const ev of result.events) for (const e of ev.evidence || []) if (!sentences.includes(e.sentence)) sentences.push(e.sentence);
  return sentences.join("\n\n");
}

function field(label, control, hint) {
  return h("label", { class: "field" }, h("span", { class: "field-label" }, label), control, hint ? h("span", { class: "hint" }, hint) : null);
}

function form(onPreview) {
  const els = {
    title: h("input", { type: "text", name: "title", id: "doc-title", placeholder: "Headline of the report" }),
    source: h("input", { type: "text", name: "source", id: "doc-source", placeholder: "Outlet or feed" }),
    url: h("input", { type: "url", name: "url", id: "doc-url", placeholder: "https://…" }),
    published_at: h("input", { type: "date", name: "published_at", id: "doc-date", required: true }),
    text: h("textarea", { name: "text", id: "doc-text", rows: "12", placeholder: "Paste the report text here…" }),
    file: h("input", { type: "file", name: "file", id: "doc-file", accept: ".txt,.html,.htm,text/plain,text/html" }),
    tlp: tlpSelect("doc-tlp", current().default_tlp),
  };
  const tlpNote = h("span", { class: "hint", id: "doc-tlp-hint" }, tlpHint(els.tlp.value));
  els.tlp.addEventListener("change", () => { tlpNote.textContent = tlpHint(els.tlp.value); });
  const submit = h("button", { type: "submit", class: "btn btn-primary", id: "preview-btn" }, "Extract events (preview)");
  const el = h("form", { class: "submit-form", id: "submit-form" },
    h("div", { class: "form-grid" },
      field("Title", els.title), field("Source", els.source), field("Link", els.url),
      field("Publication date", els.published_at, "Needed to resolve “on Monday”, “yesterday”…")),
    h("label", { class: "field field-tlp" }, h("span", { class: "field-label" }, "Marking (TLP)"), els.tlp, tlpNote),
    field("Report text", els.text),
    h("div", { class: "form-row" }, field("…or upload a file (.txt, .html)", els.file), h("div", { class: "form-actions" }, submit)));
  el.addEventListener("submit", (e) => {
    e.preventDefault();
    onPreview(els);
  });
  return { el, els };
}

async function payloadOf(els) {
  const meta = {};
  for (const k of ["title", "source", "url", "published_at"]) if (els[k].value.trim()) meta[k] = els[k].value.trim();
  const file = els.file.files && els.file.files[0];
  if (file) {
    const fd = new FormData();
    fd.append("file", file);
    for (const [k, v] of Object.entries(meta)) fd.append(k, v);
    // A plain-text file is shown as it is (its evidence is found by sentence); HTML only by sentences.
    const plain = /\.txt$/i.test(file.name) || file.type === "text/plain";
    return { form: fd, pasted: plain ? await file.text() : null, tlp: els.tlp.value };
  }
  return { json: { text: els.text.value, ...meta }, pasted: els.text.value, tlp: els.tlp.value };
}

function send(payload, dryRun) {
  const params = { dry_run: dryRun ? "true" : "false", tlp: payload.tlp };
  return payload.form ? api.postForm("documents", params, payload.form) : api.postJson("documents", params, payload.json);
}

function eventTabs(result, text) {
  const view = h("div", { class: "preview-event" });
  const tabs = result.events.map((ev, i) => {
    const t = eventType(ev.event_type);
    return h("button", { type: "button", role: "tab", class: "tab", dataset: { index: String(i) }, on: { click: () => pick(i) } },
      h("span", { class: ["dot", `et-${t.key}`] }), `${i + 1}. ${ev.sub_event_type} · ${ev.location || "?"} · ${fmtDate(ev.event_date)}`);
  });
  function pick(i) {
    tabs.forEach((t, j) => t.setAttribute("aria-selected", i === j ? "true" : "false"));
    const ev = result.events[i];
    fill(view, ev.notes ? h("p", { class: "notes" }, ev.notes) : null, evidenceView(ev, text, { idPrefix: `pv${i}` }));
  }
  pick(0);
  return h("div", null, h("div", { class: "tabs", role: "tablist" }, ...tabs), view);
}

function previewResult(result, pasted, onSave) {
  const text = textFor(result, pasted);
  const n = result.events.length;
  const save = h("button", { type: "button", class: "btn btn-primary", id: "save-btn", on: { click: onSave } }, "Save to the store");
  return h("div", { id: "preview" },
    h("div", { class: "preview-head" },
      h("p", { class: "count", id: "preview-count", dataset: { events: String(n) } },
        n ? `${plural(n, "event")} found. Check the evidence, then save.` : "No event found in this report."),
      save),
    documentMeta(result.document),
    (result.warnings || []).length ? h("ul", { class: "warnings" }, ...result.warnings.map((w) => h("li", null, w))) : null,
    n ? eventTabs(result, text) : h("p", { class: "muted" },
      "rasd only codes reported events (attacks, clashes, arrests, protests…); plans, threats, denials and commentary are not events."));
}

function savedResult(result) {
  return h("div", { id: "saved", class: "notice notice-ok", role: "status" },
    h("p", null, result.events.length ? `Saved ${plural(result.events.length, "event")}:` : "Saved the report (no events)."),
    h("ul", null, ...result.events.map((ev) => h("li", null, link(routeHref("event", ev.id), `${ev.sub_event_type} · ${ev.location || "?"} · ${fmtDate(ev.event_date)}`, "saved-event")))),
    h("p", null, link("#/explore", "See all events →")));
}

function forbidden(root) {
  root.append(h("div", { class: "page narrow" }, h("h1", null, "Add a report"),
    h("div", { id: "submit-forbidden" }, notice("info", `Your role (${current().user.role}) can read events but not add reports.`,
      "ask an admin of your organisation for the analyst role"))));
}

export function mount(root) {
  if (!can("analyst")) {
    forbidden(root);
    return;
  }
  const out = h("div", { class: "preview-slot", id: "preview-slot" });
  let previewed = null;
  const { el } = form(async (els) => {
    const payload = await payloadOf(els);
    if (!payload.form && !payload.json.text.trim()) {
      clear(out).append(notice("error", "Paste a report or choose a file first."));
      return;
    }
    clear(out).append(h("p", { class: "loading" }, "Extracting events…"));
    try {
      const result = await send(payload, true);
      previewed = payload;
      clear(out).append(card("Preview", previewResult(result, payload.pasted, onSave)));
    } catch (err) {
      clear(out).append(notice("error", `The report could not be processed: ${err.message}`, err.fix));
    }
  });
  async function onSave(e) {
    const btn = e.currentTarget;
    btn.disabled = true;
    btn.textContent = "Saving…";
    try {
      const result = await send(previewed, false);
      out.prepend(savedResult(result));
      btn.textContent = "Saved";
    } catch (err) {
      out.prepend(notice("error", `The report could not be saved: ${err.message}`, err.fix));
      btn.disabled = false;
      btn.textContent = "Save to the store";
    }
  }
  // Editing the form after a preview means the preview no longer shows what would be saved.
  el.addEventListener("input", () => {
    const save = document.getElementById("save-btn");
    if (save && save.textContent !== "Saved") {
      save.disabled = true;
      save.title = "The form changed: preview again before saving";
    }
  });
  root.append(h("div", { class: "page" },
    h("div", { class: "page-head" }, h("div", null, h("h1", null, "Add a report"),
      h("p", { class: "lede" }, "Paste a news or security report. rasd shows the events it finds, with the sentence behind every coded field, before anything is stored."))),
    card(null, el), out));
}
