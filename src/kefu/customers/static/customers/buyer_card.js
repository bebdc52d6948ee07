// The buyer card in the chat console: when the console shows a conversation, it tells which buyer
// (document event "kefu:buyer" with {detail: {nick: "买家会员名"}}, or data-buyer-nick on the
// active pane); the card is fetched from the desk and shown in the slot.
(function () {
  "use strict";
  var slot = document.getElementById("buyer-card-slot");
  if (!slot) return;
  var shown = null;
  function show(nick) {
    nick = (nick || "").trim();
    if (nick === shown) return;
    shown = nick;
    if (!nick) { slot.innerHTML = ""; return; }
    fetch(slot.dataset.url + "?nick=" + encodeURIComponent(nick), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { if (shown === nick) slot.innerHTML = html; });
  }
  document.addEventListener("kefu:buyer", function (e) { show(e.detail && e.detail.nick); });
  new MutationObserver(function () {
    var pane = document.querySelector(".cc-pane.active[data-buyer-nick], .cc-pane:not([hidden])[data-buyer-nick]");
    if (pane) show(pane.dataset.buyerNick);
  }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ["class", "hidden", "data-buyer-nick"] });
})();
