"""Demo data for open licences: cleared declarations of a few published
achievements' patents (each fee mode, one expired), one waiting for the
reviewer, and one licence taken by the demo enterprise — all through the
services people use.  Runs once: nothing is written when declarations
exist."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accounts.models import Organization, User
from achievements.enums import Publication
from achievements.models import Achievement

from .models import Declaration
from .services import (
    LicenceError,
    Terms,
    declaration_review,
    declaration_submit,
    licence_take,
    patent_type_of,
    patents_of,
)

TEAM_ORG = "清华大学"
ENTERPRISE = "华东新能源装备股份有限公司"
FEES = [
    ("lump_sum", Decimal("30"), None),
    ("royalty", None, Decimal("3.5")),
    ("entry_royalty", Decimal("15"), Decimal("2")),
]
REPORTING = "每年 1 月 31 日前报告上一年度的实施情况、许可产品销售额和应付提成。"


def _candidates() -> list[Achievement]:
    rows = (
        Achievement.objects.filter(publication=Publication.PUBLIC)
        .exclude(patents="")
        .select_related("owner")
        .order_by("pk")
    )
    mine = list(rows.filter(owner__name=TEAM_ORG)[:3])
    others = list(rows.exclude(owner__name=TEAM_ORG)[:40:5])
    # One of the demo enterprise's field (energy), for the licence it takes.
    energy = list(
        rows.filter(field__code="modern-energy")
        .exclude(pk__in=[a.pk for a in mine + others])
        .exclude(owner__name=TEAM_ORG)[:1]
    )
    return [a for a in mine + others + energy if patents_of(a)]


def _terms(achievement: Achievement, index: int, today: dt.date) -> Terms:
    number = sorted(patents_of(achievement))[0]
    mode, amount, rate = FEES[index % len(FEES)]
    starts = today - dt.timedelta(days=20 * index)
    return Terms(
        patent_number=number,
        patent_title=f"{achievement.title}的核心专利",
        patent_type=patent_type_of(number) or "invention",
        starts=starts,
        ends=starts + dt.timedelta(days=365 * (2 + index % 3)),
        territory="中华人民共和国境内",
        fee_mode=mode,
        fee_amount=amount,
        royalty_rate=rate,
        royalty_base="许可产品年销售额" if rate else "",
        fee_note="通知后 30 日内支付首期款项。" if amount else "",
        reporting=REPORTING,
    )


def seed_open_licences() -> int:
    if Declaration.objects.exists():
        return 0
    today = timezone.localdate()
    now = timezone.now()
    made = 0
    chosen = _candidates()
    for index, achievement in enumerate(chosen):
        try:
            declaration = declaration_submit(
                achievement=achievement,
                terms=_terms(achievement, index, today),
                by=None,
            )
        except LicenceError:  # a patent two demo achievements share
            continue
        made += 1
        if index == 1:
            continue  # waits for the reviewer
        declaration = declaration_review(
            declaration_id=declaration.pk, by=None, clear=True, note="不含保密内容。"
        )
        # Published on different days, for the list and the calendar.
        Declaration.objects.filter(pk=declaration.pk).update(
            cleared_at=now - dt.timedelta(days=3 * index)
        )
    # One whose period is over (shown as expired with "含已到期").
    if len(chosen) > 4:
        Declaration.objects.filter(achievement=chosen[4]).update(
            starts=today - dt.timedelta(days=800), ends=today - dt.timedelta(days=35)
        )
    enterprise = Organization.objects.filter(name=ENTERPRISE).first()
    taker = User.objects.filter(username="enterprise").first()
    # The enterprise (energy equipment) takes a licence of its own field; the
    # first cleared one otherwise.
    cleared = (
        Declaration.objects.filter(status="cleared", ends__gte=today)
        .exclude(achievement__owner=enterprise)
        .order_by("pk")
    )
    first = (
        cleared.filter(achievement__field__code="modern-energy").first()
        or cleared.first()
    )
    if enterprise and taker and first:
        licence_take(declaration_id=first.pk, organization=enterprise, by=None)
    return made
