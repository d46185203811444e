"""`make cluster`: the production topology on one machine, with production
settings — HAProxy (Debian's package) in front of N web workers
(roadshow.server), task workers (db_worker), on the local PostgreSQL and
Redis — from the files an operator installs (deploy/).

    python scripts/cluster.py up [--workers N] [--tasks N] [--port P]
    python scripts/cluster.py reload    # rolling restart, one worker at a time
    python scripts/cluster.py status
    python scripts/cluster.py down

Everything it starts runs detached; its state (pids, ports, the rendered
HAProxy file, logs, media) lives in var/cluster/.  A supervisor (``cluster.py
supervise``, started by ``up``) does for them what systemd's ``Restart=always``
does on servers (deploy/systemd/): a web or task worker that exits — a crash,
a kill, ``db_worker`` giving up while PostgreSQL is away — is started again
after the units' ``RestartSec`` (web 1 s, tasks 2 s).  A rolling restart drains a
worker in HAProxy (runtime API), waits for its requests, stops it (viewers of
its live rooms reconnect to the others and resume from their last sequence
number), starts it again and waits for /readyz before the next one."""

import argparse
import contextlib
import fcntl
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Another directory (CLUSTER_STATE) runs a second cluster beside a user's
# own, as the drills do.
STATE = Path(os.environ.get("CLUSTER_STATE", ROOT / "var" / "cluster"))
PYTHON = ROOT / ".venv" / "bin" / "python"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/roadshow_cluster"
DEFAULT_REDIS = "redis://127.0.0.1:6379/2"


# systemd's RestartSec in deploy/systemd/roadshow-{web,tasks}@.service.
RESTART_SEC = {"web": 1.0, "tasks": 2.0}


def say(message: str) -> None:
    print(f"cluster: {message}", flush=True)


def load() -> dict:
    path = STATE / "state.json"
    return json.loads(path.read_text()) if path.exists() else {}


def save(state: dict) -> None:
    (STATE / "state.json").write_text(json.dumps(state, indent=2))


@contextlib.contextmanager
def locked(wait: bool = True):
    """The cluster's lock: whoever starts or stops workers holds it (a
    rolling restart for its whole run, the supervisor for each round), so
    that the supervisor never restarts a worker a reload is replacing.
    Yields False when ``wait`` is off and somebody else holds it."""
    STATE.mkdir(parents=True, exist_ok=True)
    with (STATE / "lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie of ours is not alive.
    try:
        status = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return status != "Z"


def environment(state: dict) -> dict:
    port = state["port"]
    secret = STATE / "secret_key"
    if not secret.exists():
        secret.write_text(secrets.token_urlsafe(50))
        secret.chmod(0o600)
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "roadshow.settings.production",
        "SECRET_KEY": secret.read_text(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{port},http://localhost:{port}",
        "BASE_URL": f"http://127.0.0.1:{port}",
        # Plain HTTP on one machine: no TLS redirect, cookies without Secure.
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "TRUSTED_PROXY_COUNT": "1",
        "DATABASE_URL": state["database_url"],
        "REDIS_URL": state["redis_url"],
        "TASKS_QUEUE": "database",
        "MEDIA_ROOT": str(STATE / "media"),
        "PRIVATE_ROOT": str(STATE / "private"),
        "STATIC_ROOT": str(STATE / "static"),
    }


def manage(state: dict, *args: str) -> None:
    subprocess.run(
        [str(PYTHON), "manage.py", *args], cwd=ROOT, env=environment(state), check=True
    )


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            say(f"created database {name}")


def spawn(state: dict, command: list[str], log: Path, extra: dict | None = None) -> int:
    handle = log.open("ab")
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**environment(state), **(extra or {})},
        stdout=handle,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    return process.pid


def start_web(state: dict, index: int) -> int:
    port = state["web"][index]["port"]
    return spawn(
        state,
        [
            str(PYTHON),
            "-m",
            "roadshow.server",
            "-e",
            f"tcp:port={port}:interface=127.0.0.1:backlog=1024",
            "--access-log",
            os.devnull,
            "roadshow.asgi:application",
        ],
        STATE / f"web{index + 1}.log",
        {"DRAIN_FILE": str(STATE / f"drain-{port}")},
    )


def start_tasks(state: dict, index: int) -> int:
    return spawn(
        state,
        [
            str(PYTHON),
            "manage.py",
            "db_worker",
            "--backend",
            "background",
            "--queue-name",
            "*",
            "--worker-id",
            f"cluster-{index + 1}",
            "--interval",
            "0.5",
            "--no-reload",
        ],
        STATE / f"tasks{index + 1}.log",
    )


def ready(port: int, path: str = "/readyz", timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}", headers={"Host": "127.0.0.1"}
            )
            with urllib.request.urlopen(request, timeout=3) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError) as error:
            last = error
        time.sleep(0.2)
    raise SystemExit(f"cluster: port {port} not ready in {timeout:.0f} s ({last})")


