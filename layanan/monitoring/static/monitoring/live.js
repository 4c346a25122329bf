// Refresh the dashboard's live figures every few seconds (data-live-every, from
// MONITORING_LIVE_SECONDS) without reloading the page. Without JavaScript the page is
// complete as served; this only swaps in a fresh fragment.
const region = document.getElementById("live");
const url = region && region.dataset.liveUrl;
const EVERY_MS = 1000 * (Number(region && region.dataset.liveEvery) || 45);

async function refresh() {
  if (document.hidden) return;
  try {
    const response = await fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } });
    if (!response.ok) return;
    const html = await response.text();
    const fresh = new DOMParser().parseFromString(html, "text/html");
    region.replaceChildren(...fresh.body.childNodes);
  } catch (error) {
    // Offline or the server is busy: keep the figures shown and try again later.
  }
}

if (region && url) {
  setInterval(refresh, EVERY_MS);
}
