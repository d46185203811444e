"""The steady load every drill runs under, through HAProxy: two clients
reading pages (the roadshows, a catalogue search), one registering a new
person every half second, one door scanning a ticket a second, and a live
room with VIEWERS viewers that reconnect and resume as the page does, fed 2
questions a second.  Every request and every live event received is kept
with its times, so that each drill reads the window it made."""

import asyncio
import http.client
import json
import threading
import time
import uuid
from array import array
from collections import Counter
from dataclasses import dataclass

from bench.drills.stage import CSRF

MARKER = "服务暂时不可用"  # the platform's 503 page, its own or HAProxy's
EXPECTED = {"read": 200, "register": 302, "scan": 200}


@dataclass
class Request:
    kind: str
    method: str
    started: float  # wall time (time.time())
    ended: float
    status: int  # 0: no answer
    error: str = ""
    clear: bool = True  # a 5xx that was the platform's page
    who: str = ""

    @property
    def failed(self) -> bool:
        return self.status != EXPECTED[self.kind]


class Client:
    """One keep-alive connection to HAProxy, opened again after an error."""

    def __init__(self, port: int):
        self.port = port
        self.connection = None
        self.cookies = ""  # what the last answer set, as a Cookie header

    def request(self, kind, method, path, *, body=None, headers=None, who=""):
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "Origin": f"http://127.0.0.1:{self.port}",
            **(headers or {}),
        }
        started = time.time()
        status, error, clear, text = 0, "", True, ""
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=30
                )
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            status = response.status
            self.cookies = "; ".join(
                c.split(";", 1)[0] for c in response.msg.get_all("Set-Cookie") or []
            )
            if response.getheader("Connection", "").lower() == "close":
                self.close()
        except (OSError, http.client.HTTPException) as exc:
            error = type(exc).__name__
            self.close()
        if status >= 500:
            clear = (MARKER in text or '"unavailable"' in text) and (
                "Traceback" not in text
            )
        return Request(kind, method, started, time.time(), status, error, clear, who)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def register(client: Client, roadshow_id: int, email: str, cookie: str) -> Request:
    return client.request(
        "register",
        "POST",
        f"/r/{roadshow_id}/register/",
        body="attendance=onsite",
        headers={
            "Cookie": cookie,
            "X-CSRFToken": CSRF,
            "Content-Type": "application/x-www-form-urlencoded",
        },
        who=email,
    )


class Viewer:
    """A live-room viewer that reconnects (as the page does) and resumes;
    keeps every event's sequence number and arrival time."""

    def __init__(self, port: int, roadshow_id: int):
        self.port = port
        self.roadshow_id = roadshow_id
        self.seq = None
        self.seqs = array("q")
        self.arrived = array("d")
        self.dropped_at: float | None = None
        self.resumes: list[tuple[float, float]] = []  # (dropped at, seconds)
        self.running = True

    async def run(self) -> None:
        from websockets.asyncio.client import connect

        while self.running:
            path = f"/ws/live/{self.roadshow_id}/"
            if self.seq is not None:
                path += f"?last={self.seq}"
            try:
                async with connect(
                    f"ws://127.0.0.1:{self.port}{path}",
                    origin=f"http://127.0.0.1:{self.port}",
                    open_timeout=10,
                ) as ws:
                    async for text in ws:
                        now = time.time()
                        frame = json.loads(text)
                        if self.dropped_at is not None and frame["t"] in (
                            "snapshot",
                            "events",
                        ):
                            self.resumes.append(
                                (self.dropped_at, now - self.dropped_at)
                            )
                            self.dropped_at = None
                        if frame["t"] == "snapshot":
                            self.seq = frame["seq"]
                        elif frame["t"] == "events":
                            for event in frame["events"]:
                                self.seqs.append(event["seq"])
                                self.arrived.append(now)
                            self.seq = frame["seq"]
                        if not self.running:
                            return
            except Exception:  # noqa: BLE001 — a refused or dropped socket: retry
                pass
            if not self.running:
                return
            if self.dropped_at is None:
                self.dropped_at = time.time()
            await asyncio.sleep(0.2 + (hash(id(self)) % 800) / 1000)


def fresh() -> None:
    """This thread's next query on a connection from the pool (checked
    there), not on one it kept from before a fault."""
    import django.db

    django.db.connections.close_all()


