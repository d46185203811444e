"""Live-room fan-out: N viewers (500, 2,000) in one room, split over two Daphne
workers on Redis and PostgreSQL, the workers pinned to one core and the
clients (this process) to the other.  For each N: 60 s at 2 events/s, then
the rate stepped up to find the highest the server sustains with p99 < 1 s.
Beside it in the same run, at 2 events/s: (a) a stock Channels consumer that
``group_send``s every event, (b) a bare ASGI broadcast app on Daphne.

Figures: server CPU per viewer per event (both workers' user+system time over
the window), publish-to-delivery latency p50/p99, lost and duplicated events
(every viewer checks every sequence number), memory per idle connection.
The clients parse only WebSocket framing and the sequence number, so the
client side is not the bottleneck.  Daphne does not compress frames.

Environment: LIVE_BENCH_SECONDS (60), LIVE_BENCH_VIEWERS ("500,2000"),
LIVE_BENCH_STEP_SECONDS (10), LIVE_BENCH_STEPS (the rates stepped through,
"5,10,20,40,80,160"), LIVE_BENCH_SYSTEMS ("platform,stock,bare").  The
reconnect storm after an overload alone, in a few minutes (LIVE_BENCH_STORM_LIMIT,
180 s, ends a storm that is not over)::

    LIVE_BENCH_SYSTEMS=platform LIVE_BENCH_VIEWERS=2000 LIVE_BENCH_SECONDS=5 \
        LIVE_BENCH_STEPS=160 python -m bench live
"""

import asyncio
import base64
import json
import os
import random
import re
import sys
import time
import uuid

from bench.cluster import cluster
from bench.common import OUT, database_url, django_setup, live_roadshow, percentile

SECONDS = float(os.environ.get("LIVE_BENCH_SECONDS", "60"))
VIEWERS = [int(v) for v in os.environ.get("LIVE_BENCH_VIEWERS", "500,2000").split(",")]
STEP_SECONDS = float(os.environ.get("LIVE_BENCH_STEP_SECONDS", "10"))
# For looking at one system alone; the JSON line needs all three.
SYSTEMS = os.environ.get("LIVE_BENCH_SYSTEMS", "platform,stock,bare").split(",")
STEP_RATES = [
    float(r) for r in os.environ.get("LIVE_BENCH_STEPS", "5,10,20,40,80,160").split(",")
]
BASE_RATE = 2.0
# A reconnect storm not over after this long is reported as such.
STORM_LIMIT = float(os.environ.get("LIVE_BENCH_STORM_LIMIT", "180"))
DRAIN = 5.0  # seconds an event may take to arrive before it counts as lost
REDIS_URL = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/5")
SERVER_CPU, CLIENT_CPU = "0", {1}
EVENTS_PREFIX = b'{"v":1,"t":"events","seq":'
EVENT_SEQ = re.compile(rb'\{"seq":(\d+),"kind":')
TICK = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- the clients


class Viewer(asyncio.Protocol):
    """A WebSocket client that reads frames, answers pings, and records the
    sequence number and arrival time of every events frame."""

    def __init__(self, host: str, path: str, opened: asyncio.Future, cookie: str = ""):
        self.host, self.path, self.opened, self.cookie = host, path, opened, cookie
        self.buffer = bytearray()
        self.handshaken = False
        self.seen: list[tuple[int, float]] = []
        self.transport = None
        self.closed = False
        self.frames = 0

    def connection_made(self, transport) -> None:
        self.transport = transport
        key = base64.b64encode(os.urandom(16)).decode()
        transport.write(
            (
                f"GET {self.path} HTTP/1.1\r\nHost: {self.host}\r\n"
                f"Origin: http://{self.host}\r\nUpgrade: websocket\r\n"
                "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                f"Sec-WebSocket-Key: {key}\r\n"
                + (f"Cookie: sessionid={self.cookie}\r\n" if self.cookie else "")
                + "\r\n"
            ).encode()
        )

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        self.buffer += data
        if not self.handshaken:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            status = bytes(self.buffer[:12])
            del self.buffer[: end + 4]
            self.handshaken = True
            if not self.opened.done():
                if b" 101" in status:
                    self.opened.set_result(True)
                else:
                    self.opened.set_exception(
                        RuntimeError(status.decode(errors="replace"))
                    )
        buf = self.buffer
        while len(buf) >= 2:
            opcode = buf[0] & 0x0F
            length = buf[1] & 0x7F
            start = 2
            if length == 126:
                if len(buf) < 4:
                    return
                length = int.from_bytes(buf[2:4], "big")
                start = 4
            elif length == 127:
                if len(buf) < 10:
                    return
                length = int.from_bytes(buf[2:10], "big")
                start = 10
            if len(buf) < start + length:
                return
            if opcode == 1:
                self.frames += 1
            if opcode == 1 and buf[start : start + len(EVENTS_PREFIX)] == EVENTS_PREFIX:
                # A frame may carry several events: every one is counted.
                for seq in EVENT_SEQ.findall(buf, start, start + length):
                    self.seen.append((int(seq), now))
            elif opcode == 9:  # ping → pong (masked, as a client must)
                self.transport.write(
                    client_frame(bytes(buf[start : start + length]), 0xA)
                )
            elif opcode == 8:
                self.closed = True
            del buf[: start + length]

    def connection_lost(self, exc) -> None:
        self.closed = True
        if not self.opened.done():
            self.opened.set_exception(RuntimeError("connection lost"))


