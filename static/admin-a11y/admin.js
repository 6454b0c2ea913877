// What Django admin's own pages leave unnamed for a screen reader, named here.
(function () {
  "use strict";

  // The search-as-you-type pickers (select2, for autocomplete_fields) are named
  // only by the value they show, so an empty one ("Owner" not set yet) has no
  // name at all. Name each one by its field's label, then its value.
  function namePickers(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = document.querySelector('label[for="' + select.id + '"]');
      var container = select.parentElement.querySelector(".select2-selection");
      if (!label || !container) return;
      if (!label.id) label.id = select.id + "_label";
      var shown = container.querySelector(".select2-selection__rendered");
      var ids = [label.id];
      if (shown && shown.id) {
        ids.push(shown.id);
        // The value shown is itself a read-only text box: name it by the label too.
        shown.setAttribute("aria-labelledby", label.id);
      }
      container.setAttribute("aria-labelledby", ids.join(" "));
    });
  }

  // An inline table (a theme's events, a team's members) has two headers with
  // no words: the column holding each row's name, and "Delete?" where rows
  // cannot be deleted. The first gets a name a screen reader reads; the second
  // heads nothing, so it is no header.
  function nameInlineHeaders(root) {
    root.querySelectorAll(".tabular thead th").forEach(function (th) {
      if (th.textContent.trim()) return;
      if (th.classList.contains("original")) {
        th.innerHTML = '<span class="visually-hidden">Item</span>';
      } else {
        th.setAttribute("role", "presentation");
      }
    });
  }

  // After Django's autocomplete.js has turned the selects into pickers: its
  // handlers were registered first, so they run first.
  if (window.django && django.jQuery) {
    django.jQuery(function () {
      namePickers(document);
      nameInlineHeaders(document);
    });
  }
  document.addEventListener("formset:added", function (event) { namePickers(event.target); });
})();
