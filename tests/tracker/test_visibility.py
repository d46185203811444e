import pytest

from accounts.permissions import user_can
from tests.factories import make_achievement
from tracker.selectors import deals_visible_to
from tracker.services import deal_create

pytestmark = pytest.mark.django_db


def test_deals_are_seen_by_organizers_and_their_parties_only(roles):
    users, orgs = roles
    ours = deal_create(
        by=None,
        achievement=make_achievement(owner=orgs["owner"], state="public"),
        counterparty=orgs["enterprise"],
        transfer_mode="licence",
    )
    theirs = deal_create(
        by=None,
        achievement=make_achievement(owner=orgs["other"], state="public"),
        counterparty=orgs["fund"],
        transfer_mode="equity",
    )
    seen = {name: set(deals_visible_to(user=users[name])) for name in users}
    assert seen["organizer"] == {ours, theirs}
    assert seen["team"] == {ours}  # the achievement's team
    assert seen["enterprise"] == {ours}  # the counterparty
    assert seen["investor"] == {theirs}
    assert seen["other_team"] == {theirs}
    assert seen["reviewer"] == set() and seen["nobody"] == set()
    assert user_can(users["team"], "deal.move", ours)
    assert not user_can(users["team"], "deal.move", theirs)
    assert not user_can(users["team"], "deal.decide_objection", ours)
    assert user_can(users["organizer"], "deal.decide_objection", ours)
