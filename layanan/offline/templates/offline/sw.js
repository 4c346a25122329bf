{% autoescape off %}/* Layanan Lampura service worker (docs/offline.md). Rendered by layanan/offline/views.py. */
"use strict";
const VERSION = "{{ version }}";
const SHELL = {{ shell }};
const OFFLINE_URL = {{ offline_url }};
const ACCOUNT_PAGES = {{ account_pages }};
const STATIC = {{ static_prefix }};
const SHELL_CACHE = "shell-" + VERSION;
const PAGES_CACHE = "pages";
const ACCOUNT_PREFIX = "account-";
const PAGES_KEPT = 60;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { credentials: "omit" }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith("shell-") && key !== SHELL_CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") event.respondWith(navigate(event));
  else if (url.pathname.startsWith(STATIC)) event.respondWith(fromShell(request));
});

// Network first: every answer is the server's when there is a connection.
async function navigate(event) {
  const request = event.request;
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    return stored(request);
  }
  event.waitUntil(keep(request, response.clone()));
  return response;
}

// Keep what the server marked (layanan/offline/middleware.py), and forget other accounts' pages.
async function keep(request, response) {
  const account = response.headers.get("X-Account") || "";
  const mark = response.headers.get("X-Offline");
  await forgetOtherAccounts(account);
  if (response.status !== 200 || response.type !== "basic" || response.redirected) return;
  if (mark === "public" && !account) {
    const pages = await caches.open(PAGES_CACHE);
    await pages.delete(request.url);
    await pages.put(request.url, response);
    const kept = await pages.keys();  // oldest first: the phone keeps the last PAGES_KEPT pages
    await Promise.all(kept.slice(0, Math.max(0, kept.length - PAGES_KEPT)).map((old) => pages.delete(old)));
  } else if (mark === "account" && account) {
    const also = (response.headers.get("X-Offline-Pages") || "").split(" ").filter(Boolean);
    await (await caches.open(ACCOUNT_PREFIX + account)).put(request.url, response);
    await warmAccount(account, also);
  } else if (account) {
    await warmAccount(account, []);
  }
}

async function forgetOtherAccounts(account) {
  const keys = await caches.keys();
  await Promise.all(keys.filter((key) => key.startsWith(ACCOUNT_PREFIX) && key !== ACCOUNT_PREFIX + account).map((key) => caches.delete(key)));
}

// A signed-in person gets the report form kept once, so that it opens without a connection; an
// application's page brings the rest of its form (the steps, the uploads, the review).
async function warmAccount(account, also) {
  const cache = await caches.open(ACCOUNT_PREFIX + account);
  for (const path of ACCOUNT_PAGES.concat(also)) {
    const url = new URL(path, self.location.origin).href;
    if (await cache.match(url)) continue;
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.status === 200 && !response.redirected && response.headers.get("X-Offline") === "account" &&
          response.headers.get("X-Account") === account) await cache.put(url, response);
    } catch (error) { /* offline again: next time */ }
  }
}

// Offline: the kept copy of this page, marked as a copy, else the offline page.
async function stored(request) {
  const url = request.url;
  const names = (await caches.keys()).filter((key) => key === PAGES_CACHE || key.startsWith(ACCOUNT_PREFIX) || key === SHELL_CACHE);
  for (const name of names) {
    const found = await (await caches.open(name)).match(url, { ignoreVary: true, ignoreSearch: false });
    if (found) return markCopy(found);
  }
  const offline = await caches.match(OFFLINE_URL, { cacheName: SHELL_CACHE, ignoreVary: true });
  return offline ? markCopy(offline) : Response.error();
}

async function markCopy(response) {
  const html = (await response.text()).replace("<body>", "<body data-stored>");
  const headers = new Headers(response.headers);
  headers.delete("Content-Length");
  return new Response(html, { status: 200, headers });
}

// Static files (their names carry a hash): the kept copy, else the network (and keep it).
async function fromShell(request) {
  const cache = await caches.open(SHELL_CACHE);
  const found = await cache.match(request, { ignoreVary: true });
  if (found) return found;
  const response = await fetch(request);
  if (response.status === 200 && response.type === "basic") await cache.put(request, response.clone());
  return response;
}
{% endautoescape %}
