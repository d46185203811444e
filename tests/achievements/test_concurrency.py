"""Review decisions under real concurrency (PostgreSQL row locks)."""

import pytest

from achievements.models import Achievement, ReviewEvent
from achievements.services import ReviewError, achievement_transition
from tests.concurrency import race
from tests.factories import make_achievement

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_reviewers_deciding_at_once_one_wins(roles):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="submitted")
    results = race(
        [
            lambda: achievement_transition(
                achievement=a,
                action="return",
                by=users["reviewer"],
                comment="退回",
                seen_revision=a.revision,
            ),
            lambda: achievement_transition(
                achievement=a,
                action="return",
                by=users["reviewer"],
                comment="退回",
                seen_revision=a.revision,
            ),
        ]
    )
    assert sorted(type(r).__name__ for r in results) == ["Achievement", "ReviewError"]
    assert ReviewEvent.objects.filter(achievement=a, to_status="returned").count() == 1
    assert Achievement.objects.get(pk=a.pk).status == "returned"


def test_many_concurrent_submits_record_one_transition(roles):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="draft")
    results = race(
        [
            (
                lambda: achievement_transition(
                    achievement=a, action="submit", by=users["team"]
                )
            )
            for _ in range(6)
        ]
    )
    assert [isinstance(r, ReviewError) for r in results].count(False) == 1
    assert ReviewEvent.objects.filter(achievement=a, to_status="submitted").count() == 1
