"""Live-room clients for tests against real Daphne workers (see bench.cluster)."""

import asyncio
import contextlib
import json
import os
from pathlib import Path

from django.db import connection
from django.test import Client as HttpClient
from websockets.asyncio.client import connect

from bench.cluster import cluster

WORKER_APP = "roadshow-test-worker"


def worker_env() -> dict:
    """The test database and Redis, for worker processes."""
    s = connection.settings_dict
    url = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    return {
        "DATABASE_URL": url,
        "REDIS_URL": os.environ["REDIS_URL"],
        "PGAPPNAME": WORKER_APP,
    }


@contextlib.contextmanager
def workers(n: int, tmp_path: Path, **env: str):
    """``n`` Daphne workers on the test database and Redis (``env``: more
    environment for them)."""
    try:
        with cluster(
            n=n,
            settings="roadshow.settings.test",
            env={**worker_env(), **env},
            logs=tmp_path,
        ) as running:
            yield running
    finally:
        # A killed worker's sessions may linger a moment: end them, so the
        # test database can be flushed and dropped.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND application_name = %s",
                [WORKER_APP],
            )


def session_of(user) -> str:
    client = HttpClient()
    client.force_login(user)
    return client.cookies["sessionid"].value


class Viewer:
    """A WebSocket viewer that records every event it receives."""

    def __init__(self, roadshow_id: int, session: str | None = None):
        self.roadshow_id = roadshow_id
        self.session = session
        self.seq = None
        self.events: list[dict] = []
        self.frames: asyncio.Queue = asyncio.Queue()
        self.presence = 0
        self.snapshots = 0
        self.ws = None
        self.reader = None

    async def connect(self, port: int) -> dict:
        path = f"/ws/live/{self.roadshow_id}/"
        if self.seq is not None:
            path += f"?last={self.seq}"
        headers = {"Cookie": f"sessionid={self.session}"} if self.session else None
        self.ws = await connect(
            f"ws://127.0.0.1:{port}{path}",
            origin=f"http://127.0.0.1:{port}",
            additional_headers=headers,
        )
        self.reader = asyncio.ensure_future(self._read())
        return await self.frame(lambda f: f["t"] in ("snapshot", "events"))

    async def _read(self) -> None:
        try:
            async for text in self.ws:
                frame = json.loads(text)
                if frame["t"] == "snapshot":
                    self.snapshots += 1
                    self.seq = frame["seq"]
                elif frame["t"] == "events":
                    self.events.extend(frame["events"])
                    self.seq = frame["seq"]
                elif frame["t"] == "presence":
                    self.presence = frame["count"]
                await self.frames.put(frame)
        except Exception:
            pass

    async def frame(self, predicate, timeout: float = 10) -> dict:
        async def wait():
            while True:
                frame = await self.frames.get()
                if predicate(frame):
                    return frame

        return await asyncio.wait_for(wait(), timeout)

    async def send(self, **frame) -> dict:
        ref = frame.setdefault("ref", os.urandom(6).hex())
        await self.ws.send(json.dumps({"v": 1, **frame}))
        return await self.frame(lambda f: f.get("ref") == ref)

    async def until(self, condition, timeout: float = 10) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            if loop.time() > deadline:
                raise AssertionError("condition not met in time")
            await asyncio.sleep(0.05)

    def seqs(self) -> list[int]:
        return [e["seq"] for e in self.events]

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            self.reader.cancel()
