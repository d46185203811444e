"""All questions of a room as XLSX, for the follow-up tracker."""

from typing import IO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from achievements.exporting import append_safe

from .models import Question, Room


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def export_questions(*, room: Room, stream: IO[bytes]) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("问题"))
    sheet.append(
        [
            _("路演项目"),
            _("成果"),
            _("项目编号"),
            _("问题"),
            _("原始问题"),
            _("提问人"),
            _("提问人单位"),
            _("邮箱"),
            _("对观众匿名"),
            _("状态"),
            _("点赞数"),
            _("提问时间"),
            _("回答时间"),
        ]
    )
    rows = (
        Question.objects.filter(room=room)
        .select_related("slot", "achievement", "author")
        .prefetch_related("author__memberships__organization")
        .order_by("created_at", "id")
    )
    count = 0
    for q in rows:
        orgs = "、".join(m.organization.name for m in q.author.memberships.all())
        append_safe(
            sheet,
            [
                str(q.slot) if q.slot_id else "",
                q.achievement.title if q.achievement_id else "",
                q.achievement.project_number if q.achievement_id else "",
                q.text,
                q.original_text,
                q.author.name or q.author.username,
                orgs,
                q.author.email,
                _("是") if q.anonymous else _("否"),
                q.get_status_display(),
                q.votes,
                _when(q.created_at),
                _when(q.answered_at),
            ],
        )
        count += 1
    workbook.save(stream)
    return count
