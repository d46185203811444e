"""The call's review record as XLSX: written in the request, or by a
background job for a large call; as the organizer who asked, judged when the
file is written."""

from functools import partial

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.permissions import user_can
from jobs.exports import ExportPlan, export_kind
from jobs.services import JobRefused

from .exporting import export_call
from .models import Call, CallEvent, Review

CALL_EXPORT = "calls.export"


@export_kind(CALL_EXPORT)
def call_export(*, user, call: int) -> ExportPlan:
    chosen = Call.objects.select_related("roadshow").filter(pk=call).first()
    if chosen is None or not user_can(user, "call.manage"):
        raise JobRefused(_("你已没有导出该征集评审记录的权限。"))
    rows = (
        chosen.applications.count()
        + Review.objects.filter(application__call=chosen).count()
        + CallEvent.objects.filter(call=chosen).count()
    )
    return ExportPlan(
        rows=rows,
        write=partial(export_call, call=chosen, user=user),
        filename=f"call-{chosen.pk}.xlsx",
        title=_("路演征集评审记录"),
        back=reverse("calls_manage", args=[chosen.pk]),
    )
