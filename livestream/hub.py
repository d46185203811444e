"""One hub per room per worker process: the room's only subscription to the
channel layer in this process, and the fan-out to this process's viewers.

Each event is serialized once per audience (everyone, the presenting team's
presenter views, moderators) and written
straight to each connection — no channel-layer message, no consumer dispatch
and no thread hop per viewer (README, "Benchmarks": live).  Under Daphne the
WebSocket frame itself is built once too and written to each viewer's socket
(:mod:`livestream.transport`, the one module that knows the server's
internals); under any other server the hub uses each connection's ASGI
``send``.

The hub keeps the room's sequence: an event arriving with a gap (another
worker's broadcast overtaken, or lost by the layer, which delivers at most
once) makes it read the missing events from the database first, so viewers
get every event in order, once.  Vote counts (of questions and of polls) are
coalesced into one frame per tick.  Presenter views are judged again before
anything meant for the team on stage goes out, when "now presenting" changes,
and at every upkeep: another team's pitch closes them.  The hub also reports this worker's audience for presence, and checks
the database now and then for events whose broadcast never arrived.
"""

import asyncio
import logging
import os
import socket
import uuid
import weakref
from bisect import bisect_right

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from prometheus_client import Gauge, Histogram

from . import selectors, services, transport
from .broadcast import ACCESS_GROUP, group_of
from .enums import Audience
from .wire import dumps, for_viewer

log = logging.getLogger(__name__)

# Counts of which only the latest matters (a question's votes, a poll's results).
COALESCED = ("votes", "poll_votes")

# Users judged per database call when a whole room is re-checked.
RECHECK_BATCH = 200

# What /metrics shows of the rooms on this worker.
VIEWERS = Gauge(
    "roadshow_live_viewers", "Live-room viewers connected to this worker.", ["room"]
)
FAN_OUT = Histogram(
    "roadshow_live_fanout_seconds",
    "Time to write one batch of events to this worker's viewers of a room.",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1),
)

WORKER_ID = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _connection_lost(error: BaseException) -> bool:
    """A lost connection to the layer's Redis (a restart, a network cut), not
    a fault of the message: redis-py's ConnectionError and TimeoutError, or
    the OS's."""
    return isinstance(error, ConnectionError | TimeoutError | OSError) or any(
        cls.__name__ in ("ConnectionError", "TimeoutError")
        and cls.__module__.startswith("redis")
        for cls in type(error).__mro__
    )


def _seq(wire: dict) -> int:
    return wire["seq"]


def _setting(name: str, default: float) -> float:
    return getattr(settings, name, default)


