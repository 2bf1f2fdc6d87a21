// The camera map: markers from the page's embedded JSON, coloured by status (fill) and owner
// (ring). No tile layer unless the server names one, so the map works offline: the markers
// sit on a plain ground, fitted to their bounds.
(function () {
  "use strict";

  function paintLegend() {
    document.querySelectorAll(".camera-legend__swatch[data-fill]").forEach((el) => {
      el.style.backgroundColor = el.dataset.fill;
    });
    document.querySelectorAll(".camera-legend__swatch[data-ring]").forEach((el) => {
      el.style.borderColor = el.dataset.ring;
    });
  }

  function popup(marker, openLabel) {
    // Built from text nodes: codes and group names are data, never markup.
    const box = document.createElement("div");
    const title = document.createElement("strong");
    title.textContent = marker.code;
    box.appendChild(title);
    [marker.group, marker.status_label, marker.owner_label].filter(Boolean).forEach((line) => {
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(line));
    });
    if (marker.url) {
      const link = document.createElement("a");
      link.href = marker.url;
      link.className = "camera-popup__link";
      link.textContent = openLabel;
      box.appendChild(document.createElement("br"));
      box.appendChild(link);
    }
    return box;
  }

  function draw() {
    const holder = document.getElementById("camera-map");
    const source = document.getElementById("camera-map-data");
    if (!holder || !source || typeof L === "undefined") return;
    const data = JSON.parse(source.textContent);
    const map = L.map(holder, { preferCanvas: false, zoomSnap: 0.5 });
    if (data.tiles) {
      L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 19 }).addTo(map);
    }
    const layer = L.featureGroup().addTo(map);
    data.markers.forEach((m) => {
      L.circleMarker([m.lat, m.lng], {
        radius: 8,
        weight: 3,
        color: data.owner_colours[m.owner] || "#333",
        fillColor: data.status_colours[m.status] || "#999",
        fillOpacity: 0.9,
        className: "camera-marker camera-marker--" + m.status,
      })
        .bindPopup(popup(m, data.open_label))
        .bindTooltip(m.code)
        .addTo(layer);
    });
    if (data.markers.length) {
      map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 17 });
    } else {
      map.setView([16.0, 106.0], 5); // Viet Nam as a whole when nothing can be placed
    }
    holder.dataset.markers = String(data.markers.length);
  }

  function start() {
    paintLegend();
    draw();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
