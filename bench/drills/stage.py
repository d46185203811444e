"""The stage the drills run on: a throwaway PostgreSQL, a throwaway Redis and
an SMTP sink of their own, `make cluster`'s topology on them (HAProxy, two
web workers, a task worker; scripts/cluster.py with production settings),
this process on the same database, and the people, tickets and roadshows the
load needs.  The machine's own PostgreSQL and Redis are never touched."""

import datetime as dt
import importlib.util
import json
import logging
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.faults import SmtpSink, ThrowawayPostgres, ThrowawayRedis

ROOT = Path(__file__).resolve().parent.parent.parent
PORT = int(os.environ.get("DRILL_PORT", "8190"))
# Its own directory per port: the suite's drill may run beside `make drill`.
STATE = ROOT / "bench" / "out" / f"drill-cluster-{PORT}"
DB_NAME = "roadshow_drill"
CSRF = "d" * 32
PASSWORD = "drill-password-7"
# Retries of an email, in seconds: longer in all than the drilled outage
# (5 minutes, then slow), short enough for the drill to see them through.
RETRY_DELAYS = "5,10,20,40,60,60,60,60,60,60,60,60"


def _cluster_module():
    spec = importlib.util.spec_from_file_location(
        "cluster_script", ROOT / "scripts" / "cluster.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.STATE = STATE
    return module


class Stage:
    def __init__(self):
        self.pg = ThrowawayPostgres()
        self.redis = ThrowawayRedis()
        self.sink = SmtpSink()
        self.cluster = _cluster_module()
        self.port = PORT

    # -- the services and the cluster -------------------------------------
    def up(self) -> None:
        started = time.monotonic()
        self.pg.start()
        self.redis.start()
        self.sink.up()
        os.environ.update(
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(self.sink.port),
            EMAIL_USE_TLS="0",
            EMAIL_TIMEOUT="15",
            EMAIL_RETRY_DELAYS=RETRY_DELAYS,
            DEFAULT_FROM_EMAIL="roadshow@drill.example",
        )
        STATE.mkdir(parents=True, exist_ok=True)
        self.cluster_cmd("down")
        self.cluster_cmd("up", "--no-demo")
        self._django()
        say(
            f"stage up in {time.monotonic() - started:.0f} s: PostgreSQL :{self.pg.port}, "
            f"Redis :{self.redis.port}, SMTP sink :{self.sink.port}, "
            f"HAProxy :{self.port}"
        )

    def down(self) -> None:
        try:
            self.cluster_cmd("down")
        finally:
            self.sink.close()
            self.redis.stop()
            self.pg.remove()

    def cluster_cmd(self, *args: str) -> None:
        env = {
            **os.environ,
            "CLUSTER_STATE": str(STATE),
            "CLUSTER_DATABASE_URL": self.pg.url(DB_NAME),
            "CLUSTER_REDIS_URL": self.redis.url,
            "CLUSTER_PORT": str(self.port),
        }
        subprocess.run(
            [sys.executable, "scripts/cluster.py", *args],
            cwd=ROOT,
            env=env,
            check=True,
        )

    def state(self) -> dict:
        return json.loads((STATE / "state.json").read_text())

    def _django(self) -> None:
        """This process on the cluster's database, Redis and secret key."""
        os.environ.update(self.cluster.environment(self.state()))
        # Connections of this process are checked out for seconds at a time.
        os.environ["DB_POOL_MAX"] = "8"
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.conf import settings

        # The drill asks from one account, faster than a person may.
        settings.LIVE_RATE_LIMITS = {"ask": (10**9, 60)}
        # The faults are the drill's own doing: its figures say what they did.
        for name in ("psycopg.pool", "roadshow.cache", "django.channels.server"):
            logging.getLogger(name).setLevel(logging.ERROR)

    def worker_ports(self) -> list[int]:
        return [w["port"] for w in self.state()["web"]]

    def kill_worker(self, index: int) -> int:
        """SIGKILL, as a crash (no drain, no clean shutdown): its pid."""
        pid = self.state()["web"][index]["pid"]
        os.kill(pid, signal.SIGKILL)
        return pid

    def wait_revived(self, index: int, killed_pid: int, timeout: float = 30) -> None:
        """The cluster's supervisor starts a killed worker again (as
        systemd's ``Restart=always`` does on servers): wait until it is
        up in HAProxy."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid = self.state()["web"][index].get("pid")
            if pid != killed_pid and self.cluster.alive(pid):
                break
            time.sleep(0.1)
        else:
            raise SystemExit(f"drill: web{index + 1} not restarted in {timeout:.0f} s")
        self.cluster.ready(self.state()["web"][index]["port"])
        self.cluster.wait_status(f"web{index + 1}", "UP")

    def task_pids(self) -> list[int | None]:
        return [w.get("pid") for w in self.state()["tasks"]]

    def tasks_restarted(self, before: list, timeout: float = 15) -> list[str]:
        """The task workers the supervisor started again since ``before``
        (``db_worker`` exits when the database is away longer than the
        pool waits); waits until every one is alive."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.task_pids()
            if all(self.cluster.alive(pid) for pid in pids):
                break
            time.sleep(0.2)
        return [
            f"tasks{i + 1}"
            for i, (old, new) in enumerate(zip(before, self.task_pids(), strict=True))
            if old != new
        ]

    # -- people and roadshows --------------------------------------------
    def people(self, prefix: str, n: int) -> list[tuple[str, str]]:
        """``n`` users, each signed in: [(email, Cookie header)]."""
        from django.contrib.auth import (
            BACKEND_SESSION_KEY,
            HASH_SESSION_KEY,
            SESSION_KEY,
        )
        from django.contrib.auth.hashers import make_password
        from django.contrib.sessions.backends.db import SessionStore
        from django.contrib.sessions.models import Session
        from django.utils import timezone

        from accounts.models import User

        password = make_password(PASSWORD)  # once: hashing is slow on purpose
        users = User.objects.bulk_create(
            User(
                username=f"{prefix}-{i}",
                email=f"{prefix}-{i}@drill.example",
                name=f"演练 {prefix} {i}",
                password=password,
            )
            for i in range(n)
        )
        store = SessionStore()
        expires = timezone.now() + dt.timedelta(days=1)
        sessions = []
        for user in users:
            data = {
                SESSION_KEY: str(user.pk),
                BACKEND_SESSION_KEY: "accounts.backends.RoleBackend",
                HASH_SESSION_KEY: user.get_session_auth_hash(),
            }
            sessions.append(
                Session(
                    session_key=secrets.token_hex(16),
                    session_data=store.encode(data),
                    expire_date=expires,
                )
            )
        Session.objects.bulk_create(sessions)
        from django.conf import settings

        return [
            (
                user.email,
                f"{settings.SESSION_COOKIE_NAME}={s.session_key}; "
                f"{settings.CSRF_COOKIE_NAME}={CSRF}",
            )
            for user, s in zip(users, sessions, strict=True)
        ]

    def organizer(self):
        from accounts.enums import OrganizationKind, Role
        from accounts.models import Membership, Organization, User

        host, _ = Organization.objects.get_or_create(
            name="基准测试主办方", defaults={"kind": OrganizationKind.TORCH_CENTRE}
        )
        user, created = User.objects.get_or_create(
            username="bench-live-asker", defaults={"name": "基准测试"}
        )
        if created:
            Membership.objects.create(user=user, organization=host, role=Role.ORGANIZER)
        return host, user

    def roadshow(self, title: str, *, capacity: int | None, today: bool = False):
        """A published offline roadshow taking registrations (a month ahead),
        or, ``today``, one under way (for the doors)."""
        from django.utils import timezone

        from achievements.models import IndustryField
        from events.models import Roadshow
        from events.services import roadshow_transition

        host, organizer = self.organizer()
        now = timezone.now()
        start = now - dt.timedelta(hours=1) if today else now + dt.timedelta(days=30)
        roadshow = Roadshow.objects.create(
            kind="field",
            field=IndustryField.objects.order_by("pk").first(),
            title=title,
            lead_host=host,
            format="offline",
            capacity=capacity,
            start=start,
            end=start + dt.timedelta(hours=8),
        )
        return roadshow_transition(roadshow=roadshow, action="publish", by=organizer)

    def tickets(self, roadshow, n: int) -> list[str]:
        """``n`` confirmed tickets for the doors: their codes."""
        from django.utils import timezone

        from accounts.models import User
        from events.models import Registration
        from events.registrations import _new_secret, short_code_of

        users = User.objects.bulk_create(
            User(username=f"drill-door-{roadshow.pk}-{i}") for i in range(n)
        )
        codes = [_new_secret() for _ in range(n)]
        Registration.objects.bulk_create(
            Registration(
                roadshow=roadshow,
                user=user,
                attendance="onsite",
                status="confirmed",
                secret=code,
                short_code=short_code_of(code),
                confirmed_at=timezone.now(),
            )
            for user, code in zip(users, codes, strict=True)
        )
        return [f"RS1-{code}" for code in codes]

    def session_of(self, user) -> str:
        from django.conf import settings
        from django.contrib.auth import (
            BACKEND_SESSION_KEY,
            HASH_SESSION_KEY,
            SESSION_KEY,
        )
        from django.contrib.sessions.backends.db import SessionStore

        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "accounts.backends.RoleBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return (
            f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
            f"{settings.CSRF_COOKIE_NAME}={CSRF}"
        )


def say(message: str) -> None:
    print(f"drill: {message}", flush=True)
