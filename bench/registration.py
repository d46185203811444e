"""500 registrations at once for 200 on-site places (PostgreSQL).

Each registration runs in its own thread and database connection (64 at a
time, PostgreSQL's connection limit allowing), all released together; prints
the time to settle, places confirmed (must be exactly the capacity) and the
waitlist length.
"""

import datetime as dt
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from bench.common import django_setup

CAPACITY = 200
PEOPLE = 500
WORKERS = 64


def main() -> int:
    django_setup("postgresql")
    from django.db import connection
    from django.utils import timezone

    from accounts.enums import OrganizationKind
    from accounts.models import Organization, User
    from achievements.models import IndustryField
    from events.models import Registration, Roadshow
    from events.registrations import registration_create
    from events.services import SHANGHAI, roadshow_transition

    host, _ = Organization.objects.get_or_create(
        name="基准测试主办方", defaults={"kind": OrganizationKind.TORCH_CENTRE}
    )
    day = timezone.localdate() + dt.timedelta(days=30)
    roadshow = Roadshow.objects.create(
        kind="field",
        field=IndustryField.objects.first(),
        title="报名基准测试路演",
        start=dt.datetime.combine(day, dt.time(14), tzinfo=SHANGHAI),
        end=dt.datetime.combine(day, dt.time(17), tzinfo=SHANGHAI),
        lead_host=host,
        capacity=CAPACITY,
    )
    roadshow = roadshow_transition(roadshow=roadshow, action="publish", by=None)
    users = [
        User.objects.get_or_create(username=f"bench-reg-{i}")[0] for i in range(PEOPLE)
    ]
    gate = threading.Event()

    def register(user):
        gate.wait()
        try:
            return registration_create(
                roadshow=roadshow, user=user, attendance="onsite"
            )
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = [pool.submit(register, u) for u in users]
        started = time.perf_counter()
        gate.set()
        results = [f.result() for f in futures]
        settle = time.perf_counter() - started
    statuses = [r.status for r in Registration.objects.filter(roadshow=roadshow)]
    confirmed, waitlisted = statuses.count("confirmed"), statuses.count("waitlisted")
    print(
        f"{len(results)} registrations ({WORKERS} at a time) for {CAPACITY} places "
        f"settled in {settle:.2f} s: {confirmed} confirmed, {waitlisted} waitlisted"
    )
    roadshow_transition(
        roadshow=roadshow, action="cancel", by=None, note="benchmark done"
    )
    print(
        json.dumps(
            {
                "bench": "registration",
                "capacity": CAPACITY,
                "confirmed": confirmed,
                "waitlisted": waitlisted,
                "settle_s": round(settle, 2),
            }
        )
    )
    return 0 if confirmed == CAPACITY else 1


if __name__ == "__main__":
    sys.exit(main())
