// FeedbackHub's one site script: small progressive enhancements; every page
// works without it.
(function () {
  "use strict";

  // At phone width wide tables become stacked cards (app.css); each cell
  // shows its column's heading, copied here from the table's <thead>.
  function labelCells(root) {
    root.querySelectorAll("table").forEach(function (table) {
      var heads = table.querySelectorAll("thead th");
      if (!heads.length) return;
      table.querySelectorAll("tbody tr, tfoot tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          var head = heads[i];
          if (head && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", head.textContent.trim());
          }
        });
      });
    });
  }

  // Log a call: choosing one of the "Matching accounts" (or "Did you mean?")
  // puts that account's name in the account box, so the box says where the
  // note goes. The choice itself is what the server saves, with or without
  // this script. Setting the value fires no "input", so the list stays.
  function fillChosenAccount(event) {
    var choice = event.target;
    if (choice.name !== "account_choice" || !choice.dataset.accountName) return;
    var box = choice.form && choice.form.querySelector("#id_account");
    if (box) box.value = choice.dataset.accountName;
  }

  document.addEventListener("change", fillChosenAccount);
  document.addEventListener("DOMContentLoaded", function () {
    labelCells(document);
  });
  // Parts swapped in by htmx get their labels too.
  document.addEventListener("htmx:afterSwap", function (event) {
    labelCells(event.target);
  });
})();
