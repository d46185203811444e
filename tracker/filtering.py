"""The deal list's filters, from its query: applied to deals and said in
words (for an export's "说明" sheet), the same for the page and for an
export run as a background job."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Organization
from achievements.enums import MacroRegion, TransferMode
from achievements.models import IndustryField, Province
from achievements.selectors import achievements_visible_to
from events.models import RegionPair, Roadshow

from .dashboard.figures import CROSS_Q, pair_q, with_sides
from .enums import DealPath, Stage
from .forms import DayField
from .models import Deal
from .selectors import deals_with_open_objections, needs_attention_q


def deals_filtered(*, qs: QuerySet[Deal], params: Mapping[str, str]) -> QuerySet[Deal]:
    """The list's filters (also the targets of the dashboard's figures), from
    the list's query (a request's GET, or a job's copy of it)."""
    if params.get("stage") in Stage.values:
        qs = qs.filter(stage=params["stage"])
    if params.get("open"):
        qs = qs.exclude(stage__in=Stage.ended())
    if params.get("attention"):
        qs = qs.filter(needs_attention_q()).distinct()
    if params.get("objections"):
        qs = qs.filter(pk__in=deals_with_open_objections().values("pk"))
    if params.get("q"):
        text = params["q"].strip()[:100]
        qs = qs.filter(
            Q(achievement__title__icontains=text)
            | Q(achievement__project_number__iexact=text)
            | Q(counterparty__name__icontains=text)
        )
    for key, lookup in (
        ("roadshow", "roadshow_id"),
        ("achievement", "achievement_id"),
        ("counterparty", "counterparty_id"),
        ("field", "achievement__field__code"),
        ("province", "province__code"),
        ("origin", "origin_province__macro_region"),
        ("region", "province__macro_region"),
        ("mode", "transfer_mode"),
        ("path", "path"),
    ):
        value = params.get(key, "").strip()
        if value:
            if lookup.endswith("_id") and not value.isdigit():
                continue
            qs = qs.filter(**{lookup: value})
    pair = params.get("pair", "")
    if pair.isdigit():
        found = RegionPair.objects.select_related("province_a", "province_b")
        found = found.filter(pk=int(pair)).first()
        qs = with_sides(qs).filter(pair_q(found)) if found else qs.none()
    cross = params.get("cross", "")
    if cross in CROSS_Q:
        qs = qs.filter(CROSS_Q[cross])
    elif cross:
        qs = qs.exclude(origin_province__macro_region=None).exclude(
            province__macro_region=None
        )
        qs = qs.exclude(origin_province__macro_region=F("province__macro_region"))
    if params.get("reached") in Stage.values:
        qs = qs.filter(moves__to_stage=params["reached"]).distinct()
    for key, lookup, extra in (
        ("landed_from", "stage_entered_at__date__gte", {"stage": Stage.LANDED}),
        ("landed_to", "stage_entered_at__date__lte", {"stage": Stage.LANDED}),
        ("signed_from", "contract_date__gte", {}),
        ("signed_to", "contract_date__lte", {}),
        ("created_from", "created_at__date__gte", {}),
        ("created_to", "created_at__date__lte", {}),
    ):
        day = _day(params.get(key, ""))
        if day is not None:
            qs = qs.filter(**{lookup: day}, **extra)
            if key.startswith("signed"):
                qs = qs.exclude(stage=Stage.ABANDONED)
    return qs


def deal_filters_in_words(
    *, params: Mapping[str, str], user: Any
) -> list[tuple[str, str]]:
    """The list's filters in words, for the export's "说明" sheet: each filter
    that `deals_filtered` applies, none that it ignores (an achievement named
    only as ``user`` may see it)."""
    words: list[tuple[str, str]] = []
    if params.get("stage") in Stage.values:
        words.append((_("阶段"), str(Stage(params["stage"]).label)))
    if params.get("open"):
        words.append((_("项目范围"), _("进行中的项目")))
    if params.get("attention"):
        words.append((_("项目范围"), _("需要跟进的项目")))
    if params.get("objections"):
        words.append((_("项目范围"), _("有待处理异议的项目")))
    if params.get("q", "").strip():
        words.append((_("关键词"), params["q"].strip()[:100]))
    records = (
        ("roadshow", _("来源路演"), Roadshow.objects, "title"),
        ("achievement", _("成果"), achievements_visible_to(user=user), "title"),
        ("counterparty", _("受让/合作方"), Organization.objects, "name"),
    )
    for key, name, objects, attribute in records:
        value = params.get(key, "").strip()
        if value.isdigit():
            found = objects.filter(pk=value).first()
            words.append((name, getattr(found, attribute) if found else value))
    value = params.get("field", "").strip()
    if value:
        field = IndustryField.objects.filter(code=value).first()
        words.append((_("产业领域"), field.local_name if field else value))
    value = params.get("province", "").strip()
    if value:
        province = Province.objects.filter(code=value).first()
        words.append((_("落地省份"), province.local_name if province else value))
    for key, name in (("origin", _("成果所在地区")), ("region", _("落地地区"))):
        value = params.get(key, "").strip()
        if value:
            label = dict(MacroRegion.choices).get(value, value)
            words.append((name, str(label)))
    value = params.get("mode", "").strip()
    if value:
        words.append((_("转化方式"), str(dict(TransferMode.choices).get(value, value))))
    value = params.get("path", "").strip()
    if value:
        words.append((_("交易路径"), str(dict(DealPath.choices).get(value, value))))
    if params.get("cross"):
        words.append((_("项目范围"), _("跨区域转化")))
    if params.get("reached") in Stage.values:
        words.append((_("曾到达阶段"), str(Stage(params["reached"]).label)))
    for key, name in (
        ("landed_from", _("落地日期起")),
        ("landed_to", _("落地日期止")),
        ("signed_from", _("签约日期起")),
        ("signed_to", _("签约日期止")),
        ("created_from", _("创建日期起")),
        ("created_to", _("创建日期止")),
    ):
        day = _day(params.get(key, ""))
        if day is not None:
            words.append((name, day.isoformat()))
    return words


def _day(value: str) -> dt.date | None:
    """A date filter as the forms read dates; a filter that is none is
    ignored."""
    try:
        return DayField(required=False).clean(value)
    except ValidationError:
        return None
