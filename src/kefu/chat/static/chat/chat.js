/* The customer's chat window on every help-center page.
 * No account: the conversation's token comes from the API (which keeps it in an httponly cookie, so a
 * returning customer continues the same conversation). New messages are pushed over a WebSocket
 * (/ws/chat/c/<token>/); a dropped socket reconnects with the last sequence number it has and gets
 * what it missed; while it is down the window polls ?after=<last id> as before.
 * Every text goes into the page through textContent: customer and agent text is never HTML. */
(function () {
  "use strict";
  var root = document.getElementById("kefu-chat");
  if (!root) return;
  var T = JSON.parse(document.getElementById("kc-i18n").textContent);
  var api = root.dataset.api; // .../conversations/
  var csrf = root.dataset.csrf;
  var panel = root.querySelector(".kc-panel");
  var launch = root.querySelector(".kc-launch");
  var badge = launch.querySelector(".badge");
  var list = root.querySelector(".kc-messages");
  var sendForm = root.querySelector(".kc-send");
  var leaveForm = root.querySelector(".kc-leave");
  var notice = root.querySelector(".kc-notice");
  var stateLabel = root.querySelector(".kc-state");
  var sendError = root.querySelector(".kc-send-error");
  var profile = root.querySelector(".kc-profile");
  var rateForm = root.querySelector(".kc-rate");
  var groups = root.querySelector(".kc-groups");
  var fileInput = sendForm.querySelector("input[type=file]");
  var token = null, lastId = 0, lastSeq = 0, pollMs = 2000, timer = null, unread = 0, busy = false;
  // 售前 / 售后: chosen before her first message (pre-sales unless she picks after-sales)
  var group = "presales", askGroup = true, earlierShown = false, status = "";
  var ws = null, wsOpen = false, wsRetry = 1000, wsTimer = null, typingTimer = null, lastTyping = 0;
  var typingLabel = document.createElement("div");
  typingLabel.className = "kc-typing muted small"; typingLabel.hidden = true; typingLabel.textContent = T.typing;
  list.parentNode.insertBefore(typingLabel, list.nextSibling);

  function fmt(s, values) { return s.replace(/%\((\w+)\)s/g, function (_m, k) { return values[k] == null ? "" : values[k]; }); }

  function call(method, url, body) {
    var opts = { method: method, credentials: "same-origin", headers: { "Accept": "application/json" } };
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.headers["X-CSRFToken"] = csrf;
      opts.body = JSON.stringify(body);
    }
    return fetch(url, opts).then(function (r) {
      if (r.status === 204) return { status: 204, data: null };
      return r.json().then(function (data) { return { status: r.status, data: data }; }, function () { return { status: r.status, data: {} }; });
    });
  }

  function linkify(el, text) {
    // Only our own help-center links (/help/...) and http(s) URLs become links; the rest stays text.
    var re = /(https?:\/\/[^\s]+|\/help\/[^\s]+)/g, last = 0, m;
    while ((m = re.exec(text))) {
      if (m.index > last) el.appendChild(document.createTextNode(text.slice(last, m.index)));
      var a = document.createElement("a");
      a.href = m[0]; a.textContent = m[0]; a.target = "_blank"; a.rel = "noopener";
      el.appendChild(a);
      last = m.index + m[0].length;
    }
    if (last < text.length) el.appendChild(document.createTextNode(text.slice(last)));
  }

  function imageUrl(m, thumb) { return api + token + "/images/" + m.id + "/" + (thumb ? "thumb/" : ""); }

  function line(m) {
    var li = document.createElement("li");
    li.className = "msg-line " + (m.sender === "customer" ? "mine" : m.sender === "system" && !m.is_auto ? "system" : "theirs") + (m.is_auto ? " auto" : "");
    li.dataset.id = m.id;
    if (m.seq) li.dataset.seq = m.seq;
    var meta = document.createElement("span");
    meta.className = "meta";
    var when = new Date(m.created_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    meta.textContent = (m.sender === "customer" ? T.me : m.is_auto ? T.auto : m.sender === "agent" ? T.agent : "") + " " + when;
    var bubble = document.createElement("span");
    bubble.className = "bubble";
    if (m.image) {
      // the small copy in the window, the original in a new tab; both only through her conversation
      var a = document.createElement("a"), img = document.createElement("img");
      a.href = imageUrl(m, false); a.target = "_blank"; a.rel = "noopener";
      img.src = imageUrl(m, true); img.alt = T.picture; img.className = "kc-image"; img.loading = "lazy";
      a.appendChild(img); bubble.appendChild(a);
    } else linkify(bubble, m.text);
    if (m.sender !== "system" || m.is_auto) li.appendChild(meta);
    li.appendChild(bubble);
    return li;
  }

  // Her earlier chats on this browser, read-only, each under its date, above the current one.
  function showEarlier() {
    if (earlierShown || !token) return;
    earlierShown = true;
    call("GET", api + token + "/earlier/").then(function (r) {
      if (r.status !== 200 || !r.data.length) return;
      var first = list.firstChild;
      r.data.forEach(function (c) {
        var head = document.createElement("li");
        head.className = "msg-line system kc-earlier-date";
        var label = document.createElement("span");
        label.className = "bubble";
        label.textContent = fmt(T.earlier, { date: new Date(c.started_at).toLocaleDateString() });
        head.appendChild(label);
        list.insertBefore(head, first);
        c.messages.forEach(function (m) { var li = line(m); li.classList.add("earlier"); list.insertBefore(li, first); });
      });
    }).catch(function () {});
  }

  function showGroups() {
    groups.hidden = !askGroup;
    groups.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-pressed", b.dataset.group === group ? "true" : "false"); });
  }

  function addMessage(m) {
    if (m.id <= lastId) return;
    lastId = m.id;
    if (m.seq) lastSeq = Math.max(lastSeq, m.seq);
    if (m.sender === "customer" && status !== "closed") { askGroup = false; showGroups(); }
    var li = line(m);
    list.appendChild(li);
    list.scrollTop = list.scrollHeight;
    if (panel.hidden && m.sender !== "customer") { unread += 1; badge.textContent = unread; badge.hidden = false; }
    if (m.sender === "agent") { typingLabel.hidden = true; markRead(); }
  }

  function markRead() {
    if (!panel.hidden && wsOpen && lastSeq) ws.send(JSON.stringify({ type: "read", seq: lastSeq }));
  }

  function showRead(seq) {
    list.querySelectorAll("li.mine").forEach(function (li) {
      if (+li.dataset.seq <= seq && !li.classList.contains("read")) {
        li.classList.add("read");
        var meta = li.querySelector(".meta");
        if (meta) meta.textContent += " · " + T.read;
      }
    });
  }

  function showQueue(position) {
    if (position && position > 1) stateLabel.textContent = fmt(T.queue, { n: position - 1 });
  }

  // --- the push socket ---
  function connect() {
    if (!token || ws || !("WebSocket" in window)) return;
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/chat/c/" + token + "/?after=" + lastSeq;
    ws = new WebSocket(url);
    ws.onopen = function () { wsOpen = true; wsRetry = 1000; clearTimeout(timer); };
    ws.onmessage = function (ev) {
      var d = JSON.parse(ev.data);
      if (d.type === "message") addMessage(d.message);
      else if (d.type === "state") { showState(d.status, d.agent_name); showQueue(d.queue_position); if (d.agent_read_seq) showRead(d.agent_read_seq); }
      else if (d.type === "typing") { typingLabel.hidden = false; clearTimeout(typingTimer); typingTimer = setTimeout(function () { typingLabel.hidden = true; }, 4000); }
      else if (d.type === "read") showRead(d.seq);
      else if (d.type === "error" && d.message) sendError.textContent = d.message;
    };
    ws.onclose = function (ev) {
      ws = null; wsOpen = false;
      if (ev.code === 4404) return; // not her conversation any more: polling says so
      poll(); // fall back while the socket is down
      clearTimeout(wsTimer);
      wsTimer = setTimeout(connect, wsRetry);
      wsRetry = Math.min(wsRetry * 2, 15000);
    };
  }

  function showState(newStatus, agentName, service) {
    var status = newStatus;
    setStatus(newStatus);
    if (status === "active" && agentName) stateLabel.textContent = fmt(T.serving, { name: agentName });
    else if (status === "closed") { stateLabel.textContent = T.closed; if (rateForm && agentName && !rateForm.dataset.done) rateForm.hidden = false; }
    else if (token) stateLabel.textContent = T.waiting;
    if (service) {
      var off = !service.within_hours, none = !service.available;
      notice.hidden = !none;
      root.querySelector(".kc-notice-text").textContent = fmt(off ? T.offHours : T.noAgent, { hours: service.working_hours });
    }
  }

  function setStatus(newStatus) {
    if (!newStatus) return;
    status = newStatus;
    // a closed chat reopens with her next message: she may choose again
    if (status === "closed") { askGroup = true; showGroups(); }
  }

  function applyState(data) {
    token = data.conversation.token;
    if (data.conversation.group) group = data.conversation.group;
    askGroup = data.conversation.status === "closed" || !(data.messages || []).some(function (m) { return m.sender === "customer"; });
    showGroups();
    pollMs = Math.max(1, data.poll_seconds || 2) * 1000;
    (data.messages || []).forEach(addMessage);
    showState(data.conversation.status, data.conversation.agent_name, data.service);
    var p = data.conversation;
    profile.querySelector("[name=name]").value = profile.querySelector("[name=name]").value || p.buyer_name || "";
    profile.querySelector("[name=contact]").value = profile.querySelector("[name=contact]").value || p.buyer_contact || "";
    showEarlier();
  }

  function poll() {
    clearTimeout(timer);
    if (!token || wsOpen) return;
    call("GET", api + token + "/messages/?after=" + lastId).then(function (r) {
      if (r.status === 200) {
        r.data.messages.forEach(addMessage);
        showState(r.data.status, r.data.agent_name, r.data.service);
      }
    }).catch(function () {}).then(function () {
      if (!wsOpen) timer = setTimeout(poll, panel.hidden ? Math.max(pollMs, 10000) : pollMs);
    });
  }

  function resume() {
    return call("GET", api + "current/").then(function (r) {
      if (r.status === 200) { applyState(r.data); poll(); connect(); }
    }).catch(function () {});
  }

  function ensureConversation() {
    if (token) return Promise.resolve(token);
    var body = {
      name: profile.querySelector("[name=name]").value,
      contact: profile.querySelector("[name=contact]").value,
      page_url: location.pathname + location.search
    };
    return call("POST", api, body).then(function (r) {
      if (r.status !== 200 && r.status !== 201) throw r;
      applyState(r.data);
      connect();
      return token;
    });
  }

  function errorText(r) {
    var d = (r && r.data) || {};
    var parts = [];
    Object.keys(d).forEach(function (k) { parts.push([].concat(d[k]).join(" ")); });
    return parts.join(" ") || T.error;
  }

  function open() {
    panel.hidden = false;
    launch.setAttribute("aria-expanded", "true");
    unread = 0; badge.hidden = true;
    try { sessionStorage.setItem("kefu-chat-open", "1"); } catch (e) { /* private mode */ }
    sendForm.querySelector("textarea").focus();
    if (!token) resume(); else { poll(); connect(); markRead(); }
  }

  function close() {
    panel.hidden = true;
    launch.setAttribute("aria-expanded", "false");
    try { sessionStorage.removeItem("kefu-chat-open"); } catch (e) { /* private mode */ }
  }

  launch.addEventListener("click", function () { if (panel.hidden) open(); else close(); });
  root.querySelector(".kc-close").addEventListener("click", close);

  sendForm.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var box = sendForm.querySelector("textarea");
    var text = box.value.trim();
    if (!text || busy) return;
    busy = true; sendError.textContent = "";
    ensureConversation().then(function () {
      var body = { text: text };
      if (askGroup) body.group = group;
      return call("POST", api + token + "/messages/", body);
    }).then(function (r) {
      if (r.status === 201) { box.value = ""; askGroup = false; showGroups(); r.data.forEach(addMessage); poll(); }
      else sendError.textContent = errorText(r);
    }).catch(function (r) { sendError.textContent = errorText(r); }).then(function () { busy = false; });
  });
  groups.querySelectorAll("button").forEach(function (b) {
    b.addEventListener("click", function () { group = b.dataset.group; showGroups(); sendForm.querySelector("textarea").focus(); });
  });

  // a picture goes up over HTTP (CSRF token, her conversation's address) and comes back as a message
  fileInput.addEventListener("change", function () {
    var file = fileInput.files && fileInput.files[0];
    if (!file || busy) return;
    busy = true; sendError.textContent = T.uploading;
    ensureConversation().then(function () {
      var form = new FormData();
      form.append("image", file);
      if (askGroup) form.append("group", group);
      return fetch(api + token + "/images/", { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf, "Accept": "application/json" }, body: form })
        .then(function (r) { return r.json().then(function (d) { return { status: r.status, data: d }; }, function () { return { status: r.status, data: {} }; }); });
    }).then(function (r) {
      sendError.textContent = "";
      if (r.status === 201) { askGroup = false; showGroups(); r.data.forEach(addMessage); poll(); }
      else sendError.textContent = errorText(r);
    }).catch(function (r) { sendError.textContent = errorText(r); }).then(function () { busy = false; fileInput.value = ""; });
  });

  sendForm.querySelector("textarea").addEventListener("input", function () {
    var now = Date.now();
    if (wsOpen && now - lastTyping > 2000) { lastTyping = now; ws.send(JSON.stringify({ type: "typing" })); }
  });
  sendForm.querySelector("textarea").addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); sendForm.requestSubmit(); }
  });

  profile.addEventListener("change", function () {
    if (!token) return;
    call("PATCH", api + token + "/", {
      name: profile.querySelector("[name=name]").value, contact: profile.querySelector("[name=contact]").value
    }).catch(function () {});
  });

  root.querySelector(".kc-leave-open").addEventListener("click", function () {
    leaveForm.hidden = false; sendForm.hidden = true;
    leaveForm.querySelector("[name=name]").value = profile.querySelector("[name=name]").value;
    leaveForm.querySelector("[name=contact]").value = profile.querySelector("[name=contact]").value;
    leaveForm.querySelector("[name=text]").value = sendForm.querySelector("textarea").value;
  });
  root.querySelector(".kc-leave-cancel").addEventListener("click", function () { leaveForm.hidden = true; sendForm.hidden = false; });
  leaveForm.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var err = leaveForm.querySelector(".kc-error");
    err.textContent = "";
    var body = {
      name: leaveForm.querySelector("[name=name]").value,
      contact: leaveForm.querySelector("[name=contact]").value,
      text: leaveForm.querySelector("[name=text]").value
    };
    ensureConversation().then(function () {
      return call("POST", api + token + "/leave-message/", body);
    }).then(function (r) {
      if (r.status !== 201) { err.textContent = errorText(r); return; }
      leaveForm.hidden = true; sendForm.hidden = false; sendForm.querySelector("textarea").value = "";
      poll();
    }).catch(function (r) { err.textContent = errorText(r); });
  });

  try { if (sessionStorage.getItem("kefu-chat-open")) open(); } catch (e) { /* private mode */ }

  // After the chat ends the customer rates it, 1 to 5, with an optional comment: hers, never a default.
  if (rateForm) rateForm.addEventListener("submit", function (e) {
    e.preventDefault();
    var chosen = rateForm.querySelector("input[name=score]:checked");
    var err = rateForm.querySelector(".kc-error");
    if (!token) return;
    call("POST", api + token + "/rating/", {
      score: chosen ? Number(chosen.value) : 0,
      comment: rateForm.querySelector("[name=comment]").value
    }).then(function (r) {
      if (r.status === 201 || (r.status === 400 && r.data && r.data.detail && String(r.data.detail).indexOf("已经评价") >= 0)) {
        rateForm.dataset.done = "1"; rateForm.hidden = true; stateLabel.textContent = T.rated; return;
      }
      var d = r.data || {};
      err.textContent = (d.score && d.score[0]) || (d.comment && d.comment[0]) || (d.detail && (d.detail[0] || d.detail)) || T.error;
    }, function () { err.textContent = T.error; });
  });
})();
