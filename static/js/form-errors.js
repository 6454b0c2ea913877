// After a failed submit, take the person to what needs fixing: focus goes to
// the first field with an error, and a screen reader reads the field's label
// and then its error. Fields rendered by Django already carry
// aria-invalid and aria-describedby; a hand-written field inside a `.field`
// box gets them here from the `.error` messages next to it.
(function () {
  "use strict";

  var CONTROL = "input:not([type=hidden]), select, textarea";

  function tieErrors(root) {
    root.querySelectorAll(".field").forEach(function (box) {
      var errors = box.querySelectorAll(".error");
      var control = box.querySelector(CONTROL);
      if (!errors.length || !control || control.hasAttribute("aria-invalid")) return;
      var ids = [];
      errors.forEach(function (error, i) {
        if (!error.id) error.id = (control.id || "field") + "_error_" + i;
        ids.push(error.id);
      });
      var described = control.getAttribute("aria-describedby");
      control.setAttribute("aria-describedby", (described ? described + " " : "") + ids.join(" "));
      control.setAttribute("aria-invalid", "true");
    });
  }

  function focusFirstError(root) {
    var field = root.querySelector("form [aria-invalid=true]");
    if (field) {
      field.focus();
      return;
    }
    // No field to fix, and the page chose where the cursor goes (say "Save
    // anyway", which names the duplicate warning it answers): go there, also
    // on phones, whose browsers skip autofocus.
    var chosen = root.querySelector("form [autofocus]");
    if (chosen) {
      chosen.focus();
      return;
    }
    // An error about the whole form (say, a wrong password): read it out first.
    var alert = root.querySelector("form [role=alert], [role=alert].error");
    if (alert) {
      if (!alert.hasAttribute("tabindex")) alert.setAttribute("tabindex", "-1");
      alert.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    tieErrors(document);
    focusFirstError(document);
  });
  // A form answered by htmx with its errors: the same, in the part swapped in.
  document.addEventListener("htmx:afterSwap", function (event) {
    tieErrors(event.target);
    focusFirstError(event.target);
  });
})();