class Load:
    def __init__(self, stage, *, viewers: int, people: list, tickets: int):
        from bench.common import live_roadshow

        self.stage = stage
        self.port = stage.port
        self.roadshow, self.room, self.asker = live_roadshow(viewers)
        self.venue = stage.roadshow("演练：稳定负载的报名", capacity=None)
        self.door = stage.roadshow("演练：稳定负载的签到", capacity=None, today=True)
        self.codes = stage.tickets(self.door, tickets) if tickets else []
        self.people = list(people)
        self.door_cookie = stage.session_of(self.asker)
        self.requests: list[Request] = []
        self.asked = 0
        self.refused: Counter = Counter()
        self.viewers = [Viewer(self.port, self.roadshow.pk) for _ in range(viewers)]
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []
        self.loop = asyncio.new_event_loop()

    # -- running ----------------------------------------------------------
    def start(self) -> None:
        for viewer in self.viewers:
            self.loop.create_task(viewer.run())
        self._thread(self.loop.run_forever)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any(v.seq is None for v in self.viewers):
            time.sleep(0.2)
        for path in ("/roadshows/", "/achievements/?q=%E7%94%B5%E6%B1%A0"):
            self._thread(self._reader, path)
        self._thread(self._registrant)
        self._thread(self._scanner)
        self._thread(self._ask_loop)

    def stop(self) -> None:
        self.stopping.set()
        for viewer in self.viewers:
            viewer.running = False
        for thread in self.threads[1:]:
            thread.join(60)
        self.loop.call_soon_threadsafe(self.loop.stop)

    def _thread(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self.threads.append(thread)

    def _paced(self, every: float, step) -> None:
        while not self.stopping.is_set():
            started = time.monotonic()
            step()
            self.stopping.wait(max(0.0, every - (time.monotonic() - started)))

    def _reader(self, path: str) -> None:
        client = Client(self.port)
        while not self.stopping.is_set():
            self.requests.append(client.request("read", "GET", path))
            time.sleep(0.05)

    def _registrant(self) -> None:
        client = Client(self.port)

        def step():
            if self.people:
                email, cookie = self.people.pop()
                self.requests.append(register(client, self.venue.pk, email, cookie))

        self._paced(0.5, step)

    def _scanner(self) -> None:
        client = Client(self.port)

        def step():
            if not self.codes:
                return
            body = json.dumps(
                {
                    "code": self.codes.pop(),
                    "door": "east",
                    "scan_id": uuid.uuid4().hex,
                    "confirm_off_day": True,
                }
            )
            self.requests.append(
                client.request(
                    "scan",
                    "POST",
                    f"/checkin/{self.door.pk}/scan/",
                    body=body,
                    headers={
                        "Cookie": self.door_cookie,
                        "X-CSRFToken": CSRF,
                        "Content-Type": "application/json",
                    },
                )
            )

        self._paced(1.0, step)

    def _ask_loop(self) -> None:
        import django.db

        from livestream.services import ask

        n = 0

        def step():
            nonlocal n
            try:
                ask(
                    user=self.asker,
                    room_id=self.room.pk,
                    text=f"演练问题 {n}",
                    client_id=f"d{n}",
                )
                self.asked += 1
            except Exception as error:  # noqa: BLE001 — counted, the drill reads it
                self.refused[type(error).__name__] += 1
                django.db.close_old_connections()
            n += 1

        self._paced(0.5, step)
        django.db.connections.close_all()

    # -- reading a window -------------------------------------------------
    def top(self) -> int:
        from livestream.models import RoomEvent

        fresh()
        return (
            RoomEvent.objects.filter(room=self.room)
            .order_by("-seq")
            .values_list("seq", flat=True)
            .first()
            or 0
        )

    def between(self, since: float, until: float) -> list[Request]:
        return [
            r for r in list(self.requests) if r.ended >= since and r.started <= until
        ]

    def events(self, after: int, upto: int, *, wait: float = 20) -> dict:
        """Lost and duplicated live events after ``after`` up to ``upto``
        (sequence numbers), over every viewer, once they caught up."""
        from livestream.models import RoomEvent

        fresh()
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and any(
            (v.seq or 0) < upto for v in self.viewers
        ):
            time.sleep(0.2)
        rows = RoomEvent.objects.filter(
            room=self.room, seq__gt=after, seq__lte=upto, audience="all"
        ).values_list("seq", "created_at")
        created = {seq: at.timestamp() for seq, at in rows}
        lost = dup = 0
        latency: dict[int, list[float]] = {seq: [] for seq in created}
        for viewer in self.viewers:
            seen = Counter()
            for seq, at in zip(viewer.seqs, viewer.arrived, strict=True):
                if seq in created:
                    if not seen[seq]:
                        latency[seq].append(at - created[seq])
                    seen[seq] += 1
            lost += len(created) - len(seen)
            dup += sum(n - 1 for n in seen.values())
        return {
            "lost": lost,
            "dup": dup,
            "events": len(created),
            "created": created,
            "latency": latency,
        }

    def resumes(self, since: float, until: float) -> list[float]:
        return sorted(
            seconds
            for v in self.viewers
            for dropped, seconds in v.resumes
            if since <= dropped <= until
        )
