"""Services of our own to break: a throwaway Redis, a throwaway PostgreSQL
cluster and an SMTP sink, each on a port of its own, so that a drill or a
test may stop and restart them while the machine's services — which
everything else uses — are never touched."""

import asyncio
import email
import email.policy
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections import Counter

from bench.cluster import free_port


class ThrowawayRedis:
    """A ``redis-server`` that keeps nothing (as production's is assumed to
    after a restart): ``start``, ``stop`` (a crash: SIGKILL), ``start`` again
    on the same port."""

    def __init__(self, port: int | None = None):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            raise FileNotFoundError("redis-server is not installed")
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.command("PING") == "+PONG":
                return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def command(self, *words: str) -> str | None:
        """One inline command's first reply line, or None when unreachable."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall((" ".join(words) + "\r\n").encode())
                return s.recv(256).split(b"\r\n", 1)[0].decode()
        except OSError:
            return None

    def __enter__(self) -> "ThrowawayRedis":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class ThrowawayPostgres:
    """A PostgreSQL cluster of its own (Debian's ``initdb`` and ``pg_ctl``) in
    a temporary directory, on another port, trusting local connections:
    ``start``, ``stop`` (``immediate``: a crash, or ``fast``: a restart),
    ``start`` again on the same port and data; ``remove`` deletes it all.
    PostgreSQL refuses to run as root: as root it runs as ``postgres``."""

    def __init__(self, port: int | None = None):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        binary = shutil.which("initdb") or (found[-1] if found else None)
        if binary is None:
            raise FileNotFoundError("initdb is not installed (Debian's postgresql)")
        self.bin = os.path.dirname(binary)
        self.port = port or free_port()
        self.user = "postgres" if os.geteuid() == 0 else None
        self.directory = tempfile.mkdtemp(prefix="throwaway-pg-")
        if self.user:
            shutil.chown(self.directory, self.user, self.user)
        self.data = os.path.join(self.directory, "data")
        self._run(
            "initdb",
            "-D",
            self.data,
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, program: str, *args: str) -> None:
        result = subprocess.run(
            [os.path.join(self.bin, program), *args],
            user=self.user,
            group=self.user,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{program} failed: {result.stdout}{result.stderr}")

    def start(self, timeout: float = 30) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.directory} -c max_connections=300 "
            # A crash of PostgreSQL, not of the machine, is drilled: what
            # reached the kernel survives without fsync.
            "-c fsync=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl",
            "-D",
            self.data,
            "-o",
            options,
            "-l",
            os.path.join(self.directory, "log"),
            "-w",
            "-t",
            str(int(timeout)),
            "start",
        )

    def stop(self, mode: str = "immediate") -> None:
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def remove(self) -> None:
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            try:
                self.stop()
            except RuntimeError:
                pass
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> "ThrowawayPostgres":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


class SmtpSink:
    """A mail server that keeps nothing but counts: every message it accepted,
    by Message-ID, with its recipients.  ``down`` stops listening (a mail
    server away: connections refused), ``up`` listens again, ``delay`` makes
    each message take that many seconds (a slow server).  Runs on a thread of
    its own; speaks just enough SMTP for Django's backend (no TLS, no auth)."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.delay = 0.0
        self.received: Counter = Counter()  # Message-ID -> times accepted
        self.recipients: dict[str, list[str]] = {}
        self.subjects: dict[str, str] = {}
        self._lock = threading.Lock()
        self._server: asyncio.base_events.Server | None = None
        self._writers: set = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

    # Control, from any thread.
    def up(self) -> None:
        if self._server is None:
            self._call(self._listen())

    def down(self) -> None:
        if self._server is not None:
            self._call(self._close())

    def close(self) -> None:
        self.down()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def _call(self, coroutine) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(
            self._session, "127.0.0.1", self.port, reuse_address=True
        )

    async def _close(self) -> None:
        server, self._server = self._server, None
        server.close()
        # Connections in the middle of a message end too.
        for writer in list(self._writers):
            writer.transport.abort()

    def to(self, address: str) -> list[str]:
        """Message-IDs of every message accepted for this address (once each)."""
        with self._lock:
            return [mid for mid, rcpts in self.recipients.items() if address in rcpts]

    def counts(self) -> Counter:
        with self._lock:
            return Counter(self.received)

    async def _session(self, reader, writer) -> None:
        def reply(line: str) -> None:
            writer.write(line.encode() + b"\r\n")

        self._writers.add(writer)
        reply("220 sink ESMTP")
        rcpts: list[str] = []
        try:
            while line := await reader.readline():
                verb = line[:4].decode("ascii", "replace").upper()
                if verb == "EHLO":
                    writer.write(b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                elif verb == "HELO":
                    reply("250 sink")
                elif verb == "MAIL":
                    rcpts = []
                    reply("250 OK")
                elif verb == "RCPT":
                    address = line.decode("utf-8", "replace").split(":", 1)[1]
                    rcpts.append(address.strip().strip("<>").split(">")[0])
                    reply("250 OK")
                elif verb == "DATA":
                    reply("354 go ahead")
                    await writer.drain()
                    lines = []
                    while (chunk := await reader.readline()) not in (b".\r\n", b""):
                        lines.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                    if self.delay:
                        await asyncio.sleep(self.delay)
                    self._accept(b"".join(lines), rcpts)
                    reply("250 OK accepted")
                elif verb == "QUIT":
                    reply("221 bye")
                    await writer.drain()
                    break
                else:  # RSET, NOOP and the rest
                    reply("250 OK")
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    def _accept(self, data: bytes, rcpts: list[str]) -> None:
        message = email.message_from_bytes(data, policy=email.policy.default)
        mid = str(message.get("Message-ID", "")).strip()
        with self._lock:
            self.received[mid] += 1
            self.recipients.setdefault(mid, []).extend(
                r for r in rcpts if r not in self.recipients.get(mid, [])
            )
            self.subjects[mid] = str(message.get("Subject", ""))

    def __enter__(self) -> "SmtpSink":
        self.up()
        return self

    def __exit__(self, *exc) -> None:
        self.close()
