"""The deals' export (the follow-up list as XLSX) as a background job, when
it is too large to write in the request: the list's query goes with the
job, and the deals are those the starter may see when it runs."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from jobs.exports import export_written, rows_written
from jobs.services import JobRefused, handler
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


@handler(DEALS_EXPORT)
def deals_export(*, job, progress, query: dict):
    user = job.started_by
    # Judged now, as the starter: the list exports to organizers only.
    if user is None or not permissions.is_organizer(user):
        raise JobRefused(_("你已没有导出项目跟踪表的权限。"))
    queryset = deals_filtered(qs=deals_visible_to(user=user), params=query)
    queryset = queryset.order_by("-updated_at", "-id")
    total = queryset.count()
    about = About(
        title=_("成果转化项目跟踪表"),
        exported_by=str(user),
        filters=deal_filters_in_words(params=query, user=user),
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return export_written(
        write=lambda stream: export_deals(
            queryset=queryset,
            stream=stream,
            about=about,
            progress=rows_written(progress, total),
        ),
        filename=f"deals-{stamp}.xlsx",
        title=_("成果转化项目跟踪表"),
        back=reverse("tracker:deals") + ("?" + urlencode(query) if query else ""),
    )