class RoomHub:
    def __init__(self, room_id: int):
        self.room_id = room_id
        self.conns: set = set()
        self.last = 0
        self.presence = 0
        self.pending: list[dict] = []
        self.flush_handle: asyncio.TimerHandle | None = None
        self.lock = asyncio.Lock()
        self.tasks: list[asyncio.Task] = []
        self.idle_since: float | None = None
        self.channel = ""
        self.wake = asyncio.Event()
        self.rechecks: set[asyncio.Task] = set()
        # The room's latest events as this hub passed them on, in order: the
        # events after ``recent_from`` up to ``last``.  A viewer coming back
        # with ``?last=`` is answered from here (README, "Running at scale":
        # the reconnect storm), one frame per resume point and audience.
        self.recent: list[dict] = []
        self.recent_from = 0
        self.missed_frames: dict[tuple, tuple[str, int]] = {}

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        layer = get_channel_layer()
        # The layer's default prefix: channels_redis reads one process-wide
        # list per prefix, one at a time, so a second prefix in the same
        # process (the meeting rooms' consumers use the default) would wait
        # behind the other's blocking read — seconds per event.
        self.channel = await layer.new_channel()
        await self._subscribe(layer)
        self.last = await database_sync_to_async(selectors.last_seq)(self.room_id)
        self.recent_from = self.last
        self.tasks = [
            asyncio.create_task(self._read(layer)),
            asyncio.create_task(self._keep()),
        ]

    def groups(self) -> tuple[str, str]:
        """The room's events and notices, and the notices for every room."""
        return group_of(self.room_id), ACCESS_GROUP

    async def stop(self) -> None:
        for task in [*self.tasks, *self.rechecks]:
            task.cancel()
        layer = get_channel_layer()
        try:
            for group in self.groups():
                await layer.group_discard(group, self.channel)
            await database_sync_to_async(services.presence_report)(
                self.room_id, WORKER_ID, 0, fresh_seconds=0
            )
        except Exception:
            log.exception("live room %s: hub stop", self.room_id)

    async def _subscribe(self, layer) -> None:
        for group in self.groups():
            await layer.group_add(group, self.channel)

    async def _read(self, layer) -> None:
        subscribed = True
        while True:
            try:
                if not subscribed:
                    # The layer lost its connection: a restarted Redis keeps
                    # no group, so this hub would hear nothing more until its
                    # hourly renewal.  Join again before reading; what was
                    # published meanwhile is read from the database.
                    await self._subscribe(layer)
                    subscribed = True
                    log.warning("live room %s: hub subscribed again", self.room_id)
                    self.wake.set()
                message = await layer.receive(self.channel)
                if message.get("type") == "live.access":
                    # Judged beside the events, which keep flowing meanwhile.
                    task = asyncio.ensure_future(self.recheck(message))
                    self.rechecks.add(task)
                    task.add_done_callback(self.rechecks.discard)
                else:
                    await self.ingest(message["event"])
            except asyncio.CancelledError:
                raise
            except Exception as error:
                if _connection_lost(error):
                    if subscribed:
                        log.warning(
                            "live room %s: channel layer lost: %s", self.room_id, error
                        )
                    subscribed = False
                else:
                    log.exception("live room %s: hub read", self.room_id)
                await asyncio.sleep(0.5)

    async def _keep(self) -> None:
        """Presence, catching up on lost broadcasts, the group's lease."""
        interval = _setting("LIVE_PRESENCE_INTERVAL", 5.0)
        layer = get_channel_layer()
        loop = asyncio.get_running_loop()
        lease = loop.time()
        while True:
            try:
                try:  # a viewer came or went: report soon, once per burst
                    await asyncio.wait_for(self.wake.wait(), timeout=interval)
                    await asyncio.sleep(min(1.0, interval))
                except TimeoutError:
                    pass
                self.wake.clear()
                total, seq = await database_sync_to_async(self._report)(
                    len(self.conns), interval
                )
                if seq > self.last:
                    await self.ingest(None, upto=seq)
                await self._recheck_moderators()
                await self._recheck_presenters()
                if total != self.presence:
                    self.presence = total
                    await self.send_all(self.presence_frame())
                if loop.time() - lease > 3600:  # renew before group_expiry
                    await self._subscribe(layer)
                    lease = loop.time()
                if not self.conns:
                    self.idle_since = self.idle_since or loop.time()
                    if loop.time() - self.idle_since > 3 * interval:
                        await _retire(self)
                        return
                else:
                    self.idle_since = None
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("live room %s: hub upkeep", self.room_id)

    async def _recheck_moderators(self) -> None:
        """A moderator whose rights were taken away stops getting what only
        moderators see: their page starts again from a fresh snapshot."""
        for conn in [c for c in self.conns if c.moderator and not c.paused]:
            still = await database_sync_to_async(selectors.is_moderator)(
                user=conn.user, room_id=self.room_id
            )
            if not still:
                self.conns.discard(conn)
                await conn.restart()

    async def _recheck_presenters(self) -> None:
        """Presenter views of a team whose pitch is no longer on (or whose
        rights went) close: what the moderators tell the team on stage
        reaches that team only."""
        judged = [c for c in self.conns if c.presenter and not c.moderator]
        if not judged:
            return
        still = await database_sync_to_async(selectors.presenters_still)(
            room_id=self.room_id, users=[c.user for c in judged]
        )
        for conn, ok in zip(judged, still, strict=True):
            if not ok:
                await self._apply(conn, "not_presenting")

    async def recheck(self, notice: dict) -> None:
        """Who may watch changed (an account, an organization's standing, a
        session ended, the roadshow itself): judge the viewers concerned
        afresh — once per user, in batches, off the event path — and close
        the sockets of those who may no longer watch (4403); a moderator
        who became a viewer, or the reverse, starts again (4000)."""
        try:
            await self._recheck(notice)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("live room %s: re-check", self.room_id)

    async def _recheck(self, notice: dict) -> None:
        room = notice.get("room")
        if room is not None and room != self.room_id:
            return
        users = set(notice.get("users") or ())
        everyone = room is not None and not users
        sessions = set(notice.get("sessions") or ())
        for conn in [c for c in self.conns if c.session_tag in sessions]:
            await self._apply(conn, "signed_out")
        judged = [
            c
            for c in self.conns
            if everyone or (c.user_id is not None and c.user_id in users)
        ]
        if not judged:
            return
        if users:  # an account changed: its password may have, too
            signed = [c for c in judged if c.user_id in users and c.session_key]
            if signed:
                gone = await database_sync_to_async(selectors.sessions_signed_out)(
                    sessions=[(c.user_id, c.session_key) for c in signed]
                )
                for conn in [c for c in signed if c.session_key in gone]:
                    await self._apply(conn, "signed_out")
                judged = [c for c in judged if c in self.conns]
        ids = list({c.user_id for c in judged})
        verdicts: dict = {}
        for start in range(0, len(ids), RECHECK_BATCH):
            verdicts.update(
                await database_sync_to_async(selectors.viewers_access)(
                    room_id=self.room_id, user_ids=ids[start : start + RECHECK_BATCH]
                )
            )
        for conn in judged:
            access = verdicts.get(conn.user_id)
            if access is None or not access.can_view:
                await self._apply(conn, "forbidden")
            elif access.is_moderator != conn.moderator:
                await self._apply(conn, "restart")
            elif conn.presenter and not access.can_present:
                await self._apply(conn, "not_presenting")

    async def _apply(self, conn, verdict: str) -> None:
        """Close a viewer's socket (``forbidden``, ``signed_out``) or make it
        start again (``restart``); one still reading its first state learns
        it when it resumes."""
        if conn not in self.conns:
            return
        if conn.paused:
            conn.verdict = conn.verdict or verdict
            return
        self.conns.discard(conn)
        self.wake.set()
        try:
            if verdict == "restart":
                await conn.restart()
            else:
                await conn.revoke(verdict)
        except Exception:  # the connection is gone already
            log.debug("live room %s: closing a viewer failed", self.room_id)

    def _report(self, count: int, interval: float) -> tuple[int, int]:
        total = services.presence_report(
            self.room_id, WORKER_ID, count, fresh_seconds=3 * interval
        )
        return total, selectors.last_seq(self.room_id)

    def _write(self, conn, frame: transport.Frame) -> bool:
        """Write a frame straight to the viewer's Daphne WebSocket; False when
        the connection has no such socket (use ASGI send)."""
        if conn.socket is None:
            return False
        if not transport.write_prepared(conn.socket, frame):
            self.conns.discard(conn)  # closed
        return True

    def presence_frame(self) -> str:
        return dumps({"v": 1, "t": "presence", "count": self.presence})

    # ------------------------------------------------------------ viewers

    def add(self, conn) -> None:
        conn.paused = True
        conn.buffer = []
        conn.verdict = None
        conn.socket = transport.socket_of(conn.base_send)
        self.conns.add(conn)
        self.wake.set()
        VIEWERS.labels(str(self.room_id)).set(len(self.conns))

    def discard(self, conn) -> None:
        self.conns.discard(conn)
        self.wake.set()
        VIEWERS.labels(str(self.room_id)).set(len(self.conns))

    async def resume(self, conn) -> None:
        """Send what arrived while the viewer's first state was being read."""
        buffered, conn.buffer, conn.paused = conn.buffer, [], False
        if conn.verdict is not None:  # judged again meanwhile: the first state
            await self._apply(conn, conn.verdict)  # may predate the change
            return
        if buffered:
            await self._send_to(conn, buffered)
        if self.presence:
            await conn.base_send(
                {"type": "websocket.send", "text": self.presence_frame()}
            )

    async def send_all(self, text: str) -> None:
        message = {"type": "websocket.send", "text": text}
        frame = transport.Frame(text)
        for conn in list(self.conns):
            if not conn.paused and not self._write(conn, frame):
                await self._safe_send(conn, message)

    async def _safe_send(self, conn, message: dict) -> None:
        try:
            await conn.base_send(message)
        except Exception:  # the connection is gone
            self.conns.discard(conn)

    # ------------------------------------------------------------ events

    async def ingest(self, wire: dict | None, *, upto: int | None = None) -> None:
        async with self.lock:
            top = wire["seq"] if wire is not None else upto
            if top <= self.last:
                return
            expected = top - 1 if wire is not None else top
            batch = []
            if expected > self.last:
                batch = await database_sync_to_async(selectors.events_between)(
                    self.room_id, self.last, expected
                )
            if wire is not None:
                batch.append(wire)
            self.last = top
            self._remember(batch)
            self.pending.extend(batch)
            if all(w["kind"] in COALESCED for w in self.pending):
                if self.flush_handle is None:
                    tick = _setting("LIVE_VOTE_TICK", 0.1)
                    loop = asyncio.get_running_loop()
                    self.flush_handle = loop.call_later(
                        tick, lambda: asyncio.ensure_future(self.flush())
                    )
                return
        await self.flush()

    # ------------------------------------------------------------ resuming

    def _remember(self, batch: list[dict]) -> None:
        """Keep the newest events (as many as a viewer may be sent on resuming)."""
        self.recent.extend(batch)
        self.missed_frames.clear()
        excess = len(self.recent) - selectors.resume_limit()
        if excess > 0:
            self.recent_from = self.recent[excess - 1]["seq"]
            del self.recent[:excess]

    async def missed(self, conn, last: int, current: int) -> tuple[str, int] | None:
        """What a viewer who saw up to ``last`` missed, as (the frame's text,
        the sequence number it is current to), from this hub's memory: no
        database read per viewer, and one frame for all who come back from
        the same point with the same view.  ``current`` is the room's
        sequence number as the viewer's access was read: the hub catches up
        to it first if its broadcasts are still on their way.  None when
        only the database can tell (a point this hub never passed, or too
        long ago for a resume: the caller reads the events, or a snapshot,
        as before)."""
        if current > self.last:
            await self.ingest(None, upto=current)
        limit = selectors.resume_limit()
        if last < 0 or last > self.last or self.last - last > limit:
            return None
        if last < self.recent_from:
            # Older than this hub's memory (it started after the viewer left):
            # read the gap once, for everyone coming back from there.
            async with self.lock:
                if last < self.recent_from:
                    older = await database_sync_to_async(selectors.events_between)(
                        self.room_id, last, self.recent_from
                    )
                    self.recent[:0] = older
                    self.recent_from = last
                    self.missed_frames.clear()
        top = self.last
        events = self.recent[bisect_right(self.recent, last, key=_seq) :]
        # Events only for one person (their own question held for moderation
        # …) make that person's frame their own.
        own = conn.user_id is not None and any(
            w["user"] == conn.user_id for w in events
        )
        key = (last, top, conn.moderator, conn.presenter, conn.user_id if own else None)
        cached = self.missed_frames.get(key)
        if cached is None:
            shown = []
            for wire in events:
                event = for_viewer(
                    wire,
                    user_id=conn.user_id,
                    moderator=conn.moderator,
                    presenter=conn.presenter,
                )
                if event is not None:
                    shown.append(event)
            text = dumps({"v": 1, "t": "events", "seq": top, "events": shown})
            cached = self.missed_frames[key] = (text, top)
        return cached

    async def flush(self) -> None:
        if self.flush_handle is not None:
            self.flush_handle.cancel()
            self.flush_handle = None
        events, self.pending = self.pending, []
        if not events:
            return
        # Coalesce: of several counts for one question or poll, the last wins.
        last_count = {
            (w["kind"], w["data"]["id"]): i
            for i, w in enumerate(events)
            if w["kind"] in COALESCED
        }
        events = [
            w
            for i, w in enumerate(events)
            if w["kind"] not in COALESCED
            or last_count[(w["kind"], w["data"]["id"])] == i
        ]
        if any(w["kind"] == "room" or w["aud"] == Audience.PRESENTERS for w in events):
            # Judged before a message for the team on stage, or a change of
            # who is on stage, goes out.
            await self._recheck_presenters()
        with FAN_OUT.time():
            await self._fan_out(events)

    async def _fan_out(self, events: list[dict]) -> None:
        first, top = events[0]["seq"], events[-1]["seq"]
        frames: dict[str, transport.Frame | None] = {}

        def frame(moderator: bool, presenter: bool) -> transport.Frame | None:
            key = "mod" if moderator else "present" if presenter else "all"
            if key not in frames:
                shown = [
                    e
                    for e in (
                        for_viewer(
                            w, user_id=None, moderator=moderator, presenter=presenter
                        )
                        for w in events
                    )
                    if e is not None
                ]
                frames[key] = (
                    transport.Frame(
                        dumps({"v": 1, "t": "events", "seq": top, "events": shown})
                    )
                    if shown
                    else None
                )
            return frames[key]

        targeted = {w["user"] for w in events if w["user"] is not None}
        removed = {
            w["data"]["user"]
            for w in events
            if w["kind"] == "sanction"
            and w["data"]["kind"] == "remove"
            and w["data"]["active"]
        }
        for conn in list(self.conns):
            if conn.paused:
                conn.buffer.extend(events)
                continue
            if conn.last_seq >= top:
                continue
            if conn.last_seq >= first or (
                conn.user_id in targeted and not conn.moderator
            ):
                await self._send_to(conn, events)
            else:
                shared = frame(conn.moderator, conn.presenter)
                conn.last_seq = top
                if shared is not None and not self._write(conn, shared):
                    await self._safe_send(
                        conn, {"type": "websocket.send", "text": shared.text}
                    )
            if conn.user_id in removed and not conn.moderator:
                await conn.removed()

    async def _send_to(self, conn, events: list[dict]) -> None:
        """The slow path: this viewer's own selection of the events."""
        shown = []
        top = conn.last_seq
        for wire in events:
            if wire["seq"] <= conn.last_seq:
                continue
            top = wire["seq"]
            event = for_viewer(
                wire,
                user_id=conn.user_id,
                moderator=conn.moderator,
                presenter=conn.presenter,
            )
            if event is not None:
                shown.append(event)
        conn.last_seq = top
        if shown:
            text = dumps({"v": 1, "t": "events", "seq": top, "events": shown})
            await self._safe_send(conn, {"type": "websocket.send", "text": text})


