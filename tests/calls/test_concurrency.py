"""Accepting against the call's slots under real concurrency (PostgreSQL)."""

import pytest

from accounts.enums import Role
from calls.enums import ApplicationStatus
from calls.models import Application
from calls.services import (
    CallError,
    application_accept,
    application_withdraw,
    call_decide,
)
from tests.concurrency import race
from tests.factories import make_achievement, make_org, make_user
from tests.factories.calls import apply, make_call, pass_deadline
from tests.factories.events import make_roadshow

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _decided(roles, *, teams: int, slots: int, accept: int):
    users, orgs = roles
    call = make_call(
        roadshow=make_roadshow(lead_host=orgs["torch"]),
        by=users["organizer"],
        slots=slots,
    )
    applications, members = [], []
    for i in range(teams):
        org = make_org(name=f"申请单位{i}")
        member = make_user(role=Role.TEAM, org=org, username=f"t{i}")
        achievement = make_achievement(owner=org, state="public")
        applications.append(apply(call=call, achievement=achievement, by=member))
        members.append(member)
    call = pass_deadline(call)
    call_decide(
        call=call,
        accepted=applications[:accept],
        waitlist=teams - accept,
        by=users["organizer"],
    )
    return call, applications, members


def _accepted(call) -> int:
    return Application.objects.filter(
        call=call, status=ApplicationStatus.ACCEPTED
    ).count()


def test_hand_accepts_never_exceed_the_slots(roles):
    call, applications, _members = _decided(roles, teams=5, slots=2, accept=1)
    organizer = roles[0]["organizer"]
    results = race(
        [
            (lambda a=a: application_accept(application=a, by=organizer))
            for a in applications[1:]
        ],
        expected=(CallError,),
    )
    wins = [r for r in results if isinstance(r, Application)]
    assert len(wins) == 1
    assert all(isinstance(r, CallError) for r in results if r not in wins)
    assert _accepted(call) == 2
    assert call.roadshow.slots.count() == 2


def test_a_withdrawal_racing_a_hand_accept_keeps_the_slots(roles):
    call, applications, members = _decided(roles, teams=4, slots=2, accept=2)
    organizer = roles[0]["organizer"]
    results = race(
        [
            lambda: application_withdraw(application=applications[0], by=members[0]),
            lambda: application_accept(application=applications[3], by=organizer),
        ],
        expected=(CallError,),
    )
    assert isinstance(results[0], Application), results
    # The freed place went to exactly one runner-up.
    assert _accepted(call) == 2
    assert call.roadshow.slots.count() == 2
