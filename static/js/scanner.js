/* The continuous badge scanner (templates/trainings/checkin/scanner.html).

   Every read, from the camera (the browser's own BarcodeDetector) or from a handheld scanner
   typing into the field, goes into a queue kept in localStorage with the moment it was made,
   and the queue is sent one scan at a time. Without a signal the queue waits and is sent when
   the connection is back; a reload keeps it. A badge already recorded in this session, or
   already waiting in the queue, is not sent again. Works without any library. */
(function () {
  "use strict";
  var root = document.getElementById("scanner");
  if (!root || !window.fetch || !window.localStorage) {
    return;
  }
  var RETRY_MS = 5000;
  var SAME_CODE_MS = 3000;
  var LOG_LENGTH = 8;
  var recordUrl = root.getAttribute("data-record-url");
  var storageKey = root.getAttribute("data-storage-key");
  var csrf = (root.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  var resultBox = root.querySelector("[data-scan-result]");
  var nameLine = root.querySelector("[data-scan-name]");
  var textLine = root.querySelector("[data-scan-text]");
  var pendingLine = root.querySelector("[data-scan-pending]");
  var logList = root.querySelector("[data-scan-log]");
  var form = root.querySelector("[data-scan-form]");
  var input = form.querySelector("input[name=scanned]");
  var text = function (name) { return root.getAttribute("data-text-" + name) || ""; };

  function load() {
    try {
      var state = JSON.parse(localStorage.getItem(storageKey) || "{}");
      return { queue: state.queue || [], seen: state.seen || {} };
    } catch (error) {
      return { queue: [], seen: {} };
    }
  }
  var state = load();
  function save() {
    localStorage.setItem(storageKey, JSON.stringify(state));
  }

  function tokenOf(scanned) {
    var value = String(scanned || "").trim();
    var at = value.indexOf("/lencana/");
    if (at >= 0) {
      value = value.slice(at + "/lencana/".length);
    }
    return value.split("?")[0].split("#")[0].replace(/^\/+|\/+$/g, "");
  }

  // Feedback: a tone and a buzz, so the organiser can keep their eyes on the queue of people.
  var audio = null;
  function tone(frequency, milliseconds) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var oscillator = audio.createOscillator();
      var gain = audio.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.value = 0.15;
      oscillator.connect(gain);
      gain.connect(audio.destination);
      oscillator.start();
      oscillator.stop(audio.currentTime + milliseconds / 1000);
    } catch (error) { /* no sound on this device */ }
  }
  function feedback(kind) {
    var patterns = { ok: [880, 120, [80]], repeat: [520, 160, [40, 60, 40]], bad: [220, 350, [200, 100, 200]], saved: [660, 100, [60]] };
    var pattern = patterns[kind] || patterns.saved;
    tone(pattern[0], pattern[1]);
    if (navigator.vibrate) {
      navigator.vibrate(pattern[2]);
    }
  }

  function show(kind, name, message) {
    resultBox.className = "scan-result scan-" + kind;
    nameLine.textContent = name;
    textLine.textContent = message;
  }

  function log(entry) {
    var item = document.createElement("li");
    item.className = "scan-log-" + entry.kind;
    item.textContent = entry.time + " · " + (entry.name ? entry.name + " · " : "") + entry.message;
    logList.insertBefore(item, logList.firstChild);
    while (logList.children.length > LOG_LENGTH) {
      logList.removeChild(logList.lastChild);
    }
  }

  function clock(date) {
    return ("0" + date.getHours()).slice(-2) + "." + ("0" + date.getMinutes()).slice(-2);
  }

  function showPending(offline) {
    var count = state.queue.length;
    if (!count && !offline) {
      pendingLine.hidden = true;
      return;
    }
    pendingLine.hidden = false;
    var line = count === 1 ? text("pending-one") : text("pending-many").replace("{count}", count);
    pendingLine.textContent = (offline ? text("offline") + " " : "") + (count ? line : "");
    pendingLine.className = "scan-pending" + (offline ? " scan-offline" : "");
  }

  var sending = false;
  var retry = null;
  function send() {
    if (sending || !state.queue.length) {
      showPending(false);
      return;
    }
    sending = true;
    var scan = state.queue[0];
    fetch(recordUrl, {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ scanned: scan.scanned, scanned_at: scan.scanned_at })
    })
      .then(function (response) {
        if (response.status >= 500 || response.status === 0) {
          throw new Error("server " + response.status);
        }
        return response.json();
      })
      .then(function (answer) {
        state.queue.shift();
        var kind = answer.result === "recorded" ? "ok" : answer.result === "already" ? "repeat" : "bad";
        if (kind !== "bad") {
          state.seen[scan.token] = answer.name || "";
        }
        save();
        if (state.queue.length === 0 || scan.id === lastScanId) {
          show(kind, answer.name || "", answer.message);
        }
        log({ kind: kind, time: clock(new Date(scan.scanned_at)), name: answer.name, message: answer.message });
        feedback(kind);
        sending = false;
        send();
      })
      .catch(function () {
        sending = false;
        showPending(true);
        clearTimeout(retry);
        retry = setTimeout(send, RETRY_MS);
      });
  }

  var lastScanId = null;
  var lastCode = "";
  var lastCodeAt = 0;
  function handle(scanned) {
    var token = tokenOf(scanned);
    if (!token) {
      return;
    }
    var now = Date.now();
    if (token === lastCode && now - lastCodeAt < SAME_CODE_MS) {
      return; // the camera sees the same badge several times a second
    }
    lastCode = token;
    lastCodeAt = now;
    if (Object.prototype.hasOwnProperty.call(state.seen, token)) {
      show("repeat", state.seen[token], text("repeat"));
      feedback("repeat");
      return;
    }
    if (state.queue.some(function (scan) { return scan.token === token; })) {
      show("repeat", "", text("queued-repeat"));
      feedback("repeat");
      return;
    }
    var scan = { id: now + "-" + Math.random().toString(36).slice(2), token: token, scanned: String(scanned), scanned_at: new Date(now).toISOString() };
    lastScanId = scan.id;
    state.queue.push(scan);
    save();
    show("saved", "", navigator.onLine === false ? text("saved") : text("sending"));
    if (navigator.onLine === false) {
      feedback("saved");
      showPending(true);
    }
    send();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    handle(input.value);
    input.value = "";
    input.focus();
  });
  window.addEventListener("online", send);
  window.addEventListener("offline", function () { showPending(true); });

  // The camera, where the browser reads QR codes itself (Chrome on Android).
  var note = root.querySelector("[data-scan-camera-note]");
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) {
    note.textContent = text("camera-off");
  } else {
    var video = root.querySelector("[data-scan-video]");
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        video.srcObject = stream;
        root.querySelector("[data-scan-camera]").hidden = false;
        return video.play();
      })
      .then(function () {
        var look = function () {
          detector.detect(video).then(function (codes) {
            if (codes.length) {
              handle(codes[0].rawValue);
            }
          }).catch(function () {}).then(function () { setTimeout(look, 250); });
        };
        look();
      })
      .catch(function () { note.textContent = text("camera-denied"); });
  }

  showPending(navigator.onLine === false);
  send();
})();
