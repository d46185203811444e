"""Sending email without slowing anybody down and without losing any.

``email_send`` writes each recipient's message in the caller's transaction
and enqueues its delivery: with the database queue (production) in that same
transaction, so a rolled-back change sends nothing and a committed one is
never forgotten; with a queue that runs tasks at once (the embedded default,
the tests) after the commit.  ``email_deliver`` sends one message once —
under its row's lock, skipped when already sent — and on failure tries again
later, each wait longer, until it gives up and records the failure, which
organizers see in the admin (邮件)."""

import base64
import datetime as dt
import logging
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task_backends

import tracing

from .enums import EmailStatus
from .models import Email
from .tasks import BACKEND, deliver

log = logging.getLogger(__name__)

# (name, bytes, mimetype)
Attachment = tuple[str, bytes, str]


def _retry_delays() -> list[int]:
    """Seconds to wait before each further attempt; its length is how many
    times a message is tried again."""
    return list(settings.EMAIL_RETRY_DELAYS)


def _queue_is_transactional() -> bool:
    return task_backends[BACKEND].supports_defer


def email_send(
    *,
    to: Iterable[str],
    subject: str,
    body: str,
    attachments: Iterable[Attachment] = (),
    key: str | None = None,
) -> list[Email]:
    """Queue one message per address (blank and repeated addresses skipped).
    ``key``, when given, names the message: sending it again to the same
    address is a no-op, so a retried request mails nobody twice."""
    key = key or uuid.uuid4().hex
    parts = [
        {
            "name": name,
            "mimetype": mimetype,
            "content": base64.b64encode(content).decode("ascii"),
        }
        for name, content, mimetype in attachments
    ]
    queued = []
    for address in dict.fromkeys(a.strip() for a in to if a and a.strip()):
        try:
            with transaction.atomic():
                email = Email.objects.create(
                    key=f"{key}:{address.lower()}"[:200],
                    to=address,
                    subject=subject[:300],
                    body=body,
                    attachments=parts,
                )
        except IntegrityError:  # this message went to this address already
            continue
        queued.append(email)
    for email in queued:
        _enqueue(email.pk)
    return queued


def _enqueue(email_id: int, *, run_after: dt.datetime | None = None) -> None:
    request_id = tracing.current()
    if _queue_is_transactional():
        task = deliver.using(run_after=run_after) if run_after else deliver
        task.enqueue(email_id, request_id)
    else:
        transaction.on_commit(lambda: deliver.enqueue(email_id, request_id))


def email_deliver(*, email_id: int) -> str:
    """Send the message if it is still waiting; what became of it."""
    with transaction.atomic():
        email = Email.objects.select_for_update().filter(pk=email_id).first()
        if email is None:
            return "gone"
        if email.status != EmailStatus.QUEUED:
            return email.status  # sent already: never twice
        now = timezone.now()
        email.attempts += 1
        try:
            email.message().send()
        except Exception as error:
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            delays = _retry_delays()
            if email.attempts <= len(delays) and _queue_is_transactional():
                email.next_try_at = now + dt.timedelta(
                    seconds=delays[email.attempts - 1]
                )
                _enqueue(email.pk, run_after=email.next_try_at)
            else:
                email.status = EmailStatus.FAILED
                email.next_try_at = None
            email.save(
                update_fields=["attempts", "last_error", "next_try_at", "status"]
            )
            outcome = "failed" if email.status == EmailStatus.FAILED else "retry"
            log.warning(
                "email %s: %s",
                email.pk,
                email.last_error,
                extra={
                    "task": "mailing.deliver",
                    "email": email.pk,
                    "outcome": outcome,
                },
            )
            return outcome
        email.status = EmailStatus.SENT
        email.sent_at = now
        email.next_try_at = None
        email.save(update_fields=["attempts", "status", "sent_at", "next_try_at"])
        log.info(
            "email %s sent",
            email.pk,
            extra={"task": "mailing.deliver", "email": email.pk, "outcome": "sent"},
        )
        return email.status


def emails_requeue(*, stale_minutes: int = 15) -> int:
    """Enqueue again every email still waiting ``stale_minutes`` after it was
    due (its task lost); how many."""
    due_before = timezone.now() - dt.timedelta(minutes=stale_minutes)
    stale = Email.objects.filter(status=EmailStatus.QUEUED).filter(
        Q(next_try_at__lt=due_before)
        | Q(next_try_at__isnull=True, created_at__lt=due_before)
    )
    ids = list(stale.values_list("pk", flat=True))
    for email_id in ids:
        with transaction.atomic():
            _enqueue(email_id)
    return len(ids)
