"""The call's record as a workbook for organizers: the ranking, every mark
with who gave it and when, and the log of decisions."""

from collections.abc import Callable
from typing import IO, Any

from django.utils.translation import gettext as _

from spreadsheets import About, XlsxExport

from .models import Call
from .selectors import call_ranking


def _mark(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


def export_call(
    *,
    call: Call,
    user: Any,
    stream: IO[bytes],
    progress: Callable[[int], None] | None = None,
) -> int:
    criteria = [c.name for c in call.criteria.all()]
    export = XlsxExport(
        about=About(
            title=_("路演征集评审记录"),
            exported_by=str(user),
            filters=[(_("征集"), call.title), (_("路演"), call.roadshow.title)],
        ),
        progress=progress,
    )
    ranking = call_ranking(call=call)
    summary = export.sheet(
        _("排名"),
        header=[
            _("名次"),
            _("成果"),
            _("申请单位"),
            _("状态"),
            _("评审人数"),
            _("平均分"),
            _("最低（评审人均分）"),
            _("最高（评审人均分）"),
            _("标准差"),
            *criteria,
            _("申请时间"),
            _("决定人"),
            _("决定时间"),
            _("未入选原因"),
        ],
    )
    for row in ranking:
        a = row.application
        summary.append(
            [
                row.rank,
                a.achievement.title,
                a.organization.name,
                a.get_status_display(),
                len(row.reviews),
                _mark(row.mean),
                _mark(row.low),
                _mark(row.high),
                _mark(row.std),
                *(_mark(v) for v in row.criteria),
                a.created_at,
                str(a.decided_by) if a.decided_by_id else "",
                a.decided_at,
                a.decline_reason,
            ]
        )
    marks = export.sheet(
        _("评分明细"),
        header=[
            _("成果"),
            _("申请单位"),
            _("评审人"),
            *criteria,
            _("评语"),
            _("首次评分时间"),
            _("最后修改时间"),
        ],
    )
    ids = [c.pk for c in call.criteria.all()]
    for row in ranking:
        for review in row.reviews:
            values = getattr(review, "marks", {})
            marks.append(
                [
                    row.application.achievement.title,
                    row.application.organization.name,
                    str(review.reviewer),
                    *(values.get(pk) for pk in ids),
                    review.comment,
                    review.created_at,
                    review.updated_at,
                ]
            )
    log = export.sheet(
        _("操作记录"), header=[_("时间"), _("操作人"), _("操作"), _("成果"), _("说明")]
    )
    for event in call.events.select_related("actor", "application__achievement"):
        log.append(
            [
                event.at,
                str(event.actor) if event.actor_id else "",
                event.get_action_display(),
                event.application.achievement.title if event.application_id else "",
                event.note,
            ]
        )
    export.save(stream)
    return export.rows
