"""The open-licence list as XLSX: written in the request, or by a background
job when it is large (for a signed-in person: a job belongs to someone); the
list's filters go with the job, and the declarations are those the starter
may see when it runs."""

import dataclasses
from functools import partial
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.exports import ExportPlan, export_kind
from spreadsheets import About

from .exporting import export_declarations, open_licences_filters_in_words
from .selectors import ListFilters, open_licences

OPEN_LICENCES_EXPORT = "licences.export"


def open_licences_export_params(filters: ListFilters, *, base_url: str) -> dict:
    return {"filters": dataclasses.asdict(filters), "base_url": base_url}


@export_kind(OPEN_LICENCES_EXPORT)
def open_licences_export(*, user, filters: dict, base_url: str) -> ExportPlan:
    chosen = ListFilters(**filters)
    queryset = open_licences(user=user, filters=chosen)
    about = About(
        title=_("开放许可清单"),
        exported_by=str(user) if user.is_authenticated else _("公众"),
        filters=open_licences_filters_in_words(chosen),
    )
    query = {
        "field": chosen.field,
        "province": chosen.province,
        "fee": chosen.fee_mode,
        "institution": chosen.institution or "",
        "all": "1" if chosen.all else "",
    }
    query = {k: v for k, v in query.items() if v}
    return ExportPlan(
        rows=queryset.count(),
        write=partial(
            export_declarations, queryset=queryset, about=about, base_url=base_url
        ),
        filename=f"open-licences-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
        title=_("开放许可清单"),
        back=reverse("licences:list") + ("?" + urlencode(query) if query else ""),
    )
