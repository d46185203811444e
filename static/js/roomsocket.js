// One room's WebSocket, resumed without loss (used by the meeting rooms).
//
// The server numbers every event of the room; this keeps the last number
// applied and reconnects with it (exponential backoff with jitter), getting
// exactly what it missed, or a fresh snapshot.  Every frame sent carries a
// ref and waits in the outbox until the server answers it; after a
// reconnect what was never answered goes again (chat carries a client id:
// the server stores a retried message once).  A ping every 25 s keeps the
// presence fresh and lets the server send anything a broadcast lost.
(function () {
  "use strict";
  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  // options: path, onFrame(frame), onConn(kind, seconds)
  window.RoomSocket = function (options) {
    var ws = null, attempt = 0, fatal = false, retryTimer = null, fresh = false, pinger = null;
    var outbox = new Map();
    var api = { seq: null, newId: newId };

    function url() {
      var scheme = location.protocol === "https:" ? "wss:" : "ws:";
      var last = api.seq === null ? "" : "?last=" + api.seq;
      return scheme + "//" + location.host + options.path + last;
    }

    function connect() {
      retryTimer = null;
      options.onConn("connecting");
      ws = new WebSocket(url());
      ws.onopen = function () { fresh = true; };
      ws.onmessage = function (message) {
        var frame;
        try { frame = JSON.parse(message.data); } catch (e) { return; }
        receive(frame);
      };
      ws.onclose = function (event) {
        ws = null;
        clearInterval(pinger);
        if (event.code === 4403) { fatal = true; }  // refused: never again
        if (fatal) { options.onConn("offline"); return; }
        later();
      };
    }

    function later() {
      attempt += 1;
      var ceiling = Math.min(30000, 500 * Math.pow(2, attempt - 1));
      var delay = ceiling / 2 + Math.random() * ceiling / 2;
      var until = Date.now() + delay;
      (function tick() {
        var left = Math.max(0, Math.ceil((until - Date.now()) / 1000));
        options.onConn("reconnecting", left);
        if (Date.now() >= until) { connect(); } else { retryTimer = setTimeout(tick, Math.min(1000, until - Date.now())); }
      })();
    }

    function receive(frame) {
      if (frame.t === "snapshot" || frame.t === "events") {
        if (fresh) {
          fresh = false;
          attempt = 0;  // back off until a first state arrives, not a mere open
          options.onConn("live");
          outbox.forEach(function (f) { ws.send(JSON.stringify(f)); });
          pinger = setInterval(function () { api.send({ t: "ping" }); }, 25000);
        }
      }
      if (frame.t === "ack" || frame.t === "error") {
        frame.sent = outbox.get(frame.ref) || null;
        outbox.delete(frame.ref);
        if (frame.fatal) { fatal = true; }
      }
      options.onFrame(frame);
      if (frame.seq !== undefined && (frame.t === "snapshot" || frame.t === "events")) { api.seq = frame.seq; }
    }

    window.addEventListener("online", function () {
      if (!ws && !fatal && retryTimer) { clearTimeout(retryTimer); connect(); }
    });

    api.send = function (frame) {
      frame.v = 1;
      frame.ref = frame.ref || newId();
      if (frame.t !== "ping") { outbox.set(frame.ref, frame); }
      if (ws && ws.readyState === WebSocket.OPEN) { ws.send(JSON.stringify(frame)); }
      return frame.ref;
    };
    connect();
    return api;
  };
})();
