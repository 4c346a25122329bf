// Kiosk mode (layanan/assisted/kiosk.py): count down to the automatic sign-out, announce the
// last minute, and sign out at zero. The server signs out on its own clock anyway; this only
// makes it visible, keeps the server's clock in step while someone is typing, and offers
// "Saya masih di sini".
(function () {
  "use strict";
  var bar = document.getElementById("kios");
  if (!bar || !window.fetch) { return; }
  var idle = parseInt(bar.getAttribute("data-idle"), 10) || 300;
  var warnAt = Math.min(60, Math.floor(idle / 2));
  var warning = document.getElementById("kios-peringatan");
  var seconds = document.getElementById("kios-detik");
  var here = document.getElementById("kios-masih");
  var signOut = document.getElementById("kios-keluar");
  var lastActive = Date.now();
  var lastPing = Date.now();

  function ping() {
    lastPing = Date.now();
    return fetch(here.action, {
      method: "POST", body: new FormData(here), credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    });
  }
  function active() {
    lastActive = Date.now();
    // Typing or tapping counts as activity on the server too, at most once a minute.
    if (Date.now() - lastPing > 60000) { ping(); }
  }
  function tick() {
    var left = idle - Math.floor((Date.now() - lastActive) / 1000);
    if (left <= 0) { signOut.submit(); return; }
    if (left <= warnAt) {
      seconds.textContent = String(left);
      if (warning.hidden) { warning.hidden = false; here.querySelector("button").focus(); }
    } else if (!warning.hidden) {
      warning.hidden = true;
    }
    window.setTimeout(tick, 1000);
  }
  here.addEventListener("submit", function (event) {
    event.preventDefault();
    lastActive = Date.now();
    warning.hidden = true;
    ping();
  });
  ["keydown", "pointerdown", "input"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (!warning.contains(event.target)) { active(); }
    }, { passive: true });
  });
  window.setTimeout(tick, 1000);
})();
