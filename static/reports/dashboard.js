// Monthly trend charts of the dashboard (Chart.js, from npm). The figures come from the page
// (json_script) and are also in the table below each chart, for screen readers and printing.
(function () {
  "use strict";
  function draw() {
    var holder = document.querySelector(".trend-charts");
    if (!holder || !window.Chart) { return; }
    var data = JSON.parse(document.getElementById(holder.dataset.source).textContent);
    holder.querySelectorAll("canvas[data-index]").forEach(function (canvas) {
      var series = data.series[Number(canvas.dataset.index)];
      new window.Chart(canvas, {
        type: "line",
        data: {
          labels: data.labels,
          datasets: [
            { label: data.current, data: series.values, borderColor: "#0b5cad",
              backgroundColor: "#0b5cad", tension: 0.2 },
            { label: data.same_period, data: series.previous, borderColor: "#8a8f98",
              backgroundColor: "#8a8f98", borderDash: [6, 4], tension: 0.2 }
          ]
        },
        options: {
          responsive: true,
          animation: false,
          scales: { y: { beginAtZero: true } },
          plugins: { legend: { position: "bottom" } }
        }
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
