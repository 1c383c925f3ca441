// The customer signs on the crew's phone when the job is resolved: pointer events (finger, pen
// or mouse) draw on a canvas, whose PNG goes with the form as a data URL; "clear" starts again.
// Without the customer there, a reason replaces the signature.
(function () {
  'use strict';
  var canvas = document.getElementById('signature-canvas');
  if (!canvas) return;
  var field = document.getElementById('signature-data');
  var ctx = canvas.getContext('2d');
  ctx.lineWidth = 4;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.strokeStyle = '#111';
  ctx.fillStyle = '#111';
  var drawing = false, drawn = false, last = null;

  function pos(e) {
    var r = canvas.getBoundingClientRect();
    return { x: (e.clientX - r.left) * canvas.width / r.width, y: (e.clientY - r.top) * canvas.height / r.height };
  }
  function save() { field.value = drawn ? canvas.toDataURL('image/png') : ''; }

  canvas.addEventListener('pointerdown', function (e) {
    drawing = true;
    last = pos(e);
    if (canvas.setPointerCapture) { try { canvas.setPointerCapture(e.pointerId); } catch (_) { /* synthetic */ } }
    ctx.beginPath();
    ctx.arc(last.x, last.y, 2, 0, Math.PI * 2);
    ctx.fill();
    drawn = true;
    e.preventDefault();
  });
  canvas.addEventListener('pointermove', function (e) {
    if (!drawing) return;
    var p = pos(e);
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    last = p;
    e.preventDefault();
  });
  ['pointerup', 'pointercancel', 'pointerleave'].forEach(function (t) {
    canvas.addEventListener(t, function () {
      if (drawing) { drawing = false; save(); }
    });
  });
  document.getElementById('signature-clear').addEventListener('click', function () {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    drawn = false;
    save();
  });
  var absent = document.getElementById('customer-absent');
  var reasonBox = document.getElementById('absent-reason');
  var reason = document.getElementById('customer-absent-reason');
  absent.addEventListener('change', function () {
    reasonBox.hidden = !absent.checked;
    reason.required = absent.checked;
    if (!absent.checked) reason.value = '';
  });
  var form = canvas.closest('form');
  if (form) form.addEventListener('submit', save, true);
})();
