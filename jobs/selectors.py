from .models import Job


def job_latest(*, subject: str) -> Job | None:
    """The subject's newest job (running, or the last outcome)."""
    return Job.objects.filter(subject=subject).order_by("-created_at", "-id").first()


def job_status(*, job: Job) -> dict:
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
