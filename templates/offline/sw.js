// The portal's service worker (wardsecurity/offline.py renders it per request; docs/portal.md,
// "Offline use and its limits"). Workbox is served by the portal itself, never from a CDN.
"use strict";
const CONFIG = {{ config|safe }};
const STATIC_CACHE = "ward-static-v" + CONFIG.version;
// Pages hold personal data: one cache per user, deleted at logout and for anyone else.
const PAGES_CACHE = CONFIG.user === null ? null : "ward-pages-v" + CONFIG.version + "-u" + CONFIG.user;

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      const keep = CONFIG.user === null ? [] : [STATIC_CACHE, PAGES_CACHE];
      await Promise.all(
        names.filter((n) => n.startsWith("ward-") && !keep.includes(n)).map((n) => caches.delete(n))
      );
      await self.clients.claim();
    })()
  );
});

function offlinePage() {
  const esc = (text) => text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  const html =
    '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    "<title>" + esc(CONFIG.offlineTitle) + "</title></head><body><main><h1>" +
    esc(CONFIG.offlineTitle) + "</h1><p>" + esc(CONFIG.offlineText) + "</p></main></body></html>";
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

if (CONFIG.user !== null) {
  importScripts(CONFIG.workbox);
  workbox.setConfig({ modulePathPrefix: CONFIG.workboxPath, debug: false });
  const { registerRoute, setCatchHandler } = workbox.routing;
  const { NetworkFirst, NetworkOnly, StaleWhileRevalidate } = workbox.strategies;
  const { CacheableResponsePlugin } = workbox.cacheableResponse;
  const pages = CONFIG.pages.map((pattern) => new RegExp(pattern));
  // Only a page the server gave this user (200, not a redirect to the login page): a 403 or an
  // error page is never kept, so a role never finds offline what it may not read online.
  const servedToThisUser = {
    cacheWillUpdate: async ({ response }) =>
      response && response.status === 200 && !response.redirected ? response : null,
  };
  const sameOrigin = (url) => url.origin === self.location.origin;

  registerRoute(
    ({ url }) => sameOrigin(url) && url.pathname.startsWith(CONFIG.static + "/"),
    new StaleWhileRevalidate({
      cacheName: STATIC_CACHE,
      plugins: [new CacheableResponsePlugin({ statuses: [200] })],
    })
  );
  registerRoute(
    ({ url, request }) =>
      request.mode === "navigate" && sameOrigin(url) && pages.some((p) => p.test(url.pathname)),
    new NetworkFirst({ cacheName: PAGES_CACHE, networkTimeoutSeconds: 6, plugins: [servedToThisUser] })
  );
  // Any other page is fetched as usual; offline it answers a short page that says why.
  registerRoute(({ url, request }) => request.mode === "navigate" && sameOrigin(url), new NetworkOnly());
  setCatchHandler(async ({ request }) =>
    request.mode === "navigate" ? offlinePage() : Response.error()
  );
}
