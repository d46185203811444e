"""The library's export (the catalogue as XLSX): written in the request, or
by a background job when it is large; the catalogue's filters go with the
job, and the rows are those the starter may see when it runs."""

import dataclasses
from functools import partial
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import user_can
from jobs.exports import ExportPlan, export_kind
from jobs.services import JobRefused
from spreadsheets import About

from . import selectors
from .exporting import catalogue_filters_in_words, export_achievements

LIBRARY_EXPORT = "achievements.export"


def library_export_params(filters: selectors.CatalogueFilters) -> dict:
    return {"filters": dataclasses.asdict(filters)}


@export_kind(LIBRARY_EXPORT)
def library_export(*, user, filters: dict) -> ExportPlan:
    if not user_can(user, "achievement.export"):
        raise JobRefused(_("你已没有导出成果库的权限。"))
    chosen = selectors.CatalogueFilters(**filters)
    queryset = selectors.catalogue_search(user=user, filters=chosen)
    about = About(
        title=_("成果库导出"),
        exported_by=str(user),
        filters=catalogue_filters_in_words(chosen),
    )
    query = {k: v for k, v in filters.items() if v not in ("", None)}
    return ExportPlan(
        rows=queryset.count(),
        write=partial(export_achievements, queryset=queryset, about=about),
        filename=f"achievements-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
        title=_("成果库导出"),
        back=reverse("achievements:catalogue")
        + ("?" + urlencode(query) if query else ""),
    )
