"""Transaction paths (#18): each deal follows its path's stages and data
through the deal page; consultation and plan design are recorded stages;
evaluation with its report, confirmed by an organizer and shown on the
achievement's page; an auction's bids; the migration of existing deals."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from PIL import Image

from accounts.enums import OrganizationKind, Role
from tests.concurrency import race
from tests.factories import make_achievement, make_org, make_user, pdf_bytes
from tests.tracker.helpers import signing_terms
from tracker.models import Bid, Deal, DealMove, TargetPeriod
from tracker.services import DealError, bid_place, deal_create, deal_move

pytestmark = pytest.mark.django_db


def _deal(roles, *, mode="licence", path=""):
    users, orgs = roles
    achievement = make_achievement(owner=orgs["owner"], state="public")
    return deal_create(
        by=users["organizer"],
        achievement=achievement,
        counterparty=orgs["enterprise"],
        transfer_mode=mode,
        path=path,
    )


def _post_move(client, deal, to, **data):
    deal.refresh_from_db()
    return client.post(
        f"/deals/{deal.pk}/moves/", {"to": to, "expected": deal.stage, **data}
    )


def _pdf(name="评价报告.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return SimpleUploadedFile("扫描件.png", buffer.getvalue(), content_type="image/png")


def _offered(client, deal) -> list[str]:
    """The moves the deal's page offers (the hidden "to" of each form)."""
    page = client.get(f"/deals/{deal.pk}/").content.decode()
    marker = 'name="to" value="'
    return [part.split('"', 1)[0] for part in page.split(marker)[1:]]


def _evaluation(**overrides):
    data = {
        "evaluation_method": "third_party",
        "evaluator": "中科评价中心",
        "evaluation_min": "120",
        "evaluation_max": "150",
        "evaluated_on": "2027-03-01",
        "documents": _pdf(),
    }
    data.update(overrides)
    return data


