"""Capacity and check-in under real concurrency (PostgreSQL)."""

import datetime as dt

import pytest

from events.models import Registration
from events.registrations import registration_create, ticket_check_in
from events.services import roadshow_transition
from tests.concurrency import race
from tests.factories import make_user
from tests.factories.events import make_roadshow

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_capacity_is_never_exceeded(roles):
    users, orgs = roles
    roadshow = make_roadshow(
        lead_host=orgs["torch"],
        capacity=10,
        day=dt.date.today() + dt.timedelta(days=10),
    )
    roadshow_transition(roadshow=roadshow, action="publish", by=users["organizer"])
    people = [make_user(username=f"p{i}") for i in range(40)]
    results = race(
        [
            (
                lambda u=u: registration_create(
                    roadshow=roadshow, user=u, attendance="onsite"
                )
            )
            for u in people
        ]
    )
    assert all(isinstance(r, Registration) for r in results), results
    statuses = [r.status for r in Registration.objects.filter(roadshow=roadshow)]
    assert statuses.count("confirmed") == 10
    assert statuses.count("waitlisted") == 30


def test_one_ticket_at_two_doors_checks_in_once(roles):
    users, orgs = roles
    roadshow = make_roadshow(
        lead_host=orgs["torch"],
        capacity=10,
        day=dt.date.today() + dt.timedelta(days=10),
    )
    roadshow_transition(roadshow=roadshow, action="publish", by=users["organizer"])
    r = registration_create(
        roadshow=roadshow, user=make_user(username="guest"), attendance="onsite"
    )
    results = race(
        [
            (
                lambda door=door: (
                    ticket_check_in(
                        roadshow=roadshow,
                        code="RS1-" + r.secret,
                        door=door,
                        scan_id=f"scan-{door}",
                        by=users["organizer"],
                    ).result
                )
            )
            for door in ("east", "west", "north", "south")
        ]
    )
    assert sorted(results) == ["already_checked_in"] * 3 + ["ok"]
