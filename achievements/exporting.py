"""The catalogue as XLSX, written row by row."""

from collections.abc import Callable
from typing import IO

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from spreadsheets import About, XlsxExport

from .enums import TRL_DESCRIPTIONS, TransferMode
from .models import Achievement, IndustryField, Province
from .selectors import CatalogueFilters
from .validation import COLUMNS


def catalogue_filters_in_words(filters: CatalogueFilters) -> list[tuple[str, str]]:
    """The catalogue's filters as the export's "说明" sheet names them."""
    words: list[tuple[str, str]] = []
    if filters.q:
        words.append((_("关键词"), filters.q))
    if filters.field:
        field = IndustryField.objects.filter(code=filters.field).first()
        words.append((_("产业领域"), field.local_name if field else filters.field))
    if filters.trl_min is not None or filters.trl_max is not None:
        words.append(
            (_("技术成熟度"), f"{filters.trl_min or 1}–{filters.trl_max or 9}")
        )
    if filters.province:
        province = Province.objects.filter(code=filters.province).first()
        words.append(
            (_("拟重点转化区域"), province.local_name if province else filters.province)
        )
    if filters.mode:
        words.append((_("转化方式"), str(TransferMode(filters.mode).label)))
    if filters.programme:
        words.append((_("来源计划"), filters.programme))
    for key, code in filters.agri_codes().items():
        model = Achievement._meta.get_field(key).related_model
        term = model.objects.filter(code=code).first()
        words.append(
            (
                str(Achievement._meta.get_field(key).verbose_name),
                term.local_name if term else code,
            )
        )
    return words


def export_achievements(
    *,
    queryset: QuerySet[Achievement],
    stream: IO[bytes],
    about: About,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the rows of ``queryset`` (already the viewer's: it is exported as
    it is); ``progress(rows)`` hears how far it got."""
    export = XlsxExport(about=about, progress=progress)
    headers = [str(c.header) for c in COLUMNS if c.key != "owner_kind"]
    headers += [_("技术成熟度说明"), _("审查状态"), _("发布范围"), _("发布时间")]
    sheet = export.sheet(_("成果"), header=headers)
    rows = queryset.select_related(
        "owner", "field", "agri_tech_field", "agri_industry", "agri_scenario"
    ).prefetch_related("target_provinces")
    for a in rows.iterator(chunk_size=1000):
        values = {
            "owner": a.owner.name,
            "field": a.field.name,
            "agri_tech_field": a.agri_tech_field.name if a.agri_tech_field else "",
            "agri_industry": a.agri_industry.name if a.agri_industry else "",
            "agri_scenario": a.agri_scenario.name if a.agri_scenario else "",
            "transfer_modes": "、".join(a.transfer_mode_labels),
            "target_provinces": "、".join(p.name for p in a.target_provinces.all()),
        }
        row = [
            values[c.key] if c.key in values else getattr(a, c.key)
            for c in COLUMNS
            if c.key != "owner_kind"
        ]
        row += [
            str(TRL_DESCRIPTIONS[a.trl]),
            a.get_status_display(),
            a.get_publication_display(),
            a.published_at,
        ]
        sheet.append(row)
    export.save(stream)
    return sheet.rows
