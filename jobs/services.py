"""Slow work started from a page — a schedule to compute, a file to import
or write — run by the background workers (on the embedded default: in the
process, right after the commit), its progress and outcome on record for the
page that started it.

An app registers what a kind of job does (``@handler("app.thing")``, in a
module its AppConfig imports) and starts one with ``job_start``; the handler
runs in the starter's language and reports progress outside its own
transactions (so that the page sees it).
"""

import datetime as dt
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task_backends

import tracing

from .enums import JobState
from .models import Job

log = logging.getLogger(__name__)

BACKEND = "background"
Progress = Callable[..., None]
HANDLERS: dict[str, Callable[..., str]] = {}


class JobBusy(Exception):
    """The subject already has a job that has not finished."""


class JobRefused(Exception):
    """What a handler raises when the work cannot be done: its message is
    shown to the starter as it is (in their language), with ``result`` (what
    the page shows of it, e.g. an import's report of every bad row)."""

    def __init__(self, message: str, *, result: dict | None = None) -> None:
        super().__init__(message)
        self.result = result or {}


@dataclass
class Outcome:
    """What a handler may return instead of its message alone: the message
    and what the page shows of it (plain values)."""

    message: str
    result: dict[str, Any] = field(default_factory=dict)


def progress_key(job_id: int) -> str:
    return f"jobs:progress:{job_id}"


def handler(kind: str):
    """Register ``function(*, job, progress, **params) -> str | Outcome`` (the
    outcome, in words for the starter) for jobs of ``kind``."""

    def register(function):
        HANDLERS[kind] = function
        return function

    return register


def _stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "JOBS_STALE_SECONDS", 1800))


def _expire_stale(subject: str) -> None:
    """A job whose worker died (killed, redeployed) never finishes: queued and
    never run, or running without a sign of life (its progress), for longer
    than the limit, it is recorded as interrupted and the subject is free."""
    cutoff = timezone.now() - _stale_after()
    never_ran = Q(state=JobState.QUEUED, created_at__lt=cutoff)
    went_quiet = Q(state=JobState.RUNNING, seen_at__lt=cutoff)
    for job in Job.objects.filter(never_ran | went_quiet, subject=subject):
        with translation.override(job.language):
            message = _("任务中断（处理它的进程已停止），请重新开始。")
        Job.objects.filter(pk=job.pk, state=job.state).update(
            state=JobState.FAILED,
            message=message,
            error="stale: no progress within the limit",
            finished_at=timezone.now(),
        )


def job_start(*, kind: str, subject: str, params: dict[str, Any], by: Any) -> Job:
    """Record the job and queue it, in the caller's transaction (nothing is
    queued for a change that rolls back); JobBusy while the subject has one
    running."""
    if kind not in HANDLERS:
        raise LookupError(f"no handler for jobs of kind {kind!r}")
    with transaction.atomic():
        _expire_stale(subject)
        try:
            with transaction.atomic():
                job = Job.objects.create(
                    kind=kind,
                    subject=subject,
                    params=params,
                    started_by=by if getattr(by, "pk", None) else None,
                    language=translation.get_language() or settings.LANGUAGE_CODE,
                    request_id=tracing.current() or "",
                )
        except IntegrityError:
            raise JobBusy(subject) from None
        _enqueue(job.pk, job.request_id)
    return job


def _enqueue(job_id: int, request_id: str) -> None:
    from .tasks import run

    if task_backends[BACKEND].supports_defer:  # a database queue: same transaction
        run.enqueue(job_id, request_id)
    else:
        transaction.on_commit(lambda: run.enqueue(job_id, request_id))


def job_run(*, job_id: int) -> str:
    """Run a queued job once (a task delivered twice runs it once)."""
    now = timezone.now()
    if not Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=now, seen_at=now
    ):
        return "skipped"
    job = Job.objects.select_related("started_by").get(pk=job_id)

    def progress(done: int, total: int | None = None, message: str = "") -> None:
        if total is not None:
            done = min(done, total)
        figures = {"done": done, "total": total, "message": message}
        if connection.in_atomic_block:
            # Inside the handler's own transaction (an import written whole
            # or not at all) a row written now would be seen by nobody until
            # the end: the page reads it from the shared cache instead.
            cache.set(progress_key(job_id), figures, _stale_after().total_seconds())
            return
        Job.objects.filter(pk=job_id, state=JobState.RUNNING).update(
            **figures, seen_at=timezone.now()
        )

    state, error, result = JobState.DONE, "", {}
    with translation.override(job.language):
        try:
            outcome = HANDLERS[job.kind](job=job, progress=progress, **job.params)
        except JobRefused as refused:
            state, message, result = JobState.FAILED, str(refused), refused.result
        except Exception as failure:
            log.exception("job %s (%s) failed", job.pk, job.kind)
            state = JobState.FAILED
            message = _("任务失败，请稍后再试；若仍失败，请联系平台管理员。")
            error = "".join(traceback.format_exception(failure))[-4000:]
        else:
            if isinstance(outcome, Outcome):
                message, result = outcome.message, outcome.result
            else:
                message = outcome
    # How far it got is kept with the outcome (reported through the cache
    # from inside the handler's transaction, or in the row); a job done did
    # all it had to.
    figures: dict[str, Any] = {}
    last = cache.get(progress_key(job_id))
    if last:
        figures = {"done": last["done"], "total": last["total"]}
    if state == JobState.DONE:
        if not last:
            figures["done"] = Coalesce(F("total"), F("done"))
        elif last["total"] is not None:
            figures["done"] = last["total"]
    Job.objects.filter(pk=job_id).update(
        state=state,
        message=message,
        result=result,
        error=error,
        finished_at=timezone.now(),
        **figures,
    )
    cache.delete(progress_key(job_id))
    return state
