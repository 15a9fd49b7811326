// awsbox console: small progressive enhancements. Every page works without it.
(function () {
  "use strict";

  // The Region picker submits itself when changed (its button is for no-JS).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    var button = select.form.querySelector(".nojs");
    if (button) { button.hidden = true; }
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // JSON editors say whether their text parses, as the learner types.
  document.querySelectorAll("textarea[data-json]").forEach(function (area) {
    var status = area.parentNode.querySelector(".json-status");
    function check() {
      if (!status) { return; }
      try {
        JSON.parse(area.value);
        status.textContent = "Valid JSON.";
        status.className = "json-status ok";
        area.removeAttribute("aria-invalid");
      } catch (problem) {
        status.textContent = "Not valid JSON: " + problem.message;
        status.className = "json-status bad";
        area.setAttribute("aria-invalid", "true");
      }
    }
    area.addEventListener("input", check);
    check();
  });

  // The event trail refreshes itself every 5 s while visible, unless the
  // learner is reading an event (an open details element or focus inside).
  var rows = document.getElementById("trail-rows");
  var toggle = document.getElementById("auto-refresh");
  var status = document.getElementById("trail-status");
  if (rows && toggle) {
    setInterval(function () {
      if (!toggle.checked || document.hidden) { return; }
      if (rows.querySelector("details[open]") || rows.contains(document.activeElement)) { return; }
      fetch(rows.getAttribute("data-refresh"), { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.text();
        })
        .then(function (html) {
          rows.innerHTML = html;
          status.textContent = "Updated " + new Date().toLocaleTimeString() + ".";
        })
        .catch(function (problem) {
          status.textContent = "Could not refresh the trail (" + problem.message + ").";
        });
    }, 5000);
  }
})();
