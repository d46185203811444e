"""Demo data for the tracker: interest from this year's held roadshows
followed along each deal's path (协议定价, 挂牌交易, 许可, 作价投资,
合作开发) through the same services people use — some deals landed, some
signed, some evaluated (one evaluation confirmed), one on public disclosure
with an objection, some abandoned, some gone quiet — and a target period for
this year."""

import datetime as dt
import io
import random
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from pypdf import PdfWriter

from accounts import permissions
from accounts.enums import InvestorStatus, OrganizationKind
from accounts.models import Organization, User
from achievements.demo_topics import FIELDS, INSTITUTIONS
from achievements.models import Province
from events.enums import RoadshowStatus
from events.models import Slot
from uploads import CheckedFile, check_attachment

from . import services
from .enums import DisclosureReview
from .models import Deal, DealMove, TargetPeriod

LANDING = ["51", "61", "21", "62", "45", "32", "44", "42", "22", "65"]
# What landing looked like, where a production line is not the word.
LANDED_EVIDENCE = {
    "modern-agriculture": "已在合作企业的示范基地推广应用，首批产品交付种植养殖户。",
    "population-health": "已完成注册检验，合作企业的首批产品进入医院试用。",
    "smart-city": "系统已在合作城市上线运行，通过用户验收。",
    "resources-environment": "示范工程已建成投运，出水和排放指标经第三方检测达标。",
}
# Who takes an achievement on: an approved fund for equity, the approved
# enterprise of the achievement's field otherwise.
FUND_KINDS = [OrganizationKind.MARKET_FUND, OrganizationKind.GUIDANCE_SUB_FUND]
# How far each demo deal goes (cycled over the slots chosen).
ENDS = [
    "landed",
    "negotiation",
    "landed",
    "signed",
    "abandoned",
    "settlement",
    "landed",
    "listing",
    "interest",
    "landed",
    "certificate",
    "negotiation",
    "landed",
    "disclosure",
    "interest",
]
# The demo's deals by transfer mode and path (cycled).
PATHS = [
    ("licence", "licence"),
    ("assignment", "negotiated"),
    ("assignment", "listed"),
    ("equity", "equity"),
    ("joint_development", "contract"),
    ("licence", "listed"),
]
# The optional stages a demo deal takes, by its index.
OPTIONAL_TAKEN = {0: {"consultation", "plan"}, 1: {"evaluation"}, 2: {"consultation"}}