def test_a_negotiated_licence_is_signed_without_any_listing(client, roles):
    users, orgs = roles
    deal = _deal(roles, mode="assignment", path="negotiated")
    client.force_login(users["team"])
    assert _offered(client, deal) == [
        "consultation",
        "plan",
        "negotiation",
        "abandoned",
    ]
    response = _post_move(
        client,
        deal,
        "consultation",
        note="与企业技术负责人座谈，了解产线需求",
        documents=_pdf("座谈纪要.pdf"),
    )
    assert response.status_code == 302
    _post_move(client, deal, "plan", note="转让方案：一次性支付")
    _post_move(client, deal, "negotiation")
    assert _offered(client, deal) == ["evaluation", "signed", "abandoned"]
    # A move not on the path is refused, nothing written.
    response = _post_move(
        client,
        deal,
        "listing",
        listing_number="L-1",
        listing_date="2027-05-10",
        listing_price="100",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "“协议定价”路径上不能从“洽谈”进入“挂牌”。" in page
    deal.refresh_from_db()
    assert (deal.stage, deal.listing_number) == ("negotiation", "")
    response = _post_move(
        client,
        deal,
        "signed",
        contract_number="HT-1",
        contract_date="2027-05-12",
        agreed_amount="150",
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.stage == "signed" and deal.agreed_amount == Decimal("150")
    stages = list(deal.moves.values_list("to_stage", flat=True))
    assert stages == ["interest", "consultation", "plan", "negotiation", "signed"]
    consultation = deal.moves.get(to_stage="consultation")
    assert consultation.note == "与企业技术负责人座谈，了解产线需求"
    assert [d.original_name for d in consultation.documents.all()] == ["座谈纪要.pdf"]
    page = client.get(f"/deals/{deal.pk}/").content.decode()
    assert "交易路径：协议定价" in page
    assert ">挂牌<" not in page  # the path drawn has no listing


def test_a_licence_is_signed_with_its_terms(client, roles):
    users, _orgs = roles
    deal = _deal(roles)  # a licence's usual path
    assert deal.path == "licence"
    client.force_login(users["enterprise"])
    _post_move(client, deal, "negotiation")
    contract = {
        "contract_number": "XK-1",
        "contract_date": "2027-05-12",
        "agreed_amount": "80",
    }
    response = _post_move(client, deal, "signed", **contract)
    assert (
        "进入“签约”前请填写：许可类型、许可地域范围、许可期限至、许可费支付方式。"
        in (response.content.decode())
    )
    terms = {
        **contract,
        "licence_kind": "sole",
        "licence_territory": "长三角地区",
        "licence_ends": "2032-05-11",
        "licence_fee": "royalty",
    }
    response = _post_move(client, deal, "signed", **terms)
    assert "提成支付的许可请填写提成比例。" in response.content.decode()
    response = _post_move(client, deal, "signed", **terms, royalty_rate="120")
    assert "比例应大于 0、不超过 100。" in response.content.decode()
    deal.refresh_from_db()
    assert (deal.stage, deal.licence_kind, deal.contract_number) == (
        "negotiation",
        "",
        "",
    )
    response = _post_move(client, deal, "signed", **terms, royalty_rate="3.5")
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.stage, deal.licence_kind, deal.royalty_rate) == (
        "signed",
        "sole",
        Decimal("3.5"),
    )
    page = client.get(f"/deals/{deal.pk}/").content.decode()
    assert "排他许可 · 长三角地区 · 至 2032-05-11 · 提成支付 3.50%" in page


def test_a_joint_development_contract_is_signed_with_its_milestones(client, roles):
    users, _orgs = roles
    deal = _deal(roles, mode="joint_development")
    assert deal.path == "contract"
    client.force_login(users["team"])
    _post_move(client, deal, "negotiation")
    contract = {
        "contract_number": "KF-1",
        "contract_date": "2027-05-12",
        "agreed_amount": "60",
    }
    response = _post_move(client, deal, "signed", **contract)
    assert "进入“签约”前请填写：合同里程碑。" in response.content.decode()
    response = _post_move(
        client, deal, "signed", **contract, milestones="2027-09 样机\n2028-03 中试"
    )
    assert response.status_code == 302
    page = client.get(f"/deals/{deal.pk}/").content.decode()
    assert "2027-09 样机<br>2028-03 中试" in page


def test_an_equity_investment_records_valuation_shares_and_company(client, roles):
    users, _orgs = roles
    deal = _deal(roles, mode="equity")
    client.force_login(users["team"])
    _post_move(client, deal, "negotiation")
    terms = {
        "contract_number": "ZJ-1",
        "contract_date": "2027-05-12",
        "agreed_amount": "500",
        "equity_valuation": "500",
        "company_name": "甲大学新材料有限公司",
    }
    response = _post_move(client, deal, "signed", **terms, equity_share="0")
    assert "比例应大于 0、不超过 100。" in response.content.decode()
    response = _post_move(client, deal, "signed", **terms, equity_share="25")
    assert response.status_code == 302
    page = client.get(f"/deals/{deal.pk}/").content.decode()
    assert "作价 500.00 万元，持股 25.00%" in page
    assert "甲大学新材料有限公司" in page


def test_a_transfer_mode_takes_only_its_own_paths(roles):
    with pytest.raises(DealError, match="“作价投资”可选的交易路径为：作价投资。"):
        _deal(roles, mode="equity", path="listed")
    assert Deal.objects.count() == 0


def test_a_listed_deal_names_its_exchange_and_period(client, roles):
    users, orgs = roles
    exchange = make_org(kind=OrganizationKind.TECHNOLOGY_EXCHANGE, name="技术交易所")
    deal = _deal(roles, mode="assignment", path="listed")
    client.force_login(users["team"])
    _post_move(client, deal, "negotiation")
    assert _offered(client, deal) == ["evaluation", "listing", "abandoned"]
    listing = {
        "listing_number": "GP-1",
        "listing_date": "2027-05-10",
        "listing_price": "90",
        "agency_id": exchange.pk,
    }
    response = _post_move(client, deal, "listing", **listing, listing_ends="2027-05-01")
    assert "挂牌截止日期不能早于挂牌日期。" in response.content.decode()
    response = _post_move(client, deal, "listing", **listing, listing_ends="2027-06-10")
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.agency, deal.listing_ends) == (exchange, dt.date(2027, 6, 10))
    assert _offered(client, deal) == ["bidding", "signed", "abandoned"]


def test_an_evaluation_with_bad_values_or_no_report_is_refused(client, roles):
    users, _orgs = roles
    deal = _deal(roles)
    client.force_login(users["team"])
    _post_move(client, deal, "negotiation")
    for data, message in [
        (_evaluation(evaluation_min="-1"), "金额不能为负数。"),
        (_evaluation(evaluation_max="100"), "评价价值上限不能低于下限。"),
        (_evaluation(documents=_png()), "请上传评价报告（PDF）。"),
        (_evaluation(evaluation_method="自评"), "选项不正确。"),
    ]:
        response = _post_move(client, deal, "evaluation", **data)
        assert message in response.content.decode()
    deal.refresh_from_db()
    assert (deal.stage, deal.evaluator, deal.evaluation_min) == (
        "negotiation",
        "",
        None,
    )
    assert deal.documents.count() == 0
    assert deal.moves.count() == 2


