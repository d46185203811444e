"""The organizers' admin pages for bulk imports (the library's 汇交 and the
demand lists) and their templates.  An import runs as a background job
(``import_jobs``): the page checks and keeps the file, then follows the job
and shows its report."""

import datetime as dt
import io

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import user_can
from jobs.selectors import job_latest

from .demand_import import write_demand_template
from .import_jobs import (
    ACHIEVEMENTS_IMPORT,
    DEMANDS_IMPORT,
    IMPORT_KINDS,
    import_report_of,
    import_start,
    import_subject,
)
from .importing import ImportRefused, write_template

# How long the page still shows the last import's outcome.
SHOWN_FOR = dt.timedelta(minutes=30)


def _shown_job(*, kind: str, user):
    """The organizer's import under way, or the last one's outcome for a
    while."""
    job = job_latest(subject=import_subject(kind=kind, user_id=user.pk))
    if job is None or (
        job.finished
        and (job.finished_at or job.created_at) < timezone.now() - SHOWN_FOR
    ):
        return None
    return job


def _import_page(
    request, *, kind: str, template: str, context: dict, options=None, remembered=None
):
    """One import page: on POST check and queue the file (then follow it at
    the page's address), on GET show the import running or its report
    (``remembered(job)``: the context the shown job's options give back to
    the form, so that its choices stay as they were)."""
    if not user_can(request.user, IMPORT_KINDS[kind].permission):
        raise PermissionDenied
    refused = None
    if request.method == "POST":
        try:
            import_start(
                kind=kind,
                upload=request.FILES.get("file"),
                by=request.user,
                dry_run=bool(request.POST.get("dry_run")),
                options=options,
            )
        except ImportRefused as exc:
            refused = str(exc)
        else:
            return redirect(request.path)
    job = None if refused else _shown_job(kind=kind, user=request.user)
    report = import_report_of(job) if job is not None else None
    if job is not None and remembered is not None and request.method != "POST":
        context = {**context, **remembered(job)}
    return render(
        request,
        template,
        {**context, "job": job, "report": report, "refused": refused},
        status=400 if refused else 200,
    )


def import_view(request):
    return _import_page(
        request,
        kind=ACHIEVEMENTS_IMPORT,
        template="achievements/admin/import.html",
        context={"header_title": _("批量汇交成果")},
    )


def demand_import_view(request):
    publish = not request.POST.get("draft") if request.method == "POST" else True
    return _import_page(
        request,
        kind=DEMANDS_IMPORT,
        template="achievements/admin/demand_import.html",
        context={"publish": publish, "header_title": _("导入需求清单")},
        options={"publish": publish},
        remembered=lambda job: {"publish": job.params.get("publish", True)},
    )


def _template_response(request, *, permission: str, write, name: str):
    if not user_can(request.user, permission):
        raise PermissionDenied
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    stream = io.BytesIO()
    write(stream, fmt=fmt)
    stream.seek(0)
    return FileResponse(stream, as_attachment=True, filename=f"{name}.{fmt}")


def template_view(request):
    return _template_response(
        request,
        permission="achievement.import",
        write=write_template,
        name="achievements-template",
    )


def demand_template_view(request):
    return _template_response(
        request,
        permission="demand.import",
        write=write_demand_template,
        name="demands-template",
    )
