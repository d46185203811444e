"""The dashboard's groupings, computed once: each is a table (what its rows
are, its columns, its rows) whose every row links to the records behind it.
The page draws them (charts, tables) and the export writes one sheet each,
so the two never disagree."""

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from achievements.enums import MacroRegion
from events.enums import Level

from ..enums import DealPath, Stage
from .figures import Figures, Period, targets_rows

MONTH = "%Y-%m"


@dataclass
class Row:
    label: str
    values: list
    # The records behind the row (or behind each of its columns, by name).
    href: str | None = None
    links: dict[str, str | None] = field(default_factory=dict)
    # What the row is about (a field, a province, a stage, a month…).
    record: Any = None


@dataclass
class Grouping:
    title: str
    label: str
    columns: list[str]
    rows: list[Row]

    @property
    def header(self) -> list[str]:
        return [self.label, *self.columns]


def deals_href(**params: Any) -> str:
    """The deal list filtered to the deals behind a figure."""
    return reverse("tracker:deals") + "?" + urlencode(params)


def records_href(kind: str, period: Period, **params: Any) -> str:
    """The roadshows held, or the achievements promoted, behind a figure."""
    params = {"kind": kind, **params}
    if period.target is not None:
        params["period"] = period.target.pk
    return reverse("tracker:dashboard_records") + "?" + urlencode(params)


def _month_range(month: dt.date, what: str = "landed") -> dict[str, str]:
    last = calendar.monthrange(month.year, month.month)[1]
    return {
        f"{what}_from": month.isoformat(),
        f"{what}_to": month.replace(day=last).isoformat(),
    }


def _range(period: Period, what: str) -> dict[str, str]:
    return {
        f"{what}_from": period.starts.isoformat(),
        f"{what}_to": period.ends.isoformat(),
    }


def _name(record: Any, missing: str) -> str:
    return record.local_name if record else missing


