"""The open-licence list as XLSX (the 说明 sheet first; people's text never
a formula)."""

from typing import IO

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from spreadsheets import About, XlsxExport

from .models import Declaration


def export_declarations(
    *,
    queryset: QuerySet[Declaration],
    stream: IO[bytes],
    about: About,
    base_url: str,
) -> int:
    export = XlsxExport(about=about)
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
