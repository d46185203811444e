"""Public disclosure 公示 (#6): the page shows only public facts; anyone may
object during the period (not after, not a bot, not a flood); an upheld
objection sends the deal back and withdraws the disclosure."""

import datetime as dt
import time

import pytest
from django.core import signing
from django.utils import timezone

from tests.factories import make_achievement
from tracker.models import Objection
from tracker.public_views import FORM_SALT
from tracker.services import deal_create, deal_move

pytestmark = pytest.mark.django_db


@pytest.fixture
def disclosed(roles):
    users, orgs = roles
    achievement = make_achievement(owner=orgs["owner"], state="public")
    deal = deal_create(
        by=users["organizer"],
        achievement=achievement,
        counterparty=orgs["enterprise"],
        transfer_mode="assignment",
    )
    today = timezone.localdate()
    steps = [
        ("negotiation", {}),
        (
            "listing",
            {
                "listing_number": "L-1",
                "listing_date": today,
                "listing_price": "500",
            },
        ),
        (
            "signed",
            {
                "contract_number": "HT-2026-88",
                "contract_date": today,
                "agreed_amount": "480",
            },
        ),
        ("settlement", {}),
        ("registration", {"registration_number": "REG-1"}),
        ("disclosure", {"disclosure_starts": today - dt.timedelta(days=1)}),
    ]
    for to, data in steps:
        deal.refresh_from_db()
        deal_move(
            deal_id=deal.pk,
            to=to,
            by=users["organizer"],
            expected=deal.stage,
            data=data,
        )
    deal.refresh_from_db()
    return deal


def form(deal, age=10, **fields):
    token = signing.dumps({"deal": deal.pk, "t": time.time() - age}, salt=FORM_SALT)
    return {
        "token": token,
        "name": "张三",
        "contact": "13800000000",
        "reason": "该成果的部分专利权属存在争议。",
        **fields,
    }


def test_the_disclosure_page_shows_only_public_facts(client, disclosed):
    page = client.get(f"/disclosures/{disclosed.pk}/").content.decode()
    assert disclosed.achievement.title in page
    assert disclosed.counterparty.name in page and "480" in page
    assert "HT-2026-88" not in page and "REG-1" not in page  # contract numbers stay
    listing = client.get("/disclosures/").content.decode()
    assert disclosed.achievement.title in listing


def test_an_objection_during_the_period_reaches_the_organizer(client, roles, disclosed):
    users, _orgs = roles
    response = client.post(f"/disclosures/{disclosed.pk}/", form(disclosed))
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert (objection.name, objection.status) == ("张三", "open")
    client.force_login(users["organizer"])
    page = client.get(f"/deals/{disclosed.pk}/").content.decode()
    assert "该成果的部分专利权属存在争议。" in page and "13800000000" in page
    # The certificate waits for the objection, whatever the date.
    disclosed.refresh_from_db()
    client.post(
        f"/deals/{disclosed.pk}/",
        {"op": "move:certificate", "expected": "disclosure", "certificate_number": "C"},
    )
    disclosed.refresh_from_db()
    assert disclosed.stage == "disclosure"
    # Upheld: back to negotiation, recorded as a move back; the page withdraws.
    client.post(
        f"/deals/{disclosed.pk}/",
        {
            "op": "objection",
            "objection": objection.pk,
            "decision": "uphold",
            "resolution": "经核实权属争议属实",
        },
    )
    disclosed.refresh_from_db()
    assert disclosed.stage == "negotiation"
    back = disclosed.moves.last()
    assert back.backwards and back.from_stage == "disclosure"
    client.logout()
    public = client.get(f"/disclosures/{disclosed.pk}/").content.decode()
    assert "公示已撤回" in public
    assert (
        client.post(f"/disclosures/{disclosed.pk}/", form(disclosed)).status_code == 400
    )
    assert Objection.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"homepage": "http://spam.example"}, "未通过校验"),
        ({"token": "forged"}, "页面已过期"),
        ({"age": 0}, "提交过快"),
        ({"age": 7 * 3600}, "页面已过期"),
        ({"reason": "  "}, "请填写"),
        ({"name": "名" * 101}, "内容过长"),
    ],
)
def test_bots_and_bad_objections_are_refused(client, disclosed, change, message):
    change = dict(change)
    data = form(disclosed, age=change.pop("age", 10))
    data.update(change)
    response = client.post(f"/disclosures/{disclosed.pk}/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Objection.objects.exists()


def test_objections_are_limited_per_address(client, disclosed, settings):
    settings.OBJECTIONS_PER_DAY = 2
    for _ in range(2):
        assert (
            client.post(f"/disclosures/{disclosed.pk}/", form(disclosed)).status_code
            == 302
        )
    response = client.post(f"/disclosures/{disclosed.pk}/", form(disclosed))
    assert response.status_code == 400 and "上限" in response.content.decode()
    assert Objection.objects.count() == 2


def test_no_objection_after_the_period(client, disclosed):
    type(disclosed).objects.filter(pk=disclosed.pk).update(
        disclosure_starts=timezone.localdate() - dt.timedelta(days=20),
        disclosure_ends=timezone.localdate() - dt.timedelta(days=5),
    )
    page = client.get(f"/disclosures/{disclosed.pk}/").content.decode()
    assert "公示期已结束" in page and 'name="reason"' not in page
    response = client.post(f"/disclosures/{disclosed.pk}/", form(disclosed))
    assert (
        response.status_code == 400 and "期外不能提出异议" in response.content.decode()
    )
    assert not Objection.objects.exists()


def test_a_deal_never_disclosed_has_no_public_page(client, roles):
    users, orgs = roles
    deal = deal_create(
        by=users["organizer"],
        achievement=make_achievement(owner=orgs["owner"], state="public"),
        counterparty=orgs["enterprise"],
        transfer_mode="licence",
    )
    assert client.get(f"/disclosures/{deal.pk}/").status_code == 404
