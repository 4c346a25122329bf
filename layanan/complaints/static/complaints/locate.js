// Optional: fill the report form's latitude/longitude from the phone's location.
// The form works without it (the button stays hidden when JavaScript is off).
(function () {
  "use strict";
  var button = document.getElementById("locate");
  var latitude = document.getElementById("id_latitude");
  var longitude = document.getElementById("id_longitude");
  var status = document.getElementById("locate-status");
  if (!button || !latitude || !longitude || !("geolocation" in navigator)) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = "Mencari lokasi…";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        latitude.value = position.coords.latitude.toFixed(6);
        longitude.value = position.coords.longitude.toFixed(6);
        status.textContent = "Lokasi terisi.";
      },
      function () {
        status.textContent = "Lokasi tidak dapat diambil. Isi sendiri atau kosongkan.";
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  });
})();
