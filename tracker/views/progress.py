"""The public summary of the programme's progress: the same figures as the
organizers' dashboard (computed by the same code), but only the programme's
aggregate numbers — no record, no title, no link to organizers' pages — for
anyone, and the page the home page's figure links to."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import charts
from ..dashboard import compute, targets_rows
from .dashboard import _period


@require_GET
def progress(request):
    targets, period = _period(request)
    figures = compute(period)
    return render(
        request,
        "tracker/progress.html",
        {
            "period": period,
            "targets": targets,
            "rows": targets_rows(figures),
            "roadshows": figures.roadshows,
            "roadshow_chart": charts.columns(
                [
                    (month.strftime("%Y-%m"), counts, None)
                    for month, counts in figures.roadshows_by_month
                ],
                series=[
                    ("field", _("领域路演")),
                    ("region", _("区域路演")),
                    ("local", _("地方路演")),
                ],
                label=_("每月举办的路演"),
            ),
        },
    )
