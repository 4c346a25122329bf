/* Registers the service worker, shows the offline banner, keeps the outbox moving, and clears the
   phone on sign-out (docs/offline.md). Loaded with defer after the content, on every page. */
(function () {
  "use strict";
  var me = document.currentScript;
  var OWNER = "lampura-account";
  var WAITING = "lampura-outbox";
  var body = document.body;

  // Whose pages these are: a page fresh from the server names its account (none: signed out).
  var meta = document.querySelector('meta[name="account"]');
  try {
    if (meta) localStorage.setItem(OWNER, meta.content);
    else if (!body.hasAttribute("data-stored") && navigator.onLine) localStorage.removeItem(OWNER);
  } catch (e) { /* storage off: no outbox */ }

  // Offline, or a kept copy shown when the connection failed; gone once the connection is back.
  var banner = null;
  var stored = body.hasAttribute("data-stored");
  function showBanner() {
    var offline = !navigator.onLine || stored;
    var template = document.getElementById("offline-banner");
    if (offline && !banner && template) {
      banner = template.content.firstElementChild.cloneNode(true);
      body.insertBefore(banner, document.getElementById("main"));
    } else if (!offline && banner) {
      banner.remove();
      banner = null;
    }
  }
  showBanner();
  window.addEventListener("offline", showBanner);
  window.addEventListener("online", function () { stored = false; showBanner(); });

  // The outbox's script, only where it is needed: a form that may wait, the outbox page, or a report waiting.
  var waiting = 0;
  try { waiting = Number(localStorage.getItem(WAITING) || 0); } catch (e) { /* none */ }
  if (document.querySelector("form[data-offline]") || document.getElementById("outbox") || waiting > 0) {
    var script = document.createElement("script");
    script.src = me.getAttribute("data-outbox-script");
    script.setAttribute("data-outbox-page", me.getAttribute("data-outbox-page"));
    script.setAttribute("data-sending", me.getAttribute("data-sending"));
    document.head.appendChild(script);
  }

  // Sign-out clears everything this phone kept (the server also sends Clear-Site-Data).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-signout") || form.hasAttribute("data-cleared")) return;
    event.preventDefault();
    form.setAttribute("data-cleared", "");
    var done = function () { form.submit(); };
    var work = [];
    try { localStorage.removeItem(OWNER); localStorage.removeItem(WAITING); } catch (e) { /* none */ }
    if (window.lampuraOutbox) window.lampuraOutbox.close();
    if (window.indexedDB) {
      work.push(new Promise(function (resolve) {
        var request = indexedDB.deleteDatabase("lampura-outbox");
        request.onsuccess = request.onerror = request.onblocked = resolve;
      }));
    }
    if (window.caches) {
      work.push(caches.keys().then(function (keys) {
        return Promise.all(keys.map(function (key) { return caches.delete(key); }));
      }));
    }
    Promise.race([Promise.all(work), new Promise(function (resolve) { setTimeout(resolve, 1500); })]).then(done, done);
  });

  if ("serviceWorker" in navigator && window.isSecureContext) {
    var register = function () {
      navigator.serviceWorker.register(me.getAttribute("data-sw"), { scope: "/" }).catch(function () { /* no offline copies */ });
    };
    if (document.readyState === "complete") register();
    else window.addEventListener("load", register);
  }
})();
