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
        --ok:#1d7a3e; --bad:#b42318; --focus:#e8590c; }
* { box-sizing: border-box; }
body { margin:0; font: 14px/1.4 "Liberation Sans", Arial, sans-serif; color:#1b2330; background:var(--bg); }
header { background:var(--blue); color:#fff; padding:10px 20px; display:flex; align-items:baseline; gap:18px; }
header h1 { font-size:17px; margin:0; font-weight:bold; }
header .count { opacity:.85; }
header .keys { margin-left:auto; font-size:12px; opacity:.85; }
kbd { font: 11px monospace; border:1px solid #9aa6b5; border-bottom-width:2px; border-radius:3px; padding:0 4px;
      background:#fff; color:#1b2330; }
.layout { display:grid; grid-template-columns: 270px 1fr; min-height: calc(100vh - 42px); }
nav { border-right:1px solid var(--line); background:#fff; overflow:auto; }
nav h2 { font-size:12px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); margin:12px 14px 6px; }
nav ol { list-style:none; margin:0; padding:0; }
nav li a { display:block; padding:8px 14px; border-bottom:1px solid #eef1f5; color:inherit; text-decoration:none; }
nav li a:hover { background:#f0f4fa; }
nav li a[aria-current="true"] { background:#e3ecf8; border-left:4px solid var(--blue); padding-left:10px; }
nav .who { font-weight:bold; display:block; white-space:nowrap; overflow:hidden; text-overflow:ellipsis; }
nav .why { color:var(--muted); font-size:12px; display:block; white-space:nowrap; overflow:hidden; text-overflow:ellipsis; }
nav .done a { opacity:.55; }
nav .badge { float:right; font-size:11px; border-radius:8px; padding:0 6px; background:#eef1f5; color:var(--muted); }
main { padding:16px 20px 40px; overflow:auto; }
.empty { margin:60px auto; max-width:520px; text-align:center; color:var(--muted); font-size:16px; }
.meta { color:var(--muted); font-size:12px; margin-bottom:6px; }
.reason { background:var(--warn); border:1px solid var(--warnline); border-radius:6px; padding:8px 12px; margin:0 0 14px; }
.reason b { color:#7a5600; }
.work { display:grid; grid-template-columns: minmax(320px, 44%) 1fr; gap:20px; align-items:start; }
.sheet { position:relative; background:#fff; border:1px solid var(--line); box-shadow:0 1px 3px rgba(0,0,0,.08); }
.sheet img { display:block; width:100%; height:auto; }
.sheet svg { position:absolute; inset:0; width:100%; height:100%; }
.sheet .zone { fill:rgba(0,80,200,.06); stroke:#1f5fbf; stroke-width:.35; }
.sheet .zone.low { stroke:var(--warnline); fill:rgba(232,183,48,.12); }
.sheet .zone.active { stroke:var(--focus); stroke-width:.8; fill:rgba(232,89,12,.12); }
.sheet .zone.ticked { fill:rgba(29,122,62,.18); }
.sheet .nopage { position:absolute; top:8px; left:8px; right:8px; font-size:12px; color:var(--muted); background:rgba(255,255,255,.9); padding:4px 6px; }
form { background:#fff; border:1px solid var(--line); border-radius:6px; padding:12px 16px; }
.field { display:grid; grid-template-columns: 132px minmax(0,1.1fr) minmax(0,1fr); gap:3px 10px; padding:6px 0;
         border-bottom:1px solid #eef1f5; align-items:center; }
.field label { font-weight:bold; font-size:13px; }
.field .crop { grid-column:2; width:100%; max-height:64px; object-fit:contain; object-position:left center;
               border:1px solid var(--line); background:#fff; }
.field input, .field textarea { grid-column:3; width:100%; font:inherit; padding:5px 7px; border:1px solid #aeb8c6; border-radius:4px; }
.field.nocrop input, .field.nocrop textarea { grid-column:2 / span 2; }
.field textarea { min-height:46px; resize:vertical; }
.field input:focus, .field textarea:focus, fieldset input:focus + span, button:focus-visible, nav a:focus-visible {
  outline:3px solid var(--focus); outline-offset:1px; }
.field .conf { grid-column:2 / span 2; font-size:12px; color:var(--muted); }
.field .conf.low { color:#8a5a00; font-weight:bold; }
.field .was { color:var(--muted); font-size:12px; grid-column:2; }
fieldset { border:1px solid var(--line); border-radius:6px; margin:12px 0; padding:8px 12px; }
legend { font-weight:bold; padding:0 4px; }
.venue { display:grid; grid-template-columns: 22px 1fr auto; align-items:center; gap:8px; padding:4px 0; cursor:pointer; }
.venue .score { font-size:12px; color:var(--muted); font-variant-numeric: tabular-nums; }
.venue .score.st-ticked { color:var(--ok); font-weight:bold; }
.venue .score.st-uncertain { color:#8a5a00; font-weight:bold; }
.bar { display:inline-block; width:60px; height:6px; background:#e6eaf0; border-radius:3px; vertical-align:middle; margin-left:6px; }
.bar i { display:block; height:100%; background:#1f5fbf; border-radius:3px; }
.note { width:100%; font:inherit; padding:5px 7px; border:1px solid #aeb8c6; border-radius:4px; }
.actions { display:flex; gap:10px; margin-top:14px; align-items:center; flex-wrap:wrap; }
button { font:inherit; padding:7px 14px; border-radius:5px; border:1px solid #8d99aa; background:#fff; cursor:pointer; }
button.accept { background:var(--ok); border-color:var(--ok); color:#fff; font-weight:bold; }
button.reject { border-color:var(--bad); color:var(--bad); }
#status { min-height:20px; margin-top:10px; font-weight:bold; }
#status.error { color:var(--bad); }
#status.ok { color:var(--ok); }
.hint { color:var(--muted); font-size:12px; }
</style>
</head>
<body>
<header>
  <h1>Prüfung der Anmeldungen</h1>
  <span class="count" id="count"></span>
  <span class="keys"><kbd>Enter</kbd> / <kbd>Alt</kbd>+<kbd>A</kbd> annehmen · <kbd>Alt</kbd>+<kbd>R</kbd> ablehnen ·
    <kbd>Alt</kbd>+<kbd>1</kbd>…<kbd>4</kbd> Ort · <kbd>Alt</kbd>+<kbd>N</kbd>/<kbd>P</kbd> nächste/vorige</span>
</header>
<div class="layout">
  <nav aria-label="Zu prüfende Datensätze">
    <h2>Zu prüfen (unsicherste zuerst)</h2>
    <ol id="list"></ol>
  </nav>
  <main id="main" tabindex="-1"><div class="empty">Lade …</div></main>
</div>
<script>
"use strict";
const TOKEN = "__TOKEN__";
let records = [], current = null, detail = null;

function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") el.textContent = v; else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const kid of kids.flat()) if (kid !== null && kid !== undefined) el.append(kid);
  return el;
}
function svg(tag, attrs) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}
async function api(path, body) {
  const opts = { headers: { "X-Review-Token": TOKEN } };
  if (body !== undefined) { opts.method = "POST"; opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
  const r = await fetch(path, opts);
  const data = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(data.error || ("HTTP " + r.status));
  return data;
}
function pct(x) { return Math.round(x * 100) + " %"; }
function status(text, kind) { const s = document.getElementById("status"); if (s) { s.textContent = text; s.className = kind || ""; } }

async function loadList(selectKey) {
  const data = await api("/api/records");
  records = data.records;
  const open = records.filter(r => r.status === "review").length;
  document.getElementById("count").textContent = open + " offen · " + (records.length - open) + " erledigt in dieser Sitzung";
  const list = document.getElementById("list");
  list.replaceChildren(...records.map((r, i) => h("li", { class: r.status === "review" ? "" : "done" },
    h("a", { href: "#" + encodeURIComponent(r.key), "data-key": r.key, "aria-current": r.key === selectKey ? "true" : "false",
             onclick: (ev) => { ev.preventDefault(); show(r.key); } },
      h("span", { class: "badge", text: r.status === "review" ? (r.confidence === null ? "–" : pct(r.confidence)) : (r.status === "ok" ? "angenommen" : "abgelehnt") }),
      h("span", { class: "who", text: (i + 1) + ". " + (r.name || r.source) }),
      h("span", { class: "why", text: r.reason || "" })))));
  if (selectKey !== undefined) return;
  const first = records.find(r => r.status === "review");
  if (first) await show(first.key); else showEmpty();
}
function showEmpty() {
  current = null; detail = null;
  document.getElementById("main").replaceChildren(h("div", { class: "empty" },
    h("p", { text: "Keine Datensätze mehr zu prüfen." }), h("p", { class: "hint", text: "Das Fenster kann geschlossen werden; danach „formkit allocate“ ausführen." })));
}

function zoneFor(name) { return document.querySelector('.zone[data-field="' + name + '"]'); }
function activate(name) {
  document.querySelectorAll(".zone.active").forEach(z => z.classList.remove("active"));
  const z = zoneFor(name); if (z) z.classList.add("active");
}

async function show(key) {
  detail = await api("/api/records/" + encodeURIComponent(key));
  current = key;
  document.querySelectorAll("nav a").forEach(a => a.setAttribute("aria-current", a.dataset.key === key ? "true" : "false"));
  const d = detail;
  // The sheet with its field zones (layout mm, top-left origin; the SVG uses the same units).
  const overlay = svg("svg", { viewBox: "0 0 " + d.page.width + " " + d.page.height, preserveAspectRatio: "none", "aria-hidden": "true" });
  for (const f of d.fields) {
    const [x, y, w, hh] = f.box;
    const cls = ["zone"]; if (f.low) cls.push("low"); if (f.type === "checkbox" && f.value === "1") cls.push("ticked");
    overlay.append(svg("rect", { x, y, width: w, height: hh, class: cls.join(" "), "data-field": f.name }));
  }
  const sheet = h("div", { class: "sheet" },
    h("img", { src: d.page.image_url + "?t=" + TOKEN, alt: "Seite " + (d.page_no || "") + " von " + d.source, width: d.page.width * 4, height: d.page.height * 4 }),
    overlay,
    d.page.kind === "original" ? null : h("div", { class: "nopage", text: d.page.kind === "rendered"
      ? "Kein Scan vorhanden: Formular mit den gelesenen Werten neu gezeichnet." : "Kein Seitenbild vorhanden." }));

  const form = h("form", { id: "decision", "aria-label": "Korrektur", onsubmit: (ev) => { ev.preventDefault(); decide("accept"); } });
  const texts = d.fields.filter(f => f.type === "text");
  for (const f of texts) {
    const id = "f-" + f.name;
    const input = f.multiline ? h("textarea", { id, name: f.name, rows: 3 }) : h("input", { id, name: f.name, type: "text", autocomplete: "off" });
    input.value = f.current;
    input.addEventListener("focus", () => activate(f.name));
    if (f.multiline) input.addEventListener("keydown", (ev) => { if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); decide("accept"); } });
    form.append(h("div", { class: "field" + (f.crop_url ? "" : " nocrop") },
      h("label", { for: id, text: f.label }),
      f.crop_url ? h("img", { class: "crop", src: f.crop_url + "?t=" + TOKEN, alt: "Ausschnitt " + f.label }) : null,
      input,
      h("span", { class: "conf" + (f.low ? " low" : ""), text: "gelesen: „" + f.read + "“ · Sicherheit " + (f.confidence === null ? "–" : pct(f.confidence)) + " · " + f.method })));
  }
  const venues = d.fields.filter(f => f.type === "checkbox" && f.group === "venue");
  const fs = h("fieldset", { id: "venues" }, h("legend", { text: "Veranstaltungsort (Ankreuzfelder, Tick-Wert)" }));
  venues.forEach((f, i) => {
    const id = "v-" + f.name;
    const radio = h("input", { type: "radio", name: "venue", id, value: f.option });
    radio.checked = d.venue === f.option;
    radio.addEventListener("focus", () => activate(f.name));
    // Tick score: the ink share of the box (scan path); a PDF form field has a value, not a score.
    const ink = f.method === "ocr" && f.score !== null;
    const score = (ink ? "Tinte " + pct(f.score) : ({ acroform: "Formularfeld", textlayer: "Textebene" }[f.method] || "–")) +
      (f.confidence === null ? "" : ", Sicherheit " + pct(f.confidence));
    const state = f.state || (f.value === "1" ? "ticked" : "empty");
    fs.append(h("label", { class: "venue", for: id }, radio,
      h("span", {}, h("b", { text: f.option }), " ", h("span", { class: "hint", text: f.label.replace(f.option, "").replace(/^,\s*/, "") }), " ", h("kbd", { text: "Alt+" + (i + 1) })),
      h("span", { class: "score st-" + state }, score + " · " + ({ ticked: "angekreuzt", empty: "leer", uncertain: "unsicher" }[state] || state),
        ink ? h("span", { class: "bar" }, h("i", { style: "width:" + Math.min(100, Math.round(f.score * 100)) + "%" })) : null)));
  });
  fs.append(h("label", { class: "venue", for: "v-none" }, h("input", { type: "radio", name: "venue", id: "v-none", value: "" }),
    h("span", { class: "hint", text: "kein Ort (nur beim Ablehnen)" }), h("span", {})));
  form.append(fs);
  form.append(h("label", { for: "note", class: "hint", text: "Bemerkung (wird mit der Entscheidung gespeichert)" }),
    h("input", { id: "note", class: "note", type: "text", autocomplete: "off" }));
  form.append(h("div", { class: "actions" },
    h("button", { type: "submit", class: "accept", id: "accept" }, "Annehmen (Enter)"),
    h("button", { type: "button", class: "reject", id: "reject", onclick: () => decide("reject") }, "Ablehnen (Alt+R)"),
    h("button", { type: "button", id: "skip", onclick: () => step(1) }, "Überspringen (Alt+N)")));
  form.append(h("div", { id: "status", role: "status", "aria-live": "polite" }));

  const reason = h("p", { class: "reason" }, h("b", { text: "Grund: " }), d.reason || "(kein Grund angegeben)");
  const meta = h("div", { class: "meta", text: d.source + (d.page_no ? " · Seite " + d.page_no : "") + " · " + d.method +
    (d.received ? " · eingegangen " + d.received : "") + (d.recipient_id ? " · Empfänger-Nr. " + d.recipient_id : "") });
  const title = h("h2", { style: "margin:0 0 4px;font-size:18px", text: d.current_name || "(ohne Namen)" });
  document.getElementById("main").replaceChildren(title, meta, reason, h("div", { class: "work" }, sheet, form));
  if (d.status !== "review") status(d.status === "ok" ? "Bereits angenommen." : "Bereits abgelehnt.", "ok");
  const first = form.querySelector("input, textarea");
  if (first) { first.focus(); first.select && first.select(); }
}

async function decide(action) {
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
  try {
    const res = await api("/api/records/" + encodeURIComponent(current) + "/decision", { action, values, venue, note });
    const doneKey = current;
    await loadList(doneKey);
    const next = res.next;
    if (next) { await show(next); status((action === "accept" ? "Angenommen" : "Abgelehnt") + ": " + (res.name || doneKey) + ". Nächster Datensatz.", "ok"); }
    else showEmpty();
  } catch (e) { status("Nicht gespeichert: " + e.message, "error"); }
}

function step(delta) {
  if (!records.length) return;
  const i = records.findIndex(r => r.key === current);
  const j = Math.min(Math.max(i + delta, 0), records.length - 1);
  if (j !== i) show(records[j].key);
}

document.addEventListener("keydown", (ev) => {
  if (!ev.altKey || ev.ctrlKey || ev.metaKey) return;
  const k = ev.key.toLowerCase();
  if (k === "a") { ev.preventDefault(); decide("accept"); }
  else if (k === "r") { ev.preventDefault(); decide("reject"); }
  else if (k === "n") { ev.preventDefault(); step(1); }
  else if (k === "p") { ev.preventDefault(); step(-1); }
  else if (/^[1-9]$/.test(ev.key) || /^Digit[1-9]$/.test(ev.code)) {
    const n = parseInt(ev.code.startsWith("Digit") ? ev.code.slice(5) : ev.key, 10);
    const radios = document.querySelectorAll('#decision input[name="venue"]:not(#v-none)');
    if (radios[n - 1]) { ev.preventDefault(); radios[n - 1].checked = true; radios[n - 1].focus(); }
  }
});

loadList().catch(e => { document.getElementById("main").replaceChildren(h("div", { class: "empty", text: "Fehler: " + e.message })); });
</script>
</body>
</html>
"""


def render_page(token: str) -> bytes:
    return PAGE.replace("__TOKEN__", token).encode("utf-8")
