"""The reviewers' page for a disclosure of an achievement the public may not
see."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts import permissions

from .. import services
from ..forms import DisclosureReviewForm, form_errors
from ..selectors import disclosures_awaiting_review


@login_required
def disclosure_review(request, pk: int):
    """A reviewer clears what a disclosure shows of an achievement the public
    may not see: the title and description the deal's parties wrote, or the
    neutral label; the disclosure is published then."""
    if not permissions.is_reviewer(request.user):
        raise Http404
    deal = get_object_or_404(
        disclosures_awaiting_review().select_related(
            "achievement", "achievement__owner", "counterparty"
        ),
        pk=pk,
    )
    error = None
    if request.method == "POST":
        form = DisclosureReviewForm(request.POST)
        try:
            if not form.is_valid():
                raise services.DealError(form_errors(form))
            services.disclosure_review(
                deal_id=deal.pk,
                by=request.user,
                neutral=form.cleaned_data["decision"] == "neutral",
                note=form.cleaned_data["note"],
            )
        except services.DealError as exc:
            error = str(exc)
        else:
            messages.success(request, _("公示内容已审查，公示已发布。"))
            return redirect("accounts:workspace")
    return render(
        request,
        "tracker/disclosure_review.html",
        {"deal": deal, "error": error, "posted": request.POST},
        status=400 if error else 200,
    )
