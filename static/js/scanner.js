// Door scanner: reads QR codes with the camera (jsQR), or typed codes, and
// shows each answer at once, large.  Every scan carries its own id, so a
// retried request is counted once by the server.
(function () {
  "use strict";
  var root = document.getElementById("scanner");
  if (!root) { return; }
  var endpoint = root.dataset.endpoint;
  var csrf = root.dataset.csrf;
  var video = document.getElementById("camera");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var result = document.getElementById("result");
  var doorInput = document.getElementById("door");
  var form = document.getElementById("typed");
  var lastCode = "", lastAt = 0, busy = false;
  // Not the roadshow's day: nothing is scanned until the door confirms.
  var offDay = document.getElementById("off-day");
  var offDayConfirmed = !root.dataset.offDay;
  document.getElementById("off-day-confirm").addEventListener("click", function () {
    offDayConfirmed = true;
    offDay.hidden = true;
    form.querySelector("input[name=code]").focus();
  });

  function newScanId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return String(Date.now()) + "-" + Math.random().toString(16).slice(2);
  }

  function show(data) {
    result.className = "scan-result " + (data.ok ? "scan-ok" : "scan-no");
    result.querySelector(".mark").textContent = data.ok ? "✓" : "✗";
    var lines = [data.message];
    if (data.name) { lines.push(data.name + (data.organization ? " · " + data.organization : "")); }
    if (data.result === "already_checked_in" && data.checked_in_at) {
      lines.push(data.checked_in_at + (data.door ? " · " + data.door : ""));
    }
    result.querySelector(".text").textContent = lines.join("\n");
    refreshCounts();
  }

  function refreshCounts() {
    fetch(root.dataset.counts, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (counts) {
        document.getElementById("count-in").textContent = counts.checked_in;
        document.getElementById("count-all").textContent = counts.registered;
      })
      .catch(function () { /* the next poll tries again */ });
  }
  setInterval(refreshCounts, 5000);

  function send(code, scanId, attempt) {
    busy = true;
    fetch(endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({
        code: code, door: doorInput.value, scan_id: scanId, confirm_off_day: offDayConfirmed
      })
    }).then(function (response) {
      return response.json();
    }).then(function (data) {
      busy = false;
      if (data.result === "off_day") {  // the day changed under an open page
        offDayConfirmed = false;
        document.getElementById("off-day-text").textContent = data.message;
        offDay.hidden = false;
      }
      show(data);
    }).catch(function () {
      // Network trouble: retry the same scan id; the server counts it once.
      if (attempt < 3) {
        setTimeout(function () { send(code, scanId, attempt + 1); }, 500 * (attempt + 1));
      } else {
        busy = false;
        show({ ok: false, message: root.dataset.offline });
      }
    });
  }

  function scan(code) {
    var now = Date.now();
    if (!code || busy || !offDayConfirmed || (code === lastCode && now - lastAt < 3000)) {
      if (!offDayConfirmed) { offDay.hidden = false; }
      return;
    }
    lastCode = code; lastAt = now;
    send(code, newScanId(), 0);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var input = form.querySelector("input[name=code]");
    lastCode = "";
    scan(input.value.trim());
    input.value = "";
    input.focus();
  });

  function tick() {
    if (video.readyState === video.HAVE_ENOUGH_DATA && window.jsQR) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      if (found && found.data) { scan(found.data); }
    }
    window.requestAnimationFrame(tick);
  }

  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })
      .then(function (stream) {
        video.srcObject = stream;
        video.setAttribute("playsinline", "true");
        video.play();
        window.requestAnimationFrame(tick);
      })
      .catch(noCamera);
  } else {
    noCamera();
  }

  function noCamera() {
    video.hidden = true;
    document.getElementById("camera-note").hidden = false;
  }
})();