def _demo_pdf(title: str) -> CheckedFile:
    """A one-page PDF report checked like any upload."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return check_attachment(
        SimpleUploadedFile(
            f"{title}.pdf", out.getvalue(), content_type="application/pdf"
        )
    )


@transaction.atomic
def seed_deals(*, seed: int = 2026) -> int:
    """Runs once: nothing is written when deals exist."""
    if Deal.objects.exists():
        return 0
    rng = random.Random(seed)
    organizer = User.objects.filter(username="organizer").first()
    exchange = Organization.objects.filter(
        kind=OrganizationKind.TECHNOLOGY_EXCHANGE
    ).first()
    approved = Organization.objects.filter(investor_status=InvestorStatus.APPROVED)
    funds = list(approved.filter(kind__in=FUND_KINDS).order_by("pk"))
    enterprises = {
        org.name: org for org in approved.filter(kind=OrganizationKind.ENTERPRISE)
    }
    counterparties = funds + list(enterprises.values())
    provinces = {p.code: p for p in Province.objects.all()}
    slots = list(
        Slot.objects.filter(
            kind="pitch",
            achievement__isnull=False,
            roadshow__status=RoadshowStatus.CLOSED,
        )
        .select_related("roadshow", "achievement__owner", "achievement__field")
        .order_by("roadshow__start", "position")
    )
    if not (organizer and counterparties and slots):
        return 0
    today = timezone.localdate()
    year = today.year
    TargetPeriod.objects.get_or_create(
        name=f"{year} 年度",
        defaults={
            "starts": dt.date(year, 1, 1),
            "ends": dt.date(year, 12, 31),
            "roadshows": 24,
            "promoted_national": 300,
            "promoted_total": 500,
            "landed": 40,
            "cross_region": 15,
            "local_northwest": 10,
        },
    )
    chosen = slots[:: max(1, len(slots) // 45)][:45]
    made = 0
    for i, slot in enumerate(chosen):
        end = ENDS[i % len(ENDS)]
        mode, path = PATHS[i % len(PATHS)]
        counterparty = _counterparty(slot.achievement, mode, funds, enterprises)
        if counterparty is None or counterparty.pk == slot.achievement.owner_id:
            continue
        origin = provinces.get(
            INSTITUTIONS.get(slot.achievement.owner.name, (None, ""))[1]
        )
        deal = services.deal_create(
            by=organizer,
            achievement=slot.achievement,
            counterparty=counterparty,
            transfer_mode=mode,
            path=path,
            asking_amount=rng.choice([80, 150, 300, 500, 1200]),
            roadshow=slot.roadshow,
            slot=slot,
            agency=exchange,
            origin_province=origin,
            note="路演现场对接后表达合作意向",
        )
        made += 1
        start = slot.roadshow.end
        # The deal's steps spread over the time since its roadshow.
        days = max(1, (timezone.now() - start).days)
        taken = OPTIONAL_TAKEN.get(i % 5, set())
        _walk(deal, end, organizer, rng, provinces, start, days, taken)
    _confirm_one_evaluation(organizer)
    made += _auction_open_for_bids(organizer, slots)
    return made


def _counterparty(achievement, mode, funds, enterprises):
    """An approved fund takes equity; the approved enterprise of the
    achievement's own field takes a licence, an assignment or a joint
    development."""
    if mode == "equity":
        return funds[0] if funds else None
    spec = FIELDS.get(achievement.field.code)
    return enterprises.get(spec.enterprise[0]) if spec else None


def _auction_open_for_bids(organizer, slots) -> int:
    """One achievement at auction 拍卖/竞价, its listing's period running and
    the demo enterprise's first bid in (log in as "enterprise" to bid on)."""
    bidder = User.objects.filter(username="enterprise").first()
    exchange = Organization.objects.filter(
        kind__in=[
            OrganizationKind.TECHNOLOGY_EXCHANGE,
            OrganizationKind.TRANSFER_OFFICE,
        ]
    ).first()
    org = bidder and bidder.organizations.first()
    # An achievement of the enterprise's own field that no deal follows yet.
    field = next(
        (
            code
            for code, spec in FIELDS.items()
            if org and spec.enterprise[0] == org.name
        ),
        None,
    )
    taken = set(Deal.objects.values_list("achievement_id", flat=True))
    own_field = [s for s in slots if s.achievement.field.code == field]
    slot = next(
        (s for s in own_field if s.achievement_id not in taken),
        own_field[0] if own_field else None,
    )
    if not (org and exchange and slot):
        return 0
    today = timezone.localdate()
    deal = services.deal_create(
        by=organizer,
        achievement=slot.achievement,
        counterparty=org,
        transfer_mode="assignment",
        path="auction",
        roadshow=slot.roadshow,
        slot=slot,
        note="路演后多家企业表达受让意向，拟公开竞价",
    )
    services.deal_move(
        deal_id=deal.pk, to="negotiation", by=organizer, expected="interest"
    )
    services.deal_move(
        deal_id=deal.pk,
        to="listing",
        by=organizer,
        expected="negotiation",
        data={
            "agency": exchange,
            "listing_number": f"PM-{deal.pk:05d}",
            "listing_date": today - dt.timedelta(days=2),
            "listing_ends": today + dt.timedelta(days=12),
            "listing_price": Decimal("200"),
            "bid_increment": Decimal("10"),
        },
    )
    services.deal_move(deal_id=deal.pk, to="bidding", by=organizer, expected="listing")
    services.bid_place(deal_id=deal.pk, bidder=org, amount=Decimal("210"), by=bidder)
    # A fund from outside the deal registers and bids higher (log in as
    # "investor": the listing shows 竞买人 1 and 2, not who they are).
    deal.refresh_from_db()
    investor = User.objects.filter(username="investor").first()
    fund = investor and investor.organizations.first()
    if (
        fund
        and fund.pk in permissions.approved_investor_orgs(investor)
        and permissions.user_can(investor, "deal.listing", deal)
    ):
        services.auction_register(deal_id=deal.pk, organization=fund, by=investor)
        services.bid_place(
            deal_id=deal.pk, bidder=fund, amount=Decimal("220"), by=investor
        )
    return 1


