"""A roadshow's registrations and check-ins as XLSX, for its organizers (the
list carries registrants' emails)."""

from collections.abc import Callable
from typing import IO, Any

from django.utils.translation import gettext as _

from spreadsheets import About, XlsxExport

from .models import Roadshow


def export_registrations(
    *,
    roadshow: Roadshow,
    user: Any,
    stream: IO[bytes],
    progress: Callable[[int], None] | None = None,
) -> int:
    export = XlsxExport(
        about=About(
            title=_("路演报名名单"),
            exported_by=str(user),
            filters=[(_("路演"), roadshow.title)],
        ),
        progress=progress,
    )
    sheet = export.sheet(
        _("报名"),
        header=[
            _("姓名"),
            _("机构"),
            _("邮箱"),
            _("参加方式"),
            _("状态"),
            _("报名时间"),
            _("签到时间"),
            _("签到入口"),
        ],
    )
    rows = (
        roadshow.registrations.select_related("user")
        .prefetch_related("user__memberships__organization")
        .order_by("created_at", "id")
    )
    for r in rows.iterator(chunk_size=1000):
        orgs = "、".join(m.organization.name for m in r.user.memberships.all())
        sheet.append(
            [
                str(r.user),
                orgs,
                r.user.email,
                r.get_attendance_display(),
                r.get_status_display(),
                r.created_at,
                r.checked_in_at,
                r.checked_in_door,
            ]
        )
    export.save(stream)
    return sheet.rows
