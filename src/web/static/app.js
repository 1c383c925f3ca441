// RescueDesk page helpers: fill the intake form from a known vehicle, split pasted coordinates.
(function () {
  "use strict";

  function fillIfEmpty(form, name, value) {
    var input = form.elements[name];
    if (input && !input.value && value) { input.value = value; }
  }

  // When the plate is known, the vehicle panel carries its facts; fill what the agent has not typed.
  document.addEventListener("htmx:afterSwap", function (ev) {
    var known = document.getElementById("vehicle-known");
    var form = document.getElementById("intake-form");
    if (!known || !form || ev.detail.target.id !== "vehicle-panel") { return; }
    fillIfEmpty(form, "model", known.dataset.model);
    fillIfEmpty(form, "vin", known.dataset.vin);
    fillIfEmpty(form, "customer_name", known.dataset.owner);
    fillIfEmpty(form, "phone", known.dataset.ownerPhone);
  });

  // Chinese map apps copy "lon,lat"; GPS tools often "lat,lon". Latitude never exceeds 90.
  document.addEventListener("change", function (ev) {
    if (ev.target.id !== "coord-paste") { return; }
    var nums = (ev.target.value.match(/-?\d+(\.\d+)?/g) || []).map(Number);
    var form = document.getElementById("intake-form");
    if (nums.length !== 2 || !form) { return; }
    var lat = nums[0], lon = nums[1];
    if (Math.abs(lat) > 90) { lat = nums[1]; lon = nums[0]; }
    form.elements.lat.value = lat;
    form.elements.lon.value = lon;
  });
})();
