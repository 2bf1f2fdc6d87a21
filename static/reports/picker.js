// The period picker and the scope search of the dashboard and the reports page.
//
// Both enhance fields that work without JavaScript: the period box takes a typed period ("8 tháng
// đầu năm 2023", "months:2023:8") and suggests others; the scope search box is sent with the
// form and answered by the server. With JavaScript, the period picker (kind + year + month,
// quarter or number of months, or two dates) writes the period's code into the same box, and the
// scope search lists the places as they are typed (an ARIA combobox: arrows, Enter, Escape).
(function () {
  "use strict";

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function periodPicker(fieldset) {
    var box = document.getElementById(fieldset.dataset.target);
    if (!box) { return; }
    var parts = {};
    fieldset.querySelectorAll("[data-part]").forEach(function (element) {
      parts[element.dataset.part] = element;
    });

    function showParts() {
      var kind = parts.kind.value;
      fieldset.querySelectorAll("[data-kinds]").forEach(function (element) {
        element.hidden = element.dataset.kinds.split(" ").indexOf(kind) < 0;
      });
    }

    function code() {
      var year = parts.year.value;
      switch (parts.kind.value) {
        case "month": return "month:" + year + "-" + pad(Number(parts.month.value));
        case "quarter": return "quarter:" + year + "-Q" + parts.quarter.value;
        case "half": return "half:" + year + "-H" + parts.half.value;
        case "months": return "months:" + year + ":" + parts.count.value;
        case "year": return "year:" + year;
        default:
          if (!parts.start.value || !parts.end.value) { return null; }
          return "range:" + parts.start.value + ".." + parts.end.value;
      }
    }

    fieldset.addEventListener("change", function (event) {
      if (event.target === parts.kind) { showParts(); }
      var value = code();
      if (value === null) { return; }
      box.value = value;
      box.removeAttribute("aria-invalid");
      box.dispatchEvent(new Event("input", { bubbles: true }));
    });
    showParts();
    fieldset.hidden = false;
  }

  function scopeSearch(holder) {
    var input = holder.querySelector("input[type=search]");
    var list = holder.querySelector("[role=listbox]");
    var status = holder.querySelector("[role=status]");
    var select = document.getElementById(holder.dataset.select);
    if (!input || !list || !select || !window.fetch) { return; }
    var results = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    // Searched here as it is typed: the box is no longer sent with the form.
    input.removeAttribute("name");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) { return; }
      active = (index + options.length) % options.length;
      options.forEach(function (option, position) {
        option.setAttribute("aria-selected", position === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function show(found) {
      results = found;
      list.textContent = "";
      found.forEach(function (place, index) {
        var item = document.createElement("li");
        item.id = list.id + "-" + index;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.dataset.index = String(index);
        var name = document.createElement("span");
        name.className = "scope-search__name";
        name.textContent = place.label;
        var detail = document.createElement("span");
        detail.className = "scope-search__detail";
        detail.textContent = place.kind_label + (place.detail ? " · " + place.detail : "");
        item.appendChild(name);
        item.appendChild(detail);
        list.appendChild(item);
      });
      if (found.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        status.textContent = holder.dataset.found + " " + found.length;
      } else {
        close();
        status.textContent = holder.dataset.none;
      }
    }

    function search() {
      var text = input.value.trim();
      var mine = ++asked;
      if (!text) { results = []; close(); status.textContent = ""; return; }
      fetch(holder.dataset.url + "?q=" + encodeURIComponent(text), {
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      }).then(function (response) {
        return response.ok ? response.json() : { results: [] };
      }).then(function (answer) {
        if (mine === asked) { show(answer.results); }
      });
    }

    function choose(index) {
      var place = results[index];
      if (!place) { return; }
      var option = Array.prototype.find.call(select.options, function (candidate) {
        return candidate.value === place.value;
      });
      if (!option) {
        option = new Option(place.label, place.value);
        select.add(option, 1);
      }
      select.value = place.value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      input.value = "";
      close();
      status.textContent = holder.dataset.chosen + " " + place.label;
      select.focus();
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        var down = event.key === "ArrowDown";
        if (list.hidden && results.length) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
        }
        highlight(active < 0 ? (down ? 0 : -1) : active + (down ? 1 : -1));
        event.preventDefault();
      } else if (event.key === "Enter") {
        // Enter chooses; it never sends the form from a half-typed search.
        if (input.value.trim()) { event.preventDefault(); }
        if (!list.hidden && active >= 0) { choose(active); }
        else if (!list.hidden && results.length === 1) { choose(0); }
      } else if (event.key === "Escape") {
        if (!list.hidden) { event.preventDefault(); close(); }
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
    // A click on a result must not take the focus away (and close the list) before it counts.
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    list.addEventListener("click", function (event) {
      var item = event.target.closest("[role=option]");
      if (item) { choose(Number(item.dataset.index)); }
    });
  }

  function start() {
    document.querySelectorAll(".period-picker[data-target]").forEach(periodPicker);
    document.querySelectorAll(".scope-search[data-url]").forEach(scopeSearch);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
