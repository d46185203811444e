"""The actions on a deal's page, one address each: a form parses and
validates what was posted, one service call writes it (and checks who may),
and the page comes back with what was done, or with what was wrong and
nothing written."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..cases import case_draft_from_deal
from ..enums import Stage
from ..forms import (
    BidForm,
    DealEditForm,
    DealMoveForm,
    DealNoteForm,
    FinancingForm,
    ObjectionDecisionForm,
    PaymentForm,
    form_errors,
)
from ..models import Deal
from .deal_page import deal_or_404, deal_page


def _perform(
    request,
    deal: Deal,
    form: forms.Form,
    write: Callable[[dict[str, Any]], str | HttpResponse],
    *,
    failed: str = "",
):
    """The form validated, the write done: back to the deal's page with its
    message; otherwise the page again, saying what was wrong."""
    try:
        if not form.is_valid():
            raise services.DealError(form_errors(form))
        done = write(form.cleaned_data)
    except services.DealError as exc:
        return deal_page(
            request, deal_or_404(request, deal.pk), error=str(exc), failed=failed
        )
    if isinstance(done, HttpResponse):
        return done
    messages.success(request, done)
    return redirect("tracker:deal", pk=deal.pk)


@login_required
@require_POST
def deal_move(request, pk: int):
    deal = deal_or_404(request, pk)
    to = request.POST.get("to", "")
    form = DealMoveForm(request.POST, request.FILES, to=to, path=deal.path)

    def write(data: dict[str, Any]) -> str:
        services.deal_move(
            deal_id=deal.pk,
            to=to,
            by=request.user,
            expected=data["expected"],
            data=form.stage_data(),
            note=data["note"],
            documents=data["documents"],
        )
        return _("已进入“%(stage)s”。") % {"stage": Stage(to).label}

    return _perform(request, deal, form, write, failed=f"move:{to}")


@login_required
@require_POST
def deal_note(request, pk: int):
    deal = deal_or_404(request, pk)

    def write(data: dict[str, Any]) -> str:
        services.deal_note(
            deal_id=deal.pk,
            by=request.user,
            note=data["note"],
            documents=data["documents"],
        )
        return _("进展已记录。")

    form = DealNoteForm(request.POST, request.FILES)
    return _perform(request, deal, form, write, failed="note")


@login_required
@require_POST
def deal_edit(request, pk: int):
    deal = deal_or_404(request, pk)
    form = DealEditForm(request.POST, instance=deal, prefix="edit")
    if not form.is_valid():
        fresh = deal_or_404(request, pk)
        shown = DealEditForm(request.POST, instance=fresh, prefix="edit")
        shown.is_valid()
        return deal_page(
            request,
            fresh,
            error=_("请更正下面标出的错误。"),
            failed="edit",
            edit_form=shown,
        )

    def write(data: dict[str, Any]) -> str:
        services.deal_edit(
            deal_id=deal.pk,
            by=request.user,
            changes={name: data[name] for name in form.changed_data},
        )
        return _("已保存。")

    return _perform(request, deal, form, write, failed="edit")


@login_required
@require_POST
def payment_add(request, pk: int):
    deal = deal_or_404(request, pk)

    def write(data: dict[str, Any]) -> str:
        services.payment_add(
            deal_id=deal.pk,
            amount=data["amount"],
            paid_on=data["paid_on"],
            by=request.user,
            note=data["note"],
        )
        return _("付款已登记。")

    return _perform(request, deal, PaymentForm(request.POST), write, failed="payment")


@login_required
@require_POST
def bid_place(request, pk: int):
    deal = deal_or_404(request, pk)

    def write(data: dict[str, Any]) -> str:
        services.bid_place(
            deal_id=deal.pk,
            bidder=data["bidder"],
            amount=data["amount"],
            by=request.user,
        )
        return _("出价已登记。")

    return _perform(request, deal, BidForm(request.POST), write)


@login_required
@require_POST
def bid_award(request, pk: int, bid_id: int):
    deal = deal_or_404(request, pk)

    def write(_data: dict[str, Any]) -> str:
        services.bid_award(deal_id=deal.pk, bid_id=bid_id, by=request.user)
        return _("已确定竞得方。")

    return _perform(request, deal, forms.Form(request.POST), write)


@login_required
@require_POST
def evaluation_clear(request, pk: int):
    deal = deal_or_404(request, pk)

    def write(_data: dict[str, Any]) -> str:
        services.evaluation_clear(deal_id=deal.pk, by=request.user)
        return _("评价已确认，成果页面将显示“已评价”。")

    return _perform(request, deal, forms.Form(request.POST), write)


@login_required
@require_POST
def objection_decide(request, pk: int, objection_id: int):
    deal = deal_or_404(request, pk)
    # Only this deal's objections are decided from its page.
    if not deal.objections.filter(pk=objection_id).exists():
        return deal_page(request, deal, error=_("异议不存在。"))

    def write(data: dict[str, Any]) -> str:
        upheld = data["decision"] == "uphold"
        services.objection_resolve(
            objection_id=objection_id,
            upheld=upheld,
            resolution=data["resolution"],
            by=request.user,
        )
        if upheld:
            return _("异议成立，项目已退回洽谈阶段。")
        return _("异议不成立，已记录。")

    return _perform(request, deal, ObjectionDecisionForm(request.POST), write)


@login_required
@require_POST
def financing_add(request, pk: int):
    deal = deal_or_404(request, pk)

    def write(data: dict[str, Any]) -> str:
        services.financing_add(
            achievement=deal.achievement,
            deal=deal,
            kind=data["kind"],
            institution=data["institution"],
            amount=data["amount"],
            on=data["on"],
            by=request.user,
        )
        return _("融资已登记。")

    return _perform(request, deal, FinancingForm(request.POST), write)


@login_required
@require_POST
def case_draft(request, pk: int):
    """A landed deal's typical case, drafted and opened in the editor."""
    deal = deal_or_404(request, pk)

    def write(_data: dict[str, Any]) -> HttpResponse:
        page = case_draft_from_deal(deal=deal, by=request.user)
        messages.success(request, _("已生成典型案例草稿，请编辑后发布。"))
        return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))

    return _perform(request, deal, forms.Form(request.POST), write)


# The deal's page posted every action to itself, naming it in "op"; a page
# loaded before the actions had their own addresses still does.
LEGACY_ACTIONS = {
    "note": deal_note,
    "edit": deal_edit,
    "payment": payment_add,
    "bid": bid_place,
    "financing": financing_add,
    "case": case_draft,
}


def legacy_post(request, pk: int):
    op = request.POST.get("op", "")
    if op.startswith("move:"):
        posted = request.POST.copy()
        posted["to"] = op.removeprefix("move:")
        request.POST = posted
        return deal_move(request, pk)
    if op == "award":
        return bid_award(request, pk, bid_id=_posted_id(request.POST.get("bid")))
    if op == "objection":
        objection_id = _posted_id(request.POST.get("objection"))
        return objection_decide(request, pk, objection_id=objection_id)
    if op in LEGACY_ACTIONS:
        return LEGACY_ACTIONS[op](request, pk)
    return deal_page(request, deal_or_404(request, pk), error=_("未知的操作。"))


def _posted_id(value: Any) -> int:
    """A posted id; 0 (which matches nothing) for anything else."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return number if 0 < number < 2**31 else 0