def _confirm_one_evaluation(organizer) -> None:
    deal = Deal.objects.filter(evaluation_report__isnull=False).order_by("pk").first()
    if deal is not None:
        services.evaluation_clear(deal_id=deal.pk, by=organizer)


# How far a deal can have gone in the days since its roadshow: the steps
# after signing need a disclosure period and time to land.
AFTER_SIGNING = {"settlement", "registration", "disclosure", "certificate", "landed"}


def _reachable(end: str, days: int) -> str:
    if days < 30 and end not in ("interest", "abandoned"):
        return "negotiation"
    if days < 120 and end in AFTER_SIGNING - {"disclosure"}:
        return "signed"
    if days < 60 and end == "disclosure":
        return "signed"
    return end


def _walk(deal, end, by, rng, provinces, start, days, taken) -> None:
    end = _reachable(end, days)
    if end == "interest":
        _backdate(deal, start, days, 1)
        return
    if end == "abandoned":
        services.deal_move(
            deal_id=deal.pk, to="negotiation", by=by, expected="interest"
        )
        services.deal_move(
            deal_id=deal.pk,
            to="abandoned",
            by=by,
            expected="negotiation",
            data={"abandon_reason": "price", "abandon_note": "报价差距较大"},
        )
        _backdate(deal, start, days, 2)
        return
    optional = services.optional_on(deal.path)
    path = [
        s
        for s in services.stages_of(deal.path)
        if s != "interest" and (s not in optional or s in taken)
    ]
    if end not in path:  # e.g. a listing on a path without one
        end = "negotiation"
    target = path.index(end)
    today = timezone.localdate()
    amount = rng.choice([60, 120, 260, 450, 900])
    # The dates the stage data names match the spread history (_backdate).
    entries = target + 2 + (1 if "settlement" in path[: target + 1] else 0)
    span = max(1, min(days, 300))

    def on(entry: int) -> dt.date:
        return (start + dt.timedelta(days=span * entry / (entries + 1))).date()

    disclosure_start = (
        today - dt.timedelta(days=3)
        if end == "disclosure"
        else min(on(path.index("disclosure") + 2), today - dt.timedelta(days=20))
    )
    data = {
        "listing": {
            "listing_number": f"GP-{deal.pk:05d}",
            "listing_date": on(2),
            "listing_price": amount + 20,
        },
        "evaluation": {
            "evaluation_method": rng.choice(["third_party", "market", "expert"]),
            "evaluator": "中国技术市场协会科技成果评价中心",
            "evaluation_min": amount,
            "evaluation_max": amount + 40,
            "evaluated_on": on(2),
        },
        "signed": _signing(deal, amount, on(3)),
        "registration": {"registration_number": f"DJ{deal.pk:08d}"},
        # Used only where the achievement is not public (then reviewed).
        "disclosure": {
            "disclosure_starts": today,
            "disclosure_title": f"{deal.achievement.field.name}领域技术成果",
            "disclosure_summary": "该成果未向公众公开，公示内容经审查后发布。",
        },
        "certificate": {"certificate_number": f"PZ-{deal.pk:05d}"},
        "landed": {
            "landed_kind": rng.choice(["production_line", "company", "product"]),
            "landed_evidence": LANDED_EVIDENCE.get(
                deal.achievement.field.code, "已建成中试线并实现首批产品交付。"
            ),
            "province": provinces[rng.choice(LANDING)],
        },
    }
    notes = {
        "consultation": "与企业技术负责人座谈，梳理应用场景和技术需求。",
        "plan": "形成转化方案：技术参数、实施步骤和费用安排。",
    }
    for step in path[: target + 1]:
        deal.refresh_from_db()
        services.deal_move(
            deal_id=deal.pk,
            to=step,
            by=by,
            expected=deal.stage,
            data=data.get(step, {}),
            note=notes.get(step, ""),
            documents=[_demo_pdf("科技成果评价报告")] if step == "evaluation" else [],
        )
        if step == "disclosure":
            _review_disclosure(deal)
            _backdate_disclosure(deal, disclosure_start)
        if step == "settlement":
            services.payment_add(
                deal_id=deal.pk,
                amount=amount // 2,
                paid_on=on(5),
                by=by,
                note="首期款",
            )
    if end == "disclosure":
        services.objection_file(
            deal_id=deal.pk,
            name="某科技有限公司",
            contact="010-00000000",
            reason="我方认为该成果与我方在先申请的专利存在重叠，请核实权属。",
        )
    _backdate(deal, start, days, target + 2)
    if "disclosure" in path[:target] and end != "disclosure":
        _disclosure_as_dated(deal)
    if end == "disclosure":  # the deal entered disclosure when it was published
        entered = timezone.make_aware(dt.datetime.combine(disclosure_start, dt.time(9)))
        moves = DealMove.objects.filter(deal=deal)
        entry = moves.filter(to_stage="disclosure").order_by("-id").first()
        moves.filter(pk=entry.pk).update(created_at=entered)
        # What came after (the objection) came in since.
        moves.filter(pk__gt=entry.pk).update(
            created_at=timezone.now() - dt.timedelta(hours=1)
        )
        Deal.objects.filter(pk=deal.pk).update(
            stage_entered_at=entered, updated_at=entered
        )


