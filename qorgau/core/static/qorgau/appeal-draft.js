/* The new-appeal form during a live call (appeals/new.html, appeals/registered.html).

   The draft is kept in this tab's sessionStorage, per form address: it holds the applicant's
   personal data, so it goes when the tab closes, and never into localStorage or a URL. It is
   restored when the operator comes back to the form, and removed once the appeal is
   registered. The draft also keeps the form's idempotency key (form_key), so a reload, Back
   and a second submit send the key the server has already seen and get the same appeal
   back instead of a second one. Enter in a one-line field does not submit, and leaving a
   half-filled form asks first. */
(function () {
  "use strict";
  var store;
  try { store = window.sessionStorage; } catch (e) { return; }
  var DRAFT = "qorgau.appeal-draft:" + window.location.pathname;
  var LAST_KEY = "qorgau.appeal-registered-key";

  var registered = document.querySelector("[data-registered-key]");
  if (registered) {
    store.removeItem(DRAFT);  // the result page has the form's address
    store.setItem(LAST_KEY, registered.getAttribute("data-registered-key"));
    return;
  }
  var form = document.getElementById("appeal-form");
  if (!form) { return; }
  var key = form.elements.namedItem("form_key");
  var dirty = false;
  var submitting = false;

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "submit";
    });
  }
  function save() {
    var data = {};
    fields().forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        data[el.name] = data[el.name] || [];
        if (el.checked) { data[el.name].push(el.value); }
      } else {
        data[el.name] = el.value;
      }
    });
    store.setItem(DRAFT, JSON.stringify(data));
  }
  function restore(data) {
    fields().forEach(function (el) {
      if (!(el.name in data)) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = data[el.name].indexOf(el.value) >= 0;
      } else {
        el.value = data[el.name];
      }
    });
  }

  var draft = store.getItem(DRAFT);
  var nav = (performance.getEntriesByType("navigation")[0] || {}).type;
  if (draft && form.hasAttribute("data-fresh")) {
    restore(JSON.parse(draft));
    dirty = true;
  } else if (!draft && nav === "back_forward" && store.getItem(LAST_KEY)) {
    // Back after registering: this is the registered form again, so it keeps its key and a
    // second submit returns the same appeal (other details get a fresh key from the server).
    key.value = store.getItem(LAST_KEY);
  }

  form.addEventListener("input", function () { dirty = true; save(); });
  form.addEventListener("change", function () { dirty = true; save(); });
  form.addEventListener("submit", function () { submitting = true; save(); });
  form.addEventListener("keydown", function (e) {
    var el = e.target;
    if (e.key === "Enter" && el.tagName === "INPUT" && el.type !== "submit" && el.type !== "button") {
      e.preventDefault();
    }
  });
  window.addEventListener("beforeunload", function (e) {
    if (dirty && !submitting) { e.preventDefault(); e.returnValue = ""; }
  });
  window.addEventListener("pageshow", function (e) {
    if (e.persisted) { submitting = false; dirty = store.getItem(DRAFT) !== null; }
  });
}());
