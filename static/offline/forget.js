// Signed out (the login page, also where an expired session lands): the pages and the queue of
// changes a ward role kept on this phone are removed (docs/portal.md, "Offline use and its
// limits"). The logout's Clear-Site-Data header does the same where the browser honours it.
(function () {
  "use strict";

  async function forget() {
    if (window.caches) {
      const names = await caches.keys();
      await Promise.all(names.filter((n) => n.startsWith("ward-")).map((n) => caches.delete(n)));
    }
    if (window.indexedDB && indexedDB.databases) {
      const databases = await indexedDB.databases();
      databases
        .filter((db) => db.name && db.name.startsWith("ward-offline-"))
        .forEach((db) => indexedDB.deleteDatabase(db.name));
    }
    if (navigator.serviceWorker) {
      const registrations = await navigator.serviceWorker.getRegistrations();
      await Promise.all(registrations.map((r) => r.unregister()));
    }
    document.documentElement.dataset.offlineForgotten = "1";
  }

  forget();
})();
