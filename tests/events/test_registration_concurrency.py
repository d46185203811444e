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


def test_one_scan_id_sent_with_two_tickets_at_once_checks_in_one(roles):
    """The scan id's key decides: one ticket checked in, the other send told
    ``scan_id_reused`` with nothing checked in, one scan recorded."""
    from events.models import Scan

    users, orgs = roles
    roadshow = make_roadshow(
        lead_host=orgs["torch"],
        capacity=10,
        day=dt.date.today() + dt.timedelta(days=10),
    )
    roadshow_transition(roadshow=roadshow, action="publish", by=users["organizer"])
    tickets = [
        registration_create(
            roadshow=roadshow, user=make_user(username=f"g{i}"), attendance="onsite"
        )
        for i in range(2)
    ]
    for _round in range(5):
        Scan.objects.all().delete()
        Registration.objects.update(checked_in_at=None, checked_in_door="")
        results = race(
            [
                (
                    lambda t=t: (
                        ticket_check_in(
                            roadshow=roadshow,
                            code="RS1-" + t.secret,
                            door="east",
                            scan_id="same",
                            by=users["organizer"],
                        ).result
                    )
                )
                for t in tickets
            ]
        )
        assert sorted(results) == ["ok", "scan_id_reused"]
        [scan] = Scan.objects.all()
        checked = Registration.objects.filter(checked_in_at__isnull=False)
        assert list(checked.values_list("pk", flat=True)) == [scan.registration_id]


def test_capacity_raised_while_people_register_and_cancel(roles):
    """Places added, places freed and newcomers at the same instant: the
    places go to the waitlist in its order, newcomers queue behind it, and
    the capacity is never exceeded."""
    from events.registrations import registration_cancel
    from events.services import roadshow_update

    users, orgs = roles
    roadshow = make_roadshow(
        lead_host=orgs["torch"],
        capacity=5,
        day=dt.date.today() + dt.timedelta(days=10),
    )
    roadshow_transition(roadshow=roadshow, action="publish", by=users["organizer"])
    booked = [
        registration_create(
            roadshow=roadshow, user=make_user(username=f"p{i}"), attendance="onsite"
        )
        for i in range(15)
    ]
    confirmed, waitlist = booked[:5], booked[5:]
    assert {r.status for r in confirmed} == {"confirmed"}
    assert {r.status for r in waitlist} == {"waitlisted"}
    newcomers = [make_user(username=f"n{i}") for i in range(6)]
    results = race(
        [
            lambda: roadshow_update(
                roadshow=roadshow, data={"capacity": 8}, by=users["organizer"]
            ),
            *(
                (lambda r=r: registration_cancel(registration=r, by=r.user))
                for r in confirmed[:2]
            ),
            *(
                (
                    lambda u=u: registration_create(
                        roadshow=roadshow, user=u, attendance="onsite"
                    )
                )
                for u in newcomers
            ),
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    onsite = Registration.objects.filter(roadshow=roadshow, attendance="onsite")
    assert onsite.filter(status="confirmed").count() == 8
    # 3 places added + 2 freed: the first 5 who waited, in order.
    promoted = [r.pk for r in waitlist[:5]]
    assert sorted(
        onsite.filter(status="confirmed", pk__in=[r.pk for r in waitlist]).values_list(
            "pk", flat=True
        )
    ) == sorted(promoted)
    assert set(onsite.filter(user__in=newcomers).values_list("status", flat=True)) == {
        "waitlisted"
    }
