"""Exports, small or large.  An app describes an export once
(``@export_kind``: the rows it will write and how, worked out for one person,
refused to one who may not have it) and its page answers with
``export_response``: a small export is written in the request; one larger
than ``EXPORT_INLINE_ROWS`` becomes a background job (the page's filters as
plain values, one at a time per person and kind) and the starter is sent to
the job's page.  The job writes the workbook — as the starter, judged when
it runs — into private storage, and its page offers the file to the starter
alone until the retention ends (``files``)."""

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .files import job_file_save, job_files_prune
from .models import Job
from .selectors import job_latest
from .services import JobBusy, JobRefused, Outcome, Progress, handler, job_start

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# An export written in the request is held in memory up to this size.
INLINE_MEMORY = 5 * 1024 * 1024


@dataclass(frozen=True)
class ExportPlan:
    """An export worked out for one person: about how many rows it writes
    (what decides between the request and a job), ``write(*, stream,
    progress) -> rows`` (``progress(rows)`` or None), the file's name, and
    for the job's page its title and the list to go back to."""

    rows: int
    write: Callable[..., int]
    filename: str
    title: str
    back: str = ""


Planner = Callable[..., ExportPlan]
PLANNERS: dict[str, Planner] = {}
_GONE = gettext_lazy("导出人的账号已不存在。")


def export_subject(*, kind: str, user_id: int, params: dict[str, Any]) -> str:
    """One export at a time per person, kind and object (a roadshow's
    registrations do not wait for another roadshow's)."""
    of = ",".join(f"{k}={v}" for k, v in sorted(params.items()) if type(v) is int)
    return f"{kind}:{user_id}" + (f":{of}" if of else "")


def export_start(*, kind: str, params: dict[str, Any], by: Any) -> Job:
    """Queue an export for ``by``; JobBusy while their previous one of the
    kind is being written.  Expired files of earlier jobs go first."""
    job_files_prune()
    return job_start(
        kind=kind,
        subject=export_subject(kind=kind, user_id=by.pk, params=params),
        params=params,
        by=by,
    )


def export_started(request, *, kind: str, params: dict[str, Any]):
    """The page's answer to an export too large to write in the request:
    the job's page (the one already running, if any)."""
    try:
        job = export_start(kind=kind, params=params, by=request.user)
    except JobBusy:
        job = job_latest(
            subject=export_subject(kind=kind, user_id=request.user.pk, params=params)
        )
        messages.info(request, _("你的上一份导出还在生成，完成后即可在此下载。"))
    return redirect("job_page", pk=job.pk)


def export_kind(kind: str):
    """Register ``plan(*, user, **params) -> ExportPlan`` for exports of
    ``kind``, ``params`` plain values.  It raises JobRefused (its message for
    the starter) when ``user`` may not have the export: the job asks it again
    when it runs, so that a right lost meanwhile exports nothing."""

    def register(plan: Planner) -> Planner:
        PLANNERS[kind] = plan

        @handler(kind)
        def run(*, job, progress, **params) -> Outcome:
            if job.started_by is None:
                raise JobRefused(str(_GONE))
            chosen = plan(user=job.started_by, **params)
            return export_written(
                write=lambda stream: chosen.write(
                    stream=stream, progress=rows_written(progress, chosen.rows)
                ),
                filename=chosen.filename,
                title=chosen.title,
                back=chosen.back,
            )

        return plan

    return register


def export_response(request, *, kind: str, params: dict[str, Any]):
    """The page's answer to "export": the file, written now, when it is
    small; else the job's page (a visitor who is not signed in is asked to
    sign in first: a job belongs to someone).  The page has already decided
    that the user may export; a refusal here is a 403."""
    try:
        plan = PLANNERS[kind](user=request.user, **params)
    except JobRefused:
        raise PermissionDenied from None
    if plan.rows > settings.EXPORT_INLINE_ROWS:
        if not request.user.is_authenticated:
            messages.info(request, _("导出内容较多，将在后台生成，请先登录。"))
            return redirect_to_login(request.get_full_path())
        return export_started(request, kind=kind, params=params)
    stream = tempfile.SpooledTemporaryFile(max_size=INLINE_MEMORY)
    plan.write(stream=stream, progress=None)
    stream.seek(0)
    return FileResponse(
        stream, as_attachment=True, filename=plan.filename, content_type=XLSX
    )


def rows_written(progress: Progress, total: int) -> Callable[[int], None]:
    """An export's ``progress(rows)``, for the job's page."""

    def tell(rows: int) -> None:
        progress(
            rows,
            total,
            _("已写入 %(rows)d / %(total)d 行…") % {"rows": rows, "total": total},
        )

    tell(0)
    return tell


def export_written(
    *,
    write: Callable[[IO[bytes]], int],
    filename: str,
    title: str,
    back: str = "",
) -> Outcome:
    """Run ``write(stream) -> rows`` into a temporary file, keep the result
    privately and say so; the job's result names the file for its page."""
    with tempfile.TemporaryFile() as stream:
        rows = write(stream)
        name = job_file_save(content=stream, folder="exports", ext="xlsx")
    message = ngettext(
        "导出完成：共 %(n)d 行，可以下载了。",
        "导出完成：共 %(n)d 行，可以下载了。",
        rows,
    ) % {"n": rows}
    return Outcome(
        message,
        {
            "file": name,
            "filename": filename,
            "content_type": XLSX,
            "rows": rows,
            "title": str(title),
            "back": back,
        },
    )