# One registry per event loop (a Daphne process has one; tests make several).
_registries: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict]" = (
    weakref.WeakKeyDictionary()
)


def _registry() -> dict:
    loop = asyncio.get_running_loop()
    registry = _registries.get(loop)
    if registry is None:
        registry = _registries[loop] = {"hubs": {}, "starting": {}}
    return registry


async def join(room_id: int, conn) -> RoomHub:
    """Register a viewer (paused until :meth:`RoomHub.resume`) with the room's
    hub in this process, starting the hub on first use (once, however many
    viewers arrive together)."""
    registry = _registry()
    hub = registry["hubs"].get(room_id)
    if hub is None:
        starting = registry["starting"].get(room_id)
        if starting is None:
            starting = asyncio.ensure_future(_start(registry, room_id))
            registry["starting"][room_id] = starting
        hub = await asyncio.shield(starting)
    hub.add(conn)
    return hub


async def _start(registry: dict, room_id: int) -> RoomHub:
    hub = RoomHub(room_id)
    try:
        await hub.start()
        registry["hubs"][room_id] = hub
        return hub
    finally:
        registry["starting"].pop(room_id, None)


async def _retire(hub: RoomHub) -> None:
    registry = _registry()
    if registry["hubs"].get(hub.room_id) is hub and not hub.conns:
        del registry["hubs"][hub.room_id]
        current = asyncio.current_task()
        for task in hub.tasks:
            if task is not current:
                task.cancel()
        hub.tasks = []
        await hub.stop()
        try:
            VIEWERS.remove(str(hub.room_id))
        except KeyError:
            pass


def hubs() -> dict:
    return _registry()["hubs"]
