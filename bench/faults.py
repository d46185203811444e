"""Services of our own to break: a throwaway Redis on a port of its own, so
that a drill or a test may stop and restart it while the machine's Redis —
which everything else uses — is never touched."""

import shutil
import socket
import subprocess
import time

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
