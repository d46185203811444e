"""Large exports as background jobs: the page starts one (the list's filters
as plain values, one at a time per person and kind) and sends the starter to
the job's page; the handler writes the workbook — as the starter, judged
when it runs — into private storage, and the job's page offers it to the
starter alone until the retention ends (``files``)."""

import tempfile
from collections.abc import Callable
from typing import IO, Any

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .files import job_file_save, job_files_prune
from .models import Job
from .selectors import job_latest
from .services import JobBusy, Outcome, Progress, job_start

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# How often (in rows written) an export tells how far it got.
PROGRESS_EVERY = 1000


def export_subject(*, kind: str, user_id: int) -> str:
    return f"{kind}:{user_id}"


def export_start(*, kind: str, params: dict[str, Any], by: Any) -> Job:
    """Queue an export for ``by``; JobBusy while their previous one of the
    kind is being written.  Expired files of earlier jobs go first."""
    job_files_prune()
    return job_start(
        kind=kind,
        subject=export_subject(kind=kind, user_id=by.pk),
        params=params,
        by=by,
    )


def export_started(request, *, kind: str, params: dict[str, Any]):
    """The page's answer to an export too large to write in the request:
    the job's page (the one already running, if any)."""
    try:
        job = export_start(kind=kind, params=params, by=request.user)
    except JobBusy:
        job = job_latest(subject=export_subject(kind=kind, user_id=request.user.pk))
        messages.info(request, _("你的上一份导出还在生成，完成后即可在此下载。"))
    return redirect("job_page", pk=job.pk)


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
