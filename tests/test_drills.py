"""The fault drills of issue #16 (`make drill`, bench/drill.py) in their short
form: a worker killed, Redis and PostgreSQL restarted, the mail server away
then slow, a rolling redeploy and a registration surge, against the
production topology on throwaway services of the drill's own.  Runs once, in
the embedded pass (it needs nothing of the machine's PostgreSQL or Redis);
needs Debian's haproxy, redis-server and postgresql (initdb)."""

import glob
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.drill


def _missing() -> list[str]:
    found = {
        "haproxy": shutil.which("haproxy"),
        "redis-server": shutil.which("redis-server"),
        "initdb": shutil.which("initdb")
        or glob.glob("/usr/lib/postgresql/*/bin/initdb"),
    }
    return [name for name, where in found.items() if not where]


def test_the_short_fault_drills_meet_every_target():
    missing = _missing()
    if missing:
        message = f"the drills need {', '.join(missing)} (Debian packages)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL")
    }
    env.update(DRILL_SHORT="1", DRILL_PORT=os.environ.get("DRILL_PORT", "8290"))
    result = subprocess.run(
        [sys.executable, "-m", "bench.drill"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    lines = result.stdout.strip().splitlines()
    # Each drill's line of figures and the JSON line: what a failure shows.
    output = "\n".join(
        line for line in lines if line.startswith(("drill:", "cluster:", "{"))
    )
    if not lines or not lines[-1].startswith("{"):
        pytest.fail(f"no JSON line:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    figures = json.loads(lines[-1])
    assert figures["bench"] == "drill"
    assert {name: sorted(figures[name]) for name in figures if name != "bench"} == {
        "worker_kill": ["dup", "http_failed", "lost", "resume_s"],
        "redis_restart": ["dup", "lost", "recovery_s", "sessions_ok"],
        "pg_restart": ["half_written", "http_5xx_pages_ok", "recovery_s"],
        "smtp": ["duplicates", "missing", "p95_ratio", "sent"],
        "redeploy": ["dup", "http_failed", "lost"],
        "surge": ["confirmed", "duplicates", "emails", "waitlisted"],
    }, output
    assert result.returncode == 0, output
    assert figures["surge"]["confirmed"] == 100
    assert figures["surge"]["waitlisted"] == 300
    assert figures["surge"]["emails"] == 400
    assert figures["pg_restart"]["half_written"] == 0
