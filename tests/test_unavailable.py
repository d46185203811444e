"""A worker whose database is unreachable (a failover, a restart) answers
each request with a clear 503 in both languages — JSON for the API — and
Retry-After; never a stack trace, never a 500."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bench.cluster import free_port

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def worker_without_database(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "roadshow.settings.test",
        # Nobody listens there: every connection is refused.
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/nothing",
        "DB_POOL": "0",
    }
    env.pop("REDIS_URL", None)
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "roadshow.server",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "roadshow.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    yield port
    process.terminate()
    process.wait(timeout=20)
    log.close()


def _get(port: int, path: str):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Accept-Language": "zh-hans"}
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_pages_and_the_api_say_unavailable_while_the_database_is_down(
    worker_without_database,
):
    # A 404 reaches the database in a middleware (Wagtail's redirects).
    for path in ("/", "/roadshows/", "/achievements/", "/no-such-page/"):
        status, headers, body = _get(worker_without_database, path)
        assert status == 503, (path, status, body[:300])
        assert headers["Retry-After"] == "10"
        assert "服务暂时不可用" in body and "Service unavailable" in body
        assert "Traceback" not in body and "OperationalError" not in body
    status, headers, body = _get(worker_without_database, "/api/v1/achievements")
    assert (status, headers["Content-Type"]) == (503, "application/json")
    assert '"error": "unavailable"' in body
    # Alive, so the balancer keeps it (the page above is the worker's own);
    # not ready, so a deploy waits.
    status, _headers, body = _get(worker_without_database, "/healthz")
    assert status == 200
    status, _headers, body = _get(worker_without_database, "/readyz")
    assert status == 503 and '"database": "error: OperationalError"' in body