def _signing(deal, amount: int, on: dt.date) -> dict:
    """What signing records on the deal's path."""
    data = {
        "contract_number": f"HT-{deal.pk:05d}",
        "contract_date": on,
        "agreed_amount": amount,
    }
    if deal.path == "licence":
        data.update(
            licence_kind="sole",
            licence_territory="中国大陆",
            licence_ends=on + dt.timedelta(days=5 * 365),
            licence_fee="royalty",
            royalty_rate=Decimal("3.5"),
        )
    elif deal.path == "equity":
        data.update(
            equity_valuation=amount,
            equity_share=Decimal("20"),
            company_name=f"{deal.achievement.owner.name}科技成果转化有限公司",
        )
    elif deal.path == "contract":
        data["milestones"] = (
            "第 3 个月：样机交付\n第 9 个月：中试验证\n第 12 个月：验收"
        )
    return data


def _review_disclosure(deal) -> None:
    """The demo reviewer clears the written text of a disclosure of an
    achievement the public may not see."""
    deal.refresh_from_db()
    reviewer = User.objects.filter(username="reviewer").first()
    if deal.disclosure_review == DisclosureReview.PENDING and reviewer is not None:
        services.disclosure_review(
            deal_id=deal.pk, by=reviewer, neutral=False, note="不含保密内容"
        )


def _backdate_disclosure(deal, starts: dt.date) -> None:
    """The demo's disclosures were published on the day its history says
    (people can only publish one from today on)."""
    published = timezone.make_aware(dt.datetime.combine(starts, dt.time(9)))
    Deal.objects.filter(pk=deal.pk).update(
        disclosure_starts=starts,
        disclosure_ends=starts
        + dt.timedelta(days=settings.TRACKER_DISCLOSURE_MIN_DAYS),
        disclosure_published_at=published,
    )


def _disclosure_as_dated(deal) -> None:
    """A disclosure passed on the way: published the day the deal entered
    it, and what followed came after its period ended."""
    moves = DealMove.objects.filter(deal=deal).order_by("id")
    entry = moves.filter(to_stage="disclosure").last()
    starts = timezone.localdate(entry.created_at)
    _backdate_disclosure(deal, starts)
    ends = timezone.make_aware(
        dt.datetime.combine(
            starts + dt.timedelta(days=settings.TRACKER_DISCLOSURE_MIN_DAYS + 1),
            dt.time(10),
        )
    )
    last = entry.created_at
    for n, move in enumerate(moves.filter(pk__gt=entry.pk)):
        last = max(move.created_at, ends + dt.timedelta(days=n))
        DealMove.objects.filter(pk=move.pk).update(created_at=last)
    Deal.objects.filter(pk=deal.pk).update(stage_entered_at=last, updated_at=last)


def _backdate(deal, start, days, steps) -> None:
    """Spread the deal's demo history over the days since its roadshow (the
    one place demo data rewrites timestamps; people's moves are never edited)."""
    moves = list(DealMove.objects.filter(deal=deal).order_by("id"))
    span = max(1, min(days, 300))
    for n, move in enumerate(moves):
        when = start + dt.timedelta(days=span * (n + 1) / (len(moves) + 1))
        DealMove.objects.filter(pk=move.pk).update(created_at=when)
    last = start + dt.timedelta(days=span * len(moves) / (len(moves) + 1))
    Deal.objects.filter(pk=deal.pk).update(
        created_at=start, stage_entered_at=last, updated_at=last
    )