def test_an_evaluation_shows_on_the_achievement_once_an_organizer_confirms(
    client, roles
):
    users, _orgs = roles
    deal = _deal(roles)
    achievement_url = f"/achievements/{deal.achievement_id}/"
    client.force_login(users["team"])
    _post_move(client, deal, "negotiation")
    response = _post_move(client, deal, "evaluation", **_evaluation())
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.evaluation_report.original_name == "评价报告.pdf"
    page = client.get(f"/deals/{deal.pk}/").content.decode()
    assert "中科评价中心" in page and "120.00 — 150.00" in page
    assert "等待组织方确认后，成果页面显示“已评价”。" in page
    assert "已评价" not in client.get(achievement_url).content.decode()
    # The parties record it; they do not vouch for it in public.
    client.post(f"/deals/{deal.pk}/evaluation/clear/")
    deal.refresh_from_db()
    assert deal.evaluation_cleared_at is None
    client.force_login(users["organizer"])
    response = client.post(f"/deals/{deal.pk}/evaluation/clear/")
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.evaluation_cleared_by == users["organizer"]
    for viewer in ("nobody", "investor"):
        client.force_login(users[viewer])
        page = client.get(achievement_url).content.decode()
        assert 'id="evaluated">已评价<' in page and "中科评价中心" in page
        assert "120.00" not in page  # the value stays with the deal's parties
    # Signing goes on from the evaluation on the licence path.
    client.force_login(users["team"])
    assert _offered(client, deal) == ["signed", "abandoned"]


def _auction(roles, client, *, starts, ends):
    users, orgs = roles
    exchange = make_org(kind=OrganizationKind.TECHNOLOGY_EXCHANGE, name="产权交易所")
    deal = _deal(roles, mode="assignment", path="auction")
    deal_move(deal_id=deal.pk, to="negotiation", by=None, expected="interest")
    response = _post_move(
        client,
        deal,
        "listing",
        listing_number="PM-1",
        listing_date=starts.isoformat(),
        listing_price="100",
    )
    assert (
        "进入“挂牌”前请填写：技术交易机构/服务机构、挂牌截止日期、加价幅度（万元）。"
        in response.content.decode()
    )
    response = _post_move(
        client,
        deal,
        "listing",
        listing_number="PM-1",
        listing_date=starts.isoformat(),
        listing_ends=ends.isoformat(),
        listing_price="100",
        bid_increment="5",
        agency_id=exchange.pk,
    )
    assert response.status_code == 302
    assert _offered(client, deal) == ["bidding", "abandoned"]  # no buyer without bids
    _post_move(client, deal, "bidding")
    deal.refresh_from_db()
    return deal


def _bid(client, deal, org, amount):
    return client.post(
        f"/deals/{deal.pk}/bids/", {"bidder": org.pk, "amount": amount}
    ).content.decode()


def test_an_auction_takes_bids_at_the_increment_and_the_highest_wins(client, roles):
    users, orgs = roles
    today = timezone.localdate()
    client.force_login(users["organizer"])
    deal = _auction(roles, client, starts=today, ends=today + dt.timedelta(days=3))
    # Organizers no longer bid for a bidder at an auction.
    assert "拍卖/竞价须由竞买方本单位人员出价" in _bid(
        client, deal, orgs["enterprise"], "100"
    )
    client.force_login(users["enterprise"])
    page = client.get(f"/deals/{deal.pk}/").content.decode()
    assert "下一次出价至少 100.00 万元。" in page
    assert "出价不能低于挂牌底价 100.00 万元。" in _bid(
        client, deal, orgs["enterprise"], "99"
    )
    assert _bid(client, deal, orgs["enterprise"], "100") == ""  # taken
    assert "已有相同金额的出价 100.00 万元" in _bid(
        client, deal, orgs["enterprise"], "100"
    )
    assert (
        "出价须不低于 105.00 万元（当前最高价 100.00 万元加加价幅度 5.00 万元）。"
        in _bid(client, deal, orgs["enterprise"], "104")
    )
    _bid(client, deal, orgs["enterprise"], "110")
    assert list(deal.bids.values_list("amount", flat=True)) == [
        Decimal("100"),
        Decimal("110"),
    ]
    # Signing waits for the close.
    response = _post_move(client, deal, "signed", **signing_terms(deal, agreed="110"))
    assert "竞价到" in response.content.decode()
    # The listing closes (time passes): late bids are refused.
    Deal.objects.filter(pk=deal.pk).update(
        listing_ends=today - dt.timedelta(days=1),
        listing_date=today - dt.timedelta(days=5),
    )
    late = _bid(client, deal, orgs["enterprise"], "200")
    assert f"竞价已于 {today - dt.timedelta(days=1)} 结束，不再接受出价。" in late
    response = _post_move(client, deal, "signed", **signing_terms(deal, agreed="100"))
    assert "成交金额应为最高有效出价 110.00 万元。" in response.content.decode()
    response = _post_move(client, deal, "signed", **signing_terms(deal, agreed="110"))
    assert response.status_code == 302
    winner = deal.bids.get(winner=True)
    assert (winner.amount, winner.bidder) == (Decimal("110"), orgs["enterprise"])
    assert deal.moves.get(to_stage="signed").data["winner"] == orgs["enterprise"].pk
    assert deal.bids.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_equal_bids_at_once_one_is_taken_the_other_refused(client, roles):
    users, orgs = roles
    colleague = make_user(
        role=Role.INVESTOR, org=orgs["enterprise"], username="colleague"
    )
    today = timezone.localdate()
    client.force_login(users["organizer"])
    deal = _auction(roles, client, starts=today, ends=today)

    def bid(by):
        return lambda: bid_place(
            deal_id=deal.pk, bidder=orgs["enterprise"], amount=Decimal("120"), by=by
        )

    outcomes = race([bid(users["enterprise"]), bid(colleague)], expected=(DealError,))
    assert sum(isinstance(o, Bid) for o in outcomes) == 1
    refused = [str(o) for o in outcomes if isinstance(o, DealError)]
    assert len(refused) == 1 and "已有相同金额的出价 120.00 万元" in refused[0]
    assert list(deal.bids.values_list("amount", flat=True)) == [Decimal("120")]


