// Dispatch board: countdowns that tick every second, the map's markers, and a beep and a flash
// for a new call or a breach. The list itself comes from the server (htmx swaps #board-live
// every few seconds); this file only reads it. No inline script: the page's CSP forbids it.
(function () {
  "use strict";

  var board = document.getElementById("board");
  if (!board) { return; }

  // The server's clock minus ours, taken again at every refresh: a countdown is always
  // deadline - (our now + offset), never a counter that is decremented, so it is right again
  // after the laptop slept or the tab was throttled.
  var offsetMs = 0;
  function syncClock() {
    var counts = document.getElementById("board-counts");
    var serverNow = counts && Number(counts.dataset.serverNow);
    if (serverNow) { offsetMs = serverNow - Date.now(); }
  }

  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function format(ms) {
    var late = ms < 0;
    var s = Math.floor(Math.abs(ms) / 1000);
    var text = pad(Math.floor(s / 3600)) + ":" + pad(Math.floor((s % 3600) / 60)) + ":" + pad(s % 60);
    return late ? "-" + text : text;
  }

  function tick() {
    var now = Date.now() + offsetMs;
    document.querySelectorAll(".countdown[data-deadline]").forEach(function (el) {
      // A paused clock stands still: the server's text stays until the next refresh.
      if (el.dataset.paused) { return; }
      var left = Number(el.dataset.deadline) - now;
      el.textContent = format(left);
      var row = el.closest(".board-row");
      if (row && left < 0 && row.dataset.state !== "breached") {
        row.dataset.state = "breached";
        row.className = row.className.replace(/\bstate-\S+/, "state-breached");
      }
    });
  }

  // ---- sound: browsers play audio only after a click on the page, so the wall screen is
  // switched on once by hand (the button says whether it is on).
  var audio = null;
  var soundButton = document.getElementById("board-sound");
  function setSound(on) {
    soundButton.setAttribute("aria-pressed", on ? "true" : "false");
    soundButton.textContent = on ? soundButton.dataset.labelOn : soundButton.dataset.labelOff;
  }
  if (soundButton) {
    soundButton.addEventListener("click", function () {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) { return; }
      if (audio && audio.state === "running") { audio.suspend(); setSound(false); return; }
      if (!audio) { audio = new Ctx(); }
      audio.resume().then(function () { setSound(true); beep(660); });
    });
  }
  function beep(freq) {
    if (!audio || audio.state !== "running") { return; }
    var t = audio.currentTime;
    [0, 0.25].forEach(function (start) {
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, t + start);
      gain.gain.exponentialRampToValueAtTime(0.3, t + start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + start + 0.18);
      osc.connect(gain).connect(audio.destination);
      osc.start(t + start);
      osc.stop(t + start + 0.2);
    });
  }

  // ---- new calls and breaches since the last refresh: flash the row and the page, beep.
  var known = null; // ticket id -> state, from the previous refresh
  function announce() {
    var rows = document.querySelectorAll(".board-row[data-ticket]");
    var seen = {};
    var fresh = [], breached = [];
    rows.forEach(function (row) {
      var id = row.dataset.ticket, state = row.dataset.state;
      seen[id] = state;
      if (known === null) { return; }
      if (!(id in known)) { fresh.push(row); } else if (state === "breached" && known[id] !== "breached") { breached.push(row); }
    });
    known = seen;
    fresh.concat(breached).forEach(function (row) { row.classList.add("flash"); });
    if (fresh.length || breached.length) {
      board.classList.remove("board-flash");
      void board.offsetWidth; // restart the animation
      board.classList.add("board-flash");
      board.dataset.alerts = String(Number(board.dataset.alerts || 0) + 1);
      beep(breached.length ? 440 : 880);
    }
  }

  // ---- the map: Leaflet with the configured tiles; positions arrive already in the tiles'
  // system (the server converts WGS-84 to GCJ-02 for Amap), so nothing is converted here.
  var mapEl = document.getElementById("board-map");
  var map = null, layer = null, areaLayer = null, fitted = false;
  function text(s) { return document.createTextNode(s || ""); }
  function popup(li) {
    var box = document.createElement("div");
    var title = document.createElement(li.dataset.href ? "a" : "strong");
    if (li.dataset.href) { title.href = li.dataset.href; }
    title.appendChild(text(li.dataset.label));
    box.appendChild(title);
    if (li.dataset.sub) { box.appendChild(document.createElement("br")); box.appendChild(text(li.dataset.sub)); }
    return box;
  }
  function icon(li) {
    var kind = li.dataset.kind, state = li.dataset.state;
    var size = kind === "dealer" ? [18, 18] : kind === "crew" ? [16, 16] : [22, 22];
    // A crew on site sits beside its ticket's marker instead of under it; a crew on the road
    // sits exactly at its phone's last position.
    var anchor = kind === "crew" && state === "on_site" ? [-6, 20] : [size[0] / 2, size[1] / 2];
    return L.divIcon({
      className: "board-marker board-marker-" + kind + " marker-" + state,
      iconSize: size,
      iconAnchor: anchor,
      popupAnchor: [0, -size[1] / 2],
      // A name beside the marker, right or left (whichever has room): clear of it either way.
      tooltipAnchor: [size[0] / 2 + 2, 0]
    });
  }
  function drawMarkers() {
    if (!map) { return; }
    layer.clearLayers();
    var points = [], places = [];
    document.querySelectorAll("#board-markers li").forEach(function (li) {
      var lat = Number(li.dataset.lat), lon = Number(li.dataset.lon);
      if (!isFinite(lat) || !isFinite(lon)) { return; }
      var title = li.dataset.label + (li.dataset.sub ? " · " + li.dataset.sub : "");
      // Where markers overlap, the most urgent ticket is on top.
      var z = li.dataset.kind !== "ticket" ? 0 : li.dataset.state === "breached" ? 3000 : li.dataset.state === "warning" ? 2000 : 1000;
      var m = L.marker([lat, lon], { icon: icon(li), title: title, keyboard: false, zIndexOffset: z });
      m.bindPopup(popup(li));
      // Dealers carry their name: on a map without tiles (offline) they are the landmarks.
      if (li.dataset.kind === "dealer") {
        // In a pane under the markers: a name never hides a ticket.
        m.bindTooltip(li.dataset.label, { permanent: true, direction: "auto", offset: [0, 0],
          className: "board-dealer-label", pane: "dealerLabels" });
      }
      m.addTo(layer);
      var el = m.getElement();
      if (el) { el.dataset.kind = li.dataset.kind; el.dataset.id = li.dataset.id; }
      (li.dataset.kind === "dealer" ? places : points).push([lat, lon]);
    });
    // Fit once to the rescues (to the dealers while there is none), again when the first comes
    // in; later refreshes keep what the user panned to.
    if (!fitted && (points.length || places.length)) {
      fitTo(points.length ? points : places, places);
      fitted = points.length > 0;
    }
  }
  // Fits the map to `fit`, then takes in the dealers the view reaches (with a margin) and fits
  // again, a few times at most: a dealer just beyond the rescues was cut at the map's edge, and
  // the group's far dealers would zoom the rescues away.
  function fitTo(fit, places) {
    var taken = fit.slice();
    areaLayer.eachLayer(function (a) { if (a.getBounds) { taken.push(a.getBounds().getNorthEast(), a.getBounds().getSouthWest()); } });
    var options = { padding: [50, 50], maxZoom: 12, animate: false };
    map.fitBounds(taken, options);
    for (var round = 0; round < 4; round += 1) {
      var view = map.getBounds().pad(0.12);
      var more = places.filter(function (p) { return view.contains(p) && taken.indexOf(p) < 0; });
      if (!more.length) { break; }
      taken = taken.concat(more);
      map.fitBounds(taken, options);
    }
  }
  // Suspended areas (weather): in Leaflet's overlay pane, which lies under the markers' pane.
  function drawAreas() {
    if (!map) { return; }
    areaLayer.clearLayers();
    document.querySelectorAll("#board-areas li").forEach(function (li) {
      var style = { color: "#c0392b", weight: 2, fillOpacity: 0.12, interactive: true, className: "board-area" };
      var shape = null;
      if (li.dataset.shape === "circle") {
        var lat = Number(li.dataset.lat), lon = Number(li.dataset.lon), r = Number(li.dataset.radiusM);
        if (!isFinite(lat) || !isFinite(lon) || !(r > 0)) { return; }
        shape = L.circle([lat, lon], Object.assign({ radius: r }, style));
      } else {
        var pts = [];
        (li.dataset.points || "").split(";").forEach(function (pair) {
          var n = pair.split(",").map(Number);
          if (n.length === 2 && isFinite(n[0]) && isFinite(n[1])) { pts.push(n); }
        });
        if (pts.length < 3) { return; }
        shape = L.polygon(pts, style);
      }
      var tip = document.createElement("span");
      tip.textContent = li.dataset.label || "";
      shape.bindTooltip(tip.innerHTML);
      shape.addTo(areaLayer);
    });
  }
  function startMap() {
    if (!mapEl || !window.L) { return; }
    var d = mapEl.dataset;
    map = L.map(mapEl, { zoomControl: true, attributionControl: true }).setView([30.27, 120.15], 9);
    var options = { maxZoom: Number(d.maxZoom) || 18, attribution: "" };
    if (d.subdomains) { options.subdomains = d.subdomains; }
    L.tileLayer(d.tileUrl, options).addTo(map);
    // The credit is plain text from the configuration: escaped before Leaflet writes it as HTML.
    var credit = document.createElement("span");
    credit.textContent = d.attribution || "";
    map.attributionControl.addAttribution(credit.innerHTML);
    map.createPane("dealerLabels").style.zIndex = 550;
    areaLayer = L.layerGroup().addTo(map);
    layer = L.layerGroup().addTo(map);
    drawAreas();
    drawMarkers();
  }

  // A session that ran out answers the refresh with the sign-in page (after a redirect): load
  // the page itself again, which signs in properly, instead of drawing a form inside the board.
  document.body.addEventListener("htmx:beforeSwap", function (ev) {
    var xhr = ev.detail && ev.detail.xhr;
    if (!xhr || !xhr.responseURL || ev.detail.target.id !== "board-live") { return; }
    if (new URL(xhr.responseURL).pathname !== "/board/live") {
      ev.detail.shouldSwap = false;
      window.location.reload();
    }
  });

  document.body.addEventListener("htmx:afterSwap", function (ev) {
    if (!ev.detail || !ev.detail.target || ev.detail.target.id !== "board-live") { return; }
    syncClock();
    tick();
    announce();
    drawAreas();
    drawMarkers();
  });

  function start() {
    syncClock();
    tick();
    announce();
    startMap();
    window.setInterval(tick, 1000);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
