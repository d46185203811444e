"""All questions of a room as XLSX, for the follow-up tracker.

Organizers get the askers' contacts (name, organizations, email); a named
moderator gets what the room shows them — the asker's name, nothing more.
Either way the achievements are named only as far as the visibility rule lets
the exporting user see them (as the room's programme does)."""

from collections.abc import Callable
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts import permissions
from achievements.selectors import achievements_published_to
from spreadsheets import About, XlsxExport

from .models import Question, Room
from .selectors import pitch_results, pitch_score_sheets, slot_label

_slot_label = slot_label


def _organizations(user: Any) -> str:
    return pgettext("list separator", "、").join(
        m.organization.name for m in user.memberships.all()
    )


def export_questions(
    *,
    room: Room,
    user: Any,
    stream: IO[bytes],
    progress: Callable[[int], None] | None = None,
) -> int:
    contacts = permissions.user_can(user, "live.export_contacts", room)
    export = XlsxExport(
        about=About(
            title=_("直播间问题"),
            exported_by=str(user),
            filters=[(_("路演"), room.roadshow.title)],
        ),
        progress=progress,
    )
    sheet = export.sheet(
        _("问题"),
        header=[
            _("路演项目"),
            _("成果"),
            _("项目编号"),
            _("问题"),
            _("原始问题"),
            _("提问人"),
            *([_("提问人单位"), _("邮箱")] if contacts else []),
            _("对观众匿名"),
            _("状态"),
            _("点赞数"),
            _("提问时间"),
            _("回答时间"),
        ],
    )
    rows = (
        Question.objects.filter(room=room)
        .select_related("slot__achievement", "achievement", "author")
        .order_by("created_at", "id")
    )
    if contacts:
        rows = rows.prefetch_related("author__memberships__organization")
    asked = Question.objects.filter(room=room)
    shown = achievements_published_to(
        user=user,
        ids=set(
            asked.exclude(achievement=None).values_list("achievement_id", flat=True)
        )
        | set(
            asked.exclude(slot__achievement=None).values_list(
                "slot__achievement_id", flat=True
            )
        ),
    )
    for q in rows.iterator(chunk_size=1000):
        visible = q.achievement_id in shown
        contact = [_organizations(q.author), q.author.email] if contacts else []
        sheet.append(
            [
                _slot_label(q.slot, shown) if q.slot_id else "",
                q.achievement.title if visible else "",
                q.achievement.project_number if visible else "",
                q.text,
                q.original_text,
                q.author.name or q.author.username,
                *contact,
                _("是") if q.anonymous else _("否"),
                q.get_status_display(),
                q.votes,
                q.created_at,
                q.answered_at,
            ]
        )
    export.save(stream)
    return export.rows


def _mark(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


def export_scores(
    *,
    room: Room,
    user: Any,
    stream: IO[bytes],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Every pitch's scores for organizers: the averages per pitch, and each
    scorer's marks with who they are."""
    criteria = list(room.score_criteria)
    export = XlsxExport(
        about=About(
            title=_("路演项目评分"),
            exported_by=str(user),
            filters=[(_("路演"), room.roadshow.title)],
        ),
        progress=progress,
    )
    summary = export.sheet(
        _("评分汇总"), header=[_("路演项目"), _("评分人数"), *criteria, _("平均分")]
    )
    for result in pitch_results(room=room, user=user):
        summary.append(
            [
                result.label,
                result.scorers,
                *(_mark(avg) for _c, avg, _n in result.criteria),
                _mark(result.average),
            ]
        )
    sheet = export.sheet(
        _("评分明细"),
        header=[
            _("路演项目"),
            _("评分人"),
            _("评分人单位"),
            _("邮箱"),
            *criteria,
            _("评分时间"),
        ],
    )
    sheets = pitch_score_sheets(room=room)
    shown = achievements_published_to(
        user=user, ids={s.achievement_id for s, *_rest in sheets if s.achievement_id}
    )
    for slot, scorer, marks, when in sheets:
        sheet.append(
            [
                slot_label(slot, shown),
                scorer.name or scorer.username,
                pgettext("list separator", "、").join(
                    m.organization.name
                    for m in scorer.memberships.select_related("organization")
                ),
                scorer.email,
                *(marks.get(c) for c in criteria),
                when,
            ]
        )
    export.save(stream)
    return export.rows
