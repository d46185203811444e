"""Check-in over real HTTP: 2,000 tickets, 8 concurrent scanners, 10% of scans
repeated at another door, against Daphne on PostgreSQL; beside a baseline
endpoint on the same server that only runs the conditional UPDATE for the
same kind of codes.  Double check-ins must be 0."""

import datetime as dt
import http.client
import json
import os
import random
import sys
import threading
import time
import uuid

from bench.common import (
    daphne_server,
    django_setup,
    median,
    percentile,
    remove_roadshows,
)

TICKETS = 2_000
SCANNERS = 8
REPEAT_SHARE = 0.10
CSRF = "a" * 32


def _tickets(title: str, host, field, by) -> tuple[int, list[str]]:
    from django.utils import timezone

    from accounts.models import User
    from events.models import Registration, Roadshow
    from events.registrations import _new_secret, short_code_of
    from events.services import SHANGHAI, roadshow_transition

    day = timezone.localdate() + dt.timedelta(days=1)
    roadshow = Roadshow.objects.create(
        kind="field",
        field=field,
        title=title,
        lead_host=host,
        capacity=TICKETS,
        start=dt.datetime.combine(day, dt.time(9), tzinfo=SHANGHAI),
        end=dt.datetime.combine(day, dt.time(18), tzinfo=SHANGHAI),
    )
    roadshow_transition(roadshow=roadshow, action="publish", by=by)
    users = User.objects.bulk_create(
        [User(username=f"bench-{uuid.uuid4().hex[:12]}") for _ in range(TICKETS)]
    )
    secrets = [_new_secret() for _ in range(TICKETS)]
    Registration.objects.bulk_create(
        Registration(
            roadshow=roadshow,
            user=u,
            attendance="onsite",
            status="confirmed",
            secret=s,
            short_code=short_code_of(s),
            confirmed_at=timezone.now(),
        )
        for u, s in zip(users, secrets, strict=True)
    )
    return roadshow.pk, secrets


def prepare():
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    django_setup("postgresql")
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.enums import OrganizationKind, Role
    from accounts.models import Membership, Organization, User
    from achievements.models import IndustryField

    host, _ = Organization.objects.get_or_create(
        name="签到基准测试主办方", defaults={"kind": OrganizationKind.TORCH_CENTRE}
    )
    staff, _ = User.objects.get_or_create(username="bench-door-staff")
    Membership.objects.get_or_create(user=staff, organization=host, role=Role.ORGANIZER)
    field = IndustryField.objects.first()
    platform = _tickets("签到基准测试", host, field, staff)
    baseline = _tickets("签到基准测试（基线）", host, field, staff)
    session = SessionStore()
    session[SESSION_KEY] = str(staff.pk)
    session[BACKEND_SESSION_KEY] = "accounts.backends.RoleBackend"
    session[HASH_SESSION_KEY] = staff.get_session_auth_hash()
    session.create()
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}; csrftoken={CSRF}"
    return platform, baseline, cookie


def _scans(secrets: list[str]) -> list[tuple[str, str]]:
    rng = random.Random(7)
    scans = [(s, "east") for s in secrets]
    scans += [
        (s, "west") for s in rng.sample(secrets, int(len(secrets) * REPEAT_SHARE))
    ]
    rng.shuffle(scans)
    return scans


def _run(port: int, path: str, scans, cookie: str) -> dict:
    latencies: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()
    chunks = [scans[i::SCANNERS] for i in range(SCANNERS)]

    def scanner(chunk):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for secret, door in chunk:
            # The roadshow is tomorrow: the door has confirmed scanning early
            # (its dates are read and judged all the same).
            body = json.dumps(
                {
                    "code": "RS1-" + secret,
                    "door": door,
                    "scan_id": uuid.uuid4().hex,
                    "confirm_off_day": True,
                }
            )
            t0 = time.perf_counter()
            conn.request(
                "POST",
                path,
                body,
                {
                    "Content-Type": "application/json",
                    "Cookie": cookie,
                    "X-CSRFToken": CSRF,
                    "Host": f"127.0.0.1:{port}",
                    "Origin": f"http://127.0.0.1:{port}",
                    "Referer": f"http://127.0.0.1:{port}/",
                },
            )
            response = conn.getresponse()
            response.read()
            mine.append(((time.perf_counter() - t0) * 1000, response.status))
        conn.close()
        with lock:
            for ms, status in mine:
                latencies.append(ms)
                statuses.append(status)

    threads = [threading.Thread(target=scanner, args=(c,)) for c in chunks]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {
        "scans_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(median(latencies), 2),
        "p95_ms": round(percentile(latencies, 95), 2),
        "non_200": sum(1 for s in statuses if s != 200),
    }


def main() -> int:
    (platform_pk, platform_secrets), (baseline_pk, baseline_secrets), cookie = prepare()
    with daphne_server() as port:
        baseline = _run(
            port, "/bench/checkin-baseline", _scans(baseline_secrets), cookie
        )
        platform = _run(
            port, f"/checkin/{platform_pk}/scan/", _scans(platform_secrets), cookie
        )
    from django.db.models import Count

    from events.models import Registration, Scan

    doubles = (
        Scan.objects.filter(roadshow_id=platform_pk, result="ok")
        .values("registration_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    checked = Registration.objects.filter(
        roadshow_id=platform_pk, checked_in_at__isnull=False
    ).count()
    print(f"baseline (conditional UPDATE only): {baseline}")
    print(f"platform check-in API:              {platform}")
    print(
        f"{checked} of {TICKETS} tickets checked in; double check-ins: {doubles}; "
        f"{SCANNERS} scanners over HTTP keep-alive, Daphne one process"
    )
    print(
        json.dumps(
            {
                "bench": "checkin",
                "scans_per_s": platform["scans_per_s"],
                "p95_ms": platform["p95_ms"],
                "baseline_scans_per_s": baseline["scans_per_s"],
                "ratio": round(platform["scans_per_s"] / baseline["scans_per_s"], 2),
                "double_checkins": doubles,
                "errors": platform["non_200"] + baseline["non_200"],
            }
        )
    )
    remove_roadshows(pks=[platform_pk, baseline_pk])
    return 0 if doubles == 0 and checked == TICKETS else 1


if __name__ == "__main__":
    sys.exit(main())
