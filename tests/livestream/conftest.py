import pytest
from asgiref.sync import async_to_sync
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from livestream.routing import websocket_urlpatterns

ROUTER = URLRouter(websocket_urlpatterns)


@pytest.fixture(autouse=True)
def _fast_hubs(settings):
    settings.LIVE_PRESENCE_INTERVAL = 0.2
    settings.LIVE_VOTE_TICK = 0.02
    settings.LIVE_RATE_LIMITS = {
        "ask": (100, 60),
        "chat": (100, 60),
        "note": (100, 60),
        "poll": (100, 60),
    }


class Client:
    """A WebSocket client of the live room with a user in its scope."""

    def __init__(self, roadshow_id, user=None, last=None, cookies=None, view=None):
        query = [f"view={view}"] if view else []
        if last is not None:
            query.append(f"last={last}")
        path = f"/ws/live/{roadshow_id}/" + ("?" + "&".join(query) if query else "")
        self.comm = WebsocketCommunicator(ROUTER, path)
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
        if "seq" in frame and frame["t"] in ("snapshot", "events"):
            self.seq = frame["seq"]
        return frame

    async def until(self, predicate, timeout=3):
        """The first frame, received earlier or now, that matches; the frames
        passed over are kept for later calls, in order."""
        for index, frame in enumerate(self.backlog):
            if predicate(frame):
                del self.backlog[index]
                return frame
        while True:
            frame = await self.receive(timeout)
            if predicate(frame):
                return frame
            if frame["t"] != "presence":
                self.backlog.append(frame)

    async def event(self, event_kind, timeout=3, **match):
        """The next event of this kind whose data has these values."""

        def wanted(event):
            return event["kind"] == event_kind and all(
                event["data"].get(k) == v for k, v in match.items()
            )

        frame = await self.until(
            lambda f: f["t"] == "events" and any(wanted(e) for e in f["events"]),
            timeout,
        )
        return next(e for e in frame["events"] if wanted(e))

    async def send(self, **frame):
        await self.comm.send_json_to({"v": 1, **frame})

    async def reply(self, ref):
        return await self.until(
            lambda f: f.get("ref") == ref and f["t"] in ("ack", "error")
        )

    async def refused(self, code):
        """The fatal error frame, then the close with 4403."""
        frame = await self.until(lambda f: f["t"] == "error")
        assert (frame["code"], frame.get("fatal")) == (code, True), frame
        closed = await self.comm.receive_output(timeout=3)
        assert closed == {"type": "websocket.close", "code": 4403}

    async def close(self):
        await self.comm.disconnect()


def run(coroutine_function):
    return async_to_sync(coroutine_function)()
