"""Declaring, reviewing, withdrawing and taking open licences: each path,
and each refusal with its message and nothing written."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from licences.models import Declaration, LicenceNotice
from licences.services import (
    LicenceError,
    declaration_review,
    declaration_submit,
    declaration_update,
    declaration_withdraw,
    licence_take,
    notice_text,
    patent_number_normalized,
)
from mailing.models import Email
from tracker.models import Deal, DealMove
from tracker.services import deal_move

from .helpers import INVENTION, UTILITY, declared, patented, terms

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "written, number",
    [
        ("ZL202110123456.7", "ZL202110123456.7"),
        ("zl 2021 1012 3456.7", "ZL202110123456.7"),
        ("2021101234567", "ZL202110123456.7"),
        ("CN202120654321X", "ZL202120654321.X"),
        ("ZL03123456.1", "ZL03123456.1"),
        ("ZL20211012345.7", None),
        ("专利", None),
    ],
)
def test_patent_number_normalized_from_the_usual_spellings(written, number):
    assert patent_number_normalized(written) == number


def test_team_declares_a_patent_of_its_published_achievement(roles):
    users, orgs = roles
    achievement = patented(orgs["owner"])
    declaration = declaration_submit(
        achievement=achievement,
        terms=terms(patent_number="zl 202110123456.7"),
        by=users["team"],
    )
    assert (declaration.status, declaration.patent_number) == (
        "submitted",
        INVENTION,
    )
    assert declaration.created_by == users["team"]
    assert (declaration.fee_amount, declaration.royalty_rate) == (
        Decimal("20"),
        Decimal("3"),
    )


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"patent_number": "ZL2021.7"}, "专利号格式不正确"),
        ({"patent_number": "ZL202110999999.1"}, "不在该成果登记的知识产权"),
        ({"patent_type": "utility_model"}, "是发明专利，与所选的“实用新型专利”不符"),
        ({"patent_title": "  "}, "请填写“专利名称”"),
        ({"reporting": ""}, "请填写“被许可人报告要求”"),
        ({"territory": ""}, "请填写“许可地域范围”"),
        ({"ends": timezone.localdate() + dt.timedelta(days=300)}, "不得少于一年"),
        ({"fee_mode": "lump_sum", "fee_amount": None}, "请填写一次性支付的金额"),
        ({"fee_mode": "entry_royalty", "fee_amount": None}, "请填写入门费"),
        ({"fee_mode": "royalty", "royalty_rate": None}, "请填写提成比例"),
        ({"fee_mode": "royalty", "royalty_rate": Decimal("120")}, "不超过 100"),
        ({"fee_mode": "barter"}, "请选择许可使用费支付方式"),
    ],
)
def test_bad_terms_are_refused_with_the_reason(roles, overrides, message):
    users, orgs = roles
    achievement = patented(orgs["owner"])
    with pytest.raises(LicenceError, match=message):
        declaration_submit(
            achievement=achievement, terms=terms(**overrides), by=users["team"]
        )
    assert Declaration.objects.count() == 0


def test_a_period_of_exactly_one_year_is_enough(roles):
    users, orgs = roles
    starts = timezone.localdate()
    ends = starts.replace(year=starts.year + 1) - dt.timedelta(days=1)
    declaration = declaration_submit(
        achievement=patented(orgs["owner"]),
        terms=terms(starts=starts, ends=ends),
        by=users["team"],
    )
    assert declaration.ends == ends


def test_fee_columns_follow_the_mode(roles):
    users, orgs = roles
    achievement = patented(orgs["owner"])
    lump = declaration_submit(
        achievement=achievement,
        terms=terms(fee_mode="lump_sum", royalty_base="销售额"),
        by=users["team"],
    )
    royalty = declaration_submit(
        achievement=achievement,
        terms=terms(
            patent_number=UTILITY, patent_type="utility_model", fee_mode="royalty"
        ),
        by=users["team"],
    )
    assert (lump.fee_amount, lump.royalty_rate, lump.royalty_base) == (
        Decimal("20"),
        None,
        "",
    )
    assert (royalty.fee_amount, royalty.royalty_rate) == (None, Decimal("3"))


def test_only_published_achievements_of_ones_own_team(roles):
    users, orgs = roles
    draft = patented(orgs["owner"], state="draft")
    with pytest.raises(LicenceError, match="通过保密审查发布后"):
        declaration_submit(achievement=draft, terms=terms(), by=users["team"])
    public = patented(orgs["owner"])
    for outsider in ("other_team", "investor", "reviewer"):
        with pytest.raises(PermissionDenied):
            declaration_submit(achievement=public, terms=terms(), by=users[outsider])
    assert Declaration.objects.count() == 0


def test_one_live_declaration_per_patent(roles):
    users, orgs = roles
    achievement = patented(orgs["owner"])
    first = declared(achievement, users["team"], reviewer=users["reviewer"])
    with pytest.raises(LicenceError, match="已有开放许可声明（已公开）"):
        declaration_submit(achievement=achievement, terms=terms(), by=users["team"])
    declaration_withdraw(declaration_id=first.pk, by=users["team"])
    again = declaration_submit(achievement=achievement, terms=terms(), by=users["team"])
    assert again.status == "submitted"


def test_reviewer_clears_or_returns_never_their_own(roles):
    users, orgs = roles
    achievement = patented(orgs["owner"])
    declaration = declared(achievement, users["team"], cleared=False)
    with pytest.raises(LicenceError, match="退回时请写明理由"):
        declaration_review(
            declaration_id=declaration.pk, by=users["reviewer"], clear=False
        )
    returned = declaration_review(
        declaration_id=declaration.pk,
        by=users["reviewer"],
        clear=False,
        note="专利名称含未公开参数，请改写。",
    )
    assert (returned.status, returned.cleared_at) == ("returned", None)
    with pytest.raises(LicenceError, match="不在待审查之列"):
        declaration_review(
            declaration_id=declaration.pk, by=users["reviewer"], clear=True
        )
    updated = declaration_update(
        declaration_id=declaration.pk,
        terms=terms(patent_title="一种预制体编织方法"),
        by=users["team"],
    )
    assert (updated.status, updated.patent_title) == ("submitted", "一种预制体编织方法")
    # A reviewer of the owner's own organization may not decide.
    from accounts import permissions
    from accounts.enums import Role
    from accounts.models import Membership

    Membership.objects.create(
        user=users["reviewer"], organization=orgs["owner"], role=Role.TEAM
    )
    permissions.forget(users["reviewer"])
    with pytest.raises(LicenceError, match="不能审查本单位的声明"):
        declaration_review(
            declaration_id=declaration.pk, by=users["reviewer"], clear=True
        )
    assert Declaration.objects.get().status == "submitted"


def test_a_cleared_declaration_cannot_be_changed(roles):
    users, orgs = roles
    declaration = declared(patented(orgs["owner"]), users["team"])
    assert declaration.status == "cleared" and declaration.cleared_at is not None
    with pytest.raises(LicenceError, match="请撤回后重新声明"):
        declaration_update(
            declaration_id=declaration.pk, terms=terms(), by=users["team"]
        )


def test_enterprise_takes_a_licence_the_deal_is_on_the_licence_path(
    roles, django_capture_on_commit_callbacks
):
    users, orgs = roles
    users["team"].email = "team@uni.example"
    users["team"].save()
    declaration = declared(patented(orgs["owner"]), users["team"])
    notice = licence_take(
        declaration_id=declaration.pk,
        organization=orgs["enterprise"],
        by=users["enterprise"],
    )
    deal = notice.deal
    assert (deal.path, deal.transfer_mode, deal.stage) == (
        "licence",
        "open_licence",
        "interest",
    )
    assert (deal.counterparty, deal.counterparty_contact) == (
        orgs["enterprise"],
        users["enterprise"],
    )
    assert (
        deal.licence_kind,
        deal.licence_territory,
        deal.licence_ends,
        deal.licence_fee,
        deal.royalty_rate,
        deal.asking_amount,
    ) == (
        "non_exclusive",
        "中华人民共和国境内",
        declaration.ends,
        "entry_royalty",
        Decimal("3.00"),
        Decimal("20.00"),
    )
    first = DealMove.objects.get(deal=deal)
    assert first.note == notice.text
    assert notice.text.startswith("致甲大学：\n戊企业依据贵单位于")
    assert "入门费 20.00 万元，另按许可产品年销售额的 3.00% 提成" in notice.text
    assert notice.sent_at is not None and notice.sent_by == users["enterprise"]
    # The team hears of it once: the written notice (not also as a new
    # interest; its other emails are about the achievement's own review).
    assert not Email.objects.filter(subject__contains="转化意向").exists()
    email = Email.objects.get(key__startswith=f"open-licence-notice:{notice.pk}")
    assert email.to == "team@uni.example"
    assert email.subject == (
        "开放许可已被取得：一种碳纤维预制体的编织方法（ZL202110123456.7）"
    )
    assert f"/deals/{deal.pk}/" in email.body and notice.text in email.body


def test_the_deal_then_follows_the_licence_path_with_the_terms(roles):
    """The published terms carry into signing; payments and reports follow."""
    users, orgs = roles
    declaration = declared(patented(orgs["owner"]), users["team"])
    deal = licence_take(
        declaration_id=declaration.pk,
        organization=orgs["enterprise"],
        by=users["enterprise"],
    ).deal
    deal_move(deal_id=deal.pk, to="negotiation", by=users["team"], expected="interest")
    today = timezone.localdate()
    signed = deal_move(
        deal_id=deal.pk,
        to="signed",
        by=users["team"],
        expected="negotiation",
        data={
            "contract_number": "XK-1",
            "contract_date": today,
            "agreed_amount": Decimal("20"),
            "licence_kind": deal.licence_kind,
            "licence_territory": deal.licence_territory,
            "licence_ends": deal.licence_ends,
            "licence_fee": deal.licence_fee,
            "royalty_rate": deal.royalty_rate,
        },
    )
    assert (signed.stage, signed.licence_fee) == ("signed", "entry_royalty")


def test_an_entry_fee_licence_without_a_rate_cannot_be_signed(roles):
    from tests.factories import make_achievement
    from tracker.services import DealError, deal_create

    users, orgs = roles
    deal = deal_create(
        by=users["organizer"],
        achievement=make_achievement(owner=orgs["owner"]),
        counterparty=orgs["enterprise"],
        transfer_mode="licence",
    )
    deal_move(deal_id=deal.pk, to="negotiation", by=None, expected="interest")
    with pytest.raises(DealError, match="提成支付的许可请填写提成比例"):
        deal_move(
            deal_id=deal.pk,
            to="signed",
            by=None,
            expected="negotiation",
            data={
                "contract_number": "X",
                "contract_date": timezone.localdate(),
                "agreed_amount": Decimal("5"),
                "licence_kind": "sole",
                "licence_territory": "江苏",
                "licence_ends": timezone.localdate() + dt.timedelta(days=400),
                "licence_fee": "entry_royalty",
            },
        )


def _refused(declaration, org, user, message):
    deals, notices, emails = (
        Deal.objects.count(),
        LicenceNotice.objects.count(),
        Email.objects.count(),
    )
    with pytest.raises(LicenceError, match=message):
        licence_take(declaration_id=declaration.pk, organization=org, by=user)
    assert (
        Deal.objects.count(),
        LicenceNotice.objects.count(),
        Email.objects.count(),
    ) == (deals, notices, emails)


def test_taking_twice_while_the_deal_is_open_is_refused(roles):
    users, orgs = roles
    declaration = declared(patented(orgs["owner"]), users["team"])
    first = licence_take(
        declaration_id=declaration.pk,
        organization=orgs["enterprise"],
        by=users["enterprise"],
    )
    _refused(declaration, orgs["enterprise"], users["enterprise"], "不能重复取得")
    # Another organization may; and once the first deal is over, so may the
    # first again.
    licence_take(
        declaration_id=declaration.pk, organization=orgs["fund"], by=users["investor"]
    )
    deal_move(
        deal_id=first.deal_id,
        to="abandoned",
        by=None,
        expected="interest",
        data={"abandon_reason": "withdrew"},
    )
    again = licence_take(
        declaration_id=declaration.pk,
        organization=orgs["enterprise"],
        by=users["enterprise"],
    )
    assert again.deal_id != first.deal_id


def test_undeclared_expired_or_withdrawn_licences_are_refused(roles):
    users, orgs = roles
    achievement = patented(orgs["owner"])
    pending = declared(achievement, users["team"], cleared=False)
    _refused(pending, orgs["enterprise"], users["enterprise"], "不存在或尚未公开")
    _refused(pending, orgs["enterprise"], None, "尚未通过审查公开")
    declaration_withdraw(declaration_id=pending.pk, by=users["team"])
    expired = declared(achievement, users["team"])
    Declaration.objects.filter(pk=expired.pk).update(
        starts=timezone.localdate() - dt.timedelta(days=800),
        ends=timezone.localdate() - dt.timedelta(days=1),
    )
    _refused(expired, orgs["enterprise"], users["enterprise"], "已于 .* 到期")
    declaration_withdraw(declaration_id=expired.pk, by=users["team"])
    _refused(expired, orgs["enterprise"], users["enterprise"], "撤回，不能再取得")
    later = declared(
        achievement,
        users["team"],
        patent_number=UTILITY,
        patent_type="utility_model",
        starts=timezone.localdate() + dt.timedelta(days=10),
        ends=timezone.localdate() + dt.timedelta(days=800),
    )
    _refused(later, orgs["enterprise"], users["enterprise"], "起方可取得")


def test_only_approved_demand_side_never_the_patentee(roles):
    users, orgs = roles
    declaration = declared(patented(orgs["owner"]), users["team"])
    _refused(declaration, orgs["owner"], users["team"], "只有经批准的投资方或需求方")
    _refused(
        declaration,
        orgs["enterprise"],
        users["pending_investor"],
        "只有经批准的投资方或需求方",
    )
    # Acting for another organization than one's own.
    _refused(
        declaration, orgs["fund"], users["enterprise"], "只有经批准的投资方或需求方"
    )


def test_a_restricted_achievements_licence_is_for_approved_investors_only(roles):
    users, orgs = roles
    declaration = declared(patented(orgs["owner"], state="restricted"), users["team"])
    notice = licence_take(
        declaration_id=declaration.pk,
        organization=orgs["enterprise"],
        by=users["enterprise"],
    )
    assert notice.deal.achievement.publication == "restricted"


def test_a_withheld_achievements_licence_can_no_longer_be_taken(roles):
    from achievements.services import achievement_transition

    users, orgs = roles
    achievement = patented(orgs["owner"])
    declaration = declared(achievement, users["team"])
    achievement.refresh_from_db()
    achievement_transition(
        achievement=achievement,
        action="withhold",
        by=users["reviewer"],
        comment="涉密",
        seen_revision=achievement.revision,
    )
    _refused(declaration, orgs["enterprise"], users["enterprise"], "不存在或尚未公开")


def test_notice_text_states_every_term(roles):
    users, orgs = roles
    declaration = declared(
        patented(orgs["owner"]), users["team"], fee_mode="lump_sum", fee_note=""
    )
    text = notice_text(declaration=declaration, organization=orgs["enterprise"])
    day = timezone.localtime(declaration.cleared_at).date().isoformat()
    assert text == (
        "致甲大学：\n"
        f"戊企业依据贵单位于 {day} 公开的开放许可声明，书面通知贵单位："
        "本单位接受该声明公告的全部许可条件，实施发明专利“一种碳纤维预制体的"
        "编织方法”（专利号 ZL202110123456.7）。\n"
        "许可类型：普通许可（开放许可）；许可地域范围：中华人民共和国境内；"
        f"许可期限至 {declaration.ends.isoformat()}。\n"
        "许可使用费：一次性支付 20.00 万元。\n"
        "本单位将按声明的要求报告：每年 1 月报告上一年度的实施情况和销售额。\n"
        f"所涉成果：{declaration.achievement.title}。"
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_notices_at_once_from_one_organization_make_one_deal(roles):
    from tests.concurrency import race

    users, orgs = roles
    declaration = declared(patented(orgs["owner"]), users["team"])

    def take():
        return licence_take(
            declaration_id=declaration.pk,
            organization=orgs["enterprise"],
            by=users["enterprise"],
        )

    outcomes = race([take, take, take], expected=(LicenceError,))
    assert sum(isinstance(o, LicenceNotice) for o in outcomes) == 1
    refused = [o for o in outcomes if isinstance(o, LicenceError)]
    assert len(refused) == 2 and all("不能重复取得" in str(o) for o in refused)
    assert (Deal.objects.count(), LicenceNotice.objects.count()) == (1, 1)
