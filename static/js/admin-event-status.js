// On an event's admin page, the retraction reason shows only while the status menu says
// Retracted (the server leaves the field out where retracting is not offered). A file of its
// own, not an inline script: the CSP runs only our own files.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var status = document.getElementById("id_status");
  var reason = document.querySelector(".form-row.field-retraction_reason");
  if (!status || !reason) {
    return;
  }
  function update() {
    reason.hidden = status.value !== "retracted";
  }
  status.addEventListener("change", update);
  update();
});
