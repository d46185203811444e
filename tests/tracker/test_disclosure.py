"""Public disclosure 公示 (#6): the page shows only public facts; anyone may
object during the period (not after, not a bot, not a flood); an upheld
objection sends the deal back and withdraws the disclosure."""

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.core import signing
from django.utils import timezone

from tests.factories import make_achievement
from tests.tracker.helpers import walk_to_registration
from tracker.models import Deal, Objection
from tracker.services import DealError, deal_create, deal_move
from tracker.views.public import FORM_SALT

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
        path="listed",
    )
    today = timezone.localdate()
    steps = [
        ("negotiation", {}),
        (
            "listing",
            {
                "listing_number": "L-1",
                "listing_date": today,
                "listing_price": Decimal("500"),
            },
        ),
        (
            "signed",
            {
                "contract_number": "HT-2026-88",
                "contract_date": today,
                "agreed_amount": Decimal("480"),
            },
        ),
        ("settlement", {}),
        ("registration", {"registration_number": "REG-1"}),
        ("disclosure", {"disclosure_starts": today}),
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
        f"/deals/{disclosed.pk}/moves/",
        {"to": "certificate", "expected": "disclosure", "certificate_number": "C"},
    )
    disclosed.refresh_from_db()
    assert disclosed.stage == "disclosure"
    # Upheld: back to negotiation, recorded as a move back; the page withdraws.
    client.post(
        f"/deals/{disclosed.pk}/objections/{objection.pk}/decide/",
        {
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
        path="listed",
    )
    assert client.get(f"/disclosures/{deal.pk}/").status_code == 404


# Confidential means confidential (#12): what a disclosure shows of its
# achievement goes through the library's visibility rule for the public.


@pytest.fixture
def restricted_deal(client, roles):
    """An approved investor's interest in a restricted achievement, registered
    through the achievement's page, walked on to registration."""
    users, orgs = roles
    achievement = make_achievement(
        owner=orgs["owner"],
        state="restricted",
        title="机密的固态电池电解质",
        summary="仅限投资方阅读的工艺细节",
    )
    client.force_login(users["investor"])
    url = f"/deals/new/?achievement={achievement.pk}"
    response = client.post(
        url, {"counterparty": orgs["fund"].pk, "transfer_mode": "licence"}
    )
    assert response.status_code == 302
    deal = Deal.objects.get(achievement=achievement)
    walk_to_registration(deal, users["organizer"])
    return deal


def _page_without_its_address(client, path):
    """A page's bytes without its own address (the language switch links
    back to it), to compare two pages."""
    response = client.get(path)
    return response.status_code, response.content.replace(path.encode(), b"PATH")


def test_a_restricted_achievements_disclosure_is_public_only_once_reviewed(
    client, roles, restricted_deal
):
    users, orgs = roles
    deal = restricted_deal
    today = timezone.localdate()
    url = f"/deals/{deal.pk}/"
    moves = f"/deals/{deal.pk}/moves/"
    move = {
        "to": "disclosure",
        "expected": "registration",
        "disclosure_starts": today.isoformat(),
    }
    # Without a title and description written for the disclosure: refused.
    response = client.post(moves, move)
    assert "请填写公示用的成果名称和简介" in response.content.decode()
    deal.refresh_from_db()
    assert deal.stage == "registration"
    client.post(
        moves,
        {
            **move,
            "disclosure_title": "一种新型电池材料",
            "disclosure_summary": "用于储能电池的新材料技术许可。",
        },
    )
    deal.refresh_from_db()
    assert (deal.stage, deal.disclosure_review) == ("disclosure", "pending")
    assert deal.disclosure_published_at is None
    page = client.get(url).content.decode()
    assert "正在等待审查人员审查" in page
    assert f"/disclosures/{deal.pk}/" not in page  # no public page to link to
    # Nothing about it is public yet, and its 404 is any 404.
    client.logout()
    listing = client.get("/disclosures/?all=1").content.decode()
    for text in ("机密的固态电池电解质", "一种新型电池材料", orgs["fund"].name):
        assert text not in listing
    unpublished = _page_without_its_address(client, f"/disclosures/{deal.pk}/")
    assert unpublished[0] == 404
    assert unpublished == _page_without_its_address(client, "/disclosures/987654/")
    assert client.post(f"/disclosures/{deal.pk}/", form(deal)).status_code == 404
    assert not Objection.objects.exists()
    # No period runs: the certificate waits for the review.
    with pytest.raises(DealError, match="等待审查"):
        deal_move(
            deal_id=deal.pk,
            to="certificate",
            by=users["organizer"],
            expected="disclosure",
            data={"certificate_number": "PZ"},
        )
    # Days pass before a reviewer finds it in the workspace.
    Deal.objects.filter(pk=deal.pk).update(
        disclosure_starts=today - dt.timedelta(days=4),
        disclosure_ends=today + dt.timedelta(days=11),
    )
    client.force_login(users["organizer"])
    assert client.get(f"/deals/{deal.pk}/disclosure-review/").status_code == 404
    client.force_login(users["reviewer"])
    workspace = client.get("/workspace/").content.decode()
    assert f"/deals/{deal.pk}/disclosure-review/" in workspace
    review = client.get(f"/deals/{deal.pk}/disclosure-review/").content.decode()
    assert "一种新型电池材料" in review and "用于储能电池的新材料技术许可。" in review
    response = client.post(
        f"/deals/{deal.pk}/disclosure-review/",
        {"decision": "cleared", "note": "名称和简介不含保密内容"},
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.disclosure_review == "cleared"
    assert deal.disclosure_reviewed_by == users["reviewer"]
    # The period starts on the day it is published and keeps its length.
    assert (deal.disclosure_starts, deal.disclosure_ends) == (
        today,
        today + dt.timedelta(days=15),
    )
    assert deal.moves.last().data["disclosure_review"] == "cleared"
    assert f"/deals/{deal.pk}/" not in client.get("/workspace/").content.decode()
    client.logout()
    public = client.get(f"/disclosures/{deal.pk}/").content.decode()
    assert "一种新型电池材料" in public and "用于储能电池的新材料技术许可。" in public
    assert "机密的固态电池电解质" not in public and "工艺细节" not in public
    listing = client.get("/disclosures/").content.decode()
    assert "一种新型电池材料" in listing and "机密的固态电池电解质" not in listing


def test_a_reviewer_may_publish_a_disclosure_under_the_neutral_label(
    client, roles, restricted_deal
):
    users, _orgs = roles
    deal = restricted_deal
    deal_move(
        deal_id=deal.pk,
        to="disclosure",
        by=users["team"],
        expected="registration",
        data={
            "disclosure_starts": timezone.localdate(),
            "disclosure_title": "固态电解质（暂定名）",
            "disclosure_summary": "电池材料。",
        },
    )
    client.force_login(users["team"])  # not a reviewer
    client.post(f"/deals/{deal.pk}/disclosure-review/", {"decision": "neutral"})
    deal.refresh_from_db()
    assert deal.disclosure_review == "pending"
    client.force_login(users["reviewer"])
    client.post(f"/deals/{deal.pk}/disclosure-review/", {"decision": "neutral"})
    client.logout()
    public = client.get(f"/disclosures/{deal.pk}/").content.decode()
    assert "保密成果" in public
    assert "固态电解质" not in public and "机密的固态电池电解质" not in public
    assert "保密成果" in client.get("/disclosures/").content.decode()


def test_a_reviewer_of_a_party_may_not_review_its_disclosure(
    client, roles, restricted_deal
):
    from accounts.enums import Role
    from accounts.models import Membership
    from accounts.permissions import memberships_changed

    users, orgs = roles
    deal = restricted_deal
    deal_move(
        deal_id=deal.pk,
        to="disclosure",
        by=users["team"],
        expected="registration",
        data={
            "disclosure_starts": timezone.localdate(),
            "disclosure_title": "固态电解质（暂定名）",
            "disclosure_summary": "电池材料。",
        },
    )
    # The reviewer also works for the fund that is the deal's counterparty.
    Membership.objects.create(
        user=users["reviewer"], organization=orgs["fund"], role=Role.INVESTOR
    )
    memberships_changed()
    client.force_login(users["reviewer"])
    response = client.post(
        f"/deals/{deal.pk}/disclosure-review/", {"decision": "neutral"}, follow=True
    )
    assert "审查人员不能审查本单位参与的项目的公示" in response.content.decode()
    deal.refresh_from_db()
    assert (deal.disclosure_review, deal.disclosure_published_at) == ("pending", None)


def test_a_disclosure_whose_achievement_is_no_longer_public_is_hidden(
    client, roles, disclosed
):
    from achievements.models import Achievement

    users, _orgs = roles
    Achievement.objects.filter(pk=disclosed.achievement_id).update(
        publication="restricted"
    )
    assert client.get(f"/disclosures/{disclosed.pk}/").status_code == 404
    listing = client.get("/disclosures/").content.decode()
    assert disclosed.achievement.title not in listing
    client.force_login(users["reviewer"])
    workspace = client.get("/workspace/").content.decode()
    assert f"/deals/{disclosed.pk}/disclosure-review/" in workspace


def test_a_deal_on_an_unpublished_achievement_is_refused_on_every_path(
    client, roles, live
):
    from livestream.services import ask

    users, orgs = roles
    draft = make_achievement(owner=orgs["owner"], state="draft", title="未发布草稿")
    client.force_login(users["team"])
    url = f"/deals/new/?achievement={draft.pk}"
    page = client.get(url)
    assert page.status_code == 409 and "尚未通过审查发布" in page.content.decode()
    response = client.post(
        url, {"counterparty": orgs["enterprise"].pk, "transfer_mode": "licence"}
    )
    assert "尚未通过审查发布" in response.content.decode()
    achievement_page = client.get(f"/achievements/{draft.pk}/").content.decode()
    assert "/deals/new/" not in achievement_page
    # A pitch and a live-room question on an achievement never published.
    slot = live["slot"]
    withheld = make_achievement(owner=orgs["owner"], state="withheld")
    type(slot).objects.filter(pk=slot.pk).update(achievement=withheld)
    client.force_login(users["organizer"])
    response = client.post(
        f"/deals/new/?slot={slot.pk}",
        {"counterparty": orgs["enterprise"].pk, "transfer_mode": "licence"},
    )
    assert "尚未通过审查发布" in response.content.decode()
    question = ask(
        user=users["enterprise"],
        room_id=live["room"].pk,
        text="能否独占许可？",
        slot_id=slot.pk,
        client_id="c9",
    )
    response = client.post(
        f"/deals/new/?question={question.pk}",
        {"counterparty": orgs["enterprise"].pk, "transfer_mode": "licence"},
    )
    assert "尚未通过审查发布" in response.content.decode()
    assert not Deal.objects.exists()
    with pytest.raises(DealError, match="尚未通过审查发布"):
        deal_create(
            by=users["organizer"],
            achievement=draft,
            counterparty=orgs["enterprise"],
            transfer_mode="licence",
            path="listed",
        )


# The objection period (#12): it starts when the disclosure is published and
# lasts the minimum; only organizers shorten it, with a reason.


@pytest.fixture
def registered(roles):
    users, orgs = roles
    deal = deal_create(
        by=users["organizer"],
        achievement=make_achievement(owner=orgs["owner"], state="public"),
        counterparty=orgs["enterprise"],
        transfer_mode="assignment",
        path="listed",
    )
    walk_to_registration(deal, users["organizer"])
    return deal


@pytest.mark.parametrize(
    ("who", "starts", "ends", "note", "message"),
    [
        ("team", -1, None, "", "不能早于今天"),
        ("enterprise", -20, -5, "", "不能早于今天"),
        ("team", 0, 5, "", "不得少于 15 天"),
        ("organizer", 0, 5, "", "写明理由"),
    ],
)
def test_the_objection_period_cannot_be_skipped(
    client, roles, registered, who, starts, ends, note, message
):
    users, _orgs = roles
    today = timezone.localdate()
    client.force_login(users[who])
    post = {
        "to": "disclosure",
        "expected": "registration",
        "disclosure_starts": (today + dt.timedelta(days=starts)).isoformat(),
        "note": note,
    }
    if ends is not None:
        post["disclosure_ends"] = (today + dt.timedelta(days=ends)).isoformat()
    response = client.post(f"/deals/{registered.pk}/moves/", post)
    assert message in response.content.decode()
    registered.refresh_from_db()
    assert registered.stage == "registration"
    assert registered.disclosure_published_at is None
    # And the same day's certificate stays out of reach.
    assert registered.moves.filter(to_stage="disclosure").count() == 0


def test_only_organizers_shorten_the_period_with_a_reason_in_the_history(
    client, roles, registered
):
    users, _orgs = roles
    today = timezone.localdate()
    client.force_login(users["organizer"])
    client.post(
        f"/deals/{registered.pk}/moves/",
        {
            "to": "disclosure",
            "expected": "registration",
            "disclosure_starts": today.isoformat(),
            "disclosure_ends": (today + dt.timedelta(days=5)).isoformat(),
            "note": "主管部门批准缩短公示期",
        },
    )
    registered.refresh_from_db()
    assert registered.stage == "disclosure"
    entry = registered.moves.last()
    assert entry.note == "主管部门批准缩短公示期"
    assert entry.data["disclosure_shortened_to_days"] == 5
    response = client.post(
        f"/deals/{registered.pk}/moves/",
        {
            "to": "certificate",
            "expected": "disclosure",
            "certificate_number": "PZ-1",
        },
    )
    assert "公示期到" in response.content.decode()
    registered.refresh_from_db()
    assert registered.stage == "disclosure"


# Objectors (#12): their names and contacts are for organizers alone.


def test_the_parties_see_an_objection_but_not_who_made_it(client, roles, disclosed):
    users, _orgs = roles
    client.post(f"/disclosures/{disclosed.pk}/", form(disclosed))
    assert Objection.objects.count() == 1
    for name in ("team", "enterprise"):
        client.force_login(users[name])
        page = client.get(f"/deals/{disclosed.pk}/").content.decode()
        assert "该成果的部分专利权属存在争议。" in page, name
        assert "张三" not in page and "13800000000" not in page, name
    client.force_login(users["organizer"])
    page = client.get(f"/deals/{disclosed.pk}/").content.decode()
    assert "张三" in page and "13800000000" in page
