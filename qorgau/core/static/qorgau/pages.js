/* What every page loads (templates/base.html): "?" opens the keyboard-shortcut overlay,
   and htmx swaps in the answers that explain a refusal (409 someone else changed it first,
   422 a field is missing) instead of dropping them. */
(function () {
  "use strict";
  function editable(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  document.addEventListener("keydown", function (e) {
    var dialog = document.getElementById("shortcuts");
    if (e.key !== "?" || editable(e.target) || !dialog || dialog.open) { return; }
    e.preventDefault();
    dialog.showModal();
  });
  document.addEventListener("click", function (e) {
    var dialog = document.getElementById("shortcuts");
    if (dialog && e.target.closest("[data-close-shortcuts]")) { dialog.close(); }
  });
  document.addEventListener("htmx:beforeSwap", function (e) {
    var status = e.detail.xhr.status;
    if (status === 409 || status === 422) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });
}());