def groupings(figures: Figures) -> dict[str, Grouping]:
    """Every grouping of the period's figures, in the export's order."""
    period = figures.period
    landed = _range(period, "landed")
    signed = _range(period, "signed")
    created = _range(period, "created")
    target_links = {
        "roadshows": records_href("roadshows", period, level=Level.NATIONAL),
        "promoted_national": records_href("promoted", period, level=Level.NATIONAL),
        "promoted_total": records_href("promoted", period),
        "landed": deals_href(stage=Stage.LANDED, **landed),
        "cross_region": deals_href(cross="to_northwest", **landed),
        "local_northwest": deals_href(cross="northwest_local", **landed),
    }
    unfilled = _("未填")
    regions = list(MacroRegion)
    return {
        "targets": Grouping(
            _("目标完成情况"),
            _("指标"),
            [_("完成"), _("目标"), _("完成率")],
            [
                Row(
                    str(r["label"]),
                    [r["value"], r["target"], (r["percent"] or 0) / 100],
                    href=target_links[r["key"]],
                    record=r,
                )
                for r in targets_rows(figures)
            ],
        ),
        "roadshows_by_month": Grouping(
            _("每月路演"),
            _("月份"),
            [_("领域路演"), _("区域路演"), _("地方路演")],
            [
                Row(
                    m.strftime(MONTH),
                    [c["field"], c["region"], c["local"]],
                    href=records_href("roadshows", period, month=m.strftime(MONTH)),
                    record=c,
                )
                for m, c in figures.roadshows_by_month
            ],
        ),
        "promoted_by_field": Grouping(
            _("推广成果按领域"),
            _("领域"),
            [_("成果数")],
            [
                Row(
                    _name(x, unfilled),
                    [n],
                    href=records_href("promoted", period, field=x.code) if x else None,
                    record=x,
                )
                for x, n in figures.promoted_by_field
            ],
        ),
        "stages": Grouping(
            _("项目阶段"),
            _("阶段"),
            [_("到达过该阶段的项目"), _("当前在该阶段的项目")],
            [
                Row(
                    str(s.label),
                    [n, figures.current_stages.get(s.value, 0)],
                    href=deals_href(reached=s.value, **created),
                    record=s,
                )
                for s, n in figures.funnel
            ]
            + [
                Row(
                    str(Stage.ABANDONED.label),
                    ["", figures.current_stages.get(Stage.ABANDONED, 0)],
                    href=deals_href(**created, stage=Stage.ABANDONED),
                    record=Stage.ABANDONED,
                )
            ],
        ),
        "by_path": Grouping(
            _("交易路径"),
            _("交易路径"),
            [_("登记数"), _("签约数"), _("落地数")],
            [
                Row(
                    str(p.label),
                    list(figures.by_path.get(p.value, (0, 0, 0))),
                    href=deals_href(path=p.value, **created),
                    links={
                        "signed": deals_href(
                            path=p.value, reached=Stage.SIGNED, **created
                        ),
                        "landed": deals_href(
                            path=p.value, stage=Stage.LANDED, **created
                        ),
                    },
                    record=p,
                )
                for p in DealPath
            ],
        ),
        "landed_by_month": Grouping(
            _("落地按月"),
            _("月份"),
            [_("落地成果")],
            [
                Row(
                    m.strftime(MONTH),
                    [n],
                    href=deals_href(stage=Stage.LANDED, **_month_range(m)),
                    record=m,
                )
                for m, n in figures.landed_by_month
            ],
        ),
        "landed_by_field": Grouping(
            _("落地按领域"),
            _("领域"),
            [_("落地成果")],
            [
                Row(
                    _name(x, unfilled),
                    [n],
                    href=deals_href(stage=Stage.LANDED, field=x.code, **landed)
                    if x
                    else None,
                    record=x,
                )
                for x, n in figures.landed_by_field
            ],
        ),
        "landed_by_province": Grouping(
            _("落地按省份"),
            _("省份"),
            [_("落地成果")],
            [
                Row(
                    _name(p, unfilled),
                    [n],
                    href=deals_href(stage=Stage.LANDED, province=p.code, **landed)
                    if p
                    else None,
                    record=p,
                )
                for p, n in figures.landed_by_province
            ],
        ),
        "amounts": Grouping(
            _("成交金额"),
            _("来源路演"),
            [_("签约项目"), _("成交金额（万元）")],
            [
                Row(
                    _("合计"),
                    [figures.amounts["deals"], float(figures.amounts["agreed"])],
                    href=deals_href(**signed),
                )
            ]
            + [
                Row(
                    r["roadshow__title"],
                    [r["n"], float(r["agreed"] or 0)],
                    href=deals_href(roadshow=r["roadshow"], **signed),
                    record=r["roadshow"],
                )
                for r in figures.amounts_by_roadshow
            ]
            + [Row(_("已结算（万元）"), ["", float(figures.amounts["settled"])])],
        ),
        "amounts_by_month": Grouping(
            _("成交按月"),
            _("月份"),
            [_("签约项目"), _("成交金额（万元）"), _("已结算（万元）")],
            [
                Row(
                    m.strftime(MONTH),
                    [r["n"], float(r["agreed"] or 0), float(r["settled"] or 0)],
                    href=deals_href(**_month_range(m, "signed")),
                    record=m,
                )
                for m, r in figures.amounts_by_month
            ],
        ),
        "by_field": Grouping(
            _("按领域"),
            _("领域"),
            [
                _("路演推广成果"),
                _("落地成果"),
                _("签约项目"),
                _("成交金额（万元）"),
                _("已结算（万元）"),
            ],
            [
                Row(
                    r["field"].local_name,
                    [
                        r["promoted"],
                        r["landed"],
                        r["signed"],
                        float(r["agreed"]),
                        float(r["settled"]),
                    ],
                    links={
                        "promoted": records_href(
                            "promoted", period, field=r["field"].code
                        ),
                        "landed": deals_href(
                            stage=Stage.LANDED, field=r["field"].code, **landed
                        ),
                        "signed": deals_href(field=r["field"].code, **signed),
                    },
                    record=r,
                )
                for r in figures.by_field
            ],
        ),
        "by_province": Grouping(
            _("按省份"),
            _("省份"),
            [_("落地成果"), _("签约项目"), _("成交金额（万元）")],
            [
                Row(
                    _name(r["province"], _("未定")),
                    [r["landed"], r["signed"], float(r["agreed"])],
                    links={
                        "landed": deals_href(
                            stage=Stage.LANDED, province=r["province"].code, **landed
                        ),
                        "signed": deals_href(province=r["province"].code, **signed),
                    }
                    if r["province"]
                    else {"landed": None, "signed": None},
                    record=r,
                )
                for r in figures.by_province
            ],
        ),
        "matrix": Grouping(
            _("跨区域转化"),
            _("成果所在区域 → 落地区域"),
            [str(r.label) for r in regions],
            [
                Row(
                    str(origin.label),
                    [n for _dest, n in cells],
                    links={
                        dest.value: deals_href(
                            origin=origin.value,
                            region=dest.value,
                            stage=Stage.LANDED,
                            **landed,
                        )
                        for dest, _n in cells
                    },
                    record=origin,
                )
                for origin, cells in figures.matrix
            ],
        ),
        "matchmaking": Grouping(
            _("供需对接"),
            _("对接会"),
            [
                _("约见请求"),
                _("接受率"),
                _("已安排会面"),
                _("已举行"),
                _("未到场"),
                _("会后继续洽谈"),
                _("登记为意向项目"),
            ],
            [
                Row(
                    f"{r['session'].roadshow.title}"
                    f"{pgettext('punctuation', '（')}"
                    f"{r['session'].starts_at:%Y-%m-%d}"
                    f"{pgettext('punctuation', '）')}",
                    [
                        r["requests"],
                        r["acceptance"],
                        r["meetings"],
                        r["held"],
                        r["no_show"],
                        r["continue"],
                        r["deals"],
                    ],
                    href=reverse("matchmaking_session", args=[r["session"].pk]),
                    record=r,
                )
                for r in figures.matchmaking
            ],
        ),
        "pairs": Grouping(
            _("结对省份间的转化"),
            _("结对"),
            [_("本期登记的项目"), _("已签约"), _("已落地")],
            [
                Row(
                    str(pair),
                    [n, signed_n, landed_n],
                    href=deals_href(pair=pair.pk, **created),
                    links={
                        "landed": deals_href(
                            pair=pair.pk, stage=Stage.LANDED, **created
                        ),
                    },
                    record=pair,
                )
                for pair, n, signed_n, landed_n in figures.pairs
            ],
        ),
    }
