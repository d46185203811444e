"""The organizers' dashboard of progress against the programme's targets,
its XLSX export, and the records behind its roadshow and promotion figures
(deal figures link to the deal list with the same filters)."""

import calendar
import io
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from accounts import permissions
from achievements.enums import MacroRegion
from achievements.exporting import append_safe
from achievements.models import Achievement
from events.enums import Level
from events.models import Roadshow

from .. import charts
from ..dashboard import HELD, compute, period_for, periods, targets_rows
from ..enums import Stage

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _organizer(request) -> None:
    if not request.user.is_authenticated:
        raise PermissionDenied
    if not permissions.is_organizer(request.user):
        raise PermissionDenied


def _period(request):
    targets = periods()
    chosen = request.GET.get("period", "")
    target = next((t for t in targets if str(t.pk) == chosen), None)
    if target is None and not chosen and targets:
        today = timezone.localdate()
        target = next((t for t in targets if t.starts <= today <= t.ends), targets[0])
    return targets, period_for(target)


def _deals(**params) -> str:
    return reverse("tracker:deals") + "?" + urlencode(params)


def _records(kind: str, period, **params) -> str:
    params = {"kind": kind, **params}
    if period.target is not None:
        params["period"] = period.target.pk
    return reverse("tracker:dashboard_records") + "?" + urlencode(params)


def _month_range(month, what: str = "landed") -> dict:
    last = calendar.monthrange(month.year, month.month)[1]
    return {
        f"{what}_from": month.isoformat(),
        f"{what}_to": month.replace(day=last).isoformat(),
    }


