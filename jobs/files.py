"""The private files of jobs: an upload waiting for its import, the workbook
an export wrote.  They live in the "private" storage (never served as media)
under generated names, are read only through the jobs' checked views, and
leave the storage when their job is done with them or their time is up."""

import datetime as dt
import uuid
from typing import IO

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage, storages
from django.utils import timezone

from .enums import JobState
from .models import Job


def private_storage() -> Storage:
    return storages["private"]


def job_file_save(*, content: IO[bytes], folder: str, ext: str) -> str:
    """Store ``content`` under a generated name; the name, for the job's
    params or result."""
    name = f"jobs/{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"
    content.seek(0)
    return private_storage().save(name, File(content, name=name))


def job_file_delete(name: str) -> None:
    if name:
        private_storage().delete(name)


def _retention() -> dt.timedelta:
    return dt.timedelta(hours=settings.JOBS_FILE_RETENTION_HOURS)


def job_file_kept_until(job: Job) -> dt.datetime:
    """When a job's file stops being offered (then deleted)."""
    return (job.finished_at or job.created_at) + _retention()


def job_file_expired(job: Job) -> bool:
    return job_file_kept_until(job) < timezone.now()


def job_files_prune() -> int:
    """Delete the files of jobs that ended longer ago than the retention
    (an export's workbook; an upload whose job never ran: its worker died)
    and forget them; how many were deleted."""
    cutoff = timezone.now() - _retention()
    deleted = 0
    ended = Job.objects.exclude(state__in=JobState.unfinished_states()).filter(
        finished_at__lt=cutoff
    )
    for job in ended.filter(result__has_key="file"):
        job_file_delete(job.result["file"])
        Job.objects.filter(pk=job.pk).update(
            result={k: v for k, v in job.result.items() if k != "file"}
        )
        deleted += 1
    # An import deletes its upload as it ends; only one whose worker died
    # before it ran leaves it behind (looked for in the last week only).
    recent = ended.filter(finished_at__gte=cutoff - dt.timedelta(days=7))
    for job in recent.filter(params__has_key="upload"):
        if private_storage().exists(job.params["upload"]):
            job_file_delete(job.params["upload"])
            deleted += 1
    return deleted