def deliveries(viewers, marks, published: dict[int, float]) -> dict:
    """Lost, duplicated and delivered events (and each delivery's latency in
    ms) of the events ``published`` (seq -> time), counted in each viewer's
    frames after its ``mark``."""
    lost = duplicated = delivered = 0
    latencies: list[float] = []
    for viewer, mark in zip(viewers, marks, strict=True):
        got: dict[int, float] = {}
        for seq, at in viewer.seen[mark:]:
            if seq not in published:
                continue
            if seq in got:
                duplicated += 1
                continue
            got[seq] = at
            latencies.append((at - published[seq]) * 1000)
        lost += len(published) - len(got)
        delivered += len(got)
    return {
        "lost": lost,
        "duplicated": duplicated,
        "delivered": delivered,
        "latencies": latencies,
    }


async def open_viewers(
    ports: list[int], path: str, n: int, at_once: int = 64
) -> list[Viewer]:
    loop = asyncio.get_running_loop()
    viewers: list[Viewer] = []
    gate = asyncio.Semaphore(at_once)

    async def one(i: int) -> None:
        port = ports[i % len(ports)]
        async with gate:
            for attempt in range(5):  # a refused handshake is tried again
                opened = loop.create_future()
                viewer = Viewer(f"127.0.0.1:{port}", path, opened)
                try:
                    await loop.create_connection(lambda v=viewer: v, "127.0.0.1", port)
                    await asyncio.wait_for(opened, 30)
                except (OSError, RuntimeError, TimeoutError):
                    if attempt == 4:
                        raise
                    if viewer.transport is not None:
                        viewer.transport.close()
                    await asyncio.sleep(0.5 + random.random())
                    continue
                viewers.append(viewer)
                return

    await asyncio.gather(*(one(i) for i in range(n)))
    return viewers


async def reconnect_storm(
    ports: list[int], path: str, n: int
) -> tuple[list, int, dict[str, int]]:
    """``n`` viewers reconnecting in the same instant; one that cannot connect
    tries again after a jittered, doubling delay, as the room's script does.
    Returns the viewers, the number of retries and why they were needed."""
    loop = asyncio.get_running_loop()
    retries = 0
    why: dict[str, int] = {}
    deadline = loop.time() + STORM_LIMIT

    async def one(i: int) -> Viewer | None:
        nonlocal retries
        delay = 0.5
        while loop.time() < deadline:
            port = ports[i % len(ports)]
            opened = loop.create_future()
            try:
                viewer = Viewer(f"127.0.0.1:{port}", path, opened)
                await loop.create_connection(lambda v=viewer: v, "127.0.0.1", port)
                await asyncio.wait_for(opened, 30)
                return viewer
            except (OSError, RuntimeError, TimeoutError) as error:
                retries += 1
                reason = str(error)[:40] or type(error).__name__
                why[reason] = why.get(reason, 0) + 1
                await asyncio.sleep(delay / 2 + random.random() * delay / 2)
                delay = min(delay * 2, 30)
        return None  # given up: counted as not back

    viewers = await asyncio.gather(*(one(i) for i in range(n)))
    return [v for v in viewers if v is not None], retries, why


def close_viewers(viewers: list[Viewer]) -> None:
    for viewer in viewers:
        viewer.transport.close()


# ---------------------------------------------------------------- measuring


