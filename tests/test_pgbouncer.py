"""Through pgbouncer in transaction mode (deploy/pgbouncer.ini), as a large
deployment runs: each transaction may land on another server connection, so
nothing may outlive one.  ``DB_POOLER=pgbouncer`` turns off what would —
server-side cursors (``.iterator()``, used by the exports) — and the same
code then works; without it, the same reads fail.  Against the machine's
PostgreSQL, with Debian's pgbouncer started by the test on its own port
with the configuration operators install."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import make_achievement, make_org

ROOT = Path(__file__).resolve().parent.parent
PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Six threads read the library in chunks of two rows as the exports do, each
# in autocommit as a request does; the server side has two connections for
# all of them.
PROBE = """
import threading
import django
django.setup()
from django.db import connection
from achievements.models import Achievement
failures = []
def read():
    try:
        for _ in range(5):
            rows = Achievement.objects.select_related("owner").prefetch_related(
                "target_provinces"
            ).order_by("pk")
            seen = [a.owner.name for a in rows.iterator(chunk_size=2)]
            assert len(seen) >= 12, len(seen)
    except Exception as error:
        failures.append(type(error).__name__)
    finally:
        connection.close()
threads = [threading.Thread(target=read) for _ in range(6)]
for t in threads: t.start()
for t in threads: t.join()
print("failures", len(failures), sorted(set(failures)))
"""


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _config(folder: Path, port: int) -> str:
    """deploy/pgbouncer.ini as shipped, pointed at this machine: its database
    line, port, files and trust instead of passwords; two server connections
    so that transactions surely change connections."""
    local = {
        "listen_port": str(port),
        "unix_socket_dir": "",
        "auth_type": "trust",
        "auth_file": str(folder / "users.txt"),
        "default_pool_size": "2",
        "reserve_pool_size": "0",
    }
    lines = []
    for line in (ROOT / "deploy" / "pgbouncer.ini").read_text().splitlines():
        key = line.split("=", 1)[0].strip()
        if line.startswith("roadshow ="):
            line = "* = host=127.0.0.1 port=5432"
        elif key in local:
            line = f"{key} = {local.pop(key)}"
        lines.append(line)
    assert not local, f"deploy/pgbouncer.ini lost {sorted(local)}"
    lines += [
        f"logfile = {folder / 'pgbouncer.log'}",
        f"pidfile = {folder / 'pgbouncer.pid'}",
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def pgbouncer():
    if not os.path.exists(PGBOUNCER):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("pgbouncer is missing (Debian's package pgbouncer)")
        pytest.skip("needs Debian's pgbouncer: apt-get install pgbouncer")
    folder = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    folder.chmod(0o777)  # pgbouncer refuses root: it runs as postgres
    port = _free_port()
    (folder / "users.txt").write_text('"postgres" ""\n')
    (folder / "pgbouncer.ini").write_text(_config(folder, port))
    command = [PGBOUNCER, str(folder / "pgbouncer.ini")]
    if os.geteuid() == 0:
        command[1:1] = ["-u", "postgres"]
    process = subprocess.Popen(command)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                import socket

                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    log = folder / "pgbouncer.log"
                    raise RuntimeError(
                        log.read_text() if log.exists() else ""
                    ) from None
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


def _probe(port: int, **env) -> str:
    name = connection.settings_dict["NAME"]
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "roadshow.settings.test",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/{name}",
            "DB_POOL": "0",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1]


def test_the_platform_reads_through_pgbouncer_in_transaction_mode(pgbouncer):
    owner = make_org(name="甲大学")
    for n in range(12):
        make_achievement(owner=owner, title=f"成果{n}")
    assert _probe(pgbouncer, DB_POOLER="pgbouncer") == "failures 0 []"
    # The control: the same reads with server-side cursors fail there, so the
    # setting is what makes the difference.
    failed = _probe(pgbouncer, DB_POOLER="")
    assert failed != "failures 0 []" and "failures" in failed
