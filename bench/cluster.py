"""Several Daphne workers on one database and one Redis, and a small TCP
balancer in front of them — what a deployment at scale looks like, for the
live-room tests and benchmarks.  The balancer hands each new connection to the
next worker that accepts it, so when a worker dies its clients reconnect to
the others through the same address."""

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Worker:
    def __init__(
        self,
        *,
        settings: str,
        env: dict,
        log: Path,
        cpus: str | None = None,
        app: str = "roadshow.asgi:application",
    ):
        self.port = free_port()
        command = [
            str(ROOT / ".venv" / "bin" / "python"),
            "-m",
            "roadshow.server",
            # Twisted listens with a backlog of 50 by default: a reconnect
            # storm overflows it.
            "-e",
            f"tcp:port={self.port}:interface=127.0.0.1:backlog=1024",
            "--access-log",
            os.devnull,
            app,
        ]
        if cpus is not None:
            command = ["taskset", "-c", cpus, *command]
        self.log = log
        self._log_file = log.open("w")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": settings},
            stdout=subprocess.DEVNULL,
            stderr=self._log_file,
        )

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/healthz", timeout=2
                )
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"Daphne did not start:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """Kill it as a crash would (no clean shutdown)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log_file.close()


class Balancer:
    """A round-robin TCP proxy on its own event loop thread."""

    def __init__(self, ports: list[int]):
        self.ports = list(ports)
        self.port = free_port()
        self._next = 0
        self.active = dict.fromkeys(self.ports, 0)  # open connections per worker
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._ready.wait(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", self.port)
        )
        self._ready.set()
        self._loop.run_forever()

    async def _handle(self, reader, writer) -> None:
        upstream = None
        for _ in range(len(self.ports)):
            port = self.ports[self._next % len(self.ports)]
            self._next += 1
            try:
                upstream = await asyncio.open_connection("127.0.0.1", port)
                break
            except OSError:
                continue
        if upstream is None:
            writer.close()
            return
        up_reader, up_writer = upstream
        self.active[port] += 1

        async def pipe(source, sink) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                with contextlib.suppress(Exception):
                    sink.close()

        try:
            await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        finally:
            self.active[port] -= 1

    def close(self) -> None:
        async def stop() -> None:
            self._server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self._loop.stop()

        asyncio.run_coroutine_threadsafe(stop(), self._loop)
        self._thread.join(10)
        self._loop.close()


@contextlib.contextmanager
def cluster(
    *,
    n: int,
    settings: str,
    env: dict,
    logs: Path,
    cpus: str | None = None,
    app: str = "roadshow.asgi:application",
):
    """``n`` Daphne workers behind a balancer; yields (workers, balancer)."""
    logs.mkdir(parents=True, exist_ok=True)
    workers = [
        Worker(
            settings=settings, env=env, log=logs / f"daphne-{i}.log", cpus=cpus, app=app
        )
        for i in range(n)
    ]
    balancer = None
    try:
        for worker in workers:
            worker.wait_ready()
        balancer = Balancer([w.port for w in workers])
        yield workers, balancer
    finally:
        if balancer is not None:
            balancer.close()
        for worker in workers:
            worker.stop()
