/* The projector page: fetch the changing part (code, QR, count, latest names) every few seconds
   and swap it in. Without JavaScript, a <meta http-equiv="refresh"> reloads the whole page. */
(function () {
  "use strict";
  var POLL_MS = 3000;
  var live = document.getElementById("projector-live");
  if (!live || !window.fetch || !("content" in document.createElement("template"))) {
    return;
  }
  var url = live.getAttribute("data-live-url");
  var last = "";
  var busy = false;

  function swap(html) {
    if (html === last) {
      return;
    }
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    var fresh = template.content.querySelector("#projector-live");
    if (!fresh) {
      return; // not our fragment (a login page after the session expired): keep the screen
    }
    last = html;
    live.replaceWith(fresh);
    live = fresh;
  }

  function poll() {
    if (busy || document.hidden) {
      return;
    }
    busy = true;
    fetch(url, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { "X-Requested-With": "fetch" }
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(swap)
      .catch(function () {
        // Keep the last code on screen; the next poll tries again.
      })
      .then(function () {
        busy = false;
      });
  }

  setInterval(poll, POLL_MS);
  document.addEventListener("visibilitychange", poll);
})();
