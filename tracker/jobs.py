"""The deals' export (the follow-up list as XLSX): written in the request,
or by a background job when it is large; the list's query goes with the
job, and the deals are those the starter may see when it runs."""

from functools import partial
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from jobs.exports import ExportPlan, export_kind
from jobs.services import JobRefused
from spreadsheets import About

from .exporting import export_deals
from .filtering import deal_filters_in_words, deals_filtered
from .selectors import deals_visible_to

DEALS_EXPORT = "tracker.deals_export"


def deals_export_params(query) -> dict:
    """The list's query (its last value for each name, as the list reads
    it), without the page and the format."""
    return {
        "query": {
            k: v for k, v in query.items() if k not in ("page", "format") and v != ""
        }
    }


@export_kind(DEALS_EXPORT)
def deals_export(*, user, query: dict) -> ExportPlan:
    # The list exports to organizers only.
    if not permissions.is_organizer(user):
        raise JobRefused(_("你已没有导出项目跟踪表的权限。"))
    queryset = deals_filtered(qs=deals_visible_to(user=user), params=query)
    queryset = queryset.order_by("-updated_at", "-id")
    about = About(
        title=_("成果转化项目跟踪表"),
        exported_by=str(user),
        filters=deal_filters_in_words(params=query, user=user),
    )
    return ExportPlan(
        rows=queryset.count(),
        write=partial(export_deals, queryset=queryset, about=about),
        filename=f"deals-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
        title=_("成果转化项目跟踪表"),
        back=reverse("tracker:deals") + ("?" + urlencode(query) if query else ""),
    )
