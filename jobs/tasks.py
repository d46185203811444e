"""The one background task of jobs: thin, it takes an id."""

from django_tasks import task

from .services import BACKEND


@task(backend=BACKEND, queue_name="jobs")
def run(job_id: int, request_id: str = "") -> str:
    import tracing

    from .services import job_run

    with tracing.bound(request_id or tracing.accept(None)):
        return job_run(job_id=job_id)
