from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .files import job_file_expired, job_file_kept_until, private_storage
from .models import Job
from .selectors import job_status


def _own_job(request, pk: int) -> Job:
    """The job, for the person who started it only: anyone else, signed in
    or not, gets the same 404 whether or not it exists."""
    user = request.user
    job = Job.objects.filter(pk=pk).first()
    if job is None or not user.is_authenticated or job.started_by_id != user.pk:
        raise Http404
    return job


@never_cache
@require_GET
def status_view(request, pk: int):
    """How far a job has got (asked by jobs/progress.js)."""
    return JsonResponse(job_status(job=_own_job(request, pk)))


@never_cache
@require_GET
def page_view(request, pk: int):
    """A job's page: its progress while it runs, then its outcome (and the
    file it wrote, while it is kept)."""
    job = _own_job(request, pk)
    file = job.result.get("file") if job.finished else None
    if file and job_file_expired(job):
        file = None
    kept_until = job_file_kept_until(job) if file else None
    return render(
        request, "jobs/job.html", {"job": job, "file": file, "kept_until": kept_until}
    )


@never_cache
@require_GET
def file_view(request, pk: int):
    """The file a job wrote (an export), to its starter, while it is kept."""
    job = _own_job(request, pk)
    name = job.result.get("file") if job.finished else None
    if not name or job_file_expired(job):
        raise Http404
    storage = private_storage()
    if not storage.exists(name):
        raise Http404
    response = FileResponse(
        storage.open(name, "rb"),
        as_attachment=True,
        filename=job.result.get("filename") or name.rsplit("/", 1)[-1],
        content_type=job.result.get("content_type") or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
