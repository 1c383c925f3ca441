// Suspensions page: the dealer's areas on the map, and drawing a new one: a click sets a circle's
// centre (its radius is the field's), or adds a polygon's point. Coordinates clicked are in the
// tiles' system (data-crs), so the form's datum is set to it. No inline script: the CSP forbids it.
(function () {
  "use strict";

  var mapEl = document.getElementById("susp-map");
  if (!mapEl || !window.L) { return; }
  var d = mapEl.dataset;
  var form = document.getElementById("susp-form");

  var map = L.map(mapEl, { zoomControl: true, attributionControl: true }).setView([30.27, 120.15], 9);
  var options = { maxZoom: Number(d.maxZoom) || 18, attribution: "" };
  if (d.subdomains) { options.subdomains = d.subdomains; }
  L.tileLayer(d.tileUrl, options).addTo(map);
  // The credit is plain text from the configuration: escaped before Leaflet writes it as HTML.
  var credit = document.createElement("span");
  credit.textContent = d.attribution || "";
  map.attributionControl.addAttribution(credit.innerHTML);

  function parsePoints(text, pairSep, coordSep) {
    var out = [];
    (text || "").split(pairSep).forEach(function (pair) {
      var nums = pair.split(coordSep).map(function (s) { return s.trim(); }).filter(Boolean).map(Number);
      if (nums.length === 2 && isFinite(nums[0]) && isFinite(nums[1])) { out.push([nums[0], nums[1]]); }
    });
    return out;
  }

  // ---- the dealer's active and coming areas
  var bounds = [];
  document.querySelectorAll("#susp-areas li").forEach(function (li) {
    var style = { className: "susp-area-path", color: "#c0392b", weight: 2, fillOpacity: 0.15 };
    var shape = null;
    if (li.dataset.shape === "circle") {
      var lat = Number(li.dataset.lat), lon = Number(li.dataset.lon), r = Number(li.dataset.radiusM);
      if (!isFinite(lat) || !isFinite(lon) || !(r > 0)) { return; }
      shape = L.circle([lat, lon], Object.assign({ radius: r }, style));
    } else {
      var pts = parsePoints(li.dataset.points, ";", ",");
      if (pts.length < 3) { return; }
      shape = L.polygon(pts, style);
    }
    var tip = document.createElement("span");
    tip.textContent = li.dataset.label || "";
    shape.bindTooltip(tip.innerHTML);
    shape.addTo(map);
    var b = shape.getBounds();
    bounds.push(b.getSouthWest(), b.getNorthEast());
  });
  if (bounds.length) { map.fitBounds(bounds, { padding: [30, 30], maxZoom: 12 }); }

  if (!form) { return; }

  // ---- the area being drawn
  var draft = L.layerGroup().addTo(map);
  var el = form.elements;
  function shape() {
    var checked = form.querySelector("input[name=shape]:checked");
    return checked ? checked.value : "circle";
  }
  function showFields() {
    var polygon = shape() === "polygon";
    form.querySelectorAll(".susp-circle").forEach(function (n) { n.classList.toggle("susp-form-hidden", polygon); });
    form.querySelectorAll(".susp-polygon").forEach(function (n) { n.classList.toggle("susp-form-hidden", !polygon); });
  }
  function redraw() {
    draft.clearLayers();
    var style = { className: "susp-draft-path", color: "#1f6feb", weight: 2, fillOpacity: 0.15 };
    if (shape() === "circle") {
      var lat = parseFloat(el.centre_lat.value), lon = parseFloat(el.centre_lon.value);
      var km = parseFloat(el.radius_km.value);
      if (!isFinite(lat) || !isFinite(lon)) { return; }
      L.circleMarker([lat, lon], { radius: 4, color: "#1f6feb" }).addTo(draft);
      if (km > 0) { L.circle([lat, lon], Object.assign({ radius: km * 1000 }, style)).addTo(draft); }
    } else {
      var pts = parsePoints(el.points.value, /\n/, /[,，\s]+/);
      pts.forEach(function (p) { L.circleMarker(p, { radius: 4, color: "#1f6feb" }).addTo(draft); });
      if (pts.length >= 3) { L.polygon(pts, style).addTo(draft); } else if (pts.length === 2) { L.polyline(pts, style).addTo(draft); }
    }
  }

  map.on("click", function (ev) {
    var lat = ev.latlng.lat.toFixed(6), lon = ev.latlng.lng.toFixed(6);
    // What the map shows is in the tiles' system: say so, or the server would shift the area.
    if (d.crs && el.crs) { el.crs.value = d.crs; }
    if (shape() === "circle") {
      el.centre_lat.value = lat;
      el.centre_lon.value = lon;
    } else {
      var text = el.points.value.replace(/\s+$/, "");
      el.points.value = (text ? text + "\n" : "") + lat + "," + lon;
    }
    redraw();
  });
  form.addEventListener("input", redraw);
  form.addEventListener("change", function () { showFields(); redraw(); });
  var clear = document.getElementById("susp-clear-points");
  if (clear) {
    clear.addEventListener("click", function () { el.points.value = ""; redraw(); });
  }
  showFields();
  redraw();
})();
