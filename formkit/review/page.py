"""The review page: one static HTML document with its CSS and JavaScript (no framework, no CDN).

Kept in a Python module so that it ships with the package. The page talks to the JSON API of
:mod:`formkit.review.server`; every request carries the session token in ``X-Review-Token``.
"""

from __future__ import annotations

PAGE = r"""<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>formkit – Prüfung der Anmeldungen</title>
<style>
:root { --blue:#003373; --line:#d5dbe3; --muted:#5b6675; --bg:#f4f6f9; --warn:#fff4d6; --warnline:#e8b730;
        --ok:#1d7a3e; --bad:#b42318; --focus:#e8590c; --list:#e8f1fb; }
* { box-sizing: border-box; }
body { margin:0; font: 14px/1.4 "Liberation Sans", Arial, sans-serif; color:#1b2330; background:var(--bg); min-width:1000px; }
header { background:var(--blue); color:#fff; padding:8px 16px; display:flex; align-items:baseline; gap:14px; flex-wrap:wrap; }
header h1 { font-size:17px; margin:0; font-weight:bold; }
header .count { opacity:.9; }
header .keys { margin-left:auto; font-size:12px; opacity:.9; }
header button { padding:2px 10px; font-size:12px; }
kbd { font: 11px monospace; border:1px solid #9aa6b5; border-bottom-width:2px; border-radius:3px; padding:0 4px;
      background:#fff; color:#1b2330; white-space:nowrap; }
.layout { display:grid; grid-template-columns: 236px minmax(0, 1fr); min-height: calc(100vh - 40px); }
@media (min-width: 1400px) { .layout { grid-template-columns: 290px minmax(0, 1fr); } }
nav { border-right:1px solid var(--line); background:#fff; overflow:auto; }
nav h2 { font-size:12px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); margin:12px 12px 6px; }
nav ol { list-style:none; margin:0; padding:0; }
nav li a { display:block; padding:7px 12px; border-bottom:1px solid #eef1f5; color:inherit; text-decoration:none; }
nav li a:hover { background:#f0f4fa; }
nav li a[aria-current="true"] { background:#e3ecf8; border-left:4px solid var(--blue); padding-left:8px; }
nav .who { font-weight:bold; display:block; white-space:nowrap; overflow:hidden; text-overflow:ellipsis; }
nav .why { color:var(--muted); font-size:12px; display:block; white-space:nowrap; overflow:hidden; text-overflow:ellipsis; }
nav .done a { opacity:.55; }
nav .taken .who::after { content:" · in Bearbeitung"; font-weight:normal; color:var(--bad); font-size:12px; }
nav .badge { float:right; font-size:11px; border-radius:8px; padding:0 6px; background:#eef1f5; color:var(--muted); }
.overview { margin:0 12px 6px; font-size:12px; border-collapse:collapse; width:calc(100% - 24px); }
.overview th, .overview td { padding:2px 4px; border-bottom:1px solid #eef1f5; text-align:right; }
.overview th:first-child, .overview td:first-child { text-align:left; }
.overview caption { text-align:left; color:var(--muted); padding:2px 0; }
.filters { display:grid; gap:4px; margin:4px 12px 8px; }
.filters select { font:inherit; font-size:12px; width:100%; }
main { padding:12px 16px 40px; overflow:auto; max-width:1700px; }
.empty { margin:60px auto; max-width:520px; text-align:center; color:var(--muted); font-size:16px; }
.meta { color:var(--muted); font-size:12px; margin-bottom:6px; }
.reason { background:var(--warn); border:1px solid var(--warnline); border-radius:6px; padding:6px 12px; margin:0 0 10px; }
.reason b { color:#7a5600; }
.reason ul { margin:2px 0 0; padding-left:18px; }
.taken { background:#fde8e6; border:1px solid var(--bad); border-radius:6px; padding:6px 12px; margin:0 0 10px; color:var(--bad); font-weight:bold; }
.listmatch { background:var(--list); border:1px solid #9cc0ea; border-radius:6px; padding:6px 12px; margin:0 0 10px; }
.work { display:grid; grid-template-columns: minmax(250px, 38%) minmax(0, 1fr); gap:16px; align-items:start; }
@media (min-width: 1400px) { .work { grid-template-columns: minmax(320px, 42%) minmax(0, 1fr); } }
.sheetbox { position:sticky; top:8px; }
.sheetbox.mail { background:#fff; border:1px solid var(--line); border-radius:6px; padding:8px 12px; }
.sheetbox.mail dl { display:grid; grid-template-columns:auto 1fr; gap:2px 10px; margin:0 0 8px; font-size:13px; }
.sheetbox.mail dt { font-weight:bold; color:var(--muted); }
.sheetbox.mail dd { margin:0; overflow-wrap:anywhere; }
.sheetbox.mail pre { white-space:pre-wrap; font:13px/1.45 "Liberation Mono", monospace; margin:0; max-height:70vh; overflow:auto; }
.sheet { position:relative; background:#fff; border:1px solid var(--line); box-shadow:0 1px 3px rgba(0,0,0,.08); overflow:hidden; }
.sheet .inner { position:relative; transform-origin: 0 0; transition: transform .15s; }
.sheet img { display:block; width:100%; height:auto; }
.sheet svg { position:absolute; inset:0; width:100%; height:100%; }
.sheet .zone { fill:rgba(0,80,200,.06); stroke:#1f5fbf; stroke-width:.35; }
.sheet .zone.low { stroke:var(--warnline); fill:rgba(232,183,48,.12); }
.sheet .zone.active { stroke:var(--focus); stroke-width:.8; fill:rgba(232,89,12,.08); }
.sheet .zone.ticked { fill:rgba(29,122,62,.18); }
.sheet .nopage { position:absolute; top:8px; left:8px; right:8px; font-size:12px; color:var(--muted); background:rgba(255,255,255,.9); padding:4px 6px; }
.sheetbox .hint { display:block; margin-top:4px; }
form { background:#fff; border:1px solid var(--line); border-radius:6px; padding:8px 14px; }
.field { display:grid; grid-template-columns: 124px minmax(0, 1fr); gap:3px 10px; padding:6px 0; border-bottom:1px solid #eef1f5; }
.field > label { font-weight:bold; font-size:13px; padding-top:5px; overflow-wrap:anywhere; }
.field > .body { display:grid; gap:3px; min-width:0; }
.field .crops { display:grid; gap:2px; justify-items:start; overflow-x:auto; }
/* Crops at their natural size (trimmed to the writing); longer writing than the column scrolls. */
.field .crop { display:block; max-width:none; height:auto; border:1px solid var(--line); background:#fff; }
.field .crop:hover, .field.focus .crop { zoom:1.35; border-color:var(--focus); }
.field input, .field textarea { width:100%; font:inherit; font-size:15px; padding:5px 7px; border:1px solid #aeb8c6; border-radius:4px; }
.field textarea { min-height:54px; resize:vertical; }
.field.bad input, .field.bad textarea { border-color:var(--bad); background:#fff6f5; }
.field input:focus, .field textarea:focus, fieldset input:focus + span, button:focus-visible, nav a:focus-visible, select:focus-visible {
  outline:3px solid var(--focus); outline-offset:1px; }
.field .conf { font-size:12px; color:var(--muted); }
.field .why { font-size:12px; color:#8a5a00; font-weight:bold; }
.field .why.bad { color:var(--bad); }
.field .fromlist { font-size:12px; background:var(--list); border-radius:4px; padding:2px 6px; display:flex; gap:6px; align-items:baseline; flex-wrap:wrap; }
.field .fromlist.same { background:none; color:var(--ok); padding-left:0; }
.field .fromlist button { font-size:11px; padding:0 6px; }
.field .fromlist .v { font-weight:bold; white-space:pre-wrap; }
fieldset { border:1px solid var(--line); border-radius:6px; margin:10px 0; padding:6px 12px; }
legend { font-weight:bold; padding:0 4px; }
.venue { display:grid; grid-template-columns: 22px minmax(0,1fr) auto; align-items:center; gap:8px; padding:3px 0; cursor:pointer; }
.venue .score { font-size:12px; color:var(--muted); font-variant-numeric: tabular-nums; }
.venue .score.st-ticked { color:var(--ok); font-weight:bold; }
.venue .score.st-uncertain { color:#8a5a00; font-weight:bold; }
.note { width:100%; font:inherit; padding:5px 7px; border:1px solid #aeb8c6; border-radius:4px; }
.actions { display:flex; gap:8px; margin-top:12px; align-items:center; flex-wrap:wrap; }
button { font:inherit; padding:6px 12px; border-radius:5px; border:1px solid #8d99aa; background:#fff; cursor:pointer; color:#1b2330; }
button.accept { background:var(--ok); border-color:var(--ok); color:#fff; font-weight:bold; }
button.reject { border-color:var(--bad); color:var(--bad); }
button[hidden] { display:none; }
#status { min-height:20px; margin-top:8px; font-weight:bold; }
#status.error { color:var(--bad); }
#status.ok { color:var(--ok); }
.hint { color:var(--muted); font-size:12px; }
.history { margin-top:10px; font-size:12px; color:var(--muted); }
.history summary { cursor:pointer; }
/* Up to 1280 px the labels sit above the fields, so crops and inputs get the form's whole width. */
@media (max-width: 1279px) {
  .work { grid-template-columns: minmax(220px, 31%) minmax(0, 1fr); gap:12px; }
  .field { grid-template-columns: minmax(0, 1fr); }
  .field > label { padding-top:0; }
}
</style>
</head>
<body>
<header>
  <h1>Prüfung der Anmeldungen</h1>
  <span class="count" id="count"></span>
  <button type="button" id="undo" hidden>Rückgängig (Alt+Z)</button>
  <span class="keys"><kbd>Enter</kbd> annehmen · <kbd>Alt</kbd>+<kbd>R</kbd> ablehnen ·
    <kbd>Alt</kbd>+<kbd>L</kbd> Listenwert, <kbd>Alt</kbd>+<kbd>⇧</kbd>+<kbd>L</kbd> alle ·
    <kbd>Alt</kbd>+<kbd>1</kbd>…<kbd>9</kbd> Ort · <kbd>Alt</kbd>+<kbd>V</kbd> Lupe ·
    <kbd>Alt</kbd>+<kbd>Z</kbd> rückgängig · <kbd>Alt</kbd>+<kbd>N</kbd>/<kbd>P</kbd> nächster/voriger</span>
</header>
<div class="layout">
  <nav aria-label="Zu prüfende Datensätze">
    <table class="overview" id="overview"></table>
    <div class="filters">
      <select id="filter-reason" aria-label="Nach Grund filtern"></select>
      <select id="filter-campaign" aria-label="Nach Kampagne filtern"></select>
      <select id="filter-venue" aria-label="Nach Ort filtern"></select>
    </div>
    <h2>Zu prüfen (unsicherste zuerst)</h2>
    <ol id="list"></ol>
  </nav>
  <main id="main" tabindex="-1"><div class="empty">Lade …</div></main>
</div>
<script>
"use strict";
const TOKEN = "__TOKEN__";
// One id per open page (kept across a reload of the tab): the store shows a record this page holds
// open as taken on other pages.
const CLIENT = sessionStorage.getItem("formkit-review-client") ||
  (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2) + String(Date.now()));
sessionStorage.setItem("formkit-review-client", CLIENT);
let records = [], current = null, detail = null, zoomed = false;
const undoStack = [];  // decisions made on this page: {key, version, name}

function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") el.textContent = v; else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const kid of kids.flat()) if (kid !== null && kid !== undefined && kid !== false) el.append(kid);
  return el;
}
function svg(tag, attrs) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}
async function api(path, body) {
  const opts = { headers: { "X-Review-Token": TOKEN, "X-Review-Client": CLIENT } };
  if (body !== undefined) { opts.method = "POST"; opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
  const r = await fetch(path, opts);
  const data = await r.json().catch(() => ({}));
  if (!r.ok) { const e = new Error(data.error || ("HTTP " + r.status)); e.stale = !!data.stale; throw e; }
  return data;
}
function pct(x) { return Math.round(x * 100) + " %"; }
function status(text, kind) { const s = document.getElementById("status"); if (s) { s.textContent = text; s.className = kind || ""; } }
function dateDe(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})/.exec(iso || "");
  return m ? m[3] + "." + m[2] + "." + m[1] + ", " + m[4] + ":" + m[5] + " Uhr" : (iso || "");
}
function category(reason) { return reason.replace(/\s*\(\d+ %\)$/, "").replace(/„[^“]*“/g, "…"); }

// --- queue, overview, filters -------------------------------------------------------------
const filters = { reason: "", campaign: "", venue: "" };
function passes(r) {
  return (!filters.reason || (r.reasons || []).some(x => category(x) === filters.reason)) &&
         (!filters.campaign || r.campaign === filters.campaign) && (!filters.venue || r.venue === filters.venue);
}
function fillSelect(id, label, values, key) {
  const sel = document.getElementById(id);
  const opts = [h("option", { value: "", text: label })].concat([...values].sort().map(v => h("option", { value: v, text: v })));
  sel.replaceChildren(...opts);
  sel.value = values.has(filters[key]) ? filters[key] : "";
  filters[key] = sel.value;
  sel.onchange = () => { filters[key] = sel.value; renderList(); };
}
function renderOverview(rows) {
  const t = document.getElementById("overview");
  const total = rows.reduce((a, r) => [a[0] + r.open, a[1] + r.done, a[2] + r.rejected], [0, 0, 0]);
  t.replaceChildren(h("caption", { text: "Übersicht aller Anmeldungen" }),
    h("tr", {}, h("th", { text: "Kampagne / Ort" }), h("th", { text: "offen" }), h("th", { text: "angen." }), h("th", { text: "abgel." })),
    ...rows.map(r => h("tr", {}, h("td", { title: r.campaign, text: r.venue }), h("td", { text: r.open }), h("td", { text: r.done }), h("td", { text: r.rejected }))),
    h("tr", {}, h("th", { text: "zusammen" }), h("th", { text: total[0] }), h("th", { text: total[1] }), h("th", { text: total[2] })));
  const campaigns = new Set(rows.map(r => r.campaign).filter(Boolean));
  if (campaigns.size === 1) t.querySelector("caption").textContent = "Übersicht: " + [...campaigns][0];
}
function renderList() {
  const list = document.getElementById("list");
  const shown = records.filter(r => r.status !== "review" || passes(r));
  const open = records.filter(r => r.status === "review").length;
  document.getElementById("count").textContent = open + " offen · " + (records.length - open) + " in dieser Sitzung entschieden";
  list.replaceChildren(...shown.map((r, i) => h("li", { class: (r.status === "review" ? "" : "done") + (r.taken_by ? " taken" : "") },
    h("a", { href: "#" + encodeURIComponent(r.key), "data-key": r.key, "aria-current": r.key === current ? "true" : "false",
             title: r.taken_by ? "wird gerade von " + r.taken_by + " bearbeitet" : null,
             onclick: (ev) => { ev.preventDefault(); show(r.key); } },
      h("span", { class: "badge", text: r.status === "review" ? (r.confidence === null ? "–" : pct(r.confidence)) : (r.status === "ok" ? "angenommen" : "abgelehnt") }),
      h("span", { class: "who", text: (i + 1) + ". " + (r.name || r.source) }),
      h("span", { class: "why", text: r.reason || "" })))));
}
async function loadList() {
  const data = await api("/api/records");
  records = data.records;
  renderOverview(data.overview);
  const cats = new Set(); records.forEach(r => (r.reasons || []).forEach(x => cats.add(category(x))));
  fillSelect("filter-reason", "Alle Gründe", cats, "reason");
  fillSelect("filter-campaign", "Alle Kampagnen", new Set(data.overview.map(r => r.campaign).filter(Boolean)), "campaign");
  fillSelect("filter-venue", "Alle Orte", new Set(data.overview.map(r => r.venue).filter(v => v !== "–")), "venue");
  renderList();
}
function nextOpen(after) {
  return records.find(r => r.status === "review" && !r.taken_by && r.key !== after && passes(r)) ||
         records.find(r => r.status === "review" && r.key !== after && passes(r));
}
function showEmpty() {
  current = null; detail = null;
  document.getElementById("main").replaceChildren(h("div", { class: "empty" },
    h("p", { text: "Keine Datensätze mehr zu prüfen." }), h("p", { class: "hint", text: "Das Fenster kann geschlossen werden; danach „formkit allocate“ ausführen." }),
    h("div", { id: "status", role: "status", "aria-live": "polite" })));
}

// --- one record ------------------------------------------------------------------------------
function zoneFor(name) { return document.querySelector('.zone[data-field="' + name + '"]'); }
function activate(name) {
  document.querySelectorAll(".zone.active").forEach(z => z.classList.remove("active"));
  document.querySelectorAll(".field.focus").forEach(z => z.classList.remove("focus"));
  const z = zoneFor(name); if (z) z.classList.add("active");
  const f = document.querySelector('.field[data-field="' + name + '"]'); if (f) f.classList.add("focus");
  applyZoom();
}
// The page image zoomed onto the field in focus (Alt+V toggles): the field's box fills the sheet's width.
function applyZoom() {
  const inner = document.querySelector(".sheet .inner"); if (!inner || !detail) return;
  const z = document.querySelector(".zone.active");
  if (!zoomed || !z) { inner.style.transform = ""; document.querySelector(".sheet").style.height = ""; return; }
  const W = detail.page.width, x = +z.getAttribute("x"), y = +z.getAttribute("y"), w = +z.getAttribute("width"), hh = +z.getAttribute("height");
  const scale = Math.min(4, Math.max(1.5, W / (w + 20)));
  const px = inner.clientWidth / W;  // CSS px per mm at scale 1
  const view = Math.round(inner.clientWidth * 0.7);  // the zoomed window: the field with the lines around it
  const tx = Math.min(0, Math.max(inner.clientWidth * (1 - scale), -(x - 10) * px * scale));
  const ty = Math.min(0, -((y + hh / 2) * px * scale - view / 2));
  inner.style.transform = "translate(" + tx + "px," + ty + "px) scale(" + scale + ")";
  document.querySelector(".sheet").style.height = view + "px";
}
function setValue(el, value) { el.value = value; el.dispatchEvent(new Event("input")); }
function takeList(name) {
  const f = detail && detail.fields.find(x => x.name === name);
  const el = document.getElementById("f-" + name);
  if (!f || !el || f.list === null || f.list === undefined) return false;
  setValue(el, f.list); return true;
}
function takeAllList() {
  if (!detail || !detail.list) { status("Kein passender Eintrag in der Adressliste.", "error"); return; }
  const n = detail.fields.filter(f => f.type === "text" && f.list !== null && takeList(f.name)).length;
  status(n + " Werte aus der Adressliste übernommen.", "ok");
}
function fieldRow(f) {
  const id = "f-" + f.name;
  const input = f.multiline ? h("textarea", { id, name: f.name, rows: 3 }) : h("input", { id, name: f.name, type: "text", autocomplete: "off", spellcheck: "false" });
  input.value = f.current;
  input.addEventListener("focus", () => activate(f.name));
  if (f.multiline) input.addEventListener("keydown", (ev) => { if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); decide("accept"); } });
  const why = f.why.length ? h("span", { class: "why", text: f.why.join(" · ") })
    : (f.info ? h("span", { class: "conf", text: f.info }) : null);
  let fromList = null;
  if (f.list !== null && f.list !== undefined) {
    const same = () => input.value.trim() === f.list.trim();
    fromList = h("span", { class: "fromlist" });
    const paint = () => fromList.replaceChildren(...(same()
      ? [h("span", { text: "✓ wie in der Adressliste" })]
      : [h("span", { text: "Adressliste:" }), h("span", { class: "v", text: f.list }),
         h("button", { type: "button", tabindex: "-1", onclick: () => { takeList(f.name); input.focus(); } }, "übernehmen (Alt+L)")]));
    fromList.classList.toggle("same", same());
    input.addEventListener("input", () => { fromList.classList.toggle("same", same()); paint(); });
    paint();
  }
  const crops = f.crop_urls.length ? h("div", { class: "crops" },
    f.crop_urls.map((u, i) => h("img", { class: "crop", src: u + "&t=" + TOKEN, alt: "Handschrift im Feld " + f.short + (f.crop_urls.length > 1 ? ", Zeile " + (i + 1) : "") }))) : null;
  // The machine's reading when the value differs from it (a correction, a list value taken over).
  const read = f.current !== f.read ? h("span", { class: "conf", text: "gelesen: „" + f.read + "“" }) : null;
  return h("div", { class: "field" + (f.low || f.why.length ? " flagged" : ""), "data-field": f.name },
    h("label", { for: id, text: f.short }), h("div", { class: "body" }, crops, input, why, fromList, read));
}
async function show(key) {
  detail = await api("/api/records/" + encodeURIComponent(key));
  current = key;
  document.querySelectorAll("nav a").forEach(a => a.setAttribute("aria-current", a.dataset.key === key ? "true" : "false"));
  const d = detail;
  const overlay = svg("svg", { viewBox: "0 0 " + d.page.width + " " + d.page.height, preserveAspectRatio: "none", "aria-hidden": "true" });
  for (const f of d.fields) {
    const [x, y, w, hh] = f.box;
    const cls = ["zone"]; if (f.low || f.why.length) cls.push("low"); if (f.type === "checkbox" && f.value === "1") cls.push("ticked");
    overlay.append(svg("rect", { x, y, width: w, height: hh, class: cls.join(" "), "data-field": f.name }));
  }
  // (Not built for a mail: an image that is made starts its request even when never shown.)
  const sheet = d.mail ? null : h("div", { class: "sheet", title: "Klick oder Alt+V: auf das Feld vergrößern", onclick: () => { zoomed = !zoomed; applyZoom(); } },
    h("div", { class: "inner" },
      h("img", { src: d.page.image_url + "?t=" + TOKEN, alt: "Seite " + (d.page_no || "") + " von " + d.source, width: d.page.width * 4, height: d.page.height * 4 }),
      overlay),
    d.page.kind === "original" ? null : h("div", { class: "nopage", text: d.page.kind === "rendered"
      ? "Kein Scan vorhanden: Formular mit den gelesenen Werten neu gezeichnet." : "Kein Seitenbild vorhanden." }));

  const form = h("form", { id: "decision", "aria-label": "Korrektur", onsubmit: (ev) => { ev.preventDefault(); decide("accept"); } });
  for (const f of d.fields.filter(f => f.type === "text")) form.append(fieldRow(f));
  const venues = d.fields.filter(f => f.type === "checkbox" && f.group === "venue");
  const fs = h("fieldset", { id: "venues" }, h("legend", { text: "Veranstaltungsort" }));
  venues.forEach((f, i) => {
    const id = "v-" + f.name;
    const radio = h("input", { type: "radio", name: "venue", id, value: f.option });
    radio.checked = d.venue === f.option;
    radio.addEventListener("focus", () => activate(f.name));
    const state = f.state || (f.value === "1" ? "ticked" : "empty");
    const words = { ticked: "angekreuzt", empty: "leer", uncertain: "unsicher" }[state] || state;
    const ink = f.score !== null && f.score !== undefined && state !== "empty" ? ", Kästchen zu " + pct(f.score) + " gefüllt" : "";
    fs.append(h("label", { class: "venue", for: id }, radio,
      h("span", {}, h("b", { text: f.option }), " ", h("span", { class: "hint", text: f.label.replace(f.option, "").replace(/^,\s*/, "") }), " ", h("kbd", { text: "Alt+" + (i + 1) })),
      h("span", { class: "score st-" + state, title: f.why.join(" · ") || null }, words + ink)));
  });
  fs.append(h("label", { class: "venue", for: "v-none" }, h("input", { type: "radio", name: "venue", id: "v-none", value: "" }),
    h("span", { class: "hint", text: "kein Ort (nur beim Ablehnen)" }), h("span", {})));
  form.append(fs);
  form.append(h("label", { for: "note", class: "hint", text: "Bemerkung (wird mit der Entscheidung gespeichert; nötig zum „trotzdem annehmen“)" }),
    h("input", { id: "note", class: "note", type: "text", autocomplete: "off" }));
  form.append(h("div", { class: "actions" },
    h("button", { type: "submit", class: "accept", id: "accept" }, "Annehmen (Enter)"),
    h("button", { type: "button", id: "override", hidden: true, onclick: () => decide("accept", true) }, "Trotzdem annehmen (Alt+O)"),
    h("button", { type: "button", class: "reject", id: "reject", onclick: () => decide("reject") }, "Ablehnen (Alt+R)"),
    h("button", { type: "button", id: "skip", onclick: () => step(1) }, "Überspringen (Alt+N)")));
  form.append(h("div", { id: "status", role: "status", "aria-live": "polite" }));
  if (d.corrections.length) form.append(h("details", { class: "history" }, h("summary", { text: "Verlauf (" + d.corrections.length + " Einträge)" }),
    h("ul", {}, d.corrections.filter(c => c.field !== "reason").map(c => h("li", { text: dateDe(c.at) + (c.by ? " · " + c.by : "") + " · " +
      (c.field === "status" ? "Status: " + ({ ok: "angenommen", rejected: "abgelehnt", review: "offen" }[c.new] || c.new)
        : c.field === "override" ? "trotz Prüfung angenommen: " + c.new : (d.fields.find(f => f.name === c.field) || { short: c.field === "venue" ? "Ort" : c.field }).short + ": „" + c.old + "“ → „" + c.new + "“") +
      (c.note ? " (" + c.note + ")" : "") })))));

  const reasons = d.status === "review" ? h("div", { class: "reason" }, h("b", { text: "Bitte prüfen:" }),
    h("ul", {}, (d.reasons.length ? d.reasons : ["kein Grund angegeben"]).map(r => h("li", { text: r })))) : null;
  const taken = d.taken_by ? h("div", { class: "taken", id: "taken", text: "Wird gerade auf einer anderen Prüfseite bearbeitet (" + d.taken_by + "). Bitte einen anderen Datensatz nehmen (Alt+N)." }) : null;
  const listBox = d.list ? h("div", { class: "listmatch", id: "listmatch" }, h("b", { text: "Adressliste " }), d.list.text,
    " · ", h("kbd", { text: "Alt+⇧+L" }), " alle Werte übernehmen") : null;
  const meta = h("div", { class: "meta", text: d.source + (d.page_no ? " · Seite " + d.page_no : "") + " · " + d.method_text +
    (d.received ? " · eingegangen " + dateDe(d.received) : "") + (d.recipient_id ? " · Empfänger-Nr. " + d.recipient_id : "") +
    (d.campaign ? " · " + d.campaign : "") });
  const title = h("h2", { style: "margin:0 0 4px;font-size:18px", text: d.current_name || "(ohne Namen)" });
  // A registration typed into an e-mail: the mail itself where a sheet's page would be.
  const sheetBox = d.mail ? h("div", { class: "sheetbox mail", id: "mail" },
      h("dl", {}, h("dt", { text: "Von" }), h("dd", { text: d.mail.sender || "(unbekannt)" }),
        h("dt", { text: "Betreff" }), h("dd", { text: d.mail.subject || "(ohne Betreff)" }),
        h("dt", { text: "Datum" }), h("dd", { text: d.mail.date ? dateDe(d.mail.date) : "(ohne Datum)" })),
      h("pre", { text: d.mail.body || "(leerer Text)" }),
      h("span", { class: "hint", text: "Vorschläge aus dem E-Mail-Text: jeden Wert mit der E-Mail vergleichen." }))
    : h("div", { class: "sheetbox" }, sheet, h("span", { class: "hint", text: "Alt+V oder Klick: Seite auf das Feld vergrößern" }));
  document.getElementById("main").replaceChildren(...[title, meta, taken, reasons, listBox, h("div", { class: "work" }, sheetBox, form)].filter(Boolean));
  if (d.status !== "review") status(d.status === "ok" ? "Bereits angenommen." : "Bereits abgelehnt.", "ok");
  const first = form.querySelector(".field.flagged input, .field.flagged textarea") || form.querySelector("input, textarea");
  if (first) { first.focus(); first.select && first.select(); }
}

async function decide(action, override) {
  if (!detail) return;
  const values = {};
  document.querySelectorAll("#decision .field input, #decision .field textarea").forEach(el => values[el.name] = el.value);
  const picked = document.querySelector('#decision input[name="venue"]:checked');
  const venue = picked ? picked.value : null;
  if (action === "accept" && !venue) {
    status("Bitte einen Veranstaltungsort wählen (Alt+1 … Alt+" + detail.fields.filter(f => f.group === "venue").length + ").", "error");
    const v = document.querySelector('#decision input[name="venue"]'); if (v) v.focus();
    return;
  }
  const note = document.getElementById("note").value;
  if (override && !note.trim()) {
    status("Zum „trotzdem annehmen“ bitte in der Bemerkung angeben, warum.", "error");
    document.getElementById("note").focus(); return;
  }
  try {
    const res = await api("/api/records/" + encodeURIComponent(current) + "/decision",
      { action, values, venue, note, version: detail.version, override: !!override });
    undoStack.push({ key: current, version: res.version, name: res.name || detail.current_name || detail.source });
    document.getElementById("undo").hidden = false;
    const doneKey = current;
    await loadList();
    const next = nextOpen(doneKey);
    const msg = (action === "accept" ? "Angenommen" : "Abgelehnt") + ": " + (res.name || detail.current_name || detail.source) + ". Rückgängig mit Alt+Z.";
    if (next) { await show(next.key); status(msg, "ok"); }
    else { showEmpty(); status(msg, "ok"); }
  } catch (e) {
    status(e.message, "error");
    if (e.stale) { await loadList(); return; }
    const bad = document.getElementById("override");
    if (action === "accept" && /ungültig|keine gültige|kein gültiges/.test(e.message) && bad) {
      bad.hidden = false;
      document.querySelectorAll("#decision .field").forEach(el => {
        const label = el.querySelector("label").textContent;
        el.classList.toggle("bad", e.message.includes(label + " „"));
      });
      const f = document.querySelector("#decision .field.bad input, #decision .field.bad textarea"); if (f) f.focus();
    }
  }
}

async function undo() {
  const last = undoStack[undoStack.length - 1];
  if (!last) { status("Auf dieser Seite wurde noch nichts entschieden.", "error"); return; }
  try {
    await api("/api/records/" + encodeURIComponent(last.key) + "/undo", { version: last.version });
    undoStack.pop();
    document.getElementById("undo").hidden = undoStack.length === 0;
    await loadList();
    await show(last.key);
    status("Entscheidung zurückgenommen: " + last.name + ". Der Datensatz ist wieder offen.", "ok");
  } catch (e) { status("Nicht zurückgenommen: " + e.message, "error"); }
}

function step(delta) {
  const shown = records.filter(r => r.status !== "review" || passes(r));
  if (!shown.length) return;
  const i = shown.findIndex(r => r.key === current);
  const j = Math.min(Math.max(i + delta, 0), shown.length - 1);
  if (j !== i) show(shown[j].key);
}

document.getElementById("undo").addEventListener("click", undo);
document.addEventListener("keydown", (ev) => {
  if (!ev.altKey || ev.ctrlKey || ev.metaKey) return;
  const k = ev.key.toLowerCase(), code = ev.code || "";
  if (k === "a" || code === "KeyA") { ev.preventDefault(); decide("accept"); }
  else if (k === "o" || code === "KeyO") { ev.preventDefault(); decide("accept", true); }
  else if (k === "r" || code === "KeyR") { ev.preventDefault(); decide("reject"); }
  else if (k === "n" || code === "KeyN") { ev.preventDefault(); step(1); }
  else if (k === "p" || code === "KeyP") { ev.preventDefault(); step(-1); }
  else if (k === "z" || code === "KeyZ") { ev.preventDefault(); undo(); }
  else if (k === "v" || code === "KeyV") { ev.preventDefault(); zoomed = !zoomed; applyZoom(); }
  else if (k === "l" || code === "KeyL") {
    ev.preventDefault();
    if (ev.shiftKey) { takeAllList(); return; }
    const el = document.activeElement;
    const name = el && el.name && el.id === "f-" + el.name ? el.name : null;
    if (!name || !takeList(name)) status("Für dieses Feld gibt es keinen Wert in der Adressliste.", "error");
  }
  else if (/^Digit[1-9]$/.test(code) || /^[1-9]$/.test(ev.key)) {
    const n = parseInt(code.startsWith("Digit") ? code.slice(5) : ev.key, 10);
    const radios = document.querySelectorAll('#decision input[name="venue"]:not(#v-none)');
    if (radios[n - 1]) { ev.preventDefault(); radios[n - 1].checked = true; radios[n - 1].focus(); }
  }
});
window.addEventListener("resize", applyZoom);

loadList().then(() => { const first = nextOpen(null); if (first) return show(first.key); showEmpty(); })
  .catch(e => { document.getElementById("main").replaceChildren(h("div", { class: "empty", text: "Fehler: " + e.message })); });
</script>
</body>
</html>
"""


def render_page(token: str) -> bytes:
    return PAGE.replace("__TOKEN__", token).encode("utf-8")
