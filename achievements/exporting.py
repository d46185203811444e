"""The catalogue as XLSX, written row by row."""

from typing import IO

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook

from spreadsheets import append_safe

from .enums import TRL_DESCRIPTIONS
from .models import Achievement
from .validation import COLUMNS


def export_achievements(*, queryset: QuerySet[Achievement], stream: IO[bytes]) -> int:
    from django.utils.translation import gettext as _

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("成果"))
    headers = [str(c.header) for c in COLUMNS if c.key != "owner_kind"]
    headers += [_("技术成熟度说明"), _("审查状态"), _("发布范围"), _("发布时间")]
    sheet.append(headers)
    count = 0
    rows = queryset.select_related("owner", "field").prefetch_related(
        "target_provinces"
    )
    for a in rows.iterator(chunk_size=1000):
        values = {
            "owner": a.owner.name,
            "field": a.field.name,
            "transfer_modes": "、".join(a.transfer_mode_labels),
            "target_provinces": "、".join(p.name for p in a.target_provinces.all()),
            "price_min": float(a.price_min) if a.price_min is not None else None,
            "price_max": float(a.price_max) if a.price_max is not None else None,
        }
        row = [
            values[c.key] if c.key in values else getattr(a, c.key)
            for c in COLUMNS
            if c.key != "owner_kind"
        ]
        published = (
            timezone.localtime(a.published_at).strftime("%Y-%m-%d %H:%M")
            if (a.published_at)
            else ""
        )
        row += [
            str(TRL_DESCRIPTIONS[a.trl]),
            a.get_status_display(),
            a.get_publication_display(),
            published,
        ]
        append_safe(sheet, row)
        count += 1
    workbook.save(stream)
    return count
