"""Writing one prepared WebSocket frame straight to Daphne connections: the
hub's fast path for fanning an event out to a room's viewers (README,
"Benchmarks": the live room's figures beside a stock consumer).  The frame is built once per text (autobahn's
``prepareMessage``, made for broadcasting) and its bytes are written to each
viewer's socket, skipping the ASGI ``send`` and Twisted's per-write
scheduling — the largest per-viewer costs left.

This is the one module that knows the server's internals.  It relies on the
versions pinned in requirements.txt, daphne==4.2.3, and installed with it,
Twisted==26.10.0 and autobahn==26.10.2:

- Daphne: the ASGI ``send`` it gives an application is
  ``functools.partial(server.handle_reply, protocol)``, seen through Channels'
  session wrappers (each keeps the inner one as ``real_send``) and through
  our own middleware's (``frames_pass_to``, set by a wrapper that passes
  ``websocket.send`` on unchanged);
- autobahn: that ``protocol`` (a ``WebSocketServerProtocol``) has ``state`` and
  ``STATE_OPEN``, ``send_queue``, ``sendPreparedMessage`` and
  ``factory.prepareMessage(payload)``, whose result holds the framed bytes in
  ``payloadHybi``;
- Twisted: the protocol's TCP ``transport`` has its ``socket``, ``connected``,
  ``disconnecting`` and its write buffer — ``dataBuffer``, ``offset`` and the
  private ``_tempDataLen``.

``tests/livestream/test_transport.py`` runs a real Daphne worker and fails,
naming what changed, when an upgrade breaks any of these: upgrade only with
it green.  At run time nothing breaks: under another server ``socket_of``
answers None and the hub uses ASGI ``send``; a transport without what the
direct write needs (TLS, or a changed Twisted) gets the frame through
autobahn's own ``sendPreparedMessage``.
"""

import functools
import logging
import socket as sockets
from typing import Any

log = logging.getLogger(__name__)

# What the fast path reads, on the protocol and on its transport.
PROTOCOL_NEEDS = (
    "state",
    "STATE_OPEN",
    "send_queue",
    "sendPreparedMessage",
    "factory",
    "transport",
)
TRANSPORT_NEEDS: dict[str, type] = {
    "socket": sockets.socket,
    "connected": int,
    "disconnecting": int,
    "dataBuffer": bytes,
    "offset": int,
    "_tempDataLen": int,
}

_warned: set[str] = set()


class Frame:
    """One text frame for many connections, framed on its first write."""

    __slots__ = ("message", "text")

    def __init__(self, text: str):
        self.text = text
        self.message = None

    def prepared(self, protocol) -> Any:
        if self.message is None:
            self.message = protocol.factory.prepareMessage(self.text.encode())
        return self.message


def socket_of(send) -> Any | None:
    """The Daphne WebSocket behind an ASGI ``send`` (what ``write_prepared``
    writes to), or None: another server, or a Daphne this module does not
    know (logged once)."""
    for _ in range(8):
        # A middleware's wrapper that leaves ``websocket.send`` as it is says
        # so with ``frames_pass_to`` (roadshow.observability.RequestLog); any
        # other wrapper keeps the hub on ASGI ``send``.
        inner = getattr(send, "frames_pass_to", None)
        if inner is not None:
            send = inner
            continue
        owner = getattr(send, "__self__", None)
        if owner is None or not hasattr(owner, "real_send"):
            break
        send = owner.real_send
    if not (isinstance(send, functools.partial) and send.args):
        return None
    protocol = send.args[0]
    lacking = [name for name in missing(protocol) if name.startswith("protocol.")]
    if lacking:
        _warn_once("ASGI send for every viewer", lacking)
        return None
    return protocol


def missing(protocol) -> list[str]:
    """What this module relies on that the connection lacks (empty: all there)."""
    lacking = [
        f"protocol.{name}" for name in PROTOCOL_NEEDS if not hasattr(protocol, name)
    ]
    if not hasattr(getattr(protocol, "factory", None), "prepareMessage"):
        lacking.append("protocol.factory.prepareMessage")
    transport = getattr(protocol, "transport", None)
    for name, kind in TRANSPORT_NEEDS.items():
        if not isinstance(getattr(transport, name, None), kind):
            lacking.append(f"transport.{name}")
    return lacking


def write_prepared(conn, frame: Frame) -> bool:
    """Write ``frame`` to ``conn`` (from :func:`socket_of`) now, after whatever
    is queued before it.  False when the connection has closed (nothing was
    written: forget the viewer)."""
    if conn.state != conn.STATE_OPEN:
        return False
    message = frame.prepared(conn)
    if not _send_now(conn, message.payloadHybi):
        conn.sendPreparedMessage(message)
    return True


def _send_now(protocol, data: bytes) -> bool:
    """Write the framed bytes to the socket at once when nothing is queued
    before them (else Twisted's buffer keeps the order); whatever the socket
    does not take now goes to that buffer.  False if not applicable (a TLS
    transport, or one this module does not know)."""
    transport = protocol.transport
    sock = getattr(transport, "socket", None)
    if sock is None:
        return False
    try:
        idle = (
            not protocol.send_queue
            and not transport._tempDataLen
            and transport.offset == len(transport.dataBuffer)
            and transport.connected
            and not transport.disconnecting
        )
    except AttributeError:
        _warn_once("autobahn's own writes", missing(protocol))
        return False
    if not idle:
        return False
    try:
        sent = sock.send(data)
    except (BlockingIOError, InterruptedError):
        sent = 0
    except OSError:
        return True  # the connection is gone; Twisted will notice
    if sent < len(data):
        transport.write(data[sent:])
    return True


def _warn_once(fallback: str, lacking: list[str]) -> None:
    key = ",".join(lacking)
    if key not in _warned:
        _warned.add(key)
        log.warning(
            "live rooms: the server lacks %s (an upgrade?): using %s",
            key,
            fallback,
        )
