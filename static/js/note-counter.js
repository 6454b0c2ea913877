// The length counter under a note's text (log a call, edit a note):
// "1,234 / 10,000 characters", a warning near the limit and over it.
// Without script the page states the limit and the server refuses a note over
// it; nothing is ever cut. Characters are counted as the server counts them
// (code points; a line break is one).
(function () {
  "use strict";
  var format = new Intl.NumberFormat("en-US");

  function state(length, max, warn) {
    if (length > max) return "over";
    if (length >= warn) return "near";
    return "";
  }

  function wire(counter) {
    var field = document.getElementById(counter.getAttribute("data-counter-for"));
    if (!field) return;
    var max = Number(counter.getAttribute("data-max"));
    var warn = Number(counter.getAttribute("data-warn"));
    // Screen readers hear only a change of state, not every keystroke.
    var status = document.querySelector("[data-counter-status='" + field.id + "']");
    var last = null;

    function update() {
      var length = Array.from(field.value).length;
      var now = state(length, max, warn);
      var text = format.format(length) + " / " + format.format(max) + " characters";
      if (now === "over") {
        text += " — " + format.format(length - max) + " over the limit: shorten it before saving";
      } else if (now === "near") {
        text += " — close to the limit";
      }
      counter.textContent = text;
      counter.classList.toggle("over", now === "over");
      counter.classList.toggle("near", now === "near");
      if (status && last !== null && now !== last) {
        status.textContent =
          now === "over" ? "Over the limit of " + format.format(max) + " characters."
          : now === "near" ? "Close to the limit of " + format.format(max) + " characters."
          : "Within the limit.";
      }
      last = now;
    }

    field.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-counter-for]").forEach(wire);
  });
})();
