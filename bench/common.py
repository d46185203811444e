"""Shared set-up for benchmarks: a database of their own on the local services."""

import contextlib
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
# BENCH_PG_DB: another database, so that two people's runs do not share one.
PG_DB = os.environ.get("BENCH_PG_DB", "roadshow_bench")


def database_url(db: str) -> str:
    if db == "postgresql":
        return f"{PG_SERVER}/{PG_DB}"
    OUT.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{OUT / 'bench.sqlite3'}"


def ensure_postgres_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [PG_DB]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{PG_DB}"')


def django_setup(db: str) -> None:
    """Point Django at the benchmark database, migrate it, and set it up."""
    if db == "postgresql":
        ensure_postgres_database()
    os.environ["DATABASE_URL"] = database_url(db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roadshow.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def median(values: list[float]) -> float:
    return statistics.median(values)


def remove_roadshows(*, pks) -> None:
    """Remove benchmark roadshows with their pages, registrations and scans."""
    from cms.models import RoadshowPage
    from events.models import Roadshow

    for page in RoadshowPage.objects.filter(roadshow_id__in=list(pks)):
        page.delete()
    Roadshow.objects.filter(pk__in=list(pks)).delete()


@contextlib.contextmanager
def daphne_server():
    """One Daphne process serving bench.settings on a free port; yields the port."""
    import socket
    import subprocess
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url("postgresql"),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "daphne.log").open("w") as log:
        server = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "python"),
                "-m",
                "roadshow.server",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "--access-log",
                os.devnull,
                "bench.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(
                        f"http://127.0.0.1:{port}/healthz", timeout=2
                    )
                    break
                except OSError:
                    time.sleep(0.2)
            else:
                raise SystemExit("Daphne did not start (see bench/out/daphne.log)")
            yield port
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


def live_roadshow(n: int):
    """A live public roadshow for n viewers, its room (questions straight
    to the screen) and an organizer who asks."""
    import datetime as dt

    from django.utils import timezone

    from accounts.enums import OrganizationKind, Role
    from accounts.models import Membership, Organization, User
    from achievements.models import IndustryField
    from events.models import Roadshow
    from livestream.services import room_of

    now = timezone.now()
    host, _ = Organization.objects.get_or_create(
        name="基准测试主办方", defaults={"kind": OrganizationKind.TORCH_CENTRE}
    )
    user, created = User.objects.get_or_create(
        username="bench-live-asker", defaults={"name": "基准测试"}
    )
    if created:
        Membership.objects.create(user=user, organization=host, role=Role.ORGANIZER)
    roadshow = Roadshow.objects.create(
        kind="field",
        field=IndustryField.objects.order_by("pk").first(),
        title=f"直播基准测试 {n} 人",
        lead_host=host,
        start=now - dt.timedelta(minutes=5),
        end=now + dt.timedelta(hours=2),
        status="live",
        first_published_at=now,
    )
    room = room_of(roadshow)
    room.premoderation = False  # the questions go straight to the viewers
    room.save(update_fields=["premoderation"])
    return roadshow, room, user
