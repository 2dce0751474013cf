/* The participant's "Present" tap, sent in the background so a weak signal costs one small
   request and a clear answer instead of a page load. The server records a person once, so a
   retry after a lost connection is safe. Without fetch (or when the answer is not ours, such as
   a login page after the session ran out) the form is submitted the ordinary way. */
(function () {
  "use strict";
  var form = document.querySelector("[data-checkin-form]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var button = form.querySelector("button[type=submit]");
  var problem = form.querySelector("[data-checkin-problem]");
  var done = document.querySelector("[data-checkin-done]");
  var after = document.querySelector("[data-checkin-after]");
  var label = button.textContent;
  var sending = false;

  function say(box, message) {
    box.querySelector("p:last-child").textContent = message;
    box.hidden = false;
  }

  function fallback() {
    sending = true; // the ordinary submit takes over; no second background request
    HTMLFormElement.prototype.submit.call(form);
  }

  form.addEventListener("submit", function (event) {
    if (event.defaultPrevented) {
      return; // the signature pad asked for a signature first
    }
    event.preventDefault();
    if (sending) {
      return;
    }
    sending = true;
    button.disabled = true;
    button.textContent = button.getAttribute("data-sending");
    problem.hidden = true;
    fetch(window.location.href, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") !== 0) {
          return fallback();
        }
        return response.json().then(function (answer) {
          sending = false;
          button.disabled = false;
          button.textContent = label;
          if (answer.result === "done") {
            form.hidden = true;
            done.classList.toggle("checkin-late", Boolean(answer.late));
            say(done, answer.message);
            after.hidden = false;
            done.setAttribute("tabindex", "-1");
            done.focus();
            return;
          }
          say(problem, answer.message);
          if (!answer.retry) {
            button.hidden = true;
            after.hidden = false;
          }
        });
      })
      .catch(function () {
        sending = false;
        button.disabled = false;
        button.textContent = label;
        say(problem, button.getAttribute("data-offline"));
      });
  });
})();
