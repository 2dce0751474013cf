/* The projector kiosk: fetch the changing part (code, QR, count, latest names) every few seconds
   and swap it in; when the connection drops, say so discreetly, try again less and less often
   and catch up at once when it is back; never show a code after it has stopped being the one to
   type. Also the full-screen button and the guard against leaving by accident. Without
   JavaScript, a <meta http-equiv="refresh"> reloads the whole page. */
(function () {
  "use strict";
  var POLL_MS = 3000;
  var MAX_WAIT_MS = 20000;
  var live = document.getElementById("projector-live");
  var offline = document.querySelector("[data-offline]");
  var signedOut = document.querySelector("[data-signed-out]");
  var fullscreen = document.querySelector("[data-fullscreen]");
  var closeLink = document.querySelector("[data-close-confirm]");
  var leaving = false;

  // Full screen -------------------------------------------------------------------------------
  if (fullscreen && document.fullscreenEnabled && document.documentElement.requestFullscreen) {
    var enterLabel = fullscreen.textContent;
    fullscreen.hidden = false;
    fullscreen.setAttribute("aria-pressed", "false");
    fullscreen.addEventListener("click", function () {
      if (document.fullscreenElement) {
        document.exitFullscreen();
      } else {
        document.documentElement.requestFullscreen().catch(function () {});
      }
    });
    document.addEventListener("fullscreenchange", function () {
      var on = Boolean(document.fullscreenElement);
      fullscreen.textContent = on ? fullscreen.getAttribute("data-exit") : enterLabel;
      fullscreen.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  // Leaving only through "Tutup" → "Ya, tutup layar" -----------------------------------------
  if (closeLink) {
    closeLink.addEventListener("click", function () {
      leaving = true;
    });
  }
  window.addEventListener("beforeunload", function (event) {
    if (!leaving) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // The live part -----------------------------------------------------------------------------
  if (!live || !window.fetch || !("content" in document.createElement("template"))) {
    return;
  }
  var url = live.getAttribute("data-live-url");
  var last = "";
  var busy = false;
  var wait = POLL_MS;
  var timer = null;
  var showUntil = 0;

  function now() {
    return Date.now();
  }

  function arm(fragment) {
    // The server says how long this code may stay on screen without a newer one.
    var shownFor = Number(fragment.getAttribute("data-shown-for") || 0);
    showUntil = shownFor ? now() + shownFor * 1000 : 0;
  }

  function nextDelay() {
    var rotatesIn = Number(live.getAttribute("data-rotates-in") || 0);
    if (rotatesIn && wait === POLL_MS) {
      // Ask again right after the code changes, so the new one shows without a gap.
      return Math.min(wait, rotatesIn * 1000 + 300);
    }
    return wait;
  }

  function checkCode() {
    if (!showUntil) {
      return;
    }
    var stale = now() > showUntil;
    live.querySelectorAll("[data-code-part]").forEach(function (part) {
      part.hidden = stale;
    });
    var waiting = live.querySelector("[data-code-waiting]");
    if (waiting) {
      waiting.hidden = !stale;
    }
  }

  function swap(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    var fresh = template.content.querySelector("#projector-live");
    if (!fresh) {
      return false; // not our fragment (a login page after the login ran out)
    }
    arm(fresh);
    if (html !== last) {
      last = html;
      live.replaceWith(fresh);
      live = fresh;
    }
    checkCode();
    return true;
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(poll, delay);
  }

  function poll() {
    if (busy) {
      return;
    }
    if (document.hidden) {
      schedule(POLL_MS);
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
      .then(function (html) {
        var ours = swap(html);
        signedOut.hidden = ours;
        offline.hidden = true;
        wait = POLL_MS;
      })
      .catch(function () {
        offline.hidden = false;
        wait = Math.min(wait * 2, MAX_WAIT_MS);
      })
      .then(function () {
        busy = false;
        schedule(nextDelay());
      });
  }

  arm(live);
  setInterval(checkCode, 1000);
  schedule(nextDelay());
  window.addEventListener("online", function () {
    wait = POLL_MS;
    schedule(0);
  });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      schedule(0);
    }
  });
})();
