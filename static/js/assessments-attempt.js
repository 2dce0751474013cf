/* Taking a test: save each answer the moment it is chosen, survive a dropped connection.
 *
 * Every choice goes into a queue kept in localStorage (one entry per question: the latest
 * choice) and is sent with fetch, one request at a time, so the server always ends up with the
 * last choice. If sending fails the entry stays queued and is retried, also after a reload or
 * when the phone comes back online; the page shows "tersimpan" or "belum terkirim" for each
 * question. The server keeps the clock: the countdown here only shows it, and when the time is
 * up the page moves on to the result, where the server submits what it has received.
 *
 * Without JavaScript each question is a small form with its own Save button.
 */
(function () {
  "use strict";

  var config = document.getElementById("attempt-config");
  if (!config || !window.fetch || !window.FormData) {
    return;
  }
  document.documentElement.classList.add("js");

  var data = config.dataset;
  var storageKey = data.storageKey;
  var answerUrl = data.answerUrl;
  var resultUrl = data.resultUrl;
  var tokenInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  var csrfToken = tokenInput ? tokenInput.value : "";
  var summary = document.getElementById("attempt-summary");
  var answeredCount = document.getElementById("attempt-answered");
  var clock = document.getElementById("attempt-clock");
  var finishLink = document.getElementById("attempt-finish");

  var pending = loadQueue();
  var sending = false;
  var failures = 0;
  var retryTimer = null;
  var over = false;
  var endsAt = Date.now() + parseInt(data.remaining, 10) * 1000;

  function loadQueue() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(storageKey) || "{}");
      return stored && typeof stored === "object" ? stored : {};
    } catch (error) {
      return {};
    }
  }

  function saveQueue() {
    try {
      if (Object.keys(pending).length) {
        window.localStorage.setItem(storageKey, JSON.stringify(pending));
      } else {
        window.localStorage.removeItem(storageKey);
      }
    } catch (error) {
      /* Private mode or a full storage: the queue still lives in memory. */
    }
  }

  function formFor(questionId) {
    return document.querySelector('form.question[data-question="' + questionId + '"]');
  }

  function setStatus(form, state, message) {
    if (!form) {
      return;
    }
    var status = form.querySelector("[data-status]");
    status.classList.remove("is-saved", "is-pending", "is-saving", "is-error");
    status.classList.add("is-" + state);
    status.textContent = message || {
      saved: data.textSaved,
      pending: data.textPending,
      saving: data.textSaving
    }[state] || "";
  }

  function countAnswered() {
    var answered = 0;
    document.querySelectorAll("form.question").forEach(function (form) {
      var chosen = form.querySelector("input[name=option]:checked");
      var link = document.getElementById("nav-" + form.dataset.question);
      if (link) {
        link.classList.toggle("answered", !!chosen);
        link.classList.toggle("unsent", pending.hasOwnProperty(form.dataset.question));
      }
      if (chosen) {
        answered += 1;
      }
    });
    answeredCount.textContent = answered;
  }

  function showSummary() {
    var count = Object.keys(pending).length;
    var text;
    summary.classList.remove("is-pending", "is-saved");
    if (over) {
      return;
    }
    if (!count) {
      text = data.textAllSaved;
      summary.classList.add("is-saved");
    } else if (!navigator.onLine) {
      text = data.textOffline;
      summary.classList.add("is-pending");
    } else if (failures >= 3) {
      text = data.textStuck;
      summary.classList.add("is-pending");
    } else {
      text = count + " " + data.textPending;
      summary.classList.add("is-pending");
    }
    summary.textContent = text;
  }

  function scheduleRetry() {
    if (retryTimer || over) {
      return;
    }
    var delay = Math.min(30000, 2000 * Math.pow(2, Math.min(failures, 4)));
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      send();
    }, delay);
  }

  function send() {
    if (sending || over) {
      return;
    }
    var ids = Object.keys(pending);
    showSummary();
    if (!ids.length) {
      return;
    }
    var questionId = ids[0];
    var optionId = pending[questionId];
    var form = formFor(questionId);
    if (!form) {
      delete pending[questionId];
      saveQueue();
      send();
      return;
    }
    sending = true;
    setStatus(form, "saving");
    var body = new FormData();
    body.append("question", questionId);
    body.append("option", optionId);
    fetch(answerUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "error",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken }
    })
      .then(function (response) {
        return response.json().then(function (payload) {
          return { status: response.status, payload: payload };
        });
      })
      .then(function (result) {
        sending = false;
        failures = 0;
        if (result.payload.ok) {
          if (pending[questionId] === optionId) {
            delete pending[questionId];
            saveQueue();
            setStatus(form, "saved");
          }
          if (typeof result.payload.remaining === "number") {
            endsAt = Date.now() + result.payload.remaining * 1000;
          }
        } else if (result.status === 409) {
          finish(result.payload.message, result.payload.result_url);
          return;
        } else {
          /* A choice the server cannot take (not an option of this question): drop it. */
          delete pending[questionId];
          saveQueue();
          setStatus(form, "error", result.payload.message);
        }
        countAnswered();
        send();
      })
      .catch(function () {
        sending = false;
        failures += 1;
        setStatus(form, "pending");
        showSummary();
        scheduleRetry();
      });
  }

  function finish(message, url) {
    if (over) {
      return;
    }
    over = true;
    try {
      window.localStorage.removeItem(storageKey);
    } catch (error) {
      /* nothing to clean */
    }
    summary.textContent = message || data.textTimeUp;
    summary.classList.add("is-pending");
    document.querySelectorAll("form.question input[name=option]").forEach(function (input) {
      input.disabled = true;
    });
    window.setTimeout(function () {
      window.location.assign(url || resultUrl);
    }, 1500);
  }

  function tick() {
    var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    var minutes = Math.floor(left / 60);
    var seconds = left % 60;
    clock.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    clock.classList.toggle("is-short", left <= 60);
    if (left <= 0) {
      /* Give an answer already on its way a moment to arrive. */
      window.setTimeout(function () {
        finish(data.textTimeUp, resultUrl);
      }, sending ? 1500 : 0);
      return;
    }
    window.setTimeout(tick, 1000 - (Date.now() % 1000) + 5);
  }

  /* Choices made earlier but never sent (offline, closed tab) come back on the page. */
  Object.keys(pending).forEach(function (questionId) {
    var form = formFor(questionId);
    var input = form && form.querySelector('input[name=option][value="' + pending[questionId] + '"]');
    if (input) {
      input.checked = true;
      setStatus(form, "pending");
    } else {
      delete pending[questionId];
    }
  });
  saveQueue();

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.name !== "option" || !input.form || over) {
      return;
    }
    pending[input.form.dataset.question] = input.value;
    saveQueue();
    setStatus(input.form, "pending");
    countAnswered();
    send();
  });

  document.addEventListener("submit", function (event) {
    if (event.target.classList.contains("question")) {
      event.preventDefault();
      send();
    }
  });

  if (finishLink) {
    finishLink.addEventListener("click", function (event) {
      if (Object.keys(pending).length) {
        event.preventDefault();
        send();
        window.alert(data.textWait);
      }
    });
  }

  window.addEventListener("online", function () {
    failures = 0;
    if (retryTimer) {
      window.clearTimeout(retryTimer);
      retryTimer = null;
    }
    send();
  });
  window.addEventListener("offline", showSummary);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      send();
    }
  });

  countAnswered();
  tick();
  send();
})();
