"""One action, one place (#13): each action on a deal's page posts to its own
address, its form parses what was typed, and its service call checks who
may and takes typed values only."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import make_achievement
from tracker import services
from tracker.enums import Stage
from tracker.models import Deal, DealMove, Financing, Payment

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 5, 10)


@pytest.fixture
def deal(roles):
    users, orgs = roles
    return services.deal_create(
        by=users["organizer"],
        achievement=make_achievement(owner=orgs["owner"], state="public"),
        counterparty=orgs["enterprise"],
        transfer_mode="licence",
        path="listed",
        asking_amount=Decimal("300"),
    )


def _to(deal, stage: str, by) -> None:
    steps = [
        ("negotiation", {}),
        (
            "listing",
            {
                "listing_number": "L",
                "listing_date": TODAY,
                "listing_price": Decimal("50"),
            },
        ),
        (
            "signed",
            {
                "contract_number": "C",
                "contract_date": TODAY,
                "agreed_amount": Decimal("50"),
            },
        ),
        ("settlement", {}),
    ]
    names = [to for to, _data in steps]
    deal.refresh_from_db()
    start = names.index(deal.stage) + 1 if deal.stage in names else 0
    for to, data in steps[start:]:
        deal.refresh_from_db()
        services.deal_move(
            deal_id=deal.pk, to=to, by=by, expected=deal.stage, data=data
        )
        if to == stage:
            break
    deal.refresh_from_db()


def test_the_deal_page_posts_each_action_to_its_own_address(client, roles, deal):
    users, _orgs = roles
    _to(deal, "settlement", users["organizer"])
    client.force_login(users["organizer"])
    page = client.get(f"/deals/{deal.pk}/").content.decode()
    base = f"/deals/{deal.pk}/"
    for action in ("moves/", "notes/", "edit/", "payments/", "financing/"):
        assert f'action="{base}{action}"' in page, action
    assert 'name="op"' not in page
    # Each address does its one thing.
    response = client.post(
        f"{base}payments/",
        {"amount": "20", "paid_on": "2027-05-11", "note": "首期款"},
    )
    assert (response.status_code, response["Location"]) == (302, base)
    assert list(Payment.objects.values_list("amount", "paid_on", "note")) == [
        (Decimal("20"), dt.date(2027, 5, 11), "首期款")
    ]
    response = client.post(
        f"{base}moves/",
        {"to": "registration", "expected": "settlement", "registration_number": "R-1"},
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.stage, deal.registration_number) == ("registration", "R-1")
    # A GET on an action's address is refused, and writes nothing.
    before = DealMove.objects.count()
    assert client.get(f"{base}notes/").status_code == 405
    assert DealMove.objects.count() == before


def test_a_page_loaded_before_the_addresses_still_posts_to_the_deal(
    client, roles, deal
):
    users, _orgs = roles
    client.force_login(users["team"])
    response = client.post(
        f"/deals/{deal.pk}/", {"op": "move:negotiation", "expected": "interest"}
    )
    assert (response.status_code, response["Location"]) == (302, f"/deals/{deal.pk}/")
    client.post(f"/deals/{deal.pk}/", {"op": "note", "note": "旧页面提交的进展"})
    deal.refresh_from_db()
    assert deal.stage == "negotiation"
    assert deal.moves.last().note == "旧页面提交的进展"


def test_an_id_that_is_no_number_in_an_address_is_not_found(client, roles, deal):
    users, _orgs = roles
    client.force_login(users["organizer"])
    before = DealMove.objects.count()
    for path in ("bids/abc/award/", "objections/abc/decide/"):
        assert client.post(f"/deals/{deal.pk}/{path}").status_code == 404, path
    assert DealMove.objects.count() == before


def test_every_write_checks_who_may_itself(roles, deal):
    """An outsider (another university's team) reaches no write, whatever
    calls the service."""
    users, orgs = roles
    outsider = users["other_team"]
    _to(deal, "settlement", users["organizer"])
    before = (DealMove.objects.count(), Payment.objects.count())
    writes = {
        "deal_move": lambda: services.deal_move(
            deal_id=deal.pk, to="registration", by=outsider, expected="settlement"
        ),
        "deal_note": lambda: services.deal_note(
            deal_id=deal.pk, by=outsider, note="冒充进展"
        ),
        "deal_edit": lambda: services.deal_edit(
            deal_id=deal.pk, by=outsider, changes={"asking_amount": Decimal("1")}
        ),
        "payment_add": lambda: services.payment_add(
            deal_id=deal.pk, amount=Decimal("1"), paid_on=TODAY, by=outsider
        ),
        "financing_add": lambda: services.financing_add(
            achievement=deal.achievement,
            deal=deal,
            kind="equity",
            institution="某基金",
            amount=Decimal("1"),
            on=TODAY,
            by=outsider,
        ),
        "deal_create": lambda: services.deal_create(
            by=outsider,
            achievement=deal.achievement,
            counterparty=orgs["fund"],
            transfer_mode="licence",
            path="listed",
        ),
    }
    for name, write in writes.items():
        with pytest.raises(PermissionDenied):
            write()
        assert (DealMove.objects.count(), Payment.objects.count()) == before, name
    assert not Financing.objects.exists()
    assert Deal.objects.count() == 1
    deal.refresh_from_db()
    assert (deal.stage, deal.asking_amount) == ("settlement", Decimal("300"))


def test_a_party_may_not_decide_an_objection_whatever_calls_it(roles, deal):
    from tracker.models import Objection

    users, _orgs = roles
    objection = Objection.objects.create(
        deal=deal, name="某人", contact="x", reason="理由"
    )
    with pytest.raises(PermissionDenied):
        services.objection_resolve(
            objection_id=objection.pk,
            upheld=False,
            resolution="不成立",
            by=users["team"],
        )
    objection.refresh_from_db()
    assert objection.status == "open"


def test_services_take_typed_values_not_what_was_typed(roles, deal):
    users, _orgs = roles
    _to(deal, "negotiation", users["organizer"])
    with pytest.raises(TypeError):
        services.deal_move(
            deal_id=deal.pk,
            to="listing",
            by=users["organizer"],
            expected="negotiation",
            data={
                "listing_number": "L",
                "listing_date": "2027-05-10",
                "listing_price": Decimal("5"),
            },
        )
    _to(deal, "settlement", users["organizer"])
    with pytest.raises(TypeError):
        services.payment_add(
            deal_id=deal.pk, amount="10", paid_on=TODAY, by=users["organizer"]
        )
    deal.refresh_from_db()
    assert (deal.stage, deal.settled_amount) == ("settlement", Decimal("0"))
    assert deal.moves.filter(to_stage="listing").count() == 1


def test_the_groups_of_stages_are_defined_once_on_the_enum():
    assert Stage.ended() == {"landed", "abandoned"}
    assert Stage.open() | Stage.ended() == set(Stage.values)
    assert not Stage.open() & Stage.ended()
    assert services.optional_on("listed") == {
        "consultation",
        "plan",
        "evaluation",
        "bidding",
    }
    assert services.optional_on("auction") == {"consultation", "plan", "evaluation"}
    assert Stage.path()[0] == "interest" and "abandoned" not in Stage.path()
    assert not Stage.settling() & {"interest", "signed", "abandoned"}
