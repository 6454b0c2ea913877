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

  document.addEventListener("DOMContentLoaded", function () {
    labelCells(document);
  });
  // Parts swapped in by htmx get their labels too.
  document.addEventListener("htmx:afterSwap", function (event) {
    labelCells(event.target);
  });
})();