@require_GET
def dashboard(request):
    _organizer(request)
    targets, period = _period(request)
    f = compute(period)
    landed = {
        "landed_from": period.starts.isoformat(),
        "landed_to": period.ends.isoformat(),
    }
    signed = {
        "signed_from": period.starts.isoformat(),
        "signed_to": period.ends.isoformat(),
    }
    rows = targets_rows(f)
    links = {
        "roadshows": _records("roadshows", period, level=Level.NATIONAL),
        "promoted_national": _records("promoted", period, level=Level.NATIONAL),
        "promoted_total": _records("promoted", period),
        "landed": _deals(stage=Stage.LANDED, **landed),
        "cross_region": _deals(cross=1, **landed),
        "local_northwest": _deals(**landed, stage=Stage.LANDED),
    }
    for row in rows:
        row["href"] = links[row["key"]]
    month_label = "%Y-%m"
    roadshow_chart = charts.columns(
        [
            (
                m.strftime(month_label),
                counts,
                _records("roadshows", period, month=m.strftime(month_label)),
            )
            for m, counts in f.roadshows_by_month
        ],
        series=[
            ("field", _("领域路演")),
            ("region", _("区域路演")),
            ("local", _("地方路演")),
        ],
        label=_("每月举办的路演"),
    )
    landed_chart = charts.columns(
        [
            (
                m.strftime(month_label),
                {"n": n},
                _deals(stage=Stage.LANDED, **_month_range(m)),
            )
            for m, n in f.landed_by_month
        ],
        series=[("n", _("落地成果"))],
        label=_("每月落地的成果"),
    )
    created = {
        "created_from": period.starts.isoformat(),
        "created_to": period.ends.isoformat(),
    }
    funnel_chart = charts.funnel(
        [
            (str(stage.label), n, _deals(reached=stage.value, **created))
            for stage, n in f.funnel
        ],
        label=_("各阶段项目数"),
    )
    field_chart = charts.hbars(
        [
            (
                field.local_name if field else _("未填"),
                n,
                _deals(stage=Stage.LANDED, field=field.code, **landed)
                if field
                else None,
            )
            for field, n in f.landed_by_field[:12]
        ],
        label=_("按领域的落地成果"),
    )
    province_chart = charts.hbars(
        [
            (
                p.local_name if p else _("未填"),
                n,
                _deals(stage=Stage.LANDED, province=p.code, **landed) if p else None,
            )
            for p, n in f.landed_by_province[:12]
        ],
        label=_("按落地省份的落地成果"),
    )
    promoted_chart = charts.hbars(
        [
            (
                field.local_name if field else _("未填"),
                n,
                _records("promoted", period, field=field.code) if field else None,
            )
            for field, n in f.promoted_by_field[:12]
        ],
        label=_("按领域的路演推广成果"),
    )
    roadshow_amounts = charts.hbars(
        [
            (
                row["roadshow__title"],
                float(row["agreed"] or 0),
                _deals(roadshow=row["roadshow"], **signed),
            )
            for row in f.amounts_by_roadshow
        ],
        label=_("按来源路演的成交金额（万元）"),
    )
    amounts_chart = charts.columns(
        [
            (
                m.strftime(month_label),
                {"agreed": float(row["agreed"] or 0)},
                _deals(**_month_range(m, "signed")),
            )
            for m, row in f.amounts_by_month
        ],
        series=[("agreed", _("成交金额（万元）"))],
        label=_("每月签约的成交金额（万元）"),
    )
    by_field = [
        {
            **row,
            "promoted_href": _records("promoted", period, field=row["field"].code),
            "landed_href": _deals(
                stage=Stage.LANDED, field=row["field"].code, **landed
            ),
            "signed_href": _deals(field=row["field"].code, **signed),
        }
        for row in f.by_field
    ]
    by_province = [
        {
            **row,
            "landed_href": _deals(
                stage=Stage.LANDED, province=row["province"].code, **landed
            )
            if row["province"]
            else None,
            "signed_href": _deals(province=row["province"].code, **signed)
            if row["province"]
            else None,
        }
        for row in f.by_province
    ]
    matrix = [
        (
            origin,
            [
                (
                    dest,
                    n,
                    _deals(
                        origin=origin.value,
                        region=dest.value,
                        stage=Stage.LANDED,
                        **landed,
                    ),
                )
                for dest, n in cells
            ],
        )
        for origin, cells in f.matrix
    ]
    return render(
        request,
        "tracker/dashboard.html",
        {
            "f": f,
            "period": period,
            "targets": targets,
            "rows": rows,
            "roadshow_chart": roadshow_chart,
            "landed_chart": landed_chart,
            "funnel_chart": funnel_chart,
            "field_chart": field_chart,
            "province_chart": province_chart,
            "promoted_chart": promoted_chart,
            "roadshow_amounts": roadshow_amounts,
            "amounts_chart": amounts_chart,
            "by_field": by_field,
            "by_province": by_province,
            "created_href": _deals(**created),
            "matrix": matrix,
            "regions": list(MacroRegion),
            "signed_href": _deals(**signed),
            "export_query": urlencode(
                {"period": period.target.pk} if period.target else {}
            ),
        },
    )


