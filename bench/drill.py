"""`make drill`: fault drills against the production topology (issue #16),
each printing its figures, then one JSON line for all.

Drills here so far:

- ``redeploy``: `make cluster`'s topology (HAProxy, 2 web workers, a task
  worker) on a database and a Redis db of its own, with a steady load — 4
  clients reading pages, a live room with VIEWERS viewers through HAProxy
  and 2 questions a second — while every worker is restarted one at a time
  (scripts/cluster.py reload): failed HTTP requests, live events lost and
  duplicated, and how long the viewers of a restarted worker took to resume.

The Redis restart is drilled in the suite for now
(tests/livestream/test_redis_restart.py); the worker kill, the PostgreSQL
restart, the mail-server outage and the surge are still to come.

`DRILL_SHORT=1` (CI) uses fewer viewers and shorter phases."""

import asyncio
import importlib.util
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.common import live_roadshow

ROOT = Path(__file__).resolve().parent.parent
SHORT = os.environ.get("DRILL_SHORT") == "1"
VIEWERS = 50 if SHORT else 500
RATE = 2.0  # questions a second
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "roadshow_drill"
REDIS = os.environ.get("DRILL_REDIS", "redis://127.0.0.1:6379/3")
PORT = int(os.environ.get("DRILL_PORT", "8190"))
STATE = ROOT / "bench" / "out" / "drill-cluster"


def _cluster():
    spec = importlib.util.spec_from_file_location(
        "cluster_script", ROOT / "scripts" / "cluster.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cluster_cmd(*args: str) -> None:
    env = {
        **os.environ,
        "CLUSTER_STATE": str(STATE),
        "CLUSTER_DATABASE_URL": f"{PG}/{DB_NAME}",
        "CLUSTER_REDIS_URL": REDIS,
        "CLUSTER_PORT": str(PORT),
    }
    subprocess.run(
        [sys.executable, "scripts/cluster.py", *args], cwd=ROOT, env=env, check=True
    )


def _django(state: dict) -> None:
    """This process on the cluster's database, Redis and secret key."""
    cluster = _cluster()
    cluster.STATE = STATE
    os.environ.update(cluster.environment(state))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    # The drill asks from one account, faster than a person may.
    settings.LIVE_RATE_LIMITS = {"ask": (10**9, 60)}


class Viewer:
    """A live-room viewer that reconnects (as the page does) and resumes."""

    def __init__(self, port: int, roadshow_id: int):
        self.port = port
        self.roadshow_id = roadshow_id
        self.seq = None
        self.seqs: list[int] = []
        self.dropped_at: float | None = None
        self.resumes: list[float] = []
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
                        frame = json.loads(text)
                        if self.dropped_at is not None and frame["t"] in (
                            "snapshot",
                            "events",
                        ):
                            self.resumes.append(time.monotonic() - self.dropped_at)
                            self.dropped_at = None
                        if frame["t"] == "snapshot":
                            self.seq = frame["seq"]
                        elif frame["t"] == "events":
                            self.seqs.extend(e["seq"] for e in frame["events"])
                            self.seq = frame["seq"]
                        if not self.running:
                            return
            except Exception:  # noqa: BLE001 — a refused or dropped socket: retry
                pass
            if not self.running:
                return
            if self.dropped_at is None:
                self.dropped_at = time.monotonic()
            await asyncio.sleep(0.2 + (hash(id(self)) % 800) / 1000)


def _http_load(port: int, stop: threading.Event, result: dict) -> list:
    def run():
        while not stop.is_set():
            for path in ("/roadshows/", "/achievements/?q=%E7%94%B5%E6%B1%A0"):
                try:
                    with urllib.request.urlopen(
                        f"http://127.0.0.1:{port}{path}", timeout=20
                    ) as response:
                        response.read()
                        result["ok"] += 1
                except urllib.error.HTTPError as error:
                    result["failed"].append(error.code)
                except Exception as error:  # noqa: BLE001
                    result["failed"].append(type(error).__name__)

    threads = [threading.Thread(target=run, daemon=True) for _ in range(4)]
    for thread in threads:
        thread.start()
    return threads


def _ask_loop(room_id: int, user, stop: threading.Event, asked: list) -> None:
    import django.db

    from livestream.services import ask

    n = 0
    while not stop.is_set():
        started = time.monotonic()
        try:
            ask(user=user, room_id=room_id, text=f"演练问题 {n}", client_id=f"d{n}")
            asked.append(n)
        except Exception as error:  # noqa: BLE001
            print(f"  ask {n} refused: {error}", flush=True)
        n += 1
        time.sleep(max(0.0, 1 / RATE - (time.monotonic() - started)))
    django.db.connections.close_all()


def redeploy() -> dict:
    _cluster_cmd("down")
    _cluster_cmd("up", "--no-demo")
    state = json.loads((STATE / "state.json").read_text())
    _django(state)
    from livestream.models import RoomEvent

    roadshow, room, user = live_roadshow(VIEWERS)
    viewers = [Viewer(PORT, roadshow.pk) for _ in range(VIEWERS)]
    http = {"ok": 0, "failed": []}
    stop = threading.Event()
    asked: list = []
    loop = asyncio.new_event_loop()
    tasks = [loop.create_task(v.run()) for v in viewers]
    runner = threading.Thread(target=loop.run_forever, daemon=True)
    runner.start()
    time.sleep(5 if SHORT else 10)  # everyone in
    _http_load(PORT, stop, http)
    asker = threading.Thread(target=_ask_loop, args=(room.pk, user, stop, asked))
    asker.start()
    time.sleep(5)
    started = time.monotonic()
    _cluster_cmd("reload")
    reload_s = time.monotonic() - started
    time.sleep(10)
    stop.set()
    asker.join()
    top = (
        RoomEvent.objects.filter(room=room)
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
        or 0
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any((v.seq or 0) < top for v in viewers):
        time.sleep(0.2)
    for viewer in viewers:
        viewer.running = False
    loop.call_soon_threadsafe(loop.stop)
    lost = sum(len(set(range(1, top + 1)) - set(v.seqs)) for v in viewers)
    dup = sum(len(v.seqs) - len(set(v.seqs)) for v in viewers)
    resumes = sorted(r for v in viewers for r in v.resumes)
    figures = {
        "http_ok": http["ok"],
        "http_failed": len(http["failed"]),
        "lost": lost,
        "dup": dup,
        "events": top,
        "viewers": VIEWERS,
        "resumed": len(resumes),
        "resume_s_max": round(resumes[-1], 2) if resumes else 0.0,
        "reload_s": round(reload_s, 1),
    }
    print(f"redeploy: {figures}; failures: {http['failed'][:10]}", flush=True)
    for task in tasks:
        task.cancel()
    _cluster_cmd("down")
    return figures


def main() -> int:
    results = {"bench": "drill", "redeploy": redeploy()}
    print(json.dumps(results))
    r = results["redeploy"]
    ok = r["http_failed"] == 0 and r["lost"] == 0 and r["dup"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
