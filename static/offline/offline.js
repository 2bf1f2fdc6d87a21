// Offline use on a phone (docs/portal.md, "Offline use and its limits"), for ward roles only:
// registers the service worker, keeps the changes made without a connection in a queue in
// IndexedDB (one database per user), shows them at once and counts them in the header, and
// sends them through the REST API when the connection returns: creates with an Idempotency-Key
// (sent twice, they make one record), deletes with If-Match (a change made meanwhile by someone
// else is a conflict shown with both versions, never overwritten silently).
(function () {
  "use strict";

  const source = document.getElementById("offline-config");
  if (!source) return;
  const CONFIG = JSON.parse(source.textContent);
  const T = CONFIG.strings;
  const DB_NAME = "ward-offline-u" + CONFIG.user;
  const STORE = "queue";
  let flushing = false;

  function text(template, values) {
    return template.replace(/\{(\w+)\}/g, (all, name) => (name in values ? String(values[name]) : all));
  }

  // IndexedDB -------------------------------------------------------------------------------

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function withStore(mode, work) {
    const db = await openDb();
    try {
      return await new Promise((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const result = work(tx.objectStore(STORE));
        tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
        tx.onerror = () => reject(tx.error);
      });
    } finally {
      db.close();
    }
  }

  const queue = {
    all: () => withStore("readonly", (store) => store.getAll()).then((items) => items || []),
    add: (item) => withStore("readwrite", (store) => store.add(item)),
    put: (item) => withStore("readwrite", (store) => store.put(item)),
    remove: (id) => withStore("readwrite", (store) => store.delete(id)),
  };

  // The header's counter --------------------------------------------------------------------

  async function showCount() {
    const items = await queue.all();
    const failed = items.filter((i) => i.state !== "pending").length;
    const pending = items.length - failed;
    const network = document.getElementById("offline-network");
    const count = document.getElementById("offline-count");
    if (network) network.textContent = navigator.onLine ? "" : T.offline;
    if (count) {
      const parts = [];
      if (pending) parts.push(text(T.pending, { n: pending }));
      if (failed) parts.push(text(T.failed, { n: failed }));
      count.textContent = parts.join(" · ");
      count.dataset.pending = String(pending);
      count.dataset.failed = String(failed);
    }
    const box = document.getElementById("offline-status");
    if (box) box.classList.toggle("offline-status--active", !navigator.onLine || items.length > 0);
    return items;
  }

  // Sending ---------------------------------------------------------------------------------

  function csrfToken() {
    const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
    if (cookie) return decodeURIComponent(cookie.split("=")[1]);
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function send(item) {
    const headers = { Accept: "application/json", "X-CSRFToken": csrfToken() };
    if (item.key) headers["Idempotency-Key"] = item.key;
    if (item.etag) headers["If-Match"] = item.etag;
    const init = { method: item.method, headers, credentials: "same-origin" };
    if (item.body) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(item.body);
    }
    return fetch(item.url, init);
  }

  // The server's reason, from the old bodies ({"detail"} or {field: [messages]}) and the new
  // ones ({"code", "detail", "fields"?, "non_field_errors"?}): the fields' messages when there
  // are some, else the detail.
  async function detailOf(response) {
    let data;
    try {
      data = await response.json();
    } catch (error) {
      return response.statusText || String(response.status);
    }
    const messages = new Set();
    const collect = (value) =>
      (Array.isArray(value) ? value : [value]).forEach((m) => {
        if (typeof m === "string") messages.add(m);
        else if (m && typeof m === "object") Object.values(m).forEach(collect);
      });
    if (data && typeof data === "object") {
      if (data.fields) collect(Object.values(data.fields));
      if (data.non_field_errors) collect(data.non_field_errors);
      if (!messages.size && data.detail) collect(String(data.detail));
      if (!messages.size && !("code" in data && typeof data.code === "string")) collect(Object.values(data));
    }
    return Array.from(messages).join(" ") || response.statusText || String(response.status);
  }

  async function flush() {
    if (flushing || !navigator.onLine) return;
    flushing = true;
    try {
      for (const item of await queue.all()) {
        if (item.state !== "pending") continue;
        let response;
        try {
          response = await send(item);
        } catch (error) {
          break; // still no connection: try again later, in the same order
        }
        if (response.ok || (item.method === "DELETE" && response.status === 404)) {
          // A 404 on a delete: the record is gone already, which is what was asked.
          const data = response.status === 204 || response.status === 404 ? null : await response.json();
          await queue.remove(item.id);
          sent(item, data);
        } else if (response.status === 412) {
          item.state = "conflict";
          await queue.put(item);
        } else if (response.status >= 500 || response.status === 429) {
          break; // the server is not ready: try again later
        } else {
          item.state = "failed";
          item.detail = await detailOf(response);
          await queue.put(item);
        }
      }
    } finally {
      flushing = false;
      const items = await showCount();
      showProblems(items);
    }
  }

  // What a sent item changes on the page it was made on.
  function sent(item, data) {
    document.querySelectorAll(`[data-offline-item="${item.id}"]`).forEach((el) => {
      el.classList.remove("sheet-pending");
      el.removeAttribute("data-offline-item");
      el.querySelectorAll(".offline-badge").forEach((badge) => badge.remove());
      if (el.matches("input[type=checkbox]")) {
        if (data && data.id) {
          el.dataset.commitment = String(data.id);
          el.dataset.version = String(data.version);
        } else {
          delete el.dataset.commitment;
          delete el.dataset.version;
        }
        const badge = el.closest("td") && el.closest("td").querySelector(".offline-badge");
        if (badge) badge.remove();
        el.closest("td") && el.closest("td").classList.remove("sheet-pending");
      }
    });
  }

  // Conflicts and failures, with the choice left to the person -------------------------------

  function panel() {
    let box = document.getElementById("offline-problems");
    if (!box) {
      box = document.createElement("section");
      box.id = "offline-problems";
      box.className = "offline-problems";
      box.setAttribute("aria-label", T.conflictTitle);
      const main = document.getElementById("main");
      main.insertBefore(box, main.firstChild);
    }
    return box;
  }

  function describe(record) {
    const list = document.createElement("dl");
    list.className = "offline-record";
    Object.entries(record || {}).forEach(([name, value]) => {
      if (value === null || typeof value === "object") return;
      const term = document.createElement("dt");
      term.textContent = name;
      const detail = document.createElement("dd");
      detail.textContent = String(value);
      list.append(term, detail);
    });
    return list;
  }

  async function showProblems(items) {
    const problems = items.filter((i) => i.state === "conflict" || i.state === "failed");
    const existing = document.getElementById("offline-problems");
    if (!problems.length) {
      if (existing) existing.remove();
      return;
    }
    const box = panel();
    box.replaceChildren();
    for (const item of problems) {
      const card = document.createElement("div");
      card.className = "offline-problem message message--warning";
      card.dataset.offlineProblem = item.state;
      const title = document.createElement("h2");
      title.textContent = item.state === "conflict" ? T.conflictTitle : T.failedTitle;
      const mine = document.createElement("p");
      mine.textContent = T.conflictMine + ": " + item.label;
      card.append(title, mine);
      const actions = document.createElement("p");
      actions.className = "actions";
      if (item.state === "conflict") {
        const current = await fetch(item.url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        const server = document.createElement("div");
        const heading = document.createElement("h3");
        heading.textContent = T.conflictServer;
        server.append(heading);
        if (current.ok) {
          server.append(describe(await current.json()));
          item.serverEtag = current.headers.get("ETag");
        } else {
          const gone = document.createElement("p");
          gone.textContent = T.conflictGone;
          server.append(gone);
          item.serverEtag = null;
        }
        card.append(server);
        const keep = document.createElement("button");
        keep.type = "button";
        keep.textContent = T.keepMine;
        keep.addEventListener("click", async () => {
          if (item.serverEtag) {
            item.etag = item.serverEtag;
            item.state = "pending";
            await queue.put(item);
          } else {
            await queue.remove(item.id); // nothing left to change on the server
          }
          flush();
        });
        actions.append(keep);
      } else {
        const why = document.createElement("p");
        why.className = "form-errors";
        why.textContent = item.detail || "";
        card.append(why);
      }
      const drop = document.createElement("button");
      drop.type = "button";
      drop.className = "button--secondary";
      drop.textContent = item.state === "conflict" ? T.useServer : T.discard;
      drop.addEventListener("click", async () => {
        await queue.remove(item.id);
        window.location.reload(); // draw the page again from what the server holds
      });
      actions.append(drop);
      card.append(actions);
      box.append(card);
    }
  }

  // Fast household entry --------------------------------------------------------------------

  function badge() {
    const mark = document.createElement("span");
    mark.className = "badge badge--warn offline-badge";
    mark.textContent = T.waiting;
    return mark;
  }

  function pendingRow(item) {
    const row = document.createElement("tr");
    row.className = "sheet-pending";
    row.dataset.offlineItem = String(item.id);
    const b = item.body;
    const select = document.querySelector("#fast-entry select[name=residence]");
    const option = select ? Array.from(select.options).find((o) => o.value === b.residence) : null;
    [b.code, b.address, b.head_name, b.member_count, b.phone, option ? option.textContent : b.residence].forEach(
      (value, index) => {
        const cell = document.createElement("td");
        const heading = document.querySelectorAll("#household-table thead th")[index];
        if (heading) cell.dataset.label = heading.textContent.trim();
        cell.textContent = value || "";
        if (index === 0) cell.append(" ", badge());
        row.append(cell);
      }
    );
    document.getElementById("household-rows").append(row);
  }

  function nextCode(code) {
    const match = /^(.*?)([0-9]+)$/.exec(code);
    if (!match) return "";
    return match[1] + String(Number(match[2]) + 1).padStart(match[2].length, "0");
  }

  function say(form, message, kind) {
    let box = form.querySelector(".offline-message");
    if (!box) {
      box = document.createElement("p");
      box.setAttribute("role", kind === "error" ? "alert" : "status");
      form.prepend(box);
    }
    box.className = "offline-message message message--" + (kind === "error" ? "error" : "info");
    box.textContent = message;
  }

  async function queueHousehold(form) {
    const value = (name) => {
      const field = form.elements.namedItem(name);
      return field ? field.value.trim() : "";
    };
    const body = {
      group: Number(form.dataset.offlineGroup),
      code: value("code"),
      address: value("address"),
      head_name: value("head_name"),
      member_count: value("member_count"),
      phone: value("phone"),
      residence: value("residence"),
    };
    if (!body.code || !body.address || !body.head_name || !body.member_count) {
      say(form, T.missing, "error");
      return;
    }
    const item = {
      method: "POST",
      url: form.dataset.offlineApi,
      key: crypto.randomUUID(),
      body,
      state: "pending",
      page: "household",
      group: body.group,
      label: text(T.addHousehold, { code: body.code, name: body.head_name }),
      created: new Date().toISOString(),
    };
    item.id = await queue.add(item);
    pendingRow(item);
    ["head_name", "member_count", "phone"].forEach((name) => {
      const field = form.elements.namedItem(name);
      if (field) field.value = "";
    });
    form.elements.namedItem("code").value = nextCode(body.code);
    say(form, text(T.queued, { n: (await queue.all()).length }), "info");
    form.elements.namedItem("code").focus();
    showCount();
  }

  // The commitment sheet ------------------------------------------------------------------

  function cellLabel(box) {
    return box.getAttribute("aria-label") || box.value;
  }

  function markCell(box, item) {
    box.dataset.offlineItem = String(item.id);
    const cell = box.closest("td");
    cell.classList.add("sheet-pending");
    if (!cell.querySelector(".offline-badge")) cell.append(badge());
  }

  function unmarkCell(box) {
    delete box.dataset.offlineItem;
    const cell = box.closest("td");
    cell.classList.remove("sheet-pending");
    cell.querySelectorAll(".offline-badge").forEach((el) => el.remove());
  }

  async function queueSheet(form) {
    const year = Number(form.dataset.offlineYear);
    const items = await queue.all();
    const signedOn = form.elements.namedItem("signed_on");
    let changed = 0;
    for (const box of form.querySelectorAll("input[type=checkbox][name=signed]")) {
      const pending = items.find((i) => i.page === "commitments" && i.year === year && i.cell === box.value && i.state === "pending");
      const held = pending ? pending.method === "POST" : Boolean(box.dataset.commitment);
      if (box.checked === held) continue;
      if (pending) {
        await queue.remove(pending.id); // changed back before it was sent
        unmarkCell(box);
        changed += 1;
        continue;
      }
      const [household, kind] = box.value.split(":");
      let item;
      if (box.checked) {
        if (!signedOn || !signedOn.value) {
          say(form, T.signedOnMissing, "error");
          return;
        }
        item = {
          method: "POST",
          url: form.dataset.offlineApi,
          key: crypto.randomUUID(),
          body: { household: Number(household), year, kind, signed_on: signedOn.value },
          label: text(T.tick, { cell: cellLabel(box) }),
        };
      } else {
        item = {
          method: "DELETE",
          url: form.dataset.offlineApi + box.dataset.commitment + "/",
          etag: `"${box.dataset.commitment}-${box.dataset.version}"`,
          label: text(T.untick, { cell: cellLabel(box) }),
        };
      }
      Object.assign(item, { state: "pending", page: "commitments", year, cell: box.value, created: new Date().toISOString() });
      item.id = await queue.add(item);
      markCell(box, item);
      changed += 1;
    }
    say(form, text(T.queued, { n: (await queue.all()).filter((i) => i.state === "pending").length }), "info");
    showCount();
    return changed;
  }

  // A quick form (mediation, outreach, camera, hotspot, incident, tip) -----------------------

  // The form's fields as the API's JSON: the one-time token and the CSRF token stay behind,
  // empty fields are left out (the server's defaults apply), repeated names become lists.
  const NOT_DATA = ["csrfmiddlewaretoken", "form_token"];

  async function queueRecord(form) {
    const body = {};
    for (const [name, value] of new FormData(form).entries()) {
      if (NOT_DATA.includes(name) || typeof value !== "string" || value.trim() === "") continue;
      const field = form.elements.namedItem(name);
      const many = field && field.multiple;
      if (many || name in body) body[name] = [].concat(body[name] || [], value);
      else body[name] = value;
    }
    const item = {
      method: "POST",
      url: form.dataset.offlineApi,
      key: crypto.randomUUID(),
      body,
      state: "pending",
      page: "record",
      label: text(T.record, { title: form.dataset.offlineTitle }),
      created: new Date().toISOString(),
    };
    item.id = await queue.add(item);
    form.reset();
    say(form, text(T.queued, { n: (await queue.all()).filter((i) => i.state === "pending").length }), "info");
    showCount();
  }

  // Queued changes drawn again on a page opened (or reloaded) before they are sent.
  async function drawQueue() {
    const items = await queue.all();
    const entry = document.querySelector("form[data-offline=household]");
    if (entry) {
      const group = Number(entry.dataset.offlineGroup);
      items.filter((i) => i.page === "household" && i.group === group).forEach(pendingRow);
    }
    const sheet = document.querySelector("form[data-offline=commitments]");
    if (sheet) {
      const year = Number(sheet.dataset.offlineYear);
      items
        .filter((i) => i.page === "commitments" && i.year === year)
        .forEach((item) => {
          const box = sheet.querySelector(`input[name=signed][value="${CSS.escape(item.cell)}"]`);
          if (!box) return;
          box.checked = item.method === "POST";
          markCell(box, item);
        });
    }
    return items;
  }

  // Without a connection the sheets' forms go to the queue instead of the server: the capture
  // listener runs before htmx's, and a request htmx could not send is queued the same way.
  function offlineForm(form) {
    return form && form.matches && form.matches("form[data-offline]") ? form : null;
  }

  function toQueue(form) {
    if (form.dataset.offline === "household") return queueHousehold(form);
    if (form.dataset.offline === "record") return queueRecord(form);
    return queueSheet(form);
  }

  document.addEventListener(
    "submit",
    (event) => {
      const form = offlineForm(event.target);
      if (!form || navigator.onLine) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      toQueue(form);
    },
    true
  );

  document.addEventListener("htmx:sendError", (event) => {
    const form = offlineForm(event.detail.elt);
    if (form) toQueue(form);
  });

  // Sign out: the local store is removed first (the server's Clear-Site-Data does it too).
  async function forget() {
    await new Promise((resolve) => {
      const request = indexedDB.deleteDatabase(DB_NAME);
      request.onsuccess = request.onerror = request.onblocked = () => resolve();
    });
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith("ward-")).map((n) => caches.delete(n)));
    if (navigator.serviceWorker) {
      const registrations = await navigator.serviceWorker.getRegistrations();
      await Promise.all(registrations.map((r) => r.unregister()));
    }
  }

  document.addEventListener(
    "submit",
    async (event) => {
      const form = event.target;
      if (!form.matches || !form.matches("form[data-logout]") || form.dataset.forgotten) return;
      event.preventDefault();
      const pending = (await queue.all()).length;
      if (pending && !window.confirm(text(T.logoutPending, { n: pending }))) return;
      await forget();
      form.dataset.forgotten = "1";
      form.submit();
    },
    true
  );

  // Start -------------------------------------------------------------------------------------

  async function start() {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(CONFIG.sw, { scope: "/" }).catch(() => {});
    }
    await drawQueue();
    const items = await showCount();
    showProblems(items);
    flush();
  }

  window.addEventListener("online", () => {
    showCount();
    flush();
  });
  window.addEventListener("offline", showCount);
  setInterval(flush, 30000);
  start();
})();
