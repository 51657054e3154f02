// Keyboard shortcuts on the case page: j / k move through criteria, a accepts the focused one.
(function () {
  "use strict";
  var summary = document.querySelector("[data-focus]");
  if (summary) { summary.focus(); }
  var sections = Array.prototype.slice.call(document.querySelectorAll("[data-criterion]"));
  var current = -1;
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (event.ctrlKey || event.metaKey || event.altKey || ["input", "textarea", "select"].indexOf(tag) >= 0) { return; }
    if (event.key === "j" || event.key === "k") {
      current = Math.max(0, Math.min(sections.length - 1, current + (event.key === "j" ? 1 : -1)));
      sections[current].focus();
      event.preventDefault();
    } else if (event.key === "a" && current >= 0) {
      var accept = sections[current].querySelector("[data-accept]");
      if (accept) { accept.click(); }
    }
  });
})();
