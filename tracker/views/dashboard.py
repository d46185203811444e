"""The organizers' dashboard of progress against the programme's targets,
its XLSX export, and the records behind its roadshow and promotion figures
(deal figures link to the deal list with the same filters)."""

import io
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import permissions
from achievements.enums import MacroRegion
from achievements.models import Achievement
from events.enums import Level
from events.selectors import roadshows_held
from spreadsheets import About, XlsxExport, xlsx_response

from .. import charts
from ..dashboard import (
    Grouping,
    compute,
    current_target,
    groupings,
    period_for,
    periods,
)
from ..dashboard.groupings import deals_href
from ..enums import Stage

# How many rows a bar chart shows (the export has them all).
TOP = 12


def _organizer(request) -> None:
    if not request.user.is_authenticated:
        raise PermissionDenied
    if not permissions.is_organizer(request.user):
        raise PermissionDenied


def _period(request):
    targets = periods()
    chosen = request.GET.get("period", "")
    target = next((t for t in targets if str(t.pk) == chosen), None)
    if target is None and not chosen:
        target = current_target(targets)
    return targets, period_for(target)


def _bars(grouping: Grouping, label: str, *, column: int = 0, rows=None) -> str:
    return charts.hbars(
        [
            (row.label, row.values[column], row.href)
            for row in (grouping.rows if rows is None else rows)[:TOP]
        ],
        label=label,
    )


def _columns(grouping: Grouping, series: list[tuple[str, str, int]], label: str):
    """A column chart of some of a grouping's columns (key, name, column)."""
    return charts.columns(
        [
            (row.label, {key: row.values[i] for key, _n, i in series}, row.href)
            for row in grouping.rows
        ],
        series=[(key, name) for key, name, _i in series],
        label=label,
    )


@require_GET
def dashboard(request):
    _organizer(request)
    targets, period = _period(request)
    figures = compute(period)
    grouped = groupings(figures)
    amounts_by_roadshow = [row for row in grouped["amounts"].rows if row.record]
    return render(
        request,
        "tracker/dashboard.html",
        {
            "f": figures,
            "period": period,
            "targets": targets,
            "rows": [
                dict(row.record, href=row.href) for row in grouped["targets"].rows
            ],
            "roadshow_chart": _columns(
                grouped["roadshows_by_month"],
                [
                    ("field", _("领域路演"), 0),
                    ("region", _("区域路演"), 1),
                    ("local", _("地方路演"), 2),
                ],
                _("每月举办的路演"),
            ),
            "landed_chart": _columns(
                grouped["landed_by_month"],
                [("n", _("落地成果"), 0)],
                _("每月落地的成果"),
            ),
            "funnel_chart": charts.funnel(
                [
                    (row.label, row.values[0], row.href)
                    for row in grouped["stages"].rows
                    if row.record != Stage.ABANDONED
                ],
                label=_("各阶段项目数"),
            ),
            "field_chart": _bars(grouped["landed_by_field"], _("按领域的落地成果")),
            "province_chart": _bars(
                grouped["landed_by_province"], _("按落地省份的落地成果")
            ),
            "promoted_chart": _bars(
                grouped["promoted_by_field"], _("按领域的路演推广成果")
            ),
            "roadshow_amounts": _bars(
                grouped["amounts"],
                _("按来源路演的成交金额（万元）"),
                column=1,
                rows=amounts_by_roadshow,
            ),
            "amounts_chart": _columns(
                grouped["amounts_by_month"],
                [("agreed", _("成交金额（万元）"), 1)],
                _("每月签约的成交金额（万元）"),
            ),
            "by_field": [
                {**row.record, **{f"{k}_href": v for k, v in row.links.items()}}
                for row in grouped["by_field"].rows
            ],
            "by_province": [
                {**row.record, **{f"{k}_href": v for k, v in row.links.items()}}
                for row in grouped["by_province"].rows
            ],
            "created_href": deals_href(
                created_from=period.starts.isoformat(),
                created_to=period.ends.isoformat(),
            ),
            "matrix": [
                (
                    row.record,
                    [
                        (dest, n, row.links[dest.value])
                        for dest, n in zip(MacroRegion, row.values, strict=True)
                    ],
                )
                for row in grouped["matrix"].rows
            ],
            "regions": list(MacroRegion),
            "matchmaking": grouped["matchmaking"],
            "pairs": grouped["pairs"],
            "by_path": grouped["by_path"],
            "signed_href": grouped["amounts"].rows[0].href,
            "export_query": urlencode(
                {"period": period.target.pk} if period.target else {}
            ),
        },
    )


@require_GET
def dashboard_export(request):
    """Every grouping of the dashboard, one sheet each."""
    _organizer(request)
    _targets, period = _period(request)
    filters = [(_("统计期"), f"{period.starts:%Y-%m-%d} – {period.ends:%Y-%m-%d}")]
    if period.target is not None:
        filters.insert(0, (_("目标期"), period.target.name))
    export = XlsxExport(
        about=About(
            title=_("计划进展统计"), exported_by=str(request.user), filters=filters
        )
    )
    for grouping in groupings(compute(period)).values():
        sheet = export.sheet(grouping.title, header=grouping.header)
        for row in grouping.rows:
            sheet.append([row.label, *row.values])
    stream = io.BytesIO()
    export.save(stream)
    return xlsx_response(
        stream, filename=f"progress-{period.starts:%Y}-{period.ends:%Y}.xlsx"
    )


@require_GET
def dashboard_records(request):
    """The roadshows held, or the achievements promoted, behind a figure."""
    _organizer(request)
    _targets, period = _period(request)
    kind = request.GET.get("kind")
    level = request.GET.get("level", "")
    month = request.GET.get("month", "")
    field = request.GET.get("field", "")[:40]
    roadshows = roadshows_held(starts=period.starts, ends=period.ends)
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
