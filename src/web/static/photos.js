// The job page's camera buttons: each photo is shrunk on the phone (longest side 1600 px, JPEG
// at quality 0.8) before it goes up, so a 12-megapixel shot costs the crew's data plan ~300 KB.
// No object URLs: the page's policy allows images from 'self' and data: only.
(function () {
  'use strict';
  var MAX_SIDE = 1600;
  var QUALITY = 0.8;
  var box = document.getElementById('job-photos');
  if (!box) return;
  var status = document.getElementById('photo-status');

  function say(text, bad) {
    status.textContent = text || '';
    status.classList.toggle('error', !!bad);
  }

  function decode(file) {
    var viaDataUrl = function () {
      return new Promise(function (resolve, reject) {
        var r = new FileReader();
        r.onload = function () {
          var img = new Image();
          img.onload = function () { resolve(img); };
          img.onerror = reject;
          img.src = r.result;
        };
        r.onerror = reject;
        r.readAsDataURL(file);
      });
    };
    if (window.createImageBitmap) {
      return createImageBitmap(file, { imageOrientation: 'from-image' }).catch(viaDataUrl);
    }
    return viaDataUrl();
  }

  function shrink(file) {
    return decode(file).then(function (img) {
      var w = img.width, h = img.height;
      var scale = Math.min(1, MAX_SIDE / Math.max(w, h));
      var canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(w * scale));
      canvas.height = Math.max(1, Math.round(h * scale));
      canvas.getContext('2d').drawImage(img, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve, reject) {
        canvas.toBlob(function (b) { b ? resolve(b) : reject(new Error('encode')); }, 'image/jpeg', QUALITY);
      });
    });
  }

  box.addEventListener('change', function (ev) {
    var input = ev.target;
    if (!input.matches('input[type=file][data-photo-kind]') || !input.files.length) return;
    var file = input.files[0];
    var kind = input.getAttribute('data-photo-kind');
    say(box.getAttribute('data-uploading'));
    shrink(file)
      .then(function (blob) {
        return fetch(box.getAttribute('data-upload') + '?kind=' + encodeURIComponent(kind), {
          method: 'POST',
          body: blob,
          credentials: 'same-origin',
          headers: { 'content-type': 'image/jpeg', 'x-csrf-token': box.getAttribute('data-csrf') || '' }
        });
      })
      .then(function (res) {
        if (res.ok) {
          say(box.getAttribute('data-added'));
          document.body.dispatchEvent(new Event('photos-changed'));
          return;
        }
        return res.json().then(function (j) {
          say((j && j.message) || box.getAttribute('data-failed'), true);
        }, function () { say(box.getAttribute('data-failed'), true); });
      })
      .catch(function () { say(box.getAttribute('data-failed'), true); })
      .then(function () { input.value = ''; });
  });
})();