def render_haproxy(state: dict, directory: Path = STATE) -> Path:
    """deploy/haproxy.cfg with this machine's port, socket and workers."""
    lines = []
    backend = ""
    for line in (ROOT / "deploy" / "haproxy.cfg").read_text().splitlines():
        if line.startswith("backend "):
            backend = line.split()[1]
        if "# local:" in line and "stats socket" in line:
            line = f"    stats socket {directory / 'haproxy.sock'} mode 600 level admin"
        elif "# local:" in line and line.strip().startswith("errorfile"):
            line = (
                f"    errorfile 503 {ROOT / 'deploy' / 'errors' / 'roadshow-503.http'}"
            )
        elif "# local:" in line and line.strip().startswith("bind"):
            line = f"    bind 127.0.0.1:{state['port']}"
        elif re.match(r"\s+server web\d+ ", line):
            continue
        lines.append(line)
        if line.strip().startswith("# servers:"):
            # Backends other than web track web's health checks.
            lines += [
                f"    server web{i + 1} 127.0.0.1:{w['port']}"
                + (f" track web/web{i + 1}" if backend != "web" else "")
                for i, w in enumerate(state["web"])
            ]
    path = directory / "haproxy.cfg"
    path.write_text("\n".join(lines) + "\n")
    return path


def haproxy(command: str) -> str:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(5)
        s.connect(str(STATE / "haproxy.sock"))
        s.sendall(command.encode() + b"\n")
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode()


# The backends that share the web workers (deploy/haproxy.cfg).
BACKENDS = ("web", "live")


def server_stats(backend: str = "web") -> dict[str, dict]:
    text = haproxy("show stat")
    header, *rows = [line for line in text.splitlines() if line]
    names = header.lstrip("# ").split(",")
    stats = {}
    for row in rows:
        values = dict(zip(names, row.split(","), strict=False))
        if values["pxname"] == backend and values["svname"].startswith("web"):
            stats[values["svname"]] = values
    return stats


def open_sessions(name: str) -> int:
    """A worker's sessions in every backend."""
    return sum(
        int(server_stats(backend).get(name, {}).get("scur") or 0)
        for backend in BACKENDS
    )


