"""The database queue of background work, as production runs it, for the
tests of what goes through it (emails, jobs): its settings and one pass of
a worker."""

from django.core.management import call_command

DATABASE_QUEUE = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["mail", "jobs"],
    },
}


def run_worker() -> None:
    """Run what is queued now, then return (``db_worker --batch``)."""
    call_command(
        "db_worker",
        "--batch",
        "--backend",
        "background",
        "--queue-name",
        "*",
        "--no-startup-delay",
        verbosity=0,
    )
