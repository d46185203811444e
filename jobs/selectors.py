from django.core.cache import cache

from .models import Job
from .services import progress_key


def job_latest(*, subject: str) -> Job | None:
    """The subject's newest job (running, or the last outcome)."""
    return Job.objects.filter(subject=subject).order_by("-created_at", "-id").first()


def job_status(*, job: Job) -> dict:
    """How far it has got: the row, or what a handler working inside its own
    transaction last reported through the cache."""
    if not job.finished:
        figures = cache.get(progress_key(job.pk))
        if figures:
            job.done, job.total = figures["done"], figures["total"]
            job.message = figures["message"] or job.message
    return {
        "id": job.pk,
        "state": job.state,
        "state_label": str(job.get_state_display()),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "message": job.message,
        "finished": job.finished,
    }