@require_GET
def dashboard_export(request):
    """Every figure of the dashboard, one sheet per group."""
    _organizer(request)
    _targets, period = _period(request)
    f = compute(period)
    workbook = Workbook(write_only=True)
    _sheet(
        workbook,
        _("目标完成情况"),
        [_("指标"), _("完成"), _("目标"), _("完成率")],
        [
            [str(r["label"]), r["value"], r["target"], (r["percent"] or 0) / 100]
            for r in targets_rows(f)
        ],
    )
    _sheet(
        workbook,
        _("每月路演"),
        [_("月份"), _("领域路演"), _("区域路演"), _("地方路演")],
        [
            [m.strftime("%Y-%m"), c["field"], c["region"], c["local"]]
            for m, c in f.roadshows_by_month
        ],
    )
    _sheet(
        workbook,
        _("推广成果按领域"),
        [_("领域"), _("成果数")],
        [[x.name if x else "", n] for x, n in f.promoted_by_field],
    )
    _sheet(
        workbook,
        _("项目阶段"),
        [_("阶段"), _("到达过该阶段的项目"), _("当前在该阶段的项目")],
        [[str(s.label), n, f.current_stages.get(s.value, 0)] for s, n in f.funnel]
        + [[str(Stage.ABANDONED.label), "", f.current_stages.get(Stage.ABANDONED, 0)]],
    )
    _sheet(
        workbook,
        _("落地按月"),
        [_("月份"), _("落地成果")],
        [[m.strftime("%Y-%m"), n] for m, n in f.landed_by_month],
    )
    _sheet(
        workbook,
        _("落地按领域"),
        [_("领域"), _("落地成果")],
        [[x.name if x else "", n] for x, n in f.landed_by_field],
    )
    _sheet(
        workbook,
        _("落地按省份"),
        [_("省份"), _("落地成果")],
        [[p.name if p else "", n] for p, n in f.landed_by_province],
    )
    _sheet(
        workbook,
        _("成交金额"),
        [_("来源路演"), _("签约项目"), _("成交金额（万元）")],
        [[_("合计"), f.amounts["deals"], float(f.amounts["agreed"])]]
        + [
            [r["roadshow__title"], r["n"], float(r["agreed"] or 0)]
            for r in f.amounts_by_roadshow
        ]
        + [[_("已结算（万元）"), "", float(f.amounts["settled"])]],
    )
    _sheet(
        workbook,
        _("成交按月"),
        [_("月份"), _("签约项目"), _("成交金额（万元）"), _("已结算（万元）")],
        [
            [
                m.strftime("%Y-%m"),
                row["n"],
                float(row["agreed"] or 0),
                float(row["settled"] or 0),
            ]
            for m, row in f.amounts_by_month
        ],
    )
    _sheet(
        workbook,
        _("按领域"),
        [
            _("领域"),
            _("路演推广成果"),
            _("落地成果"),
            _("签约项目"),
            _("成交金额（万元）"),
            _("已结算（万元）"),
        ],
        [
            [
                r["field"].name,
                r["promoted"],
                r["landed"],
                r["signed"],
                float(r["agreed"]),
                float(r["settled"]),
            ]
            for r in f.by_field
        ],
    )
    _sheet(
        workbook,
        _("按省份"),
        [_("省份"), _("落地成果"), _("签约项目"), _("成交金额（万元）")],
        [
            [
                r["province"].name if r["province"] else _("未定"),
                r["landed"],
                r["signed"],
                float(r["agreed"]),
            ]
            for r in f.by_province
        ],
    )
    regions = list(MacroRegion)
    _sheet(
        workbook,
        _("跨区域转化"),
        [_("成果所在区域 → 落地区域")] + [str(r.label) for r in regions],
        [[str(o.label)] + [n for _d, n in cells] for o, cells in f.matrix],
    )
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    return FileResponse(
        stream,
        as_attachment=True,
        filename=f"progress-{period.starts:%Y}-{period.ends:%Y}.xlsx",
        content_type=XLSX,
    )


def _sheet(workbook, title: str, header: list, rows: list) -> None:
    sheet = workbook.create_sheet(title[:31])
    sheet.append([str(h) for h in header])
    for row in rows:
        append_safe(sheet, row)


@require_GET
def dashboard_records(request):
    """The roadshows held, or the achievements promoted, behind a figure."""
    _organizer(request)
    _targets, period = _period(request)
    kind = request.GET.get("kind")
    level = request.GET.get("level", "")
    month = request.GET.get("month", "")
    field = request.GET.get("field", "")[:40]
    roadshows = Roadshow.objects.filter(
        status__in=HELD,
        start__date__gte=period.starts,
        start__date__lte=period.ends,
    )
    if level in Level.values:
        roadshows = roadshows.filter(level=level)
    if len(month) == 7 and month[:4].isdigit() and month[5:].isdigit():
        roadshows = roadshows.filter(
            start__year=int(month[:4]), start__month=int(month[5:])
        )
    if kind == "promoted":
        qs = (
            Achievement.objects.filter(
                slots__kind="pitch", slots__roadshow__in=roadshows
            )
            .distinct()
            .select_related("owner", "field")
            .order_by("project_number", "pk")
        )
        if field:
            qs = qs.filter(field__code=field)
        template = "tracker/records_achievements.html"
    else:
        qs = roadshows.select_related("field", "province", "lead_host").order_by(
            "start"
        )
        template = "tracker/records_roadshows.html"
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template,
        {
            "page": page,
            "period": period,
            "query": query.urlencode(),
            "total": page.paginator.count,
        },
    )
