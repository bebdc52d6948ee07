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
  navigator.clipboard.writeText((source.value !== undefined ? source.value : source.textContent).trim()).then(function () {
    if (button.dataset.copied) { button.textContent = button.dataset.copied; }
  });
});

// Text customers will read (answers, articles, public replies): checked as it is typed, the
// shop's reply check's warnings shown under the field. <textarea data-lint>; the page's
// <body data-lint-url> says where to check.
(function () {
  var timers = new WeakMap();
  function check(field) {
    var url = document.body.dataset.lintUrl;
    if (!url) { return; }
    var box = field.nextElementSibling && field.nextElementSibling.classList.contains("lint-hints")
      ? field.nextElementSibling : null;
    if (!box) {
      box = document.createElement("div");
      box.className = "lint-hints";
      box.setAttribute("aria-live", "polite");
      field.insertAdjacentElement("afterend", box);
    }
    var body = new FormData();
    body.append("text", field.value);
    body.append("inline", "1");
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"HX-Request": "true", "X-CSRFToken": token ? token.value : ""}
    }).then(function (r) { return r.ok ? r.text() : ""; }).then(function (html) { box.innerHTML = html; });
  }
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("textarea[data-lint]")) { return; }
    clearTimeout(timers.get(field));
    timers.set(field, setTimeout(function () { check(field); }, 600));
  });
})();

// A 打印 button: <button data-print> prints the page (the print stylesheet keeps the record only).
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("[data-print]") : null;
  if (button) { window.print(); }
});
