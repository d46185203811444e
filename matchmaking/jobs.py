"""The scheduling run (编排) as a background job: the session's page starts
it (``services.schedule_start``) and follows it (jobs/)."""

from django.utils.translation import gettext as _

from jobs.services import JobRefused, handler

from .enums import MeetingStatus
from .models import Meeting
from .services import MatchError, schedule_run
from .services.scheduling import SCHEDULE_JOB


@handler(SCHEDULE_JOB)
def schedule(*, job, progress, session_id: int, replan: bool) -> str:
    if job.started_by is None:
        raise JobRefused(_("发起编排的账号已不存在。"))
    try:
        summary = schedule_run(
            session_id=session_id, by=job.started_by, replan=replan, progress=progress
        )
    except MatchError as error:  # no right any more, another run…
        raise JobRefused(str(error)) from None
    drafts = Meeting.objects.filter(
        session_id=session_id,
        published_at__isnull=True,
        status=MeetingStatus.SCHEDULED,
    ).exists()
    figures = {
        "placed": summary.placed,
        "kept": summary.kept,
        "moved": summary.moved,
        "unplaced": len(summary.unplaced),
        "seconds": summary.seconds,
    }
    if drafts:
        return (
            _(
                "编排完成：新安排 %(placed)d 场，保留 %(kept)d 场，调整 %(moved)d 场，"
                "未能安排 %(unplaced)d 个（用时 %(seconds).1f 秒）。请检查后发布。"
            )
            % figures
        )
    return (
        _(
            "编排完成：没有需要发布的新会面（保留 %(kept)d 场，调整 %(moved)d 场，"
            "未能安排 %(unplaced)d 个）。"
        )
        % figures
    )
