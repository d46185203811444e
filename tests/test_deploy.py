"""The deployment files in deploy/ are the ones `make cluster` runs and the
README tells operators to install: the balancer's configuration is valid as
rendered for a machine, and every unit runs a command that exists."""

import importlib.util
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
UNITS = sorted((ROOT / "deploy" / "systemd").glob("*.service"))


def _cluster_script():
    spec = importlib.util.spec_from_file_location(
        "cluster_script", ROOT / "scripts" / "cluster.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_unit_runs_a_command_that_exists():
    commands = get_commands()
    seen = set()
    for unit in UNITS:
        text = unit.read_text()
        assert "EnvironmentFile=/etc/roadshow/roadshow.env" in text, unit.name
        for command in re.findall(r"manage\.py (\w+)", text):
            assert command in commands, (unit.name, command)
            seen.add(command)
        if "roadshow.server" in text:
            seen.add("roadshow.server")
    assert seen == {
        "roadshow.server",
        "db_worker",
        "publish_scheduled",
        "send_deal_digest",
        "send_match_digest",
        "expire_meeting_requests",
        "prune_db_task_results",
        "jobs_prune",
        "mail_requeue",
    }
    for unit in UNITS:
        if unit.name.endswith("@.service") or "Type=oneshot" not in unit.read_text():
            continue
        assert (unit.parent / unit.name.replace(".service", ".timer")).exists()


def test_the_balancer_configuration_is_valid_as_rendered(tmp_path):
    if shutil.which("haproxy") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("haproxy is missing (.ci/run installs Debian's haproxy)")
        pytest.skip("haproxy is not installed (apt-get install haproxy)")
    state = {"port": 18080, "web": [{"port": 18081}, {"port": 18082}, {"port": 18083}]}
    config = _cluster_script().render_haproxy(state, tmp_path)
    text = config.read_text()
    workers = [("web1", "18081"), ("web2", "18082"), ("web3", "18083")]
    # The same workers in both backends, the live rooms' tracking web's checks.
    assert re.findall(r"server (web\d) 127\.0\.0\.1:(\d+)", text) == workers * 2
    assert re.findall(r"server (web\d) \S+ track web/(web\d)", text) == [
        (name, name) for name, _port in workers
    ]
    assert "bind 127.0.0.1:18080" in text
    result = subprocess.run(
        ["haproxy", "-c", "-f", str(config)],
        env={**os.environ, "ROADSHOW_HOST": "127.0.0.1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"errorfile 503 {ROOT / 'deploy' / 'errors' / 'roadshow-503.http'}" in text
    # The operator's own file, as installed (its error page where the README
    # puts it), is valid too.
    installed_path = tmp_path / "installed.cfg"
    installed_path.write_text(
        (ROOT / "deploy" / "haproxy.cfg")
        .read_text()
        .replace("/etc/haproxy/errors/", f"{ROOT / 'deploy' / 'errors'}/")
    )
    installed = subprocess.run(
        ["haproxy", "-c", "-f", str(installed_path)],
        env={**os.environ, "ROADSHOW_HOST": "roadshow.example.cn"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr


def test_the_clusters_supervisor_restarts_what_exited_but_never_during_a_reload(
    tmp_path, monkeypatch
):
    """What systemd's Restart=always does on servers, `make cluster` does
    with its supervisor: a worker that exited is started again after the
    units' RestartSec — and not while a rolling restart holds the lock."""
    cluster = _cluster_script()
    monkeypatch.setattr(cluster, "STATE", tmp_path)
    monkeypatch.setattr(cluster, "RESTART_SEC", {"web": 0.0, "tasks": 0.2})
    sleepers = []

    def sleeper(_state, _index):
        process = subprocess.Popen(["sleep", "30"])
        sleepers.append(process)
        return process.pid

    monkeypatch.setattr(cluster, "start_web", sleeper)
    monkeypatch.setattr(cluster, "start_tasks", sleeper)
    exited = subprocess.Popen(["true"])
    exited.wait()
    web = sleeper(None, 0)
    cluster.save(
        {"web": [{"pid": web}], "tasks": [{"pid": exited.pid}, {"pid": exited.pid}]}
    )
    try:
        dead_since: dict = {}
        # A reload holds the lock: the supervisor leaves the workers alone.
        with cluster.locked():
            assert cluster.supervise_round(dead_since) == []
        # The task workers are dead for less than their RestartSec: not yet.
        assert cluster.supervise_round(dead_since) == []
        time.sleep(0.25)
        assert cluster.supervise_round(dead_since) == ["tasks1", "tasks2"]
        state = cluster.load()
        assert state["web"][0]["pid"] == web
        assert all(cluster.alive(t["pid"]) for t in state["tasks"])
        assert [t["restarts"] for t in state["tasks"]] == [1, 1]
        assert cluster.supervise_round(dead_since) == []
    finally:
        for process in sleepers:
            process.kill()
            process.wait()


def test_a_live_rooms_sockets_gather_on_one_worker(tmp_path):
    """The balancer hashes a live room's path: every socket of a room goes to
    the same worker (while it is within its bounded load), and rooms spread
    over the workers."""
    import http.server
    import threading
    import urllib.request

    if shutil.which("haproxy") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("haproxy is missing (.ci/run installs Debian's haproxy)")
        pytest.skip("haproxy is not installed (apt-get install haproxy)")

    def server(name):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = name.encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        return httpd

    servers = [server(f"web{i + 1}") for i in range(3)]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    state = {"port": port, "web": [{"port": s.server_address[1]} for s in servers]}
    cluster = _cluster_script()
    config = cluster.render_haproxy(state, tmp_path)
    haproxy = subprocess.Popen(
        ["haproxy", "-f", str(config)],
        env={**os.environ, "ROADSHOW_HOST": "127.0.0.1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def get(path):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
            return r.read().decode()

    def settled():
        """Every worker up in both backends at its full weight (after the
        health checks' rise and the slow start, the hash's ring is final)."""
        try:
            rows = [
                row
                for backend in cluster.BACKENDS
                for row in cluster.server_stats(backend).values()
            ]
        except OSError:
            return False
        return len(rows) == 6 and all(
            row["status"] == "UP" and row["weight"] == row["uweight"] for row in rows
        )

    cluster.STATE = tmp_path  # its stats socket
    try:
        deadline = time.monotonic() + 60
        while not settled():
            assert time.monotonic() < deadline, "HAProxy never had every worker up"
            time.sleep(0.2)

        def alone(path):
            """One request with no other session open: bounded loads would
            send it elsewhere while the last one is still being closed."""
            deadline = time.monotonic() + 10
            while any(
                int(row["scur"] or 0) for row in cluster.server_stats("live").values()
            ):
                assert time.monotonic() < deadline, "a session never closed"
                time.sleep(0.05)
            return get(path)

        rooms = {
            room: {alone(f"/ws/live/{room}/?since={n}") for n in range(6)}
            for room in range(1, 13)
        }
        assert all(len(seen) == 1 for seen in rooms.values()), rooms
        assert len(set().union(*rooms.values())) > 1, rooms
    finally:
        haproxy.terminate()
        haproxy.wait(10)
        for httpd in servers:
            httpd.shutdown()