async def settle(pids: list[int], limit: float = 90) -> float | None:
    """Wait until the workers are idle (a backlog from the step before
    drained); how long that took, or None if they were still busy."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    deadline = start + limit
    while loop.time() < deadline:
        before = cpu_seconds(pids)
        await asyncio.sleep(1)
        if cpu_seconds(pids) - before < 0.05:
            return round(loop.time() - start, 1)
    return None


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / TICK


def rss_kb(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


# ---------------------------------------------------------------- publishers


class Publisher:
    """Publishes events at a steady rate from the benchmark's event loop;
    ``run`` returns the burst's sequence number → publish time."""

    async def run(self, rate: float, seconds: float) -> dict[int, float]:
        loop = asyncio.get_running_loop()
        start = loop.time()
        sent: list[tuple[object, float]] = []
        n = 0
        tasks = []
        while n / rate < seconds:
            delay = start + n / rate - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            key = self.next_key()
            at = time.monotonic()
            tasks.append(asyncio.ensure_future(self.publish(key)))
            sent.append((key, at))
            n += 1
        await asyncio.gather(*tasks)
        return await self.sequence_numbers(sent)

    def next_key(self):
        self.counter = getattr(self, "counter", 0) + 1
        return self.counter

    async def sequence_numbers(self, sent) -> dict[int, float]:
        return dict(sent)


class PlatformPublisher(Publisher):
    """A signed-in user asking questions over the room's WebSocket, as people
    do: the worker writes each (row, event, commit) and then broadcasts it."""

    def __init__(self, port: int, roadshow_id: int, room_id: int, session: str):
        self.port, self.roadshow_id, self.room_id, self.session = (
            port,
            roadshow_id,
            room_id,
            session,
        )
        self.transport = None

    async def connect(self) -> None:
        loop = asyncio.get_running_loop()
        opened = loop.create_future()
        host = f"127.0.0.1:{self.port}"
        viewer = Viewer(
            host, f"/ws/live/{self.roadshow_id}/", opened, cookie=self.session
        )
        self.transport, _ = await loop.create_connection(
            lambda: viewer, "127.0.0.1", self.port
        )
        await asyncio.wait_for(opened, 30)

    def next_key(self):
        return uuid.uuid4().hex

    async def publish(self, cid) -> None:
        frame = json.dumps(
            {
                "v": 1,
                "t": "ask",
                "cid": cid,
                "text": f"基准测试问题 {cid[:8]}：量产成本与授权方式？",
            },
            ensure_ascii=False,
        ).encode()
        self.transport.write(client_frame(frame))

    async def sequence_numbers(self, sent) -> dict[int, float]:
        from channels.db import database_sync_to_async

        from livestream.models import RoomEvent

        at = dict(sent)
        await asyncio.sleep(DRAIN)  # every write committed

        def lookup():
            rows = RoomEvent.objects.filter(
                room_id=self.room_id, data__cid__in=list(at)
            )
            return {seq: at[cid] for seq, cid in rows.values_list("seq", "data__cid")}

        return await database_sync_to_async(lookup)()


def client_frame(payload: bytes, opcode: int = 0x1) -> bytes:
    """A masked WebSocket frame, as a client must send."""
    mask = os.urandom(4)
    size = len(payload)
    if size < 126:
        head = bytes([0x80 | opcode, 0x80 | size])
    elif size < 65536:
        head = bytes([0x80 | opcode, 0x80 | 126]) + size.to_bytes(2, "big")
    else:
        head = bytes([0x80 | opcode, 0x80 | 127]) + size.to_bytes(8, "big")
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + mask + masked


