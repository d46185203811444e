import datetime as dt
import functools

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from matchmaking.models import MatchSlot
from meetrooms.routing import websocket_urlpatterns
from tests.factories.matchmaking import make_market, make_meeting

ROUTER = URLRouter(websocket_urlpatterns)


@pytest.fixture(autouse=True)
def _room_limits(settings):
    settings.MEET_RATE_LIMITS = {"chat": (100, 60), "note": (100, 60)}


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    """Each test runs in its own event loop: a Redis channel layer made in an
    earlier one keeps locks bound to it, so each test gets its own."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def on_now(meeting, *, started_minutes: int = 5, length: int = 20) -> None:
    """Move the meeting's slot (in the test's time) to have started
    ``started_minutes`` ago."""
    start = timezone.now() - dt.timedelta(minutes=started_minutes)
    MatchSlot.objects.filter(pk=meeting.slot_id).update(
        start=start, end=start + dt.timedelta(minutes=length)
    )
    meeting.refresh_from_db()
    meeting.slot.refresh_from_db()


@pytest.fixture
def meet(roles):
    """A published meeting between the fund (its investor asked) and the
    team (attending), on now."""
    market = make_market(roles)
    request, meeting = make_meeting(market)
    on_now(meeting)
    return {**market, "request": request, "meeting": meeting}


class Client:
    """A WebSocket client of a meeting room with a user in its scope."""

    def __init__(self, meeting_id, user=None, last=None, cookies=None):
        path = f"/ws/meet/{meeting_id}/" + (f"?last={last}" if last is not None else "")
        self.comm = WebsocketCommunicator(ROUTER, path)
        OPEN.append(self)
        if user is not None:
            self.comm.scope["user"] = user
        self.comm.scope["cookies"] = cookies or {}
        self.seq = None
        self.backlog = []

    async def connect(self):
        connected, _sub = await self.comm.connect()
        assert connected
        return await self.receive()

    async def receive(self, timeout=3):
        frame = await self.comm.receive_json_from(timeout=timeout)
        if frame["t"] in ("snapshot", "events"):
            self.seq = frame["seq"]
        return frame

    async def until(self, predicate, timeout=3):
        for index, frame in enumerate(self.backlog):
            if predicate(frame):
                del self.backlog[index]
                return frame
        while True:
            frame = await self.receive(timeout)
            if predicate(frame):
                return frame
            self.backlog.append(frame)

    async def event(self, kind, timeout=3):
        frame = await self.until(
            lambda f: (
                f["t"] == "events" and any(e["kind"] == kind for e in f["events"])
            ),
            timeout,
        )
        return next(e for e in frame["events"] if e["kind"] == kind)

    async def send(self, **frame):
        await self.comm.send_json_to({"v": 1, **frame})

    async def reply(self, ref):
        return await self.until(
            lambda f: f.get("ref") == ref and f["t"] in ("ack", "error")
        )

    async def nothing(self, timeout=0.3) -> bool:
        """True if no frame other than presence arrives within ``timeout``."""
        return await self.comm.receive_nothing(timeout=timeout) or all(
            f["t"] == "presence" for f in self.backlog
        )

    async def close(self):
        await self.comm.disconnect()


db = sync_to_async


OPEN: list = []  # the clients of the scenario running


def scenario(test):
    """Run an async test function (pytest here has no async plugin); every
    client it opened is disconnected at its end, whatever happened — a
    consumer left running keeps a receive pending on the channel layer, bound
    to this test's event loop."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        async def body():
            try:
                return await test(*args, **kwargs)
            finally:
                while OPEN:
                    client = OPEN.pop()
                    try:
                        await client.comm.disconnect(timeout=2)
                    except Exception:  # noqa: S110  (already gone)
                        pass

        return async_to_sync(body)()

    return run
