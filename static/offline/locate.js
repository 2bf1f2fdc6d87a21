// "Use my location" on a form with latitude and longitude (cameras, hotspots, incidents): the
// phone's position fills both fields, rounded to the 6 decimals the portal stores (about 10 cm).
(function () {
  "use strict";
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-locate]");
    if (!button) return;
    const status = button.parentElement.querySelector("[data-locate-status]");
    const fail = () => {
      status.textContent = button.dataset.unavailable;
    };
    if (!navigator.geolocation) return fail();
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        document.getElementById(button.dataset.latitude).value = position.coords.latitude.toFixed(6);
        document.getElementById(button.dataset.longitude).value = position.coords.longitude.toFixed(6);
        status.textContent = button.dataset.located;
        button.disabled = false;
      },
      () => {
        fail();
        button.disabled = false;
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  });
})();
