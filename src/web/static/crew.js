// The crew's phone on the road. On the job page: after the technician taps "share my position"
// (their consent), watch the phone's position and post it every ~30 s, or sooner after a move of
// more than 100 m (never more often than the server stores: one per 10 s). The choice is
// remembered for this job in this browser, so the page's own reloads after a step keep sharing.
// On the customer's status page: count the minutes to the crew's arrival down between reloads.
// No inline script: the pages' CSP forbids it.
(function () {
  "use strict";

  var SEND_EVERY_MS = 30000, MIN_GAP_MS = 10000, MOVE_M = 100;

  function metres(a, b) {
    var r = 6371008.8, rad = Math.PI / 180;
    var dLat = (b.lat - a.lat) * rad, dLon = (b.lon - a.lon) * rad;
    var h = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 2 * r * Math.asin(Math.sqrt(h));
  }

  function share(box) {
    var btn = document.getElementById("share-position");
    var out = document.getElementById("share-position-result");
    var msg = box.dataset;
    var key = "rescuedesk-share:" + msg.url;
    var watch = null, timer = null, last = null, lastSentAt = 0, latest = null, busy = false;
    // When the server last stored one of ours: "sent 12 s ago" is true in any time zone.
    var storedAt = 0, ago = null;

    function say(text) { out.textContent = text; }
    function sayAgo() {
      if (!storedAt) { return; }
      say(msg.msgOn.replace("{s}", String(Math.max(0, Math.round((Date.now() - storedAt) / 1000)))));
    }
    function setButton(on) {
      btn.setAttribute("aria-pressed", on ? "true" : "false");
      btn.textContent = on ? msg.labelStop : msg.labelStart;
      btn.classList.toggle("primary", !on);
    }
    function stop(text) {
      if (watch !== null) { navigator.geolocation.clearWatch(watch); watch = null; }
      if (timer !== null) { window.clearInterval(timer); timer = null; }
      if (ago !== null) { window.clearInterval(ago); ago = null; }
      try { window.localStorage.removeItem(key); } catch (e) { /* private mode */ }
      setButton(false);
      box.dataset.sharing = "";
      if (text) { say(text); }
    }
    function send(p, force) {
      var now = Date.now();
      if (busy || now - lastSentAt < MIN_GAP_MS) { return; }
      var moved = last && metres(last, p) > MOVE_M;
      if (!force && last && !moved && now - lastSentAt < SEND_EVERY_MS) { return; }
      busy = true;
      var headers = { "Content-Type": "application/json" };
      if (msg.csrf) { headers["X-CSRF-Token"] = msg.csrf; }
      fetch(msg.url, { method: "POST", headers: headers, credentials: "same-origin",
        body: JSON.stringify({ lat: p.lat, lon: p.lon, accuracy: p.accuracy, at: p.at }) })
        .then(function (r) {
          busy = false;
          if (r.ok) {
            last = p; lastSentAt = storedAt = Date.now();
            box.dataset.sent = String(Number(box.dataset.sent || 0) + 1);
            sayAgo();
          } else if (r.status === 429) {
            // The server stored one a moment ago (this page before a reload): wait for the next turn.
            last = p; lastSentAt = Date.now();
            if (!storedAt) { say(msg.msgActive); }
          } else if (r.status === 409 || r.status === 403 || r.status === 404 || r.status === 410) {
            stop(msg.msgEnded);
          } else {
            say(msg.msgFailed);
          }
        })
        .catch(function () { busy = false; say(msg.msgFailed); });
    }
    function onPosition(pos) {
      latest = { lat: pos.coords.latitude, lon: pos.coords.longitude,
        accuracy: pos.coords.accuracy, at: Math.round(pos.timestamp || Date.now()) };
      send(latest, false);
    }
    function onError(err) {
      if (err && err.code === 1) { stop(msg.msgDenied); } else { say(msg.msgFailed); }
    }
    function start() {
      if (!navigator.geolocation) { say(msg.msgUnsupported); return; }
      try { window.localStorage.setItem(key, "1"); } catch (e) { /* private mode */ }
      setButton(true);
      box.dataset.sharing = "1";
      say(msg.msgFinding);
      ago = window.setInterval(sayAgo, 5000);
      watch = navigator.geolocation.watchPosition(onPosition, onError,
        { enableHighAccuracy: true, maximumAge: 10000, timeout: 60000 });
      // A van stuck in traffic fires no new position: ask again now and then.
      timer = window.setInterval(function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
          onPosition(pos);
          if (latest && Date.now() - lastSentAt >= SEND_EVERY_MS) { send(latest, true); }
        }, function () {}, { enableHighAccuracy: true, maximumAge: 5000, timeout: 20000 });
      }, SEND_EVERY_MS);
    }
    btn.addEventListener("click", function () {
      if (box.dataset.sharing) { stop(msg.msgStopped); } else { start(); }
    });
    var again = false;
    try { again = window.localStorage.getItem(key) === "1"; } catch (e) { /* private mode */ }
    if (again) { start(); }
  }

  // The arrival countdown: arrival - (our clock + the server's offset), so it stays right after
  // the phone slept. The page reloads every minute anyway and then brings a fresh estimate.
  function countdown(el) {
    var offset = Number(el.dataset.serverNow) - Date.now();
    var arrival = Number(el.dataset.arrivalMs);
    function tick() {
      var left = Math.max(0, Math.ceil((arrival - (Date.now() + offset)) / 60000));
      el.textContent = el.dataset.template.replace("{n}", String(left));
      el.dataset.minutesLeft = String(left);
    }
    tick();
    window.setInterval(tick, 5000);
  }

  function boot() {
    var box = document.getElementById("crew-share");
    if (box) { share(box); }
    var arrival = document.getElementById("crew-arrival");
    if (arrival && arrival.dataset.template) { countdown(arrival); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", boot);
  } else {
    boot();
  }
})();
