// RescueDesk page helpers: fill the intake form from a known vehicle, split pasted coordinates, keep Enter from submitting.
// Every page behaviour lives here (event delegation on data attributes): the pages' CSP allows
// no inline script or on…= handler.
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

  // Enter in a text field of the intake form would submit a half-typed form while
  // the agent is still on the phone. Enter in the plate field looks the car up
  // instead; in other fields it moves on to the next one. Only the button submits.
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter" || ev.isComposing || ev.keyCode === 229) { return; }
    var field = ev.target;
    var form = document.getElementById("intake-form");
    if (!form || !field || field.form !== form) { return; }
    if (field.tagName !== "INPUT" || field.type === "submit" || field.type === "checkbox") { return; }
    ev.preventDefault();
    if (field.name === "plate") {
      if (window.htmx) { window.htmx.trigger(field, "lookup"); }
      return;
    }
    var fields = Array.prototype.filter.call(form.elements, function (el) {
      return !el.disabled && el.type !== "hidden" && el.tagName !== "FIELDSET" && el.tagName !== "BUTTON";
    });
    var next = fields[fields.indexOf(field) + 1];
    if (next) { next.focus(); }
  });

  // A refused step answers with its page at the step's URL (/tickets/7/act/issue): put the
  // page's own URL back, so a reload or a bookmark shows the page instead of posting again.
  document.addEventListener("DOMContentLoaded", function () {
    var own = document.querySelector("[data-page-url]");
    var url = own && own.dataset.pageUrl;
    if (url && window.history && window.location.pathname !== url) {
      window.history.replaceState(null, "", url);
    }
  });

  // After a refused submit, the first outlined field takes the focus.
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("intake-form");
    var first = form && form.querySelector("[aria-invalid=true]");
    if (first) { first.focus(); }
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

// Plan editor: add parts from search results, add and remove item rows; every change asks the server for the cost.
(function () {
  "use strict";

  function planChanged(form) {
    if (form && window.htmx) { window.htmx.trigger(form, "plan-changed"); }
  }

  document.addEventListener("click", function (ev) {
    var add = ev.target.closest && ev.target.closest("button.add-part");
    if (add) {
      var row = add.closest(".part-result");
      var table = document.getElementById("plan-parts");
      var tpl = document.getElementById("part-row-template");
      if (!row || !table || !tpl) { return; }
      var existing = table.querySelector('input[name=part_id][value="' + row.dataset.partId + '"]');
      if (existing) {
        var qty = existing.closest("tr").querySelector("input[name=part_qty]");
        qty.value = String(Number(qty.value || 0) + 1);
      } else {
        var tr = tpl.content.firstElementChild.cloneNode(true);
        tr.querySelector(".label").textContent = row.dataset.label;
        tr.querySelector(".flags").textContent = row.dataset.flags;
        if (!row.dataset.flags) { tr.querySelector(".flags").remove(); }
        tr.querySelector("input[name=part_id]").value = row.dataset.partId;
        tr.querySelector(".avail").textContent = row.querySelector("td:nth-child(3)").textContent;
        table.appendChild(tr);
      }
      planChanged(document.getElementById("plan-form"));
      return;
    }
    var remove = ev.target.closest && ev.target.closest("button.remove-row");
    if (remove) {
      var form = remove.closest("form");
      remove.closest("tr").remove();
      planChanged(form);
      return;
    }
    // A recommended technician: tick them on the crew (the first one picked leads), then say so.
    var rec = ev.target.closest && ev.target.closest("button.add-crew");
    if (rec) {
      var box = document.getElementById("crew-" + rec.dataset.technician);
      if (!box) { return; }
      box.checked = true;
      var anyLead = document.querySelector("#plan-form input[name=lead]:checked");
      if (!anyLead) {
        var lead = document.querySelector('#plan-form input[name=lead][value="' + rec.dataset.technician + '"]');
        if (lead) { lead.checked = true; }
      }
      rec.disabled = true;
      rec.textContent = rec.dataset.added;
      planChanged(document.getElementById("plan-form"));
      return;
    }
    if (ev.target.id === "add-item") {
      var items = document.getElementById("plan-items");
      var last = items.querySelector("tr.item-row:last-of-type") || items.querySelector("tr.item-row");
      if (!last) { return; }
      var copy = last.cloneNode(true);
      copy.querySelectorAll("input").forEach(function (i) { i.value = ""; });
      last.parentNode.appendChild(copy);
    }
  });
  // A form with data-confirm (resolving a rescue) asks once more before it goes: a step that
  // cannot be undone from the phone. A listener, not an inline handler, so the CSP holds.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form || !form.dataset || !form.dataset.confirm) { return; }
    if (!window.confirm(form.dataset.confirm)) { ev.preventDefault(); }
  });
})();

// Customer status page: send the phone's position to the crew. The texts come from the button's
// data-msg-* attributes (in the customer's language): no inline script under the page's CSP.
(function () {
  "use strict";

  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest && ev.target.closest("#share-location");
    if (!btn) { return; }
    var out = document.getElementById("share-result");
    var msg = btn.dataset;
    if (!navigator.geolocation) { out.textContent = msg.msgUnsupported; return; }
    btn.disabled = true; out.textContent = msg.msgFinding;
    navigator.geolocation.getCurrentPosition(function (pos) {
      fetch(btn.dataset.url, { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ lat: pos.coords.latitude, lon: pos.coords.longitude, accuracy: pos.coords.accuracy }) })
        .then(function (r) { out.textContent = r.ok ? msg.msgSent : msg.msgFailed; btn.disabled = false; })
        .catch(function () { out.textContent = msg.msgFailed; btn.disabled = false; });
    }, function () { out.textContent = msg.msgDenied; btn.disabled = false; },
    { enableHighAccuracy: true, timeout: 15000 });
  });
})();
