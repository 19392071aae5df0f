"""The gallery page's stylesheet and script, inlined into the page (it opens from disk, no server)."""

CSS = """
:root { --bg: #f5f5f2; --card: #fff; --ink: #222; --muted: #6b6b66; --line: #deded8; --ok: #17803d; --bad: #c62828; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: var(--ink); }
header { position: sticky; top: 0; z-index: 2; background: #fffffff2; border-bottom: 1px solid var(--line); padding: 10px 20px; }
header h1 { font-size: 18px; margin: 0 0 6px; }
header h1 small { font-weight: 400; color: var(--muted); margin-left: 8px; }
.filters { display: flex; flex-wrap: wrap; gap: 10px 16px; align-items: center; }
.filters label { display: flex; gap: 6px; align-items: center; color: var(--muted); }
.filters select { font: inherit; padding: 3px 6px; border: 1px solid var(--line); border-radius: 6px; background: #fff; max-width: 260px; }
.filters button { font: inherit; padding: 3px 10px; border: 1px solid var(--line); border-radius: 6px; background: #fff; cursor: pointer; }
#shown { color: var(--muted); margin-left: auto; }
main { padding: 8px 20px 40px; }
h2 { font-size: 16px; margin: 22px 0 8px; }
h3 { font-size: 14px; margin: 18px 0 8px; color: #444; }
h3 .count, h2 .count { color: var(--muted); font-weight: 400; }
.grid { display: flex; flex-wrap: wrap; gap: 14px; align-items: flex-start; }
.strip { display: flex; gap: 14px; overflow-x: auto; padding-bottom: 8px; align-items: flex-start; }
.card { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 8px; width: 212px; flex: none; }
.card .media { display: flex; align-items: center; justify-content: center; height: 196px; background: #fafaf8; border-radius: 4px; overflow: hidden; position: relative; }
.card img, .card video { max-width: 196px; max-height: 196px; display: block; }
.card .rank { position: absolute; left: 4px; top: 4px; background: #222; color: #fff; border-radius: 10px; padding: 0 7px; font-size: 12px; font-weight: 700; }
.card figcaption { margin-top: 6px; font-size: 12px; }
.card .title { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.card .meta { color: var(--muted); }
.chip { display: inline-block; border: 1px solid var(--line); border-radius: 9px; padding: 0 6px; margin: 2px 2px 0 0; font-size: 11px; color: #555; }
.score { font-weight: 700; }
.score.good { color: var(--ok); } .score.fair { color: #9a6700; } .score.poor { color: var(--bad); }
.contrast { margin: 4px 0 0; padding: 0; list-style: none; font-size: 11px; color: #555; }
.contrast li.fail { color: var(--bad); font-weight: 600; }
details { margin-top: 4px; font-size: 11px; }
details pre { max-height: 260px; overflow: auto; background: #f6f6f3; padding: 6px; border-radius: 4px; white-space: pre-wrap; word-break: break-all; }
.problem { color: var(--bad); font-size: 11px; }
.empty { color: var(--muted); padding: 30px 0; }
[hidden] { display: none !important; }
"""

JS = r"""
(function () {
  "use strict";
  var KEYS = ["product", "template", "size", "segment", "locale"];
  var state = { group: "product" };
  function all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function readHash() {
    var p = new URLSearchParams(location.hash.slice(1));
    KEYS.forEach(function (k) { state[k] = p.get(k) || ""; });
    state.group = p.get("group") || "product";
  }
  function writeHash() {
    var p = new URLSearchParams();
    KEYS.forEach(function (k) { if (state[k]) p.set(k, state[k]); });
    if (state.group !== "product") p.set("group", state.group);
    var h = p.toString();
    try { history.replaceState(null, "", h ? "#" + h : location.pathname + location.search); } catch (e) { /* file: URLs in some browsers */ }
  }
  function matches(card) {
    return KEYS.every(function (k) { return !state[k] || card.dataset[k] === state[k]; });
  }
  function apply() {
    var shown = 0, total = 0;
    all(".card").forEach(function (c) { var ok = matches(c); c.hidden = !ok; total++; if (ok) shown++; });
    all(".group, .set").forEach(function (g) { g.hidden = !g.querySelector(".card:not([hidden])"); });
    all("section.block").forEach(function (s) { s.hidden = !s.querySelector(".card:not([hidden])"); });
    var out = document.getElementById("shown");
    if (out) out.textContent = shown + " of " + total + " shown";
    var none = document.getElementById("none");
    if (none) none.hidden = shown > 0;
  }
  function regroup() {
    var key = state.group, box = document.getElementById("designs-groups");
    if (!box) return;
    var cards = all(".card", box);
    cards.sort(function (a, b) { return Number(a.dataset.order) - Number(b.dataset.order); });
    var groups = {}, order = [];
    cards.forEach(function (c) {
      var v = c.dataset[key] || "", label = v ? (c.dataset[key + "Label"] || v) : "(none)";
      if (!groups[v]) { groups[v] = { label: label, cards: [] }; order.push(v); }
      groups[v].cards.push(c);
    });
    order.sort(function (a, b) {
      if (!a) return 1; if (!b) return -1;
      if (key === "size") return Number(groups[a].cards[0].dataset.sizeOrder) - Number(groups[b].cards[0].dataset.sizeOrder);
      return groups[a].label.localeCompare(groups[b].label);
    });
    while (box.firstChild) box.removeChild(box.firstChild);
    order.forEach(function (v) {
      var g = groups[v], sec = document.createElement("section"), h = document.createElement("h3"), grid = document.createElement("div");
      sec.className = "group"; sec.dataset.value = v;
      h.textContent = g.label + " "; var n = document.createElement("span"); n.className = "count"; n.textContent = "(" + g.cards.length + ")"; h.appendChild(n);
      grid.className = "grid";
      g.cards.forEach(function (c) { grid.appendChild(c); });
      sec.appendChild(h); sec.appendChild(grid); box.appendChild(sec);
    });
  }
  function sync() {
    KEYS.forEach(function (k) { var s = document.getElementById("f-" + k); if (s) s.value = state[k]; });
    var g = document.getElementById("group-by"); if (g) g.value = state.group;
  }
  function init() {
    readHash();
    KEYS.forEach(function (k) {
      var s = document.getElementById("f-" + k);
      if (!s) return;
      if (state[k] && !Array.prototype.some.call(s.options, function (o) { return o.value === state[k]; })) state[k] = "";
      s.addEventListener("change", function () { state[k] = s.value; writeHash(); apply(); });
    });
    var g = document.getElementById("group-by");
    if (g) g.addEventListener("change", function () { state.group = g.value; writeHash(); regroup(); apply(); });
    var r = document.getElementById("reset");
    if (r) r.addEventListener("click", function () { KEYS.forEach(function (k) { state[k] = ""; }); state.group = "product"; sync(); writeHash(); regroup(); apply(); });
    sync();
    if (state.group !== "product") regroup();
    apply();
    var y = sessionStorage.getItem("creative-gallery-scroll");
    if (y !== null) { sessionStorage.removeItem("creative-gallery-scroll"); window.scrollTo(0, Number(y)); }
    var build = document.body.dataset.build;
    if (build && /^https?:$/.test(location.protocol) && window.EventSource) {
      var es = new EventSource("/__gallery/events");
      es.addEventListener("build", function (e) {
        if (e.data !== build) { sessionStorage.setItem("creative-gallery-scroll", String(window.scrollY)); es.close(); location.reload(); }
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
"""
