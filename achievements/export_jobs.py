"""The library's export (the catalogue as XLSX) as a background job, when it
is too large to write in the request: the catalogue's filters go with the
job, and the rows are those the starter may see when it runs."""

import dataclasses
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import user_can
from jobs.exports import export_written, rows_written
from jobs.services import JobRefused, handler
from spreadsheets import About

from . import selectors
from .exporting import catalogue_filters_in_words, export_achievements

LIBRARY_EXPORT = "achievements.export"


def library_export_params(filters: selectors.CatalogueFilters) -> dict:
    return {"filters": dataclasses.asdict(filters)}


@handler(LIBRARY_EXPORT)
def library_export(*, job, progress, filters: dict):
    user = job.started_by
    # Judged now, as the starter: a right lost meanwhile exports nothing.
    if user is None or not user_can(user, "achievement.export"):
        raise JobRefused(_("你已没有导出成果库的权限。"))
    chosen = selectors.CatalogueFilters(**filters)
    queryset = selectors.catalogue_search(user=user, filters=chosen)
    total = queryset.count()
    about = About(
        title=_("成果库导出"),
        exported_by=str(user),
        filters=catalogue_filters_in_words(chosen),
    )
    query = {k: v for k, v in filters.items() if v not in ("", None)}
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return export_written(
        write=lambda stream: export_achievements(
            queryset=queryset,
            stream=stream,
            about=about,
            progress=rows_written(progress, total),
        ),
        filename=f"achievements-{stamp}.xlsx",
        title=_("成果库导出"),
        back=reverse("achievements:catalogue")
        + ("?" + urlencode(query) if query else ""),
    )
