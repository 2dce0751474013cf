/* Draw a signature with a finger (or a mouse) and post it as a PNG data URL in the form's
   hidden "signature" field. The pad stays hidden without JavaScript; the page then explains. */
(function () {
  "use strict";
  var form = document.querySelector("[data-signature-form]");
  var pad = form && form.querySelector("[data-signature]");
  if (!pad || !window.PointerEvent) {
    return;
  }
  var canvas = pad.querySelector("canvas");
  var context = canvas.getContext && canvas.getContext("2d");
  var input = form.querySelector("input[name=signature]");
  var missing = pad.querySelector("[data-signature-missing]");
  if (!context || !input) {
    return;
  }
  pad.hidden = false;
  var drawn = false;
  var drawing = false;
  var last = null;

  function clear() {
    context.save();
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.clearRect(0, 0, canvas.width, canvas.height);
    context.restore();
    drawn = false;
    input.value = "";
  }

  function resize() {
    if (drawn) {
      return; // never wipe a signature because the phone was turned
    }
    var ratio = Math.min(window.devicePixelRatio || 1, 2);
    var rect = canvas.getBoundingClientRect();
    canvas.width = Math.max(1, Math.round(rect.width * ratio));
    canvas.height = Math.max(1, Math.round(rect.height * ratio));
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.lineWidth = 2.5;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#0b1f4d";
    context.fillStyle = "#0b1f4d";
    clear();
  }

  function point(event) {
    var rect = canvas.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  }

  canvas.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    drawing = true;
    last = point(event);
    try {
      canvas.setPointerCapture(event.pointerId); // keep drawing when the finger leaves the box
    } catch (error) {
      // an event without an active pointer: draw without capture
    }
    context.beginPath();
    context.arc(last.x, last.y, 1.2, 0, 2 * Math.PI);
    context.fill();
    drawn = true;
  });

  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) {
      return;
    }
    event.preventDefault();
    var next = point(event);
    context.beginPath();
    context.moveTo(last.x, last.y);
    context.lineTo(next.x, next.y);
    context.stroke();
    last = next;
  });

  function end() {
    if (!drawing) {
      return;
    }
    drawing = false;
    if (drawn) {
      input.value = canvas.toDataURL("image/png");
      missing.hidden = true;
    }
  }
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);

  pad.querySelector("[data-signature-clear]").addEventListener("click", clear);

  form.addEventListener("submit", function (event) {
    if (!drawn) {
      event.preventDefault();
      missing.hidden = false;
    }
  });

  window.addEventListener("resize", resize);
  resize();
})();
