/* "Scan QR" on the participant's check-in card: where the browser has its own BarcodeDetector,
   open the camera, read the projector's QR code and send the check-in from this page, so one tap
   and pointing the phone is all it takes. Without it (or without JavaScript) the button stays
   hidden and the 6-digit code field does the job. */
(function () {
  "use strict";
  var form = document.querySelector("[data-scan-form]");
  if (!form || !("BarcodeDetector" in window) || !navigator.mediaDevices ||
      !navigator.mediaDevices.getUserMedia || !window.fetch || !window.FormData) {
    return;
  }
  var row = form.querySelector("[data-scan]");
  var button = form.querySelector("[data-scan-start]");
  var video = form.querySelector("[data-scan-video]");
  var problem = form.querySelector("[data-scan-problem]");
  var prefix = button.getAttribute("data-checkin-prefix");
  var label = button.textContent;
  var stream = null;
  var detector = null;
  var timer = null;

  function say(message) {
    problem.querySelector("p").textContent = message;
    problem.hidden = !message;
  }

  function stop() {
    clearTimeout(timer);
    if (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
    }
    stream = null;
    video.hidden = true;
    button.textContent = label;
  }

  function ourLink(text) {
    try {
      var url = new URL(text, window.location.href);
      return url.origin === window.location.origin && url.pathname.indexOf(prefix) === 0 ? url : null;
    } catch (error) {
      return null;
    }
  }

  function send(url) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    if (form.elements.signature) {
      body.append("signature", form.elements.signature.value);
    }
    fetch(url.href, {
      method: "POST",
      body: body,
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") !== 0) {
          window.location.assign(url.href); // not our answer (a login page): go the ordinary way
          return null;
        }
        return response.json().then(function (answer) {
          if (answer.result === "done") {
            window.location.reload(); // the card now shows the confirmation instead of the form
            return;
          }
          say(answer.message);
        });
      })
      .catch(function () {
        say(button.getAttribute("data-offline"));
      });
  }

  function look() {
    detector.detect(video).then(function (codes) {
      for (var i = 0; i < codes.length; i += 1) {
        var url = ourLink(codes[i].rawValue);
        if (url) {
          stop();
          send(url);
          return;
        }
        say(button.getAttribute("data-not-ours"));
      }
      timer = setTimeout(look, 250);
    }, function () {
      timer = setTimeout(look, 500);
    });
  }

  function start() {
    say("");
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        button.textContent = button.getAttribute("data-stop");
        return video.play();
      })
      .then(function () {
        detector = detector || new window.BarcodeDetector({ formats: ["qr_code"] });
        look();
      })
      .catch(function () {
        stop();
        say(button.getAttribute("data-no-camera"));
      });
  }

  var formats = window.BarcodeDetector.getSupportedFormats
    ? window.BarcodeDetector.getSupportedFormats()
    : Promise.resolve(["qr_code"]);
  formats.then(function (supported) {
    if (supported.indexOf("qr_code") === -1) {
      return;
    }
    row.hidden = false;
    button.addEventListener("click", function () {
      if (stream) {
        stop();
      } else {
        start();
      }
    });
  });
  window.addEventListener("pagehide", stop);
})();
