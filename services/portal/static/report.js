// Autosave as the clerk types, the provisional score beside the form, upload progress.
// Without JavaScript the form still works: "Save and continue" posts the whole group.
(function () {
  "use strict";
  var summary = document.querySelector("[data-focus]");
  if (summary) { summary.focus(); }
  var form = document.getElementById("answers");
  if (!form || !form.dataset.autosave) { return; }
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var status = document.getElementById("autosave-status");
  var timers = {};

  function show(field, message) {
    var group = form.querySelector('[data-field="' + field + '"]');
    if (!group) { return; }
    var slot = document.getElementById(field + "-error");
    group.classList.toggle("form-group--error", !!message);
    if (slot) { slot.textContent = message || ""; }
    var input = document.getElementById(field);
    if (input) {
      if (message) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
    }
  }

  // One request at a time, carrying every change made meanwhile: drafts never race each other.
  var pending = {}, inFlight = false;

  function valueOf(input) {
    if (input.type !== "radio") { return input.value; }
    var checked = form.querySelector('input[name="' + input.name + '"]:checked');
    return checked ? checked.value : "";
  }

  function markIdle() {
    // Every change typed so far is saved or refused: nothing waits, nothing is on its way.
    if (!inFlight && Object.keys(timers).length === 0 && Object.keys(pending).length === 0) {
      form.dataset.idle = "true";
    }
  }

  function flush() {
    var names = Object.keys(pending);
    if (inFlight || names.length === 0) { return; }
    var body = new FormData();
    body.append("csrf_token", csrf);
    names.forEach(function (name) { body.append(name, pending[name]); });
    pending = {};
    inFlight = true;
    status.textContent = "…";
    fetch(form.dataset.autosave, {method: "POST", body: body, credentials: "same-origin",
                                  headers: {"X-CSRFToken": csrf, "X-Requested-With": "fetch"}})
      .then(function (response) { return response.json(); })
      .then(function (result) {
        var failed = false;
        names.forEach(function (name) {
          var message = result.errors[name] || result.errors[""] || "";
          failed = failed || !!message;
          show(name, message);
        });
        status.textContent = failed ? "" : status.dataset.saved;
        // The total as the server-rendered page writes it (344,69 in Vietnamese), never the API's "344.69".
        if (result.shown_total !== undefined) { document.getElementById("score-total").textContent = result.shown_total; }
      })
      .catch(function () { status.textContent = status.dataset.failed; })
      .then(function () {
        inFlight = false;
        flush();
        markIdle();
      });
  }

  form.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.name || input.name === "csrf_token" || input.type === "file") { return; }
    clearTimeout(timers[input.name]);
    form.dataset.idle = "false";
    timers[input.name] = setTimeout(function () {
      delete timers[input.name];
      pending[input.name] = valueOf(input);
      flush();
    }, input.type === "radio" || input.tagName === "SELECT" ? 0 : 600);
  });

  document.querySelectorAll("form[data-upload]").forEach(function (upload) {
    upload.addEventListener("submit", function (event) {
      var progress = document.getElementById("progress-" + upload.dataset.upload);
      if (!window.XMLHttpRequest || !progress) { return; }
      event.preventDefault();
      var request = new XMLHttpRequest();
      progress.hidden = false;
      request.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) { progress.value = Math.round(100 * e.loaded / e.total); }
      });
      request.addEventListener("loadend", function () { window.location.reload(); });
      request.open("POST", upload.action);
      request.setRequestHeader("X-Requested-With", "fetch");
      request.send(new FormData(upload));
    });
  });
})();