def _frame(seq: int) -> str:
    data = {
        "id": seq,
        "text": f"基准测试问题 {seq}：量产成本与授权方式？",
        "author": "测试用户",
        "anonymous": False,
        "slot": 1,
        "achievement": 1,
        "status": "approved",
        "votes": 0,
        "answered": False,
        "created": "2026-11-23T08:00:00+00:00",
        "cid": uuid.uuid4().hex,
    }
    return json.dumps(
        {
            "v": 1,
            "t": "events",
            "seq": seq,
            "events": [{"seq": seq, "kind": "question", "data": data}],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


class StockPublisher(Publisher):
    async def publish(self, seq) -> None:
        from channels.layers import get_channel_layer

        from bench.live_apps import STOCK_GROUP

        await get_channel_layer().group_send(
            STOCK_GROUP, {"type": "live.event", "text": _frame(seq)}
        )


class BarePublisher(Publisher):
    def __init__(self) -> None:
        import redis.asyncio as redis

        self.client = redis.from_url(REDIS_URL)

    async def publish(self, seq) -> None:
        from bench.live_apps import BARE_CHANNEL

        await self.client.publish(BARE_CHANNEL, _frame(seq))


# ---------------------------------------------------------------- one system


async def measure(
    *,
    name: str,
    ports: list[int],
    pids: list[int],
    path: str,
    n: int,
    publisher: Publisher,
    steps: bool,
) -> dict:
    await settle(pids)
    rss_before = rss_kb(pids)
    t0 = time.monotonic()
    viewers = await open_viewers(ports, path, n)
    connect_s = time.monotonic() - t0
    await asyncio.sleep(3)  # settle: first frames, presence
    kb_per_connection = (rss_kb(pids) - rss_before) / n
    result = {
        "system": name,
        "viewers": n,
        "connect_s": round(connect_s, 1),
        "kb_per_connection": round(kb_per_connection, 1),
    }

    async def burst(rate: float, seconds: float) -> dict:
        await settle(pids)
        marks = [len(v.seen) for v in viewers]
        cpu0 = cpu_seconds(pids)
        published = await publisher.run(rate, seconds)
        await asyncio.sleep(DRAIN)
        cpu = cpu_seconds(pids) - cpu0
        got = deliveries(viewers, marks, published)
        lost, duplicated = got["lost"], got["duplicated"]
        delivered, latencies = got["delivered"], got["latencies"]
        events = len(published)
        # The slowest events: when to the last viewer (a pause on the server
        # delays every viewer of one event; a slow client only its own).
        last_at: dict[int, float] = {}
        for viewer, mark in zip(viewers, marks, strict=True):
            for seq, at in viewer.seen[mark:]:
                if seq in published:
                    last_at[seq] = max(last_at.get(seq, 0.0), at)
        slowest = sorted(
            ((round((at - published[seq]) * 1000), seq) for seq, at in last_at.items()),
            reverse=True,
        )[:3]
        return {
            "events_per_s": rate,
            "events": events,
            "lost": lost,
            "duplicated": duplicated,
            "p50_ms": round(percentile(latencies, 50), 1) if latencies else None,
            "p99_ms": round(percentile(latencies, 99), 1) if latencies else None,
            # Server CPU per event delivered to one viewer (an event a system
            # dropped costs it nothing, so it is not counted).
            "delivered": delivered,
            "us_per_viewer": round(cpu / delivered * 1e6, 1) if delivered else None,
            "slowest_events_ms": [ms for ms, _seq in slowest],
        }

    base = await burst(BASE_RATE, SECONDS)
    result.update(base)
    print(
        f"  {name:>9} {n:>5} viewers @ {BASE_RATE:g}/s: {json.dumps(base, ensure_ascii=False)}",
        flush=True,
    )
    if steps:
        best = BASE_RATE if (base["p99_ms"] or 1e9) < 1000 and base["lost"] == 0 else 0
        for rate in STEP_RATES:
            step = await burst(rate, STEP_SECONDS)
            print(
                f"  {name:>9} {n:>5} viewers @ {rate:g}/s: {json.dumps(step, ensure_ascii=False)}",
                flush=True,
            )
            if step["lost"] or step["duplicated"] or (step["p99_ms"] or 1e9) >= 1000:
                break
            best = rate
        result["max_events_per_s"] = best
        # A reconnect storm: half the audience drops and comes back at once.
        storm = len(viewers) // 2
        last = max((v.seen[-1][0] for v in viewers[:storm] if v.seen), default=0)
        close_viewers(viewers[:storm])
        viewers = viewers[storm:]
        settled_s = await settle(pids)
        t0 = time.monotonic()
        back, retries, why = await reconnect_storm(ports, f"{path}?last={last}", storm)
        while any(not v.frames and not v.closed for v in back):  # resumed
            if time.monotonic() - t0 > STORM_LIMIT:
                break
            await asyncio.sleep(0.05)
        result["storm"] = {
            "viewers": storm,
            "back": sum(bool(v.frames) for v in back),
            "settled_s": settled_s,
            "all_back_s": round(time.monotonic() - t0, 1),
            "retries": retries,
            "retried_because": why,
            "closed_after": sum(v.closed for v in back),
        }
        print(f"  {name:>9} reconnect storm: {json.dumps(result['storm'])}", flush=True)
        viewers += back
    close_viewers(viewers)
    await asyncio.sleep(2)
    return result


# ---------------------------------------------------------------- the run


def session_of(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def run_size(n, roadshow_id, room_id, session, ports, pids) -> list[dict]:
    platform = PlatformPublisher(ports[0], roadshow_id, room_id, session)
    await platform.connect()
    return [
        await measure(
            name=name,
            ports=ports,
            pids=pids,
            path=path,
            n=n,
            publisher=publisher,
            steps=steps,
        )
        for name, path, publisher, steps in (
            ("platform", f"/ws/live/{roadshow_id}/", platform, True),
            ("stock", "/ws/bench/stock/", StockPublisher(), False),
            ("bare", "/ws/bench/bare/", BarePublisher(), False),
        )
        if name in SYSTEMS
    ]


def compare(by: dict, top: int) -> tuple[str, dict]:
    """The comparison line and the JSON summary of a full run at ``top``
    viewers.  A system that delivered nothing (the stock consumer at 2,000
    viewers, whose full channels drop every event) has no cost per delivery:
    its figure is null, its deliveries 0 and its ratio "n/a", never a crash."""
    ours, stock, bare = by[("platform", top)], by[("stock", top)], by[("bare", top)]

    def ratio(a, b) -> str:
        if a is None or b is None:
            return "n/a (delivered nothing)"
        return f"{a / b:.2f}"

    line = (
        f"at {top} viewers: platform/bare CPU ratio "
        f"{ratio(ours['us_per_viewer'], bare['us_per_viewer'])} (target ≤ 1.5); "
        f"stock/platform {ratio(stock['us_per_viewer'], ours['us_per_viewer'])}× "
        "(target ≥ 3)"
    )
    summary = {
        "bench": "live",
        "viewers": top,
        "events_per_s": BASE_RATE,
        "lost": ours["lost"],
        "duplicated": ours["duplicated"],
        "p50_ms": ours["p50_ms"],
        "p99_ms": ours["p99_ms"],
        "max_events_per_s": ours.get("max_events_per_s"),
        "us_per_viewer": ours["us_per_viewer"],
        "bare_us_per_viewer": bare["us_per_viewer"],
        "stock_us_per_viewer": stock["us_per_viewer"],
        "bare_delivered": bare.get("delivered"),
        "stock_delivered": stock.get("delivered"),
        "kb_per_connection": ours["kb_per_connection"],
        "storm": ours.get("storm"),
    }
    return line, summary


def main() -> int:
    os.environ["REDIS_URL"] = REDIS_URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    django_setup("postgresql")
    from bench.common import remove_roadshows

    os.sched_setaffinity(0, CLIENT_CPU)
    env = {
        "DATABASE_URL": database_url("postgresql"),
        "REDIS_URL": REDIS_URL,
        "DB_POOL_MAX": "8",
    }
    results = []
    made = []
    with cluster(
        n=2,
        settings="bench.settings",
        env=env,
        logs=OUT / "live",
        cpus=SERVER_CPU,
        app="bench.live_apps:application",
    ) as (workers, _balancer):
        ports = [w.port for w in workers]
        pids = [w.process.pid for w in workers]
        for n in VIEWERS:
            roadshow, room, user = live_roadshow(n)
            made.append(roadshow.pk)
            session = session_of(user)
            results.extend(
                asyncio.run(run_size(n, roadshow.pk, room.pk, session, ports, pids))
            )
    remove_roadshows(pks=made)
    by = {(r["system"], r["viewers"]): r for r in results}
    print()
    print(
        f"{'system':>9} {'viewers':>7} {'µs/viewer':>10} {'p50 ms':>8} {'p99 ms':>8} {'lost':>6} {'dup':>4} {'KB/conn':>8}"
    )
    for r in results:
        print(
            f"{r['system']:>9} {r['viewers']:>7} {r['us_per_viewer']!s:>10} {r['p50_ms']!s:>8} "
            f"{r['p99_ms']!s:>8} {r['lost']:>6} {r['duplicated']:>4} {r['kb_per_connection']:>8}"
        )
    top = max(VIEWERS)
    if set(SYSTEMS) != {"platform", "stock", "bare"}:
        return 0  # a partial run has no comparison to print
    line, summary = compare(by, top)
    print(line)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    random.seed(1)
    sys.exit(main())
