/* The urgent written appeal alert (rule 6(j); conversations/views.alerts): htmx polls the
   banner; this plays a short sound when a number appears that this browser tab has not yet
   chimed for. Browsers refuse sound before the user has clicked or typed on the page: then the
   sound waits for the first click or key press, and the banner is there regardless. */
(function () {
  "use strict";
  var script = document.currentScript;
  var audio = script ? new Audio(script.getAttribute("data-sound")) : null;
  var pending = false;
  var KEY = "qorgau-written-alert-chimed";

  function chimed() {
    try { return JSON.parse(window.sessionStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function play() {
    if (!audio) { return; }
    audio.currentTime = 0;
    var done = audio.play();
    if (done && done.catch) { done.catch(function () { pending = true; }); }
  }
  function unlock() {
    if (pending) { pending = false; play(); }
  }
  document.addEventListener("pointerdown", unlock);
  document.addEventListener("keydown", unlock);

  document.addEventListener("htmx:afterSettle", function () {
    var banner = document.querySelector("#written-alert .written-alert");
    if (!banner) { return; }
    var numbers = banner.getAttribute("data-numbers").trim().split(/\s+/);
    var known = chimed();
    var fresh = numbers.filter(function (n) { return n && known.indexOf(n) < 0; });
    if (!fresh.length) { return; }
    try { window.sessionStorage.setItem(KEY, JSON.stringify(known.concat(fresh).slice(-200))); } catch (e) { /* private mode */ }
    document.documentElement.setAttribute("data-written-alert-chimed", fresh.join(" "));
    play();
  });
}());
