/* The agents' chat console: the inbox (waiting + mine) and the new messages of each open
 * conversation (?after=<last id>). A WebSocket (/ws/chat/staff/) pushes messages, offers, waiting-list
 * and presence changes as they happen; while it is down the console polls every few seconds as
 * before, and on reconnect it fetches what it missed. New chats ring and show in the page title.
 * Several conversations stay open as tabs.
 * All customer text enters the page through textContent, never as HTML. */
(function () {
  "use strict";
  var root = document.getElementById("console");
  if (!root) return;
  var T = JSON.parse(document.getElementById("cc-i18n").textContent);
  var inboxUrl = root.dataset.api;                       // /api/v1/chat/staff/inbox/
  var base = inboxUrl.replace(/inbox\/$/, "");          // /api/v1/chat/staff/
  var csrf = root.dataset.csrf;
  var target = parseInt(root.dataset.target, 10) || 20;
  var pollMs = (parseInt(root.dataset.poll, 10) || 2) * 1000;
  var tpl = document.getElementById("pane-tpl");
  var panes = document.getElementById("panes");
  var tabs = document.getElementById("tabs");
  var empty = document.getElementById("empty");
  var convs = {};       // id -> {data, lastId, pane, tab, unread, lastCustomerId, lint}
  var order = [];       // open conversation ids, tab order
  var active = null;
  var clockOffset = 0;  // server now - client now, ms
  var timer = null;

  function call(method, url, body) {
    var opts = { method: method, credentials: "same-origin", headers: { "Accept": "application/json", "X-CSRFToken": csrf } };
    if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
    return fetch(url, opts).then(function (r) {
      return r.json().then(function (d) { return { status: r.status, data: d }; }, function () { return { status: r.status, data: {} }; });
    });
  }
  function errorText(r) {
    var d = (r && r.data) || {}, parts = [];
    Object.keys(d).forEach(function (k) { if (k !== "hits") parts.push([].concat(d[k]).join(" ")); });
    return parts.join(" ") || T.error;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function waitedSeconds(iso) { return Math.max(0, Math.floor((Date.now() + clockOffset - new Date(iso).getTime()) / 1000)); }
  function waitLabel(span, iso) {
    if (!iso) { span.textContent = ""; span.className = "wait"; delete span.dataset.since; return; }
    var s = waitedSeconds(iso);
    span.textContent = (s >= 60 ? Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2) : s + T.seconds);
    span.className = "wait" + (s > target ? " late" : "");
    span.dataset.since = iso;
  }

  // --- lists -------------------------------------------------------------------------------
  function renderList(ul, items, isWaiting) {
    ul.textContent = "";
    items.forEach(function (c) {
      var li = el("li");
      li.dataset.id = c.id;
      if (c.id === active) li.classList.add("active");
      var top = el("div");
      top.appendChild(el("span", "who", c.buyer_label));
      top.appendChild(document.createTextNode(" "));
      var w = el("span", "wait");
      waitLabel(w, c.awaiting_since);
      top.appendChild(w);
      li.appendChild(top);
      li.appendChild(el("div", "preview", c.last_customer_text || c.last_message_text || ""));
      li.addEventListener("click", function () { isWaiting ? take(c.id, li) : openConv(c); });
      ul.appendChild(li);
    });
  }

  function take(id, li) {
    call("POST", base + "conversations/" + id + "/take/").then(function (r) {
      if (r.status === 200) { openConv(r.data); tick(); }
      else { if (li) { li.appendChild(el("div", "cc-error", r.data.detail || T.taken)); } setTimeout(tick, 800); }
    });
  }

  // --- conversations -----------------------------------------------------------------------
  function openConv(c) {
    if (!convs[c.id]) {
      var pane = tpl.content.firstElementChild.cloneNode(true);
      var tab = el("button");
      tab.type = "button";
      tab.setAttribute("role", "tab");
      tab.addEventListener("click", function () { activate(c.id); });
      tabs.appendChild(tab);
      panes.appendChild(pane);
      convs[c.id] = { data: c, lastId: 0, pane: pane, tab: tab, unread: false, lastCustomerId: 0, lint: null };
      order.push(c.id);
      wirePane(c.id);
      fillColleagues(pane.querySelector(".transfer select"));
      fetchMessages(c.id);
      showEarlier(c.id);
      wsSend({ type: "watch", conversation: c.id });
    }
    update(c.id, c);
    activate(c.id);
  }

  function update(id, c) {
    var s = convs[id];
    s.data = c;
    s.tab.textContent = c.buyer_label;
    if (s.unread && id !== active) s.tab.appendChild(el("span", "dot"));
    var head = s.pane.querySelector("header");
    head.querySelector(".who").textContent = c.buyer_label;
    head.querySelector(".contact").textContent = c.buyer_contact || "";
    // a colleague's words when she handed the chat over (staff only)
    var handedNote = head.querySelector(".transfer-note");
    if (!handedNote) { handedNote = el("div", "transfer-note small", ""); head.appendChild(handedNote); }
    handedNote.textContent = c.transfer_note || "";
    handedNote.hidden = !c.transfer_note;
    // the buyer card beside the chat follows the pane: a contact that is no phone or e-mail is
    // the buyer's 旺旺, her member name
    var contact = (c.buyer_contact || "").trim();
    s.pane.dataset.buyerNick = (/^[+\d\s-]{6,}$/.test(contact) || contact.indexOf("@") >= 0) ? "" : contact;
    waitLabel(head.querySelector(".wait"), c.awaiting_since);
    var links = head.querySelector(".links");
    links.textContent = "";
    if (c.group && T.groupTag[c.group]) links.appendChild(el("span", "tag", T.groupTag[c.group]));
    if (c.order_number) links.appendChild(el("span", "tag", T.order + " " + c.order_number));
    if (c.question_id) {
      var a = el("a", "tag", T.question + " #" + c.question_id);
      a.href = "/desk/help/questions/" + c.question_id + "/";
      a.target = "_blank";
      links.appendChild(a);
    }
    if (c.status === "closed") links.appendChild(el("span", "status closed", T.closed));
    if (id === active) renderCustomer(c);
  }

  function activate(id) {
    active = id;
    order.forEach(function (other) {
      var s = convs[other];
      s.pane.hidden = other !== id;
      s.tab.classList.toggle("active", other === id);
      s.tab.setAttribute("aria-selected", other === id ? "true" : "false");
    });
    empty.hidden = order.length > 0;
    var s = convs[id];
    if (!s) return;
    s.unread = false;
    update(id, s.data);
    document.dispatchEvent(new CustomEvent("kefu:buyer", { detail: { nick: s.pane.dataset.buyerNick || "" } }));
    s.pane.querySelector("textarea").focus();
    loadSuggestions(id);
    sendRead(id);
  }

  function line(id, m) {
    var li = el("li", "msg-line " + (m.sender === "agent" ? "mine" : m.sender === "system" && !m.is_auto ? "system" : "theirs") + (m.is_auto ? " auto" : ""));
    li.dataset.id = m.id;
    var who = m.sender === "customer" ? T.customer : m.is_auto ? T.auto : m.author || "";
    var meta = new Date(m.created_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    if (m.response_seconds != null) meta += " · " + Math.round(m.response_seconds) + T.seconds;
    if (m.sender !== "system" || m.is_auto) li.appendChild(el("span", "meta", who + " " + meta));
    if (m.image) {
      // pictures only through the conversation's own address (the server checks who asks)
      var url = base + "conversations/" + id + "/images/" + m.id + "/";
      var bubble = el("span", "bubble"), a = el("a"), img = el("img", "cc-image");
      a.href = url; a.target = "_blank"; a.rel = "noopener";
      img.src = url + "thumb/"; img.alt = T.picture; img.loading = "lazy";
      a.appendChild(img); bubble.appendChild(a); li.appendChild(bubble);
    } else li.appendChild(el("span", "bubble", m.text));
    return li;
  }

  // The customer's earlier chats from the same browser, read-only under their dates, above.
  function showEarlier(id) {
    call("GET", base + "conversations/" + id + "/earlier/").then(function (r) {
      var s = convs[id];
      if (r.status !== 200 || !s || !r.data.length) return;
      var box = s.pane.querySelector(".cc-messages"), first = box.firstChild;
      r.data.forEach(function (c) {
        var head = el("li", "msg-line system cc-earlier-date");
        head.appendChild(el("span", "bubble", T.earlier.replace("%(date)s", new Date(c.started_at).toLocaleDateString())));
        box.insertBefore(head, first);
        c.messages.forEach(function (m) { var li = line(id, m); li.classList.add("earlier"); box.insertBefore(li, first); });
      });
    });
  }

  function addMessage(id, m) {
    var s = convs[id];
    if (m.id <= s.lastId) return;
    s.lastId = m.id;
    if (m.seq) s.lastSeq = Math.max(s.lastSeq || 0, m.seq);
    var li = line(id, m);
    var box = s.pane.querySelector(".cc-messages");
    box.appendChild(li);
    box.scrollTop = box.scrollHeight;
    if (m.sender === "customer") {
      s.lastCustomerId = m.id;
      var typing = s.pane.querySelector(".cc-typing");
      if (typing) typing.hidden = true;
      if (id !== active) { s.unread = true; update(id, s.data); }
      else { loadSuggestions(id); sendRead(id); }
      if (document.hidden) { unseen += 1; showTitle(); }
    }
  }

  // --- push: the console's socket --------------------------------------------------------
  var ws = null, wsOpen = false, wsRetry = 1000, soon = null, unseen = 0, title = document.title;
  function showTitle() { document.title = (unseen ? "(" + unseen + ") " : "") + title; }
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { unseen = 0; showTitle(); } });
  function ring() {
    try {
      var ctx = new (window.AudioContext || window.webkitAudioContext)();
      var osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.frequency.value = 880; gain.gain.value = 0.1;
      osc.connect(gain); gain.connect(ctx.destination);
      osc.start(); osc.stop(ctx.currentTime + 0.25);
    } catch (e) { /* no sound: the title still shows it */ }
  }
  // pushes come in bursts on a busy day: the inbox is fetched 0.3 s after the first one, then at
  // most every 2 s while they keep coming (never postponed for good by the next push)
  var lastTick = 0;
  function tickSoon() {
    if (soon) return;
    soon = setTimeout(function () { soon = null; tick(); }, Math.max(300, 2000 - (Date.now() - lastTick)));
  }
  function wsSend(data) { if (wsOpen) ws.send(JSON.stringify(data)); }
  function sendRead(id) { var s = convs[id]; if (s && s.lastSeq) wsSend({ type: "read", conversation: id, seq: s.lastSeq }); }
  function showTyping(id) {
    var s = convs[id];
    if (!s) return;
    var t = s.pane.querySelector(".cc-typing");
    if (!t) { t = el("div", "cc-typing muted small", T.typing || "…"); s.pane.querySelector(".cc-messages").after(t); }
    t.hidden = false;
    clearTimeout(s.typingTimer);
    s.typingTimer = setTimeout(function () { t.hidden = true; }, 4000);
  }
  function connect() {
    if (ws || !("WebSocket" in window)) return;
    ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/chat/staff/");
    ws.onopen = function () { wsOpen = true; wsRetry = 1000; order.forEach(function (id) { wsSend({ type: "watch", conversation: id }); }); tickSoon(); };
    ws.onmessage = function (ev) {
      var d = JSON.parse(ev.data);
      if (d.type === "message") {
        if (convs[d.message.conversation]) addMessage(d.message.conversation, d.message);
        else tickSoon();
      } else if (d.type === "assigned") { ring(); unseen += 1; showTitle(); tickSoon(); }
      else if (d.type === "inbox" || d.type === "state" || d.type === "presence") tickSoon();
      else if (d.type === "typing") showTyping(d.conversation);
    };
    ws.onclose = function () {
      ws = null; wsOpen = false;
      tickSoon();
      setTimeout(connect, wsRetry);
      wsRetry = Math.min(wsRetry * 2, 15000);
    };
  }

  function fetchMessages(id) {
    var s = convs[id];
    return call("GET", base + "conversations/" + id + "/messages/?after=" + s.lastId).then(function (r) {
      if (r.status === 200) r.data.forEach(function (m) { addMessage(id, m); });
    });
  }

  // --- reply box: send, linter, "/" phrases ------------------------------------------------
  function wirePane(id) {
    var s = convs[id], pane = s.pane;
    var form = pane.querySelector(".cc-reply"), box = form.querySelector("textarea");
    var lint = pane.querySelector(".cc-lint"), err = pane.querySelector(".cc-error");
    var menu = pane.querySelector(".cc-phrases"), menuList = menu.querySelector("ul");
    var menuItems = [], menuSel = 0, slash = null, seq = 0;

    function send(force) {
      var text = box.value.trim();
      if (!text) return;
      err.textContent = "";
      call("POST", base + "conversations/" + id + "/messages/", { text: text, force: !!force }).then(function (r) {
        if (r.status === 201) {
          box.value = ""; lint.hidden = true; addMessage(id, r.data); tick();
        } else if (r.status === 409 && r.data.hits) {
          var ul = lint.querySelector(".hits");
          ul.textContent = "";
          r.data.hits.forEach(function (h) {
            var li = el("li");
            li.appendChild(el("span", "phrase", "“" + h.phrase + "”"));
            li.appendChild(document.createTextNode(" → " + T.suggestion + "：" + h.suggestion + (h.reason ? "（" + h.reason + "）" : "")));
            ul.appendChild(li);
          });
          lint.hidden = false;
        } else err.textContent = errorText(r);
      });
    }
    form.addEventListener("submit", function (ev) { ev.preventDefault(); send(false); });
    lint.querySelector(".force-btn").addEventListener("click", function () { send(true); });
    lint.querySelector(".edit-btn").addEventListener("click", function () { lint.hidden = true; box.focus(); });

    function closeMenu() { menu.hidden = true; menuItems = []; slash = null; }
    function slashQuery() {
      var before = box.value.slice(0, box.selectionStart);
      var m = /(^|\s)\/([^\s\/]*)$/.exec(before);
      if (!m) return null;
      return { start: before.length - m[2].length - 1, end: box.selectionStart, q: m[2] };
    }
    function renderMenu() {
      menuList.textContent = "";
      if (!menuItems.length) { menuList.appendChild(el("li", "muted", T.noPhrase)); }
      menuItems.forEach(function (p, i) {
        var li = el("li", i === menuSel ? "sel" : "");
        if (p.shortcut) li.appendChild(el("code", "", "/" + p.shortcut));
        li.appendChild(document.createTextNode(p.text.length > 60 ? p.text.slice(0, 60) + "…" : p.text));
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(i); });
        menuList.appendChild(li);
      });
      menu.hidden = false;
    }
    function choose(i) {
      var p = menuItems[i], at = slash;
      if (!p || !at) return;
      closeMenu();
      call("POST", base + "conversations/" + id + "/phrases/" + p.id + "/insert/").then(function (r) {
        if (r.status !== 200) { err.textContent = errorText(r); return; }
        box.value = box.value.slice(0, at.start) + r.data.text + box.value.slice(at.end);
        var caret = at.start + r.data.text.length;
        box.focus();
        box.setSelectionRange(caret, caret);
      });
    }
    box.addEventListener("input", function () {
      var q = slashQuery();
      if (!q) { closeMenu(); return; }
      slash = q;
      var mine = ++seq;
      call("GET", base + "phrases/?q=" + encodeURIComponent(q.q)).then(function (r) {
        if (mine !== seq || !slash) return;
        menuItems = r.status === 200 ? r.data : [];
        menuSel = 0;
        renderMenu();
      });
    });
    box.addEventListener("keydown", function (ev) {
      if (!menu.hidden && menuItems.length) {
        if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
          ev.preventDefault();
          menuSel = (menuSel + (ev.key === "ArrowDown" ? 1 : menuItems.length - 1)) % menuItems.length;
          renderMenu(); return;
        }
        if ((ev.key === "Enter" || ev.key === "Tab") && !ev.isComposing) { ev.preventDefault(); choose(menuSel); return; }
      }
      if (ev.key === "Escape") { closeMenu(); return; }
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); send(false); }
    });
    box.addEventListener("blur", function () { setTimeout(closeMenu, 150); });

    pane.querySelector(".close-btn").addEventListener("click", function () {
      if (!window.confirm(T.confirmClose)) return;
      call("POST", base + "conversations/" + id + "/close/").then(function (r) {
        if (r.status === 200) { update(id, r.data); fetchMessages(id); tick(); } else err.textContent = errorText(r);
      });
    });
    pane.querySelector(".link-order").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var input = ev.target.querySelector("input");
      call("POST", base + "conversations/" + id + "/link-order/", { number: input.value }).then(function (r) {
        if (r.status === 200) { update(id, r.data); input.value = ""; err.textContent = ""; } else err.textContent = errorText(r);
      });
    });
    pane.querySelector(".link-question").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var input = ev.target.querySelector("input");
      call("POST", base + "conversations/" + id + "/link-question/", { question: parseInt(input.value, 10) || 0 }).then(function (r) {
        if (r.status === 200) { update(id, r.data); input.value = ""; err.textContent = ""; } else err.textContent = errorText(r);
      });
    });
    pane.querySelector(".transfer").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var select = ev.target.querySelector("select");
      if (!select.value) return;
      var noteInput = ev.target.querySelector("[name=note]");
      var note = noteInput ? noteInput.value : "";
      // a colleague by id, or a group ("group:aftersales"): back to that group's queue
      var toGroup = select.value.indexOf("group:") === 0 ? select.value.slice(6) : null;
      var request = toGroup
        ? call("POST", base + "conversations/" + id + "/transfer-group/", { group: toGroup, note: note })
        : call("POST", base + "conversations/" + id + "/transfer/", { agent: parseInt(select.value, 10), note: note });
      request.then(function (r) {
        if (r.status === 200) {
          update(id, r.data); fetchMessages(id); tick();
          err.textContent = ""; err.appendChild(el("span", "saved", T.transferred + " " + (toGroup ? T[toGroup] : r.data.agent)));
        } else err.textContent = errorText(r);
      });
    });
    var fileInput = form.querySelector("input[type=file]");
    fileInput.addEventListener("change", function () {
      var file = fileInput.files && fileInput.files[0];
      if (!file) return;
      var data = new FormData();
      data.append("image", file);
      err.textContent = T.uploading;
      fetch(base + "conversations/" + id + "/images/", { method: "POST", credentials: "same-origin", headers: { "Accept": "application/json", "X-CSRFToken": csrf }, body: data })
        .then(function (r) { return r.json().then(function (d) { return { status: r.status, data: d }; }, function () { return { status: r.status, data: {} }; }); })
        .then(function (r) {
          err.textContent = "";
          if (r.status === 201) { addMessage(id, r.data); tick(); } else err.textContent = errorText(r);
        }, function () { err.textContent = T.error; })
        .then(function () { fileInput.value = ""; });
    });
    box.addEventListener("input", function () { lint.hidden = true; });
    pane.querySelector(".convert-btn").addEventListener("click", function () {
      call("POST", base + "conversations/" + id + "/convert/", {}).then(function (r) {
        if (r.status === 201) {
          s.data.question_id = r.data.question; update(id, s.data); fetchMessages(id);
          err.textContent = ""; err.appendChild(el("span", "saved", T.converted + " #" + r.data.question));
        } else err.textContent = errorText(r);
      });
    });
  }

  // --- suggestions -------------------------------------------------------------------------
  function renderCustomer(c) {
    var box = document.getElementById("customer");
    box.textContent = "";
    box.appendChild(el("h3", "", c.buyer_label));
    if (c.buyer_contact) box.appendChild(el("div", "", c.buyer_contact));
    if (c.page_url) box.appendChild(el("div", "muted small", c.page_url));
    if (c.first_response_seconds != null) box.appendChild(el("div", "small", "⏱ " + Math.round(c.first_response_seconds) + T.seconds));
  }

  function insertText(id, text) {
    var box = convs[id].pane.querySelector("textarea");
    var start = box.selectionStart || box.value.length;
    box.value = box.value.slice(0, start) + (start && !/\s$/.test(box.value.slice(0, start)) ? " " : "") + text + box.value.slice(box.selectionEnd || start);
    box.focus();
  }

  function loadSuggestions(id) {
    var arts = document.getElementById("suggest-articles"), phr = document.getElementById("suggest-phrases");
    call("GET", base + "conversations/" + id + "/suggestions/").then(function (r) {
      if (r.status !== 200 || id !== active) return;
      arts.textContent = ""; phr.textContent = "";
      if (!r.data.articles.length) arts.appendChild(el("li", "muted", T.none));
      r.data.articles.forEach(function (a) {
        var li = el("li");
        var link = el("a", "", a.title);
        link.href = a.url; link.target = "_blank";
        li.appendChild(link);
        if (a.wordings.length) li.appendChild(el("div", "wordings", T.answered + a.wordings.join(" / ")));
        var b = el("button", "small", T.insert);
        b.type = "button";
        b.addEventListener("click", function () { use(id, { article: a.id }); });
        li.appendChild(b);
        arts.appendChild(li);
      });
      if (!r.data.phrases.length) phr.appendChild(el("li", "muted", T.none));
      r.data.phrases.forEach(function (p) {
        var li = el("li");
        li.appendChild(el("div", "", p.text));
        var b = el("button", "small", T.insert);
        b.type = "button";
        b.addEventListener("click", function () { use(id, { phrase: p.id }); });
        li.appendChild(b);
        phr.appendChild(li);
      });
    });
  }

  function use(id, body) {
    call("POST", base + "conversations/" + id + "/suggestions/use/", body).then(function (r) {
      if (r.status === 201) insertText(id, r.data.text);
      else convs[id].pane.querySelector(".cc-error").textContent = errorText(r);
    });
  }

  // --- presence and the poll ---------------------------------------------------------------
  root.querySelectorAll("[data-presence]").forEach(function (b) {
    b.addEventListener("click", function () {
      call("POST", base + "presence/", { status: b.dataset.presence }).then(function (r) {
        if (r.status === 200) setPresence(r.data.status);
      });
    });
  });
  function setPresence(status) {
    root.querySelectorAll("[data-presence]").forEach(function (b) { b.classList.toggle("on", b.dataset.presence === status); });
  }

  var colleagues = [];
  function fillColleagues(select) {
    var keep = select.value;
    select.textContent = "";
    var first = el("option", "", T.transferTo);
    first.value = "";
    select.appendChild(first);
    colleagues.forEach(function (c) {
      var o = el("option", "", c.on_duty ? c.name + " · " + T.onDuty : c.name);
      o.value = c.id;
      select.appendChild(o);
    });
    var teams = el("optgroup");
    teams.label = T.toGroup;
    ["presales", "aftersales"].forEach(function (g) { var o = el("option", "", T[g]); o.value = "group:" + g; teams.appendChild(o); });
    select.appendChild(teams);
    select.value = keep;
  }

  function tick() {
    clearTimeout(timer);
    lastTick = Date.now();
    call("GET", inboxUrl).then(function (r) {
      if (r.status !== 200) return;
      var d = r.data;
      clockOffset = new Date(d.now).getTime() - Date.now();
      target = d.first_response_target_seconds;
      setPresence(d.presence);
      if (JSON.stringify(d.colleagues || []) !== JSON.stringify(colleagues)) {
        colleagues = d.colleagues || [];
        order.forEach(function (id) { fillColleagues(convs[id].pane.querySelector(".transfer select")); });
      }
      root.querySelector(".cc-service").textContent = T.service.replace("%(hours)s", d.service.working_hours)
        .replace("%(n)s", d.service.agents_on_duty) + (d.service.within_hours ? "" : T.offHours);
      document.getElementById("waiting-count").textContent = d.waiting_total;
      document.getElementById("mine-count").textContent = d.mine.length;
      renderList(document.getElementById("waiting-list"), d.waiting, true);
      renderList(document.getElementById("mine-list"), d.mine, false);
      d.mine.forEach(function (c) {
        if (!convs[c.id]) { openConv(c); if (active !== c.id && order.length > 1) activate(order[0]); }
        else update(c.id, c);
        if ((c.last_message_id || 0) > convs[c.id].lastId) fetchMessages(c.id);
      });
      order.forEach(function (id) {
        var stillMine = d.mine.some(function (c) { return c.id === id; });
        if (!stillMine && convs[id].data.status !== "closed") fetchMessages(id);
      });
    }).catch(function () {}).then(function () {
      // with the socket open the inbox is refreshed on each push; the slow tick is the heartbeat
      timer = setTimeout(tick, wsOpen ? Math.max(pollMs, 15000) : pollMs);
    });
  }

  setInterval(function () {
    document.querySelectorAll(".wait[data-since]").forEach(function (span) { waitLabel(span, span.dataset.since); });
  }, 1000);
  tick();
  connect();
})();
