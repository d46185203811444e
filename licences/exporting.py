"""The open-licence list as XLSX (the 说明 sheet first; people's text never
a formula)."""

from collections.abc import Callable
from typing import IO

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization
from achievements.models import IndustryField, Province
from spreadsheets import About, XlsxExport
from tracker.enums import LicenceFee

from .models import Declaration
from .selectors import ListFilters


def export_declarations(
    *,
    queryset: QuerySet[Declaration],
    stream: IO[bytes],
    about: About,
    base_url: str,
    progress: Callable[[int], None] | None = None,
) -> int:
    export = XlsxExport(about=about, progress=progress)
    sheet = export.sheet(
        _("开放许可"),
        header=[
            _("专利号"),
            _("专利名称"),
            _("专利类型"),
            _("专利权人"),
            _("成果"),
            _("产业领域"),
            _("许可期限起"),
            _("许可期限至"),
            _("许可地域范围"),
            _("许可使用费支付方式"),
            _("一次性支付或入门费（万元）"),
            _("提成比例（%）"),
            _("提成基数"),
            _("支付标准说明"),
            _("被许可人报告要求"),
            _("状态"),
            _("公开时间"),
            _("网址"),
        ],
    )
    today = timezone.localdate()
    for d in queryset.iterator(chunk_size=500):
        status = d.get_status_display()
        if d.status == "cleared" and d.expired_on(today):
            status = _("已到期")
        sheet.append(
            [
                d.patent_number,
                d.patent_title,
                d.get_patent_type_display(),
                d.achievement.owner.name,
                d.achievement.title,
                d.achievement.field.local_name,
                d.starts,
                d.ends,
                d.territory,
                d.get_fee_mode_display(),
                d.fee_amount,
                d.royalty_rate,
                d.royalty_base,
                d.fee_note,
                d.reporting,
                status,
                d.cleared_at,
                base_url + d.get_absolute_url(),
            ]
        )
    export.save(stream)
    return sheet.rows


def open_licences_filters_in_words(filters: ListFilters) -> list[tuple[str, str]]:
    """The list's filters in words, for the export's 说明 sheet."""
    words = []
    if filters.field:
        found = IndustryField.objects.filter(code=filters.field).first()
        words.append((_("产业领域"), found.local_name if found else filters.field))
    if filters.province:
        found = Province.objects.filter(code=filters.province).first()
        words.append(
            (_("拟重点转化区域"), found.local_name if found else filters.province)
        )
    if filters.fee_mode:
        words.append((_("许可使用费支付方式"), str(LicenceFee(filters.fee_mode).label)))
    if filters.institution is not None:
        found = Organization.objects.filter(pk=filters.institution).first()
        words.append((_("专利权人"), found.name if found else str(filters.institution)))
    if filters.all:
        words.append((_("范围"), _("含已到期和已撤回的声明")))
    return words
