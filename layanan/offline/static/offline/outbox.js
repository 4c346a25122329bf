/* The outbox (docs/offline.md): a form marked data-offline that is sent without a connection is kept
   on this phone (IndexedDB, photos shrunk first) with its submit key, and sent when the connection
   returns: automatically, one at a time, always with the same key, so the server files it once. */
(function () {
  "use strict";
  var DB = "lampura-outbox", STORE = "items", OWNER = "lampura-account", WAITING = "lampura-outbox";
  var LONGEST = 1600, QUALITY = 0.8;
  var me = document.currentScript;
  var outboxPage = me.getAttribute("data-outbox-page");
  var db = null, busy = false, delay = 5000, timer = null;
  var ended = false;  // signed out (here or in another tab): never open or write the outbox again

  function owner() { try { return localStorage.getItem(OWNER) || ""; } catch (e) { return ""; } }

  function end() { ended = true; clearTimeout(timer); if (db) db.close(); db = null; }
  function open() {
    if (ended) return Promise.reject(new Error("outbox closed"));
    if (db) return Promise.resolve(db);
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "key" }); };
      request.onsuccess = function () {
        db = request.result;
        db.onversionchange = end;  // being deleted: a send still under way must not write it back
        resolve(db);
      };
      request.onerror = function () { reject(request.error); };
    });
  }
  function tx(mode, work) {
    return open().then(function (base) {
      return new Promise(function (resolve, reject) {
        var t = base.transaction(STORE, mode), result;
        var request = work(t.objectStore(STORE));
        request.onsuccess = function () { result = request.result; };
        t.oncomplete = function () { resolve(result); };
        t.onerror = t.onabort = function () { reject(t.error); };
      });
    });
  }
  function all() { return tx("readonly", function (s) { return s.getAll(); }); }
  function get(key) { return tx("readonly", function (s) { return s.get(key); }); }
  function put(item) { return tx("readwrite", function (s) { return s.put(item); }); }
  function remove(key) { return tx("readwrite", function (s) { return s.delete(key); }); }
  function pending(item) { return item.state === "waiting" || item.state === "sending"; }
  // Only the signed-in account's items are ever shown or sent.
  function mine(items) { var o = owner(); return o ? items.filter(function (i) { return i.owner === o; }) : []; }
  function counted() {
    return all().then(function (items) {
      try { localStorage.setItem(WAITING, String(items.filter(pending).length)); } catch (e) { /* none */ }
      return items;
    });
  }

  // A photo (any image) shrunk to 1600 px on its longest side, JPEG 0.8; any other file as it is.
  function shrink(file) {
    if (!/^image\//.test(file.type) || !window.createImageBitmap) return Promise.resolve(file);
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, LONGEST / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) bitmap.close();
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) { resolve(blob && blob.size < file.size ? blob : file); }, "image/jpeg", QUALITY);
      });
    }).catch(function () { return file; });
  }

  // The GPS point in a JPEG's EXIF ([latitude, longitude]), read before shrinking drops the EXIF.
  function gps(file) {
    return file.slice(0, 131072).arrayBuffer().then(function (buffer) {
      var v = new DataView(buffer), at = 2, tiff = 0, little, ifd, gpsIfd = 0, found = {};
      if (v.getUint16(0) !== 0xFFD8) return null;
      while (at + 4 < v.byteLength) {
        if (v.getUint16(at) === 0xFFE1 && v.getUint32(at + 4) === 0x45786966) { tiff = at + 10; break; }
        at += 2 + v.getUint16(at + 2);
      }
      if (!tiff) return null;
      little = v.getUint16(tiff) === 0x4949;
      var u16 = function (o) { return v.getUint16(o, little); }, u32 = function (o) { return v.getUint32(o, little); };
      ifd = tiff + u32(tiff + 4);
      for (var i = 0; i < u16(ifd); i++) if (u16(ifd + 2 + i * 12) === 0x8825) gpsIfd = tiff + u32(ifd + 2 + i * 12 + 8);
      if (!gpsIfd) return null;
      for (var j = 0; j < u16(gpsIfd); j++) {
        var entry = gpsIfd + 2 + j * 12, tag = u16(entry);
        if (tag === 1 || tag === 3) found[tag] = String.fromCharCode(v.getUint8(entry + 8));
        if (tag === 2 || tag === 4) {
          var o = tiff + u32(entry + 8), value = 0;
          for (var k = 0; k < 3; k++) value += u32(o + 8 * k) / (u32(o + 8 * k + 4) || 1) / Math.pow(60, k);
          found[tag] = value;
        }
      }
      if (found[2] === undefined || found[4] === undefined) return null;
      return [(found[1] === "S" ? -1 : 1) * found[2], (found[3] === "W" ? -1 : 1) * found[4]];
    }).catch(function () { return null; });
  }

  // "Gunakan lokasi dari foto" on the report form: the point is taken here, as the server would.
  function photoLocation(form, data) {
    var wanted = form.querySelector('input[name="use_photo_location"]');
    if (!wanted || !wanted.checked || data.get("latitude") || data.get("longitude")) return Promise.resolve();
    var photos = data.getAll("photos").filter(function (f) { return f.size && /jpe?g/.test(f.type); });
    return photos.reduce(function (chain, photo) {
      return chain.then(function (point) { return point || gps(photo); });
    }, Promise.resolve(null)).then(function (point) {
      if (!point) return;
      data.set("latitude", point[0].toFixed(6));
      data.set("longitude", point[1].toFixed(6));
    });
  }

  function capture(form, submitter) {
    var data = new FormData(form);
    return photoLocation(form, data).then(function () { return kept(data, form, submitter); });
  }

  function kept(data, form, submitter) {
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    var fields = [], files = [], jobs = [];
    data.forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") return;
      if (typeof value === "string") { fields.push([name, value]); return; }
      if (!value.size) return;
      jobs.push(shrink(value).then(function (blob) {
        var filename = blob === value ? value.name : value.name.replace(/\.[^.]*$/, "") + ".jpg";
        files.push({ name: name, blob: blob, filename: filename });
      }));
    });
    return Promise.all(jobs).then(function () {
      return {
        key: String(data.get("submit_key")), owner: owner(), action: form.action, fields: fields, files: files,
        state: "waiting", created: Date.now(), link: form.getAttribute("data-offline-link") || "",
        kind: form.hasAttribute("data-offline-link") ? "application" : "report",
        summary: (form.getAttribute("data-offline") || String(data.get("text") || "")).slice(0, 80)
      };
    });
  }

  // A kept copy of a form page carries the key of the day it was kept: each opening is a new form.
  if (document.body.hasAttribute("data-stored") && window.crypto && crypto.randomUUID) {
    document.querySelectorAll('form[data-offline] input[name="submit_key"]').forEach(function (input) {
      input.value = crypto.randomUUID();
    });
  }

  // Offline, a marked form goes to the outbox instead of failing. Sent twice: the same key, one item.
  function keep(form, submitter) {
    return capture(form, submitter).then(function (item) {
      return get(item.key).then(function (earlier) { return earlier && earlier.state === "sent" ? null : put(item); });
    }).then(counted).then(function () {
      var next = submitter && submitter.name === "simpan" ? "" : form.getAttribute("data-offline-next");
      try { if (!next) sessionStorage.setItem("lampura-saved", "1"); } catch (e) { /* none */ }
      location.href = next || outboxPage;
    }, function () { keeping = false; });
  }

  // Online, the form is posted here: when the connection drops on the way it goes to the outbox
  // (the same key: were it received, the server answers with the first result). An answer that is
  // not a redirect (the form with its errors) is asked for again by the browser's own post.
  function post(form, submitter) {
    // A post by script shows no progress of its own: on a slow link the person must see it is on its way.
    var note = form.querySelector("[data-sending]");
    if (!note) {
      note = form.appendChild(element("p", "notice"));
      note.setAttribute("data-sending", "");
      note.setAttribute("role", "status");
    }
    note.textContent = me.getAttribute("data-sending");
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    return fetch(form.action, { method: "POST", body: data, credentials: "same-origin" }).then(function (answer) {
      if (answer.ok && answer.redirected) { location.href = answer.url; return; }
      if (submitter && submitter.name) {
        var chosen = element("input");
        chosen.type = "hidden"; chosen.name = submitter.name; chosen.value = submitter.value;
        form.appendChild(chosen);
      }
      HTMLFormElement.prototype.submit.call(form);
    }, function () { return keep(form, submitter); });
  }

  var keeping = false;
  window.addEventListener("pageshow", function () { keeping = false; });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-offline")) return;
    if (!owner() || !window.indexedDB || !form.querySelector('input[name="submit_key"]')) return;
    event.preventDefault();
    // A second press while the first is on its way would start a second navigation that aborts the first.
    if (keeping) return;
    keeping = true;
    (navigator.onLine ? post : keep)(form, event.submitter);
  });

  function parse(html) { return new DOMParser().parseFromString(html, "text/html"); }
  function later(item, note) { item.state = "waiting"; item.note = note; return put(item).then(function () { return false; }); }

  // One item: a fresh CSRF token from the form page (and proof the same account is signed in), then the POST.
  function send(item) {
    return fetch(item.action, { credentials: "same-origin", cache: "no-store" }).then(function (page) {
      if (!page.ok) return later(item, "signin");
      return page.text().then(function (html) {
        var doc = parse(html);
        var account = doc.querySelector('meta[name="account"]');
        var token = doc.querySelector('input[name="csrfmiddlewaretoken"]');
        if (!account || account.content !== item.owner || !token) return later(item, "signin");
        var body = new FormData();
        item.fields.forEach(function (field) { if (field[0] !== "confirm") body.append(field[0], field[1]); });
        body.append("confirm", "1"); // chosen offline: the similar reports cannot be shown first
        body.append("csrfmiddlewaretoken", token.value);
        item.files.forEach(function (file) { body.append(file.name, file.blob, file.filename); });
        item.state = "sending";
        return put(item).then(function () {
          return fetch(item.action, { method: "POST", body: body, credentials: "same-origin" });
        }).then(function (answer) { return settle(item, answer); });
      });
    }).catch(function () { return later(item, "retry"); });
  }

  // Sent: the server sent the same account on to another page (the done page, the next step);
  // refused when that page opens with an error (an application that can no longer be changed).
  function settle(item, answer) {
    var path = new URL(answer.url).pathname;
    if (answer.ok && answer.redirected) {
      return answer.text().then(function (html) {
        var doc = parse(html), number = doc.querySelector(".tracking-number");
        var account = doc.querySelector('meta[name="account"]'), error = doc.querySelector(".messages .notice--error");
        if (!account || account.content !== item.owner) return later(item, "signin");
        if (error) { item.state = "refused"; item.message = error.textContent.trim(); return put(item).then(function () { return true; }); }
        item.state = "sent";
        item.number = number ? number.textContent.trim() : "";
        item.link = item.link || path.replace(/terkirim\/$/, "");
        item.sent = Date.now();
        item.fields = []; item.files = []; item.note = "";
        return put(item).then(function () { return true; });
      });
    }
    // The form again with the server's reasons, or refused (403: not this account's form).
    if ((answer.ok && !answer.redirected) || answer.status === 403) {
      return answer.text().then(function (html) {
        var doc = parse(html);
        var reasons = Array.prototype.map.call(doc.querySelectorAll(".error-summary p, .error-summary li, .error-message"), function (node) {
          return node.textContent.trim();
        });
        item.state = "refused";
        item.message = reasons.filter(function (r, i) { return r && reasons.indexOf(r) === i; }).join(" ") || doc.title;
        return put(item).then(function () { return true; });
      });
    }
    return later(item, answer.redirected ? "signin" : "retry");
  }

  function flush() {
    if (ended || busy || !navigator.onLine || !owner()) return Promise.resolve();
    busy = true;
    clearTimeout(timer);
    var run = function () {
      return all().then(function (items) {
        // In the order they were filled: an application's steps before its final submit.
        return mine(items).filter(pending).sort(function (a, b) { return a.created - b.created; }).reduce(function (chain, item) {
          return chain.then(function (go) { return go ? send(item) : false; });
        }, Promise.resolve(true));
      });
    };
    var job = navigator.locks ? navigator.locks.request("lampura-outbox", run) : run();
    return job.then(function (ok) {
      delay = ok === false ? Math.min(delay * 2, 60000) : 5000;
    }, function () { /* storage failed: try again later */ }).then(function () {
      busy = false;
      return counted();
    }).then(function (items) {
      render(items);
      if (mine(items).some(pending) && !ended) timer = setTimeout(flush, delay);
    }, function () { /* the outbox was closed by a sign-out */ });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function row(words, item) {
    var li = element("li", "outbox__item");
    li.setAttribute("data-key", item.key);
    li.setAttribute("data-state", item.state);
    li.appendChild(element("p", "outbox__summary", item.summary));
    var lang = document.documentElement.lang || "id";
    li.appendChild(element("p", "secondary", new Date(item.sent || item.created).toLocaleString(lang)));
    var status = element("p", "outbox__status");
    if (item.state === "sent") {
      status.textContent = item.number ? words.sent + " " : words.done;
      if (item.number) status.appendChild(element("strong", "tracking-number", item.number));
      li.appendChild(status);
      var link = element("a", "", item.kind === "application" ? words.application : words.view);
      link.href = item.link;
      li.appendChild(element("p")).appendChild(link);
      return li;
    }
    if (item.state === "refused") status.textContent = words.refused + " " + (item.message || "");
    else status.textContent = words[item.state] + (item.note ? " " + words[item.note] : "");
    li.appendChild(status);
    var button = element("button", "link-button", words.remove);
    button.type = "button";
    button.setAttribute("data-outbox-remove", item.key);
    li.appendChild(element("p")).appendChild(button);
    return li;
  }

  function render(items) {
    var root = document.getElementById("outbox");
    if (!root) return;
    var words = root.dataset;
    root.querySelector("[data-outbox-nojs]").hidden = true;
    var lists = { waiting: [], sent: [] };
    mine(items || []).sort(function (a, b) { return a.created - b.created; }).forEach(function (item) {
      lists[item.state === "sent" ? "sent" : "waiting"].push(item);
    });
    Object.keys(lists).forEach(function (kind) {
      var list = root.querySelector('[data-outbox-list="' + kind + '"]');
      list.textContent = "";
      lists[kind].forEach(function (item) { list.appendChild(row(words, item)); });
      root.querySelector('[data-outbox-empty="' + kind + '"]').hidden = lists[kind].length > 0;
    });
    root.querySelector("[data-outbox-send]").hidden = !lists.waiting.some(pending);
  }

  var root = document.getElementById("outbox");
  if (root) {
    var saved = null;
    try { saved = sessionStorage.getItem("lampura-saved"); sessionStorage.removeItem("lampura-saved"); } catch (e) { /* none */ }
    if (saved) {
      var notice = root.querySelector("[data-outbox-saved]");
      notice.textContent = root.dataset.saved;
      notice.hidden = false;
    }
    root.addEventListener("click", function (event) {
      var target = event.target;
      if (target.hasAttribute("data-outbox-send")) flush();
      var key = target.getAttribute("data-outbox-remove");
      if (key) remove(key).then(counted).then(render);
    });
  }

  window.lampuraOutbox = { close: end, flush: flush };
  window.addEventListener("online", flush);
  if (window.indexedDB) counted().then(render).then(flush);
})();
