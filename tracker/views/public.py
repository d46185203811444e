"""Public disclosure 公示 (seeds/000 §2): the deals on disclosure, each with
only what may be public, and the objection form open during the period.
What a disclosure shows of its achievement goes through the library's
visibility rule for the anonymous public (selectors.public_disclosures)."""

import time

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import ratelimit

from .. import services
from ..enums import ObjectionStatus, Stage
from ..models import Deal
from ..selectors import disclosures_published, public_disclosures

HONEYPOT = "homepage"
FORM_SALT = "tracker.objection"
FORM_MIN_SECONDS = 3
FORM_MAX_SECONDS = 6 * 3600


def _disclosed():
    """Deals whose disclosure the public may see (now or before)."""
    return disclosures_published().select_related(
        "achievement", "achievement__owner", "counterparty", "province"
    )


@require_GET
def disclosure_list(request):
    today = timezone.localdate()
    current = request.GET.get("all") != "1"
    qs = _disclosed()
    if current:
        qs = qs.filter(
            stage=Stage.DISCLOSURE,
            disclosure_starts__lte=today,
            disclosure_ends__gte=today,
        )
    qs = qs.order_by("-disclosure_starts", "-id")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "tracker/disclosure_list.html",
        {
            "page": page,
            "rows": public_disclosures(page.object_list),
            "current": current,
            "today": today,
        },
    )


def _state(deal: Deal, today) -> str:
    if deal.stage == Stage.DISCLOSURE:
        if today < deal.disclosure_starts:
            return "upcoming"
        if today <= deal.disclosure_ends:
            return "open"
        return "ended"
    if deal.objections.filter(status=ObjectionStatus.UPHELD).exists() and (
        deal.stage in Stage.open() or deal.stage == Stage.ABANDONED
    ):
        return "withdrawn"
    return "ended"


def disclosure(request, pk: int):
    deal = get_object_or_404(_disclosed(), pk=pk)
    shown = public_disclosures([deal])
    if not shown:
        raise Http404
    today = timezone.localdate()
    state = _state(deal, today)
    if deal.stage == Stage.ABANDONED and state != "withdrawn":
        raise Http404
    error = None
    posted = {}
    if request.method == "POST":
        posted = request.POST
        try:
            _check_submission(request, deal)
            services.objection_file(
                deal_id=deal.pk,
                name=posted.get("name", ""),
                contact=posted.get("contact", ""),
                reason=posted.get("reason", ""),
            )
        except services.DealError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                _("异议已提交，组织方将核实处理并与您联系。感谢您的监督。"),
            )
            return redirect("tracker:disclosure", pk=deal.pk)
    return render(
        request,
        "tracker/disclosure.html",
        {
            "deal": deal,
            "shown": shown[0],
            "state": state,
            "error": error,
            "posted": posted,
            "form_token": signing.dumps(
                {"deal": deal.pk, "t": time.time()}, salt=FORM_SALT
            ),
            "honeypot": HONEYPOT,
            "objection_count": deal.objections.count(),
        },
        status=400 if error else 200,
    )


def _check_submission(request, deal: Deal) -> None:
    """Spam resistance without a CAPTCHA: a field people never fill, a form
    that was rendered by us a few seconds before, and a daily limit per
    address."""
    post = request.POST
    if post.get(HONEYPOT):
        raise services.DealError(_("提交未通过校验，请刷新页面后重试。"))
    try:
        made = signing.loads(
            post.get("token", ""), salt=FORM_SALT, max_age=FORM_MAX_SECONDS
        )
        age = time.time() - float(made["t"])
        if made["deal"] != deal.pk or age > FORM_MAX_SECONDS:
            raise ValueError("another deal's form, or an old one")
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise services.DealError(_("页面已过期，请刷新后重新填写。")) from exc
    if age < FORM_MIN_SECONDS:
        raise services.DealError(_("提交过快，请核对内容后再提交。"))
    who = f"{deal.pk}:{ratelimit.client_address(request)}"
    if not ratelimit.allow(
        "objection", who, limit=settings.OBJECTIONS_PER_DAY, window=86400
    ):
        raise services.DealError(_("今天从您的网络提交的异议已达上限，请明天再试。"))
