// A <select data-submit-on-change> submits its form when a pointer changes it (no inline
// handlers: CSP). Arrow keys change a closed select at each press, so submitting then would
// reload the page under a keyboard user's fingers at the first press and drop their focus:
// they pick with the keys, then press the form's Show button.
let changedByKeyboard = false;
document.addEventListener("keydown", (event) => {
  if (event.target.matches("[data-submit-on-change]")) changedByKeyboard = true;
});
document.addEventListener("pointerdown", () => {
  changedByKeyboard = false;
});
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-submit-on-change]") && !changedByKeyboard) event.target.form.submit();
});
