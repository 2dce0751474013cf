/* The attendance grid: a click on a cell opens one small dialog (note + a button per status);
   choosing a status posts it with fetch and swaps in the cell the server sends back. Without
   JavaScript each cell is a link to a page with the same form. */
(function () {
  "use strict";
  var table = document.querySelector("[data-attendance-grid]");
  var dialog = document.getElementById("cell-dialog");
  if (!table || !dialog || typeof dialog.showModal !== "function" || !window.fetch) {
    return;
  }
  var form = dialog.querySelector("form");
  var title = dialog.querySelector("[data-cell-title]");
  var error = dialog.querySelector("[data-cell-error]");
  var note = form.elements.note;
  var current = null;

  function text(node) {
    return node ? node.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function open(link) {
    var cell = link.closest("td");
    var row = cell.closest("tr");
    var header = table.tHead.rows[0].cells[cell.cellIndex];
    current = cell;
    form.action = link.href;
    note.value = link.getAttribute("data-note") || "";
    title.textContent = text(row.querySelector("th")) + " · " + text(header.querySelector(".grid-session-topic"));
    error.hidden = true;
    var status = link.getAttribute("data-status");
    Array.prototype.forEach.call(form.querySelectorAll("button[name=status]"), function (button) {
      var chosen = button.value === status;
      button.classList.toggle("status-current", chosen);
      if (chosen) {
        button.setAttribute("aria-current", "true");
      } else {
        button.removeAttribute("aria-current");
      }
    });
    dialog.showModal();
    note.focus();
  }

  table.addEventListener("click", function (event) {
    var link = event.target.closest("a.cell-link");
    if (!link) {
      return;
    }
    event.preventDefault();
    open(link);
  });

  // Enter in the note must not pick the first status for the user.
  note.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault();
    }
  });

  dialog.querySelector("[data-cell-cancel]").addEventListener("click", function () {
    dialog.close();
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = event.submitter;
    if (!button || button.name !== "status" || !current) {
      return;
    }
    var data = new FormData(form);
    data.append("status", button.value);
    var buttons = form.querySelectorAll("button");
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    })
      .then(function (response) {
        return response.text().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (result) {
        var template = document.createElement("template");
        template.innerHTML = result.body.trim();
        var cell = result.ok ? template.content.querySelector("td.grid-cell") : null;
        if (!cell) {
          error.textContent = result.ok ? "" : result.body;
          error.hidden = !error.textContent;
          if (result.ok) {
            window.location.reload(); // not our fragment (signed out?): let the server decide
          }
          return;
        }
        current.replaceWith(cell);
        dialog.close();
        var link = cell.querySelector("a.cell-link");
        if (link) {
          link.focus();
        }
      })
      .catch(function () {
        error.textContent = dialog.getAttribute("data-network-error") || "Network error";
        error.hidden = false;
      })
      .then(function () {
        Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
      });
  });
})();
