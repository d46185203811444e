// The live room (and its big screen and the presenter view): one WebSocket,
// resumed without loss.
//
// The server numbers every event of the room; this script keeps the last
// number it has applied and reconnects with it (exponential backoff with
// jitter), receiving exactly what it missed — or a fresh snapshot when it has
// been away too long.  Everything it sends carries a ref; questions and chat
// also a client id, so a send retried after a reconnect is stored once.
// All text comes from the server (#live-text) and is inserted as text only.
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root) { return; }
  var T = JSON.parse(document.getElementById("live-text").textContent);
  var isScreen = root.dataset.screen === "1";
  var isPresenter = root.dataset.presenter === "1";
  var state = {
    seq: null, room: null, programme: [], questions: new Map(), chat: [],
    voted: new Set(), mine: new Set(), me: null, presence: 0, sort: "votes", filter: "current", sanctions: [],
    polls: new Map(), pollAnswers: {}, notes: [], scores: {}, scored: {},
    pollDrafts: {}, scoreDrafts: {}  // choices made and not sent yet
  };
  var lastError = null;
  var ws = null, attempt = 0, fatal = false, retryTimer = null, fresh = false;
  var outbox = new Map();  // ref → frame, until the server answers it
  var $ = function (id) { return document.getElementById(id); };

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }
  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  function button(label, onClick, className) {
    var node = el("button", className || "link", label);
    node.type = "button";
    node.addEventListener("click", onClick);
    return node;
  }
  var clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "Asia/Shanghai" });
  function hhmm(iso) { return clock.format(new Date(iso)); }

  // ------------------------------------------------------------ connection

  function setConn(kind, seconds) {
    var node = $("conn");
    if (!node) { return; }
    node.className = "conn conn-" + kind;
    node.textContent = kind === "reconnecting" ? fmt(T.reconnecting, { s: seconds }) : T[kind];
  }

  function socketUrl() {
    var scheme = location.protocol === "https:" ? "wss:" : "ws:";
    var query = [];
    if (isPresenter) { query.push("view=presenter"); }
    if (state.seq !== null) { query.push("last=" + state.seq); }
    return scheme + "//" + location.host + root.dataset.ws + (query.length ? "?" + query.join("&") : "");
  }

  function connect() {
    retryTimer = null;
    setConn("connecting");
    ws = new WebSocket(socketUrl());
    ws.onopen = function () { attempt = 0; fresh = true; };
    ws.onmessage = function (message) {
      var frame;
      try { frame = JSON.parse(message.data); } catch (e) { return; }
      handle(frame);
    };
    ws.onclose = function () {
      ws = null;
      if (fatal && isPresenter && lastError === "not_presenting") {
        // Another team's pitch: wait for ours, and connect when it comes.
        fatal = false;
        state.seq = null;
        notice(T.not_presenting_wait, "error");
        setConn("offline");
        retryTimer = setTimeout(connect, 15000);
        return;
      }
      if (fatal) { setConn("offline"); return; }
      reconnectLater();
    };
  }

  function reconnectLater() {
    attempt += 1;
    var ceiling = Math.min(30000, 500 * Math.pow(2, attempt - 1));
    var delay = ceiling / 2 + Math.random() * ceiling / 2;  // jitter: no storms
    var until = Date.now() + delay;
    (function tick() {
      var left = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      setConn("reconnecting", left);
      if (Date.now() >= until) { connect(); } else { retryTimer = setTimeout(tick, Math.min(1000, until - Date.now())); }
    })();
  }

  window.addEventListener("online", function () {
    if (!ws && !fatal && retryTimer) { clearTimeout(retryTimer); connect(); }
  });

  function send(frame) {
    frame.v = 1;
    frame.ref = frame.ref || newId();
    outbox.set(frame.ref, frame);
    if (ws && ws.readyState === WebSocket.OPEN) { ws.send(JSON.stringify(frame)); }
    return frame.ref;
  }

  // The first state after (re)connecting: what was sent and never answered
  // goes again (the server stores a retried question or message once).
  function connected() {
    if (!fresh) { return; }
    fresh = false;
    setConn("live");
    outbox.forEach(function (frame) { ws.send(JSON.stringify(frame)); });
  }

  // ------------------------------------------------------------ frames

  var noticeTimer = null;
  function notice(text, kind) {
    var node = $("notice");
    if (!node) { return; }
    node.textContent = text;
    node.className = "live-notice " + (kind || "");
    node.hidden = !text;
    clearTimeout(noticeTimer);
    if (text && kind === "ok") { noticeTimer = setTimeout(function () { node.hidden = true; }, 6000); }
  }

  function handle(frame) {
    if (frame.t === "snapshot") {
      state.seq = frame.seq;
      state.room = frame.room;
      state.programme = frame.programme;
      state.me = frame.me;
      state.questions = new Map();
      frame.questions.forEach(function (q) { state.questions.set(q.id, q); });
      state.chat = frame.chat;
      state.voted = new Set(frame.voted);
      state.mine = new Set(frame.mine || []);
      state.sanctions = frame.sanctions || [];
      state.polls = new Map();
      (frame.polls || []).forEach(function (p) { state.polls.set(p.id, p); });
      state.pollAnswers = frame.poll_answers || {};
      state.notes = frame.notes || [];
      state.scores = frame.scores || {};
      if (isPresenter) { notice(""); }
      connected();
      renderAll();
    } else if (frame.t === "events") {
      var restart = false;
      frame.events.forEach(function (event) { restart = apply(event) || restart; });
      state.seq = frame.seq;
      connected();
      renderAll();
      if (restart && ws) { state.seq = null; ws.close(); }
    } else if (frame.t === "reset") {
      state.seq = null;  // what we may see changed: start again from a snapshot
    } else if (frame.t === "presence") {
      state.presence = frame.count;
      renderPresence();
    } else if (frame.t === "ack") {
      var sent = outbox.get(frame.ref);
      outbox.delete(frame.ref);
      if (sent && sent.t === "ask") {
        state.mine.add(frame.id);
        if (frame.status === "pending") { notice(T.sent_for_review, "ok"); }
      }
      if (sent && sent.t === "vote") {
        if (frame.on) { state.voted.add(frame.id); } else { state.voted.delete(frame.id); }
        renderQuestions();
      }
      if (sent && sent.t === "poll_answer") {
        state.pollAnswers[String(frame.id)] = frame.options;
        notice(T.poll_answered, "ok");
        renderPolls();
      }
      if (sent && sent.t === "score") {
        state.scores[String(frame.slot)] = frame.values;
        notice(T.score_saved, "ok");
        renderScoring();
      }
      if (sent && sent.t === "presenter_note") { notice(T.note_sent, "ok"); }
    } else if (frame.t === "error") {
      outbox.delete(frame.ref);
      lastError = frame.code;
      if (frame.fatal) { fatal = true; }
      notice(frame.message, "error");
      renderQuestions();
    }
  }

  function apply(event) {
    var data = event.data;
    if (event.kind === "question") {
      if (data.status === "dismissed") { state.questions.delete(data.id); } else { state.questions.set(data.id, data); }
    } else if (event.kind === "votes") {
      var q = state.questions.get(data.id);
      if (q) { q.votes = data.votes; }
    } else if (event.kind === "pin") {
      state.room.pinned = data.id;
    } else if (event.kind === "chat") {
      if (!state.chat.some(function (m) { return m.id === data.id; })) { state.chat.push(data); }
      if (state.chat.length > 300) { state.chat.splice(0, state.chat.length - 300); }
    } else if (event.kind === "chat_delete") {
      state.chat = state.chat.filter(function (m) { return m.id !== data.id; });
    } else if (event.kind === "room") {
      if (data.status !== state.room.status) { return true; }  // who may ask changed: snapshot
      state.room.premoderation = data.premoderation;
      state.room.current_slot = data.current_slot;
      state.room.current_end = data.current_end;
      state.room.publish_answered = data.publish_answered;
    } else if (event.kind === "poll") {
      state.polls.set(data.id, data);
    } else if (event.kind === "poll_votes") {
      var poll = state.polls.get(data.id);
      if (poll) {
        poll.voters = data.voters;
        poll.options.forEach(function (o) { o.votes = data.counts[String(o.id)] || 0; });
      }
    } else if (event.kind === "presenter_note") {
      state.notes.push(Object.assign({ seq: event.seq, fresh: true }, data));
      if (state.notes.length > 20) { state.notes.splice(0, state.notes.length - 20); }
    } else if (event.kind === "criteria") {
      state.room.criteria = data.criteria;
    } else if (event.kind === "scored") {
      state.scored[data.slot] = data.scorers;
    } else if (event.kind === "sanction") {
      state.sanctions = state.sanctions.filter(function (x) { return !(x.user === data.user && x.kind === data.kind); });
      if (data.active) { state.sanctions.push({ user: data.user, name: data.name, kind: data.kind }); }
      if (state.me && data.user === state.me.id && data.kind === "mute") {
        state.me.can_participate = !data.active;
        notice(data.active ? T.you_are_muted : T.mute_lifted, data.active ? "error" : "ok");
      }
    }
  }

  // ------------------------------------------------------------ rendering

  function slotById(id) {
    for (var i = 0; i < state.programme.length; i++) { if (state.programme[i].id === id) { return state.programme[i]; } }
    return null;
  }

  function renderPresence() {
    var node = $("presence");
    if (node) { node.textContent = fmt(T.watching, { n: state.presence }); }
  }

  function renderAll() {
    if (!state.room) { return; }
    renderPresence();
    if (isScreen) { renderScreen(); return; }
    if (isPresenter) { renderPresenter(); return; }
    renderProgramme();
    renderCompose();
    renderPolls();
    renderScoring();
    renderQuestions();
    renderChat();
    renderModeration();
  }

  function renderProgramme() {
    var list = $("programme");
    list.replaceChildren();
    state.programme.forEach(function (slot) {
      var item = el("li", slot.id === state.room.current_slot ? "current" : "");
      item.appendChild(el("span", "time", hhmm(slot.start) + "–" + hhmm(slot.end)));
      item.appendChild(el("span", "title", slot.title));
      if (slot.team) { item.appendChild(el("span", "count", slot.team + (slot.presenters ? " · " + slot.presenters : ""))); }
      if (slot.id === state.room.current_slot) { item.appendChild(el("span", "badge status-live", T.now_presenting)); }
      var requestUrl = $("live").dataset.request;
      if (requestUrl && slot.kind === "pitch" && slot.achievement) {
        var ask = el("a", "request-meeting", T.request_meeting);
        ask.href = requestUrl + "?achievement=" + encodeURIComponent(slot.achievement);
        item.appendChild(ask);
      }
      if (state.me.moderator && state.scored[slot.id]) { item.appendChild(el("span", "count", fmt(T.scorers, { n: state.scored[slot.id] }))); }
      if (state.me.moderator && slot.kind === "pitch" && slot.id !== state.room.current_slot) {
        item.appendChild(button(T.set_current, function () { send({ t: "room", current_slot: slot.id }); }));
      }
      list.appendChild(item);
    });
  }

  function renderCompose() {
    var can = state.me.can_participate;
    $("ask").hidden = !can;
    $("chat-form").hidden = !can;
    $("login-hint").hidden = !!state.me.id || state.room.status !== "live";
    var select = $("ask-slot");
    var chosen = select.value;
    select.replaceChildren();
    state.programme.forEach(function (slot) {
      if (slot.kind !== "pitch") { return; }
      var option = el("option", "", slot.title);
      option.value = slot.id;
      select.appendChild(option);
    });
    select.value = chosen || (state.room.current_slot ? String(state.room.current_slot) : select.value);
    $("ask-slot-row").hidden = select.options.length === 0;
    var filter = $("q-filter");
    var current = filter.value || "current";
    filter.replaceChildren();
    [["current", T.now_presenting], ["all", T.all_pitches]].concat(
      state.programme.filter(function (s) { return s.kind === "pitch"; }).map(function (s) { return [String(s.id), s.title]; })
    ).forEach(function (pair) {
      var option = el("option", "", pair[1]);
      option.value = pair[0];
      filter.appendChild(option);
    });
    filter.value = current;
    state.filter = current;
  }

  function visibleQuestions() {
    var list = [];
    state.questions.forEach(function (q) {
      if (state.filter === "current" && state.room.current_slot && q.slot !== state.room.current_slot) { return; }
      if (state.filter !== "current" && state.filter !== "all" && String(q.slot) !== state.filter) { return; }
      list.push(q);
    });
    list.sort(function (a, b) {
      if (a.answered !== b.answered) { return a.answered ? 1 : -1; }
      if (state.sort === "votes" && a.votes !== b.votes) { return b.votes - a.votes; }
      return a.created < b.created ? 1 : -1;
    });
    return list;
  }

  function questionItem(q, pendingQueue) {
    var item = el("li", "question" + (q.answered ? " answered" : "") + (state.room.pinned === q.id ? " is-pinned" : ""));
    item.dataset.id = q.id;
    item.appendChild(el("p", "text", q.text));
    var meta = el("p", "meta");
    meta.appendChild(el("span", "", q.author || T.anonymous));
    if (state.me.moderator && q.anonymous && q.author) { meta.appendChild(el("span", "badge", T.anonymous)); }
    var slot = slotById(q.slot);
    if (slot) { meta.appendChild(el("span", "", slot.title)); }
    if (q.status === "pending") { meta.appendChild(el("span", "badge restricted", T.pending)); }
    if (q.answered) { meta.appendChild(el("span", "badge public", T.answered)); }
    if (state.room.pinned === q.id) { meta.appendChild(el("span", "badge status-live", T.pinned)); }
    item.appendChild(meta);
    var actions = el("p", "actions");
    if (q.status === "approved") {
      var voted = state.voted.has(q.id);
      var vote = button("▲ " + q.votes, function () { send({ t: "vote", id: q.id, on: !voted }); }, "vote" + (voted ? " voted" : ""));
      vote.setAttribute("aria-pressed", voted ? "true" : "false");
      vote.title = voted ? T.unvote : T.upvote;
      var own = state.mine.has(q.id);
      vote.disabled = !state.me.can_participate || own;
      if (own) { vote.title = T.own_question; }
      actions.appendChild(vote);
    }
    if (state.me.moderator) {
      var act = function (action, extra) { return function () { send(Object.assign({ t: "moderate", id: q.id, action: action }, extra || {})); }; };
      if (pendingQueue) {
        actions.appendChild(button(T.approve, act("approve")));
        actions.appendChild(button(T.edit_approve, function () {
          var words = window.prompt(T.edit_prompt, q.text);
          if (words && words.trim()) { act("approve", { text: words.trim().slice(0, 2000) })(); }
        }));
      } else {
        if (state.room.pinned === q.id) { actions.appendChild(button(T.unpin, act("unpin"))); } else { actions.appendChild(button(T.pin, act("pin"))); }
        actions.appendChild(button(q.answered ? T.mark_unanswered : T.mark_answered, act(q.answered ? "unanswered" : "answered")));
      }
      actions.appendChild(button(T.dismiss, act("dismiss")));
      if (!pendingQueue && q.achievement) {
        var deal = el("a", "to-deal", T.to_deal);
        deal.href = "/deals/new/?question=" + encodeURIComponent(q.id);
        actions.appendChild(deal);
      }
      if (q.author_id && q.author_id !== state.me.id) { sanctionButtons(actions, q.author_id); }
    }
    item.appendChild(actions);
    return item;
  }

  function sanctionButtons(container, userId) {
    container.appendChild(button(T.mute, function () { send({ t: "sanction", user: userId, kind: "mute", active: true }); }));
    container.appendChild(button(T.remove, function () {
      if (window.confirm(T.confirm_remove)) { send({ t: "sanction", user: userId, kind: "remove", active: true }); }
    }));
  }

  function renderPinned(node, large) {
    var q = state.room.pinned ? state.questions.get(state.room.pinned) : null;
    node.replaceChildren();
    if (!q) {
      if (large) { node.appendChild(el("p", "screen-waiting", T.waiting)); }
      node.hidden = !large;
      return;
    }
    node.hidden = false;
    node.appendChild(el("span", "badge status-live", T.pinned));
    node.appendChild(el(large ? "p" : "p", large ? "screen-question" : "text", q.text));
    var slot = slotById(q.slot);
    node.appendChild(el("p", "meta", (q.author || T.anonymous) + (slot ? " · " + slot.title : "") + " · ▲ " + q.votes));
  }

  function renderQuestions() {
    if (isScreen) { renderScreen(); return; }
    if (isPresenter) { renderPresenter(); return; }
    if (!state.room) { return; }
    renderPinned($("pinned"), false);
    var list = $("questions");
    list.replaceChildren();
    var shown = visibleQuestions().filter(function (q) { return !(state.me.moderator && q.status === "pending"); });
    shown.forEach(function (q) { list.appendChild(questionItem(q, false)); });
    if (!shown.length) { list.appendChild(el("li", "empty", T.no_questions)); }
  }

  function renderModeration() {
    if (!state.me.moderator || !$("pending")) { return; }
    var notes = $("notes-sent");
    notes.replaceChildren();
    state.notes.slice(-5).reverse().forEach(function (n) {
      notes.appendChild(el("li", "", hhmm(n.created) + " " + n.by + "：" + n.text));
    });
    $("premoderation").checked = state.room.premoderation;
    $("publish-answered").checked = !!state.room.publish_answered;
    var list = $("pending");
    list.replaceChildren();
    var waiting = [];
    state.questions.forEach(function (q) { if (q.status === "pending") { waiting.push(q); } });
    waiting.sort(function (a, b) { return a.created < b.created ? -1 : 1; });
    waiting.forEach(function (q) { list.appendChild(questionItem(q, true)); });
    $("pending-count").textContent = waiting.length;
    var sanctioned = $("sanctions");
    sanctioned.replaceChildren();
    state.sanctions.forEach(function (x) {
      var item = el("li", "", x.name + " · " + (x.kind === "mute" ? T.mute : T.remove) + " ");
      item.appendChild(button(x.kind === "mute" ? T.unmute : T.readmit, function () {
        send({ t: "sanction", user: x.user, kind: x.kind, active: false });
      }));
      sanctioned.appendChild(item);
    });
    if (!state.sanctions.length) { sanctioned.appendChild(el("li", "count", T.no_sanctions)); }
  }

  function renderChat() {
    var list = $("chat");
    var atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.replaceChildren();
    state.chat.forEach(function (m) {
      var item = el("li");
      item.appendChild(el("strong", "", m.author));
      item.appendChild(el("span", "", "：" + m.text));
      if (state.me.moderator) {
        item.appendChild(button(T["delete"], function () { send({ t: "chat_delete", id: m.id }); }));
        if (m.author_id && m.author_id !== state.me.id) { sanctionButtons(item, m.author_id); }
      }
      list.appendChild(item);
    });
    if (!state.chat.length) { list.appendChild(el("li", "empty", T.no_chat)); }
    if (atBottom) { list.scrollTop = list.scrollHeight; }
  }

  // ------------------------------------------------------------ polls

  function latestPolls() {
    var list = [];
    state.polls.forEach(function (p) { list.push(p); });
    list.sort(function (a, b) { return a.id - b.id; });
    return list;
  }

  function pollResults(poll, container) {
    var total = 0;
    poll.options.forEach(function (o) { total += o.votes; });
    var list = el("ul", "poll-results");
    poll.options.forEach(function (o) {
      var share = total ? Math.round(100 * o.votes / total) : 0;
      var item = el("li");
      item.dataset.option = o.id;
      var label = el("span", "poll-label", o.text);
      var bar = el("span", "poll-bar");
      var fill = el("span", "poll-fill");
      fill.style.width = share + "%";
      bar.appendChild(fill);
      item.appendChild(label);
      item.appendChild(bar);
      item.appendChild(el("span", "poll-count", o.votes + " · " + share + "%"));
      list.appendChild(item);
    });
    container.appendChild(list);
    container.appendChild(el("p", "count", fmt(T.poll_voters, { n: poll.voters }) + (poll.status === "closed" ? " · " + T.poll_closed : "")));
  }

  function pollCard(poll) {
    var card = el("div", "poll card" + (poll.status === "closed" ? " poll-closed" : ""));
    card.dataset.poll = poll.id;
    var head = el("p", "poll-head");
    head.appendChild(el("span", "badge status-live", T.poll + " · " + (poll.multiple ? T.poll_multiple : T.poll_single)));
    card.appendChild(head);
    card.appendChild(el("p", "poll-question", poll.question));
    var mine = state.pollAnswers[String(poll.id)];
    var canAnswer = poll.status === "open" && state.me.can_participate;
    if (canAnswer) {
      var form = el("form", "poll-form-answer");
      poll.options.forEach(function (o) {
        var label = el("label", "poll-choice");
        var input = document.createElement("input");
        input.type = poll.multiple ? "checkbox" : "radio";
        input.name = "poll-" + poll.id;
        input.value = o.id;
        var draft = state.pollDrafts[poll.id];
        input.checked = (draft || mine || []).indexOf(o.id) >= 0;
        input.addEventListener("change", function () {
          var chosen = [];
          Array.prototype.forEach.call(form.querySelectorAll("input:checked"), function (i) { chosen.push(parseInt(i.value, 10)); });
          state.pollDrafts[poll.id] = chosen;
        });
        label.appendChild(input);
        label.appendChild(document.createTextNode(" " + o.text));
        form.appendChild(label);
      });
      var submit = el("button", "", mine ? T.poll_change : T.poll_submit);
      submit.type = "submit";
      form.appendChild(submit);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var chosen = [];
        Array.prototype.forEach.call(form.querySelectorAll("input:checked"), function (i) { chosen.push(parseInt(i.value, 10)); });
        if (chosen.length) { send({ t: "poll_answer", id: poll.id, options: chosen }); }
        delete state.pollDrafts[poll.id];
      });
      card.appendChild(form);
    }
    if (mine || poll.status === "closed" || state.me.moderator || !canAnswer) { pollResults(poll, card); }
    if (state.me.moderator && poll.status === "open") {
      card.appendChild(button(T.poll_close, function () { send({ t: "poll_close", id: poll.id }); }, "secondary"));
    }
    return card;
  }

  function renderPolls() {
    var node = $("polls");
    if (!node) { return; }
    node.replaceChildren();
    var polls = latestPolls();
    var shown = polls.filter(function (p) { return p.status === "open"; });
    if (!shown.length && polls.length) { shown = [polls[polls.length - 1]]; }
    shown.forEach(function (p) { node.appendChild(pollCard(p)); });
  }

  // ------------------------------------------------------------ scores

  function scorable() {
    var now = Date.now();
    return state.programme.filter(function (s) {
      return s.kind === "pitch" && !s.own && (Date.parse(s.start) <= now || s.id === state.room.current_slot);
    });
  }

  function renderScoring() {
    var box = $("scoring");
    if (!box) { return; }
    var slots = state.me.can_score ? scorable() : [];
    box.hidden = !slots.length;
    if (!slots.length) { return; }
    var select = $("score-slot");
    var chosen = select.value;
    if (document.activeElement !== select) {  // an open list is not redrawn under the pointer
      select.replaceChildren();
      slots.forEach(function (s) {
        var option = el("option", "", s.title + (state.scores[String(s.id)] ? " ✓" : ""));
        option.value = s.id;
        select.appendChild(option);
      });
      var current = state.room.current_slot && slots.some(function (s) { return s.id === state.room.current_slot; });
      select.value = chosen && slots.some(function (s) { return String(s.id) === chosen; }) ? chosen : String(current ? state.room.current_slot : slots[slots.length - 1].id);
    }
    var slot = slotById(parseInt(select.value, 10));
    var mine = state.scores[select.value] || {};
    var draft = state.scoreDrafts[select.value] || {};
    var rows = $("score-criteria");
    rows.replaceChildren();
    (state.room.criteria || []).forEach(function (criterion, index) {
      var row = el("fieldset", "score-row");
      row.appendChild(el("legend", "", criterion));
      for (var v = 1; v <= 5; v++) {
        var label = el("label", "score-value");
        var input = document.createElement("input");
        input.type = "radio";
        input.name = "score-" + index;
        input.value = v;
        input.dataset.criterion = criterion;
        input.checked = (draft[criterion] || mine[criterion]) === v;
        input.addEventListener("change", function () {
          var slotKey = $("score-slot").value;
          state.scoreDrafts[slotKey] = state.scoreDrafts[slotKey] || {};
          state.scoreDrafts[slotKey][this.dataset.criterion] = parseInt(this.value, 10);
        });
        label.appendChild(input);
        label.appendChild(document.createTextNode(" " + v));
        row.appendChild(label);
      }
      rows.appendChild(row);
    });
    var requestUrl = root.dataset.request;
    var link = $("score-request");
    link.hidden = !(requestUrl && slot && slot.achievement);
    if (!link.hidden) { link.href = requestUrl + "?achievement=" + encodeURIComponent(slot.achievement); }
  }

  // ------------------------------------------------------------ presenter view

  function pitchOnNow() { return slotById(state.room.current_slot); }

  function renderTimer() {
    var node = $("timer");
    if (!node || !state.room) { return; }
    var slot = pitchOnNow();
    if (!slot || !state.room.current_end) { node.textContent = "--:--"; node.className = "timer"; return; }
    var left = Math.round((Date.parse(state.room.current_end) - Date.now()) / 1000);
    var over = left < 0;
    var s = Math.abs(left);
    var text = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
    node.textContent = (over ? "+" : "") + text;
    node.className = "timer" + (over ? " timer-over" : left <= 120 ? " timer-low" : "");
    $("timer-label").textContent = over ? T.overtime : T.time_left;
  }

  function renderPresenter() {
    if (!state.room) { return; }
    var slot = pitchOnNow();
    $("now").textContent = slot ? slot.title + (slot.team ? " · " + slot.team : "") : T.no_pitch;
    renderTimer();
    var notes = $("notes");
    notes.replaceChildren();
    var recent = state.notes.slice(-3).reverse();
    recent.forEach(function (n, i) {
      var item = el("div", "presenter-note" + (i === 0 ? " latest" : "") + (i === 0 && n.fresh ? " fresh" : ""));
      item.appendChild(el("span", "presenter-label", T.from_moderator + " · " + hhmm(n.created)));
      item.appendChild(el("p", "presenter-note-text", n.text));
      notes.appendChild(item);
      n.fresh = false;
    });
    if (!recent.length) { notes.appendChild(el("p", "count", T.no_notes)); }
    var pinned = $("pinned");
    pinned.replaceChildren();
    var q = state.room.pinned ? state.questions.get(state.room.pinned) : null;
    pinned.hidden = !q;
    if (q) {
      pinned.appendChild(el("span", "badge status-live", T.pinned));
      pinned.appendChild(el("p", "presenter-question", q.text));
      pinned.appendChild(el("p", "meta", (q.author || T.anonymous) + " · ▲ " + q.votes));
    }
    var list = $("questions");
    list.replaceChildren();
    var mine = [];
    state.questions.forEach(function (x) {
      if (x.status === "approved" && slot && x.slot === slot.id && x.id !== state.room.pinned) { mine.push(x); }
    });
    mine.sort(function (a, b) {
      if (a.answered !== b.answered) { return a.answered ? 1 : -1; }
      return b.votes - a.votes || (a.created < b.created ? -1 : 1);
    });
    mine.forEach(function (x) {
      var item = el("li", x.answered ? "answered" : "");
      item.appendChild(el("span", "presenter-votes", "▲ " + x.votes));
      var body = el("span", "presenter-qtext", x.text);
      item.appendChild(body);
      if (x.answered) { item.appendChild(el("span", "badge public", T.answered)); }
      list.appendChild(item);
    });
    if (!mine.length) { list.appendChild(el("li", "empty", T.no_questions)); }
  }

  function renderScreenPoll() {
    var node = $("screen-poll");
    if (!node) { return; }
    var polls = latestPolls();
    var open = polls.filter(function (p) { return p.status === "open"; });
    var poll = open.length ? open[open.length - 1] : polls[polls.length - 1];
    node.replaceChildren();
    node.hidden = !poll;
    if (!poll) { return; }
    node.dataset.poll = poll.id;
    node.appendChild(el("span", "badge status-live", T.poll + (poll.status === "closed" ? " · " + T.poll_closed : "")));
    node.appendChild(el("p", "screen-poll-question", poll.question));
    pollResults(poll, node);
  }

  function renderScreen() {
    if (!state.room) { return; }
    renderScreenPoll();
    var current = slotById(state.room.current_slot);
    $("now").textContent = current ? T.now_presenting + "：" + current.title : "";
    renderPinned($("pinned"), true);
    var top = [];
    state.questions.forEach(function (q) {
      if (q.status === "approved" && !q.answered && q.id !== state.room.pinned) { top.push(q); }
    });
    top.sort(function (a, b) { return b.votes - a.votes || (a.created < b.created ? -1 : 1); });
    var list = $("top");
    list.replaceChildren();
    top.slice(0, 5).forEach(function (q) {
      var item = el("li");
      item.appendChild(el("span", "screen-votes", "▲ " + q.votes));
      item.appendChild(el("span", "screen-qtext", q.text));
      list.appendChild(item);
    });
  }

  // ------------------------------------------------------------ controls

  if (isPresenter) { setInterval(renderTimer, 1000); }

  if (!isScreen && !isPresenter) {
    $("ask").addEventListener("submit", function (event) {
      event.preventDefault();
      var text = $("ask-text").value.trim();
      if (!text) { return; }
      var frame = { t: "ask", cid: newId(), text: text, anonymous: $("ask-anonymous").checked };
      var slot = parseInt($("ask-slot").value, 10);
      if (slot > 0) { frame.slot = slot; }
      send(frame);
      $("ask-text").value = "";
      notice("");
    });
    $("chat-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var text = $("chat-text").value.trim();
      if (!text) { return; }
      send({ t: "chat", cid: newId(), text: text });
      $("chat-text").value = "";
    });
    $("q-filter").addEventListener("change", function () { state.filter = this.value; renderQuestions(); });
    Array.prototype.forEach.call(document.querySelectorAll("[data-sort]"), function (node) {
      node.addEventListener("click", function () {
        state.sort = node.dataset.sort;
        Array.prototype.forEach.call(document.querySelectorAll("[data-sort]"), function (other) { other.classList.toggle("current", other === node); });
        renderQuestions();
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll(".tab"), function (tab) {
      tab.addEventListener("click", function () {
        Array.prototype.forEach.call(document.querySelectorAll(".tab"), function (other) {
          var on = other === tab;
          other.classList.toggle("active", on);
          other.setAttribute("aria-selected", on ? "true" : "false");
          $("tab-" + other.dataset.tab).hidden = !on;
        });
      });
    });
    $("score-slot").addEventListener("change", function () { renderScoring(); });
    $("score-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var values = {};
      var criteria = state.room.criteria || [];
      Array.prototype.forEach.call(this.querySelectorAll("input[type=radio]:checked"), function (i) {
        values[i.dataset.criterion] = parseInt(i.value, 10);
      });
      if (Object.keys(values).length !== criteria.length) { notice(T.score_incomplete, "error"); return; }
      send({ t: "score", slot: parseInt($("score-slot").value, 10), values: values });
      delete state.scoreDrafts[$("score-slot").value];
    });
    if ($("note-form")) {
      var sendNote = function (text) {
        text = text.trim();
        if (text) { send({ t: "presenter_note", text: text }); }
      };
      $("note-form").addEventListener("submit", function (event) {
        event.preventDefault();
        sendNote($("note-text").value);
        $("note-text").value = "";
      });
      Array.prototype.forEach.call(document.querySelectorAll("[data-note]"), function (node) {
        node.addEventListener("click", function () { sendNote(node.dataset.note); });
      });
      $("poll-form").addEventListener("submit", function (event) {
        event.preventDefault();
        var options = [];
        Array.prototype.forEach.call(document.querySelectorAll(".poll-option"), function (i) {
          if (i.value.trim()) { options.push(i.value.trim()); }
        });
        send({ t: "poll_open", question: $("poll-question").value.trim(), multiple: $("poll-multiple").checked, options: options });
        this.reset();
      });
    }
    if ($("premoderation")) {
      $("premoderation").addEventListener("change", function () { send({ t: "room", premoderation: this.checked }); });
      $("publish-answered").addEventListener("change", function () { send({ t: "room", publish_answered: this.checked }); });
      $("follow-clock").addEventListener("click", function () { send({ t: "room", current_slot: null }); });
    }
    var video = $("hls");
    if (video) {
      if (window.Hls && window.Hls.isSupported()) {
        var player = new window.Hls();
        player.loadSource(video.dataset.src);
        player.attachMedia(video);
      } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
        video.src = video.dataset.src;  // Safari and iOS play HLS themselves
      }
    }
  }

  // Keep idle connections honest through proxies that drop silent sockets.
  setInterval(function () {
    if (ws && ws.readyState === WebSocket.OPEN) { ws.send(JSON.stringify({ v: 1, t: "ping" })); }
  }, 25000);

  connect();
})();
