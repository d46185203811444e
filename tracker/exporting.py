"""Deals as XLSX, written row by row (people's text never a formula)."""

from collections.abc import Callable
from typing import IO

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from achievements.enums import TransferMode
from spreadsheets import About, XlsxExport

from .models import Deal


def export_deals(
    *,
    queryset: QuerySet[Deal],
    stream: IO[bytes],
    about: About,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the rows of ``queryset`` (already the viewer's);
    ``progress(rows)`` hears how far it got."""
    export = XlsxExport(about=about, progress=progress)
    sheet = export.sheet(
        _("成果转化项目"),
        header=[
            _("编号"),
            _("成果"),
            _("项目编号"),
            _("成果持有单位"),
            _("受让/合作方"),
            _("转化方式"),
            _("阶段"),
            _("进入本阶段"),
            _("报价（万元）"),
            _("成交金额（万元）"),
            _("已结算（万元）"),
            _("成果所在省份"),
            _("落地省份"),
            _("来源路演"),
            _("合同编号"),
            _("技术合同登记号"),
            _("落地形式"),
            _("更新时间"),
        ],
    )
    rows = queryset.select_related(
        "achievement",
        "achievement__owner",
        "counterparty",
        "origin_province",
        "province",
        "roadshow",
    )
    modes = dict(TransferMode.choices)
    for d in rows.iterator(chunk_size=1000):
        sheet.append(
            [
                d.pk,
                d.achievement.title,
                d.achievement.project_number,
                d.achievement.owner.name,
                d.counterparty.name,
                str(modes.get(d.transfer_mode, d.transfer_mode)),
                d.get_stage_display(),
                timezone.localtime(d.stage_entered_at).date(),
                d.asking_amount,
                d.agreed_amount,
                d.settled_amount,
                d.origin_province.name if d.origin_province else "",
                d.province.name if d.province else "",
                d.roadshow.title if d.roadshow else "",
                d.contract_number,
                d.registration_number,
                d.get_landed_kind_display(),
                d.updated_at,
            ]
        )
    export.save(stream)
    return sheet.rows
