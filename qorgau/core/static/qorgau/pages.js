/* What every page loads (templates/base.html): "?" opens the keyboard-shortcut overlay,
   and htmx swaps in the answers that explain a refusal (409 someone else changed it first,
   422 a field is missing) instead of dropping them; a file too large is refused before upload. */
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
  // A file input with data-max-bytes refuses a larger file at once (data-too-large says why),
  // before minutes of uploading end in the server's refusal; the server checks again.
  document.addEventListener("change", function (e) {
    var input = e.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) { return; }
    var file = input.files && input.files[0];
    var tooLarge = file && file.size > Number(input.getAttribute("data-max-bytes"));
    input.setCustomValidity(tooLarge ? input.getAttribute("data-too-large") : "");
    if (tooLarge) { input.reportValidity(); }
  });
  document.addEventListener("htmx:beforeSwap", function (e) {
    var status = e.detail.xhr.status;
    if (status === 409 || status === 422) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });
}());
