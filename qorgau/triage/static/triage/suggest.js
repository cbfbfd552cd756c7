/* The triage panel's one-key buttons (triage/_panel.html): each fills one field of the form it
   sits in — the direction, the urgency with its risks, or the outcome — and never submits it.
   One key each: Alt+D, Alt+U, Alt+O, read by their place on the keyboard (event.code), so they
   work the same with a Kazakh or Russian layout, where the letter there is "в", "г" or "щ". */
(function () {
  "use strict";
  function fill(form, button) {
    var what = button.getAttribute("data-accept");
    var value = button.getAttribute("data-value");
    if (what === "direction" && form.elements.direction) {
      form.elements.direction.value = value;
    } else if (what === "outcome" && form.elements.outcome) {
      form.elements.outcome.value = value;
    } else if (what === "urgency") {
      var urgent = form.querySelector("input[name=urgency][value=urgent]");
      if (urgent) { urgent.checked = true; }
      (button.getAttribute("data-flags") || "").split(",").forEach(function (flag) {
        var box = flag && form.querySelector("input[name=risk_flags][value='" + flag + "']");
        if (box) { box.checked = true; }
      });
    }
    button.setAttribute("aria-pressed", "true");
  }
  var KEYS = { KeyD: "direction", KeyU: "urgency", KeyO: "outcome" };
  document.addEventListener("keydown", function (event) {
    var what = event.altKey && !event.ctrlKey && !event.metaKey && KEYS[event.code];
    var button = what && document.querySelector("#triage-panel button.accept[data-accept=" + what + "]");
    var form = button && button.closest("form");
    if (form) {
      event.preventDefault();
      fill(form, button);
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-accept]");
    var form = button && button.closest("form");
    if (form) { fill(form, button); }
  });
}());
