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
// A "select all" box: <input type="checkbox" data-check-all="input[name=numbers]:not(:disabled)">
document.addEventListener("change", function (event) {
  var box = event.target;
  if (box.dataset && box.dataset.checkAll) {
    document.querySelectorAll(box.dataset.checkAll).forEach(function (other) { other.checked = box.checked; });
  }
});
// A copy button: <button data-copy="#private-link" data-copied="已复制">
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("[data-copy]") : null;
  if (!button || !navigator.clipboard) { return; }
  var source = document.querySelector(button.dataset.copy);
  if (!source) { return; }
  navigator.clipboard.writeText(source.textContent.trim()).then(function () {
    if (button.dataset.copied) { button.textContent = button.dataset.copied; }
  });
});
