"""Invitation places and answers under real concurrency (PostgreSQL)."""

import pytest

from events.enums import RegistrationStatus
from events.models import Registration
from events.registrations import registration_create
from invitations.services import (
    InvitationError,
    invitation_accept,
    invitation_places_set,
)
from tests.concurrency import race
from tests.factories import make_user
from tests.factories.invitations import invite, make_bank, make_published_roadshow

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_kept_places_hold_while_the_public_and_invitees_register_at_once(roles):
    users, orgs = roles
    roadshow = make_published_roadshow(lead_host=orgs["torch"], capacity=10)
    invitation_places_set(roadshow=roadshow, places=4, by=users["organizer"])
    invitations = [
        invite(
            roadshow=roadshow,
            organization=make_bank(f"银行{i}"),
            by=users["organizer"],
            email=f"c{i}@bank.example",
            people=((f"甲{i}", f"a{i}@bank.example"), (f"乙{i}", f"b{i}@bank.example")),
        )[0]
        for i in range(3)
    ]
    public = [make_user(username=f"p{i}") for i in range(20)]
    results = race(
        [
            *(
                (
                    lambda u=u: registration_create(
                        roadshow=roadshow, user=u, attendance="onsite"
                    )
                )
                for u in public
            ),
            *(
                (lambda i=i: invitation_accept(invitation=i, by=None))
                for i in invitations
            ),
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    tickets = Registration.objects.filter(
        roadshow=roadshow, status=RegistrationStatus.CONFIRMED
    )
    reserved = tickets.filter(reserved=True).count()
    assert tickets.count() == 10
    assert reserved >= 4
    assert tickets.filter(reserved=False).count() == 10 - reserved


def test_one_link_answered_twice_at_once_accepts_once(roles):
    users, orgs = roles
    roadshow = make_published_roadshow(lead_host=orgs["torch"])
    invitation, _token = invite(
        roadshow=roadshow,
        organization=make_bank(),
        by=users["organizer"],
        people=(("李行长", "li@bank.example"), ("赵经理", "zhao@bank.example")),
    )
    results = race(
        [lambda: invitation_accept(invitation=invitation, by=None)] * 3,
    )
    accepted = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, InvitationError)]
    assert (len(accepted), len(refused)) == (1, 2), results
    assert Registration.objects.filter(roadshow=roadshow).count() == 2
