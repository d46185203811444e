"""Review decisions under real concurrency (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection

from achievements.models import Achievement, ReviewEvent
from achievements.services import ReviewError, achievement_transition
from tests.factories import make_achievement

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _race(workers):
    barrier = threading.Barrier(len(workers))
    results = [None] * len(workers)

    def run(index, work):
        try:
            barrier.wait(timeout=10)
            results[index] = ("ok", work())
        except ReviewError as exc:
            results[index] = ("refused", str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_reviewers_deciding_at_once_one_wins(roles):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="submitted")
    results = _race(
        [
            lambda: achievement_transition(
                achievement=a, action="return", by=users["reviewer"], comment="退回"
            ),
            lambda: achievement_transition(
                achievement=a, action="return", by=users["reviewer"], comment="退回"
            ),
        ]
    )
    assert sorted(r[0] for r in results) == ["ok", "refused"]
    assert ReviewEvent.objects.filter(achievement=a, to_status="returned").count() == 1
    assert Achievement.objects.get(pk=a.pk).status == "returned"


def test_many_concurrent_submits_record_one_transition(roles):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="draft")
    results = _race(
        [
            (
                lambda: achievement_transition(
                    achievement=a, action="submit", by=users["team"]
                )
            )
            for _ in range(6)
        ]
    )
    assert [r[0] for r in results].count("ok") == 1
    assert ReviewEvent.objects.filter(achievement=a, to_status="submitted").count() == 1
