// A meeting's private room: chat, shared documents, the video call's link,
// presence of the other side, a countdown, one's own notes.  The connection
// (resume without loss, retries) is RoomSocket's; all text comes from the
// server (#meet-text) and is inserted as text only.
(function () {
  "use strict";
  var root = document.getElementById("meet");
  if (!root || !window.RoomSocket) { return; }
  var T = JSON.parse(document.getElementById("meet-text").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var state = { me: null, messages: [], documents: new Map(), video: null, people: [], room: null, next: null, skew: 0 };
  var clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "Asia/Shanghai" });
  var day = new Intl.DateTimeFormat(undefined, { month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "Asia/Shanghai" });

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  function notice(text, kind) {
    var node = $("notice");
    node.textContent = text;
    node.className = "live-notice " + (kind || "");
    node.hidden = !text;
    if (text && kind === "ok") { setTimeout(function () { node.hidden = true; }, 5000); }
  }
  function setConn(kind, seconds) {
    var node = $("conn");
    node.className = "conn conn-" + kind;
    node.textContent = kind === "reconnecting" ? fmt(T.reconnecting, { s: seconds }) : T[kind];
  }

  var noteDirty = false, noteTimer = null;  // unsaved words in the notes
  var socket = RoomSocket({ path: root.dataset.ws, onFrame: handle, onConn: setConn });

  function handle(frame) {
    if (frame.t === "snapshot") {
      header(frame);
      state.messages = frame.messages;
      state.documents = new Map();
      frame.documents.forEach(function (d) { state.documents.set(d.id, d); });
      var note = $("note");
      if (note && !noteDirty) { note.value = frame.note; }
      renderAll();
    } else if (frame.t === "events") {
      if (frame.resumed) { header(frame); }
      frame.events.forEach(apply);
      renderAll();
    } else if (frame.t === "state") {
      setRoom(frame.state);
      state.video = frame.video;
      renderAll();
    } else if (frame.t === "presence") {
      state.people = frame.people;
      renderPresence();
    } else if (frame.t === "ack") {
      var sent = frame.sent;
      if (sent && sent.t === "video") { notice(T.video_saved, "ok"); $("video-url").value = ""; }
      if (sent && sent.t === "note" && sent.text === $("note").value) {
        noteDirty = false;
        $("note-status").textContent = T.note_saved;
      }
      if (frame.closed && state.room && !state.room.closed) { state.room.closed = frame.closed; renderAll(); }
    } else if (frame.t === "error") {
      notice(frame.message, "error");
      var failed = frame.sent;
      // A refused message goes back into the input, not lost.
      if (failed && failed.t === "chat" && !$("chat-text").value) { $("chat-text").value = failed.text; }
      if (failed && failed.t === "note") {
        $("note-status").textContent = frame.message;
        if (frame.code === "rate_limited") { noteTimer = setTimeout(saveNote, 5000); }
      }
    }
  }

  function header(frame) {
    state.me = frame.me;
    state.people = frame.presence.people;
    state.video = frame.video;
    state.next = frame.next;
    setRoom(frame.state);
  }
  function setRoom(room) {
    state.room = room;
    state.skew = Date.parse(room.now) - Date.now();
  }

  function apply(event) {
    var data = event.data;
    if (event.kind === "chat") {
      if (!state.messages.some(function (m) { return m.id === data.id; })) { state.messages.push(data); }
    } else if (event.kind === "document") {
      state.documents.set(data.id, data);
    } else if (event.kind === "document_removed") {
      state.documents.delete(data.id);
    } else if (event.kind === "video") {
      state.video = data;
    }
  }

  // ------------------------------------------------------------ rendering

  function renderAll() { renderChat(); renderDocuments(); renderVideo(); renderPresence(); renderClock(); }

  function sideLabel(side) { return T[side] || side; }

  function renderChat() {
    var list = $("messages");
    var atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 20;
    list.replaceChildren();
    if (!state.messages.length) { list.appendChild(el("li", "count", T.no_messages)); }
    state.messages.forEach(function (m) {
      var mine = state.me && m.author_id === state.me.user;
      var li = el("li", "msg side-" + m.side + (mine ? " mine" : ""));
      var meta = el("div", "meta");
      meta.appendChild(el("strong", null, mine ? T.you : m.author));
      meta.appendChild(document.createTextNode(" · " + sideLabel(m.side) + " · " + clock.format(new Date(m.created))));
      li.appendChild(meta);
      li.appendChild(el("div", "text", m.text));
      list.appendChild(li);
    });
    if (atBottom) { list.scrollTop = list.scrollHeight; }
  }

  function size(bytes) {
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  function renderDocuments() {
    var list = $("documents");
    list.replaceChildren();
    if (!state.documents.size) { list.appendChild(el("li", "count", T.no_documents)); }
    state.documents.forEach(function (d) {
      var li = el("li");
      var a = el("a", null, d.name);
      a.href = d.url;
      a.target = "_blank";
      a.rel = "noopener";
      li.appendChild(a);
      li.appendChild(el("span", "meta", " " + size(d.size) + " · " + fmt(T.shared_by, { name: d.by }) + " · " + clock.format(new Date(d.created))));
      var writable = !isClosed();
      if (writable && state.me && (d.by_id === state.me.user || state.me.side === "organizer")) {
        var b = el("button", "link", T.withdraw);
        b.type = "button";
        b.addEventListener("click", function () {
          if (window.confirm(T.confirm_withdraw)) { socket.send({ t: "doc_remove", id: d.id }); }
        });
        li.appendChild(document.createTextNode(" "));
        li.appendChild(b);
      }
      list.appendChild(li);
    });
  }

  function renderVideo() {
    var box = $("video");
    box.replaceChildren();
    var v = state.video;
    if (v && v.url) {
      var a = el("a", "button", v.provider ? fmt(T.open_video_on, { provider: v.provider }) : T.open_video);
      a.href = v.url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      box.appendChild(a);
      box.appendChild(el("p", "meta", v.default ? T.default_video : (v.by || "")));
    } else {
      box.appendChild(el("p", "meta", T.no_video));
    }
  }

  function renderPresence() {
    var node = $("presence");
    if (!state.me) { return; }
    var others = state.me.side === "organizer" ? ["team", "investor"] : [state.me.side === "team" ? "investor" : "team"];
    node.replaceChildren();
    others.forEach(function (side) {
      var here = state.people.filter(function (p) { return p.side === side; });
      var badge = el("span", "presence " + (here.length ? "in" : "out"),
        (state.me.side === "organizer" ? fmt(T.side_is, { side: sideLabel(side) }) : "") + (here.length ? T.other_in : T.other_out));
      node.appendChild(badge);
      if (here.length) { node.appendChild(el("span", "meta", " " + here.map(function (p) { return p.name; }).join(T.sep) + " ")); }
    });
  }

  function span(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    return (h ? h + ":" + two(m) : m) + ":" + two(r);
  }

  // Why the room is read-only now ("ended", "cancelled"), or null.
  function isClosed() {
    var room = state.room;
    if (!room) { return null; }
    return room.closed || (Date.now() + state.skew >= Date.parse(room.closes) ? "ended" : null);
  }

  function renderClock() {
    var room = state.room;
    if (!room) { return; }
    var now = Date.now() + state.skew;
    var starts = Date.parse(room.starts), ends = Date.parse(room.ends), closes = Date.parse(room.closes);
    var closed = isClosed();
    var text;
    if (closed) { text = T[closed]; } else if (starts - now > 86400000) { text = fmt(T.starts_on, { t: day.format(new Date(starts)) }); } else if (now < starts) { text = fmt(T.starts_in, { t: span(starts - now) }); } else if (now < ends) { text = fmt(T.ends_in, { t: span(ends - now) }); } else { text = fmt(T.grace, { t: span(closes - now) }); }
    $("countdown").textContent = text;
    $("countdown").className = "countdown" + (closed ? " closed" : now >= ends ? " over" : "");
    root.classList.toggle("read-only", !!closed);
    document.querySelectorAll("[data-writable]").forEach(function (n) { n.hidden = !!closed; });
    var next = $("next");
    if (now >= ends - 5 * 60000) {
      next.hidden = false;
      next.replaceChildren();
      if (state.next) {
        next.appendChild(document.createTextNode(T.next + clock.format(new Date(state.next.starts)) + " " + state.next.title + " · " + state.next.place + " "));
        var a = el("a", null, "→");
        a.href = state.next.url;
        next.appendChild(a);
      } else {
        next.textContent = T.no_next;
      }
    } else {
      next.hidden = true;
    }
    if (closed && !state.closedShown) { state.closedShown = true; renderDocuments(); }
  }
  setInterval(renderClock, 1000);

  // ------------------------------------------------------------ actions

  $("chat-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var input = $("chat-text");
    var text = input.value.trim();
    if (!text) { return; }
    socket.send({ t: "chat", cid: socket.newId(), text: text });
    input.value = "";
  });
  $("chat-text").addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); $("chat-form").requestSubmit(); }
  });

  $("video-form").addEventListener("submit", function (e) {
    e.preventDefault();
    socket.send({ t: "video", url: $("video-url").value.trim() });
  });

  function saveNote() {
    clearTimeout(noteTimer);
    if (noteDirty) { socket.send({ t: "note", text: $("note").value }); }
  }
  var note = $("note");
  if (note) {
    note.addEventListener("input", function () {
      noteDirty = true;
      $("note-status").textContent = T.note_saving;
      clearTimeout(noteTimer);
      noteTimer = setTimeout(saveNote, 1200);
    });
    window.addEventListener("pagehide", saveNote);
  }

  $("upload-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var form = e.target;
    var input = $("upload-file");
    if (!input.files.length) { return; }
    var data = new FormData(form);
    notice(T.uploading, "");
    fetch(form.action, { method: "POST", body: data, credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (response.status === 201 && !response.redirected) {
            notice("", "");
            input.value = "";
          } else {
            notice(body.error || fmt(T.upload_failed, { status: response.redirected ? 401 : response.status }), "error");
          }
        });
      })
      .catch(function () { notice(T.offline, "error"); });
  });
})();
