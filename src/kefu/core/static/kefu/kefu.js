// Small behaviours every page shares, kept out of the HTML so the Content-Security-Policy can
// forbid inline scripts: a confirmation question before an operation that cannot be undone, and
// selects that apply themselves (the language switch, filters).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.dataset && field.dataset.autosubmit !== undefined && field.form) {
    if (field.form.requestSubmit) { field.form.requestSubmit(); } else { field.form.submit(); }
  }
});
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("[data-confirm-click]") : null;
  if (button && !window.confirm(button.dataset.confirmClick)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);
