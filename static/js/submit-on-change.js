// A <select data-submit-on-change> submits its form when it changes (no inline handlers: CSP).
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-submit-on-change]")) event.target.form.submit();
});