def test_the_dashboard_counts_deals_by_path(client, roles):
    users, _orgs = roles
    today = timezone.localdate()
    TargetPeriod.objects.all().delete()
    TargetPeriod.objects.create(
        name="本期",
        starts=today.replace(month=1, day=1),
        ends=today.replace(month=12, day=31),
        roadshows=4,
        promoted_national=10,
        promoted_total=20,
        landed=2,
    )
    _deal(roles)
    _deal(roles)
    _deal(roles, mode="equity")
    client.force_login(users["organizer"])
    page = client.get("/deals/dashboard/").content.decode()
    section = page.split('id="by-path"')[1].split("</section>")[0]
    assert "?path=licence" in section
    rows = {}
    for row in section.split("<tr>")[2:]:
        cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in row.split("<td")]
        rows[cells[1].split(">", 1)[1]] = [c.split(">", 1)[1] for c in cells[2:]]
    assert rows["许可"] == ["2", "0", "0"]
    assert rows["作价投资"] == ["1", "0", "0"]
    assert rows["协议定价"] == ["0", "0", "0"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_deals_migrate_to_the_path_they_followed(roles):
    users, orgs = roles
    executor = MigrationExecutor(connection)
    executor.migrate([("tracker", "0006_deal_meeting")])
    old = executor.loader.project_state([("tracker", "0006_deal_meeting")]).apps
    OldDeal = old.get_model("tracker", "Deal")
    OldMove = old.get_model("tracker", "DealMove")
    achievement = make_achievement(owner=orgs["owner"], state="public")

    def old_deal(mode, stages):
        deal = OldDeal.objects.create(
            achievement_id=achievement.pk,
            counterparty_id=orgs["enterprise"].pk,
            transfer_mode=mode,
            stage=stages[-1],
        )
        for before, after in zip(["", *stages], stages, strict=False):
            OldMove.objects.create(deal=deal, from_stage=before, to_stage=after)
        return deal.pk

    listed = old_deal("licence", ["interest", "negotiation", "listing", "signed"])
    back = old_deal(
        "assignment",
        ["interest", "negotiation", "listing", "signed", "settlement", "negotiation"],
    )
    talking = old_deal("licence", ["interest", "negotiation"])
    joint = old_deal("joint_development", ["interest", "negotiation", "evaluation"])
    shares = old_deal("equity", ["interest", "abandoned"])
    sold = old_deal("assignment", ["interest"])
    history = list(OldMove.objects.order_by("pk").values_list("pk", "to_stage"))

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    paths = dict(Deal.objects.values_list("pk", "path"))
    assert paths == {
        listed: "listed",
        back: "listed",
        talking: "licence",
        joint: "contract",
        shares: "equity",
        sold: "negotiated",
    }
    assert list(DealMove.objects.order_by("pk").values_list("pk", "to_stage")) == (
        history
    )
    # Each goes on along its path: the joint development signs from evaluation.
    deal = Deal.objects.get(pk=joint)
    deal_move(
        deal_id=joint,
        to="signed",
        by=users["organizer"],
        expected="evaluation",
        data=signing_terms(deal),
    )