def wait_status(name: str, wanted: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server_stats().get(name, {}).get("status", "").startswith(wanted):
            return
        time.sleep(0.2)
    raise SystemExit(f"cluster: {name} not {wanted} in HAProxy after {timeout:.0f} s")


def up(args) -> None:
    if shutil.which("haproxy") is None:
        raise SystemExit("cluster: HAProxy is missing — apt-get install -y haproxy")
    state = load()
    if state and any(alive(w.get("pid")) for w in state.get("web", [])):
        raise SystemExit("cluster: already running (make cluster-stop first)")
    STATE.mkdir(parents=True, exist_ok=True)
    base = args.port
    state = {
        "port": base,
        "database_url": os.environ.get("CLUSTER_DATABASE_URL", DEFAULT_DB),
        "redis_url": os.environ.get("CLUSTER_REDIS_URL", DEFAULT_REDIS),
        "web": [{"port": base + 1 + i} for i in range(args.workers)],
        "tasks": [{} for _ in range(args.tasks)],
    }
    ensure_database(state["database_url"])
    manage(state, "migrate", "--noinput", "-v0")
    manage(state, "collectstatic", "--noinput", "-v0")
    if args.demo:
        manage(state, "seed_demo")
    for i in range(len(state["web"])):
        state["web"][i]["pid"] = start_web(state, i)
    for i in range(len(state["tasks"])):
        state["tasks"][i]["pid"] = start_tasks(state, i)
    save(state)
    for worker in state["web"]:
        ready(worker["port"])
    config = render_haproxy(state)
    state["haproxy"] = spawn(
        state,
        ["haproxy", "-f", str(config), "-p", str(STATE / "haproxy.pid")],
        STATE / "haproxy.log",
        {"ROADSHOW_HOST": "127.0.0.1"},
    )
    with locked():
        state["supervisor"] = spawn(
            state,
            [str(PYTHON), str(Path(__file__).resolve()), "supervise"],
            STATE / "supervisor.log",
            {"CLUSTER_STATE": str(STATE)},
        )
        save(state)
    ready(base, "/healthz")
    for i in range(len(state["web"])):
        wait_status(f"web{i + 1}", "UP")
    say(
        f"serving on http://127.0.0.1:{base}/ — {len(state['web'])} web workers "
        f"(ports {', '.join(str(w['port']) for w in state['web'])}), "
        f"{len(state['tasks'])} task workers; logs in {STATE}"
    )


def stop_pid(pid: int | None, timeout: float = 20) -> None:
    if not alive(pid):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if alive(pid):
        os.kill(pid, signal.SIGKILL)


def down(_args) -> None:
    state = load()
    if not state:
        say("not running")
        return
    stop_pid(state.get("supervisor"))
    state = load()  # with whatever the supervisor restarted last
    stop_pid(state.get("haproxy"))
    for worker in state.get("web", []) + state.get("tasks", []):
        stop_pid(worker.get("pid"))
    (STATE / "state.json").unlink()
    say("stopped")


def reload(args) -> None:
    with locked():
        _reload(args)


def _reload(args) -> None:
    state = load()
    if not state or not alive(state.get("haproxy")):
        raise SystemExit("cluster: not running (make cluster first)")
    started = time.monotonic()
    for i, worker in enumerate(state["web"]):
        name = f"web{i + 1}"
        drain = STATE / f"drain-{worker['port']}"
        for backend in BACKENDS:
            haproxy(f"set server {backend}/{name} state drain")
        drain.touch()
        # Requests in flight finish (up to --drain seconds); a live room's
        # WebSockets stay open until the stop, and their pages reconnect.
        deadline = time.monotonic() + args.drain
        while time.monotonic() < deadline:
            if open_sessions(name) == 0:
                break
            time.sleep(0.2)
        stop_pid(worker["pid"])
        drain.unlink(missing_ok=True)
        worker["pid"] = start_web(state, i)
        save(state)
        ready(worker["port"])
        for backend in BACKENDS:
            haproxy(f"set server {backend}/{name} state ready")
        wait_status(name, "UP")
        say(f"{name} restarted (port {worker['port']})")
    for i, worker in enumerate(state["tasks"]):
        stop_pid(worker["pid"], timeout=60)  # the task in hand finishes
        worker["pid"] = start_tasks(state, i)
        save(state)
    say(f"rolling restart done in {time.monotonic() - started:.1f} s")


def status(_args) -> None:
    state = load()
    if not state:
        say("not running")
        return
    stats = server_stats() if alive(state.get("haproxy")) else {}
    live = server_stats("live") if alive(state.get("haproxy")) else {}
    say(
        f"HAProxy on port {state['port']}: {'up' if alive(state.get('haproxy')) else 'down'}"
    )
    for i, worker in enumerate(state["web"]):
        row = stats.get(f"web{i + 1}", {})
        say(
            f"web{i + 1} port {worker['port']} pid {worker['pid']} "
            f"{'alive' if alive(worker['pid']) else 'dead'}; HAProxy: "
            f"{row.get('status', '?')}, {row.get('scur', '?')} open connections, "
            f"{live.get(f'web{i + 1}', {}).get('scur', '?')} live-room sockets"
            + (
                f", restarted {worker['restarts']} times"
                if worker.get("restarts")
                else ""
            )
        )
    for i, worker in enumerate(state["tasks"]):
        say(
            f"tasks{i + 1} pid {worker['pid']} {'alive' if alive(worker['pid']) else 'dead'}"
            + (
                f", restarted {worker['restarts']} times"
                if worker.get("restarts")
                else ""
            )
        )
    say(
        f"supervisor pid {state.get('supervisor')} "
        f"{'alive' if alive(state.get('supervisor')) else 'dead'}"
    )


def supervise_round(dead_since: dict[str, float]) -> list[str]:
    """One look at the workers: those dead for their RestartSec are started
    again (under the lock, so never during a reload). What was restarted."""
    restarted = []
    with locked(wait=False) as mine:
        if not mine:
            dead_since.clear()  # a reload is replacing workers
            return restarted
        state = load()
        if not state:
            return restarted
        now = time.monotonic()
        changed = False
        for kind, start in (("web", start_web), ("tasks", start_tasks)):
            for i, worker in enumerate(state.get(kind, [])):
                name = f"{kind}{i + 1}"
                if alive(worker.get("pid")):
                    dead_since.pop(name, None)
                    continue
                first = dead_since.setdefault(name, now)
                if now - first < RESTART_SEC[kind]:
                    continue
                worker["pid"] = start(state, i)
                worker["restarts"] = worker.get("restarts", 0) + 1
                dead_since.pop(name, None)
                restarted.append(name)
                changed = True
                say(f"{name} had exited; started again (pid {worker['pid']})")
        if changed:
            save(state)
    return restarted


def supervise(_args) -> None:
    """Run until the cluster is stopped (its state removed)."""
    dead_since: dict[str, float] = {}
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    say("supervising")
    while not stop and (STATE / "state.json").exists():
        supervise_round(dead_since)
        time.sleep(0.25)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="cluster")
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("up")
    start.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", 2)))
    start.add_argument(
        "--tasks", type=int, default=int(os.environ.get("TASK_WORKERS", 1))
    )
    start.add_argument(
        "--port", type=int, default=int(os.environ.get("CLUSTER_PORT", 8080))
    )
    start.add_argument("--no-demo", dest="demo", action="store_false")
    again = commands.add_parser("reload")
    again.add_argument(
        "--drain", type=float, default=2.0, help="seconds a worker drains"
    )
    commands.add_parser("status")
    commands.add_parser("down")
    commands.add_parser("supervise")
    args = parser.parse_args(argv)
    commands = {
        "up": up,
        "reload": reload,
        "status": status,
        "down": down,
        "supervise": supervise,
    }
    commands[args.command](args)


if __name__ == "__main__":
    main(sys.argv[1:])
