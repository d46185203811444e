"""Deals as XLSX, written row by row (people's text never a formula)."""

from typing import IO

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from achievements.enums import TransferMode
from spreadsheets import append_safe

from .models import Deal


def _money(value) -> float | None:
    return float(value) if value is not None else None


def export_deals(*, queryset: QuerySet[Deal], stream: IO[bytes]) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("成果转化项目"))
    sheet.append(
        [
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
        ]
    )
    count = 0
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
        append_safe(
            sheet,
            [
                d.pk,
                d.achievement.title,
                d.achievement.project_number,
                d.achievement.owner.name,
                d.counterparty.name,
                str(modes.get(d.transfer_mode, d.transfer_mode)),
                d.get_stage_display(),
                timezone.localtime(d.stage_entered_at).strftime("%Y-%m-%d"),
                _money(d.asking_amount),
                _money(d.agreed_amount),
                _money(d.settled_amount),
                d.origin_province.name if d.origin_province else "",
                d.province.name if d.province else "",
                d.roadshow.title if d.roadshow else "",
                d.contract_number,
                d.registration_number,
                d.get_landed_kind_display(),
                timezone.localtime(d.updated_at).strftime("%Y-%m-%d %H:%M"),
            ],
        )
        count += 1
    workbook.save(stream)
    return count
