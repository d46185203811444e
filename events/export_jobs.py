"""A roadshow's registrations as XLSX: written in the request, or by a
background job for a large roadshow; as the organizer who asked, judged when
the file is written."""

from functools import partial

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.permissions import user_can
from jobs.exports import ExportPlan, export_kind
from jobs.services import JobRefused

from .exporting import export_registrations
from .models import Roadshow

REGISTRATIONS_EXPORT = "events.registrations_export"


@export_kind(REGISTRATIONS_EXPORT)
def registrations_export(*, user, roadshow: int) -> ExportPlan:
    chosen = Roadshow.objects.filter(pk=roadshow).first()
    if chosen is None or not user_can(user, "roadshow.manage", chosen):
        raise JobRefused(_("你已没有导出该路演报名名单的权限。"))
    return ExportPlan(
        rows=chosen.registrations.count(),
        write=partial(export_registrations, roadshow=chosen, user=user),
        filename=f"registrations-{chosen.pk}.xlsx",
        title=_("路演报名名单"),
        back=reverse("events_manage", args=[chosen.pk]),
    )
