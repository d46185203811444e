"""Every email leaves from the background queue: written in the transaction
of the change that causes it, sent once however often its task runs, tried
again with growing waits when the mail server fails, and recorded as failed
for the organizers when it never goes."""

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from mailing.enums import EmailStatus
from mailing.models import Email
from mailing.services import email_deliver, email_send
from tests.queue import DATABASE_QUEUE, run_worker


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("the mail server refused the connection")


# The worker closes its connection between tasks, as it must in production:
# on PostgreSQL that needs a test that commits, not one inside a transaction.
WORKER_DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE
    return settings


@WORKER_DB
def test_an_email_is_queued_with_its_change_and_sent_once(database_queue):
    with transaction.atomic():
        (email,) = email_send(
            to=["a@example.com"],
            subject="报名成功",
            body="您好",
            attachments=[("roadshow.ics", b"BEGIN:VCALENDAR", "text/calendar")],
        )
        assert DBTaskResult.objects.count() == 1  # in the same transaction
    assert mail.outbox == []  # not sent by the request
    run_worker()
    assert [(m.to, m.subject) for m in mail.outbox] == [(["a@example.com"], "报名成功")]
    assert mail.outbox[0].attachments[0][:2] == ("roadshow.ics", "BEGIN:VCALENDAR")
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 1)
    # A task that runs again (a worker killed after sending, a duplicate):
    # the message is not sent twice.
    assert email_deliver(email_id=email.pk) == EmailStatus.SENT
    run_worker()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"].startswith("<")


@WORKER_DB
def test_a_rolled_back_change_queues_and_sends_nothing(database_queue):
    with pytest.raises(RuntimeError), transaction.atomic():
        email_send(to=["a@example.com"], subject="s", body="b")
        raise RuntimeError("the change failed")
    assert (Email.objects.count(), DBTaskResult.objects.count()) == (0, 0)
    run_worker()
    assert mail.outbox == []


@WORKER_DB
def test_a_named_message_goes_once_to_each_address(database_queue):
    first = email_send(
        to=["a@example.com", "B@example.com", "a@example.com", ""],
        subject="s",
        body="b",
        key="digest:2027-W10:7",
    )
    again = email_send(
        to=["b@example.com"], subject="s", body="b", key="digest:2027-W10:7"
    )
    assert [e.to for e in first] == ["a@example.com", "B@example.com"]
    assert again == []
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == ["B@example.com", "a@example.com"]


@WORKER_DB
def test_a_failing_mail_server_is_retried_then_the_failure_recorded(database_queue):
    database_queue.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    database_queue.EMAIL_RETRY_DELAYS = (0, 0)
    (email,) = email_send(to=["a@example.com"], subject="s", body="b")
    run_worker()  # the first try and both retries (each due at once)
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert email.attempts == 3
    assert email.last_error == (
        "ConnectionRefusedError: the mail server refused the connection"
    )
    assert DBTaskResult.objects.count() == 3


@WORKER_DB
def test_a_retry_waits_longer_each_time(database_queue):
    database_queue.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    database_queue.EMAIL_RETRY_DELAYS = (60, 300)
    (email,) = email_send(to=["a@example.com"], subject="s", body="b")
    run_worker()  # the first try fails; the retry is due in a minute
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.QUEUED, 1)
    retry = DBTaskResult.objects.order_by("enqueued_at").last()
    assert 55 <= (retry.run_after - email.created_at).total_seconds() <= 65
    assert email.next_try_at == retry.run_after


@pytest.mark.django_db
def test_without_the_database_queue_mail_leaves_after_the_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        email_send(to=["a@example.com"], subject="s", body="b")
        assert mail.outbox == []
    assert len(mail.outbox) == 1
    assert Email.objects.get().status == EmailStatus.SENT


@pytest.mark.django_db
def test_organizers_see_the_outgoing_mail_and_nobody_else(roles, client):
    users, _orgs = roles
    email_send(to=["x@example.com"], subject="无法送达的邮件", body="b")
    Email.objects.update(status=EmailStatus.FAILED, last_error="SMTPServerDisconnected")
    client.force_login(users["organizer"])
    listing = client.get("/admin/mailing/email/?status=failed")
    assert listing.status_code == 200
    assert "无法送达的邮件" in listing.content.decode()
    assert "SMTPServerDisconnected" in listing.content.decode()
    for name in ("team", "reviewer", "investor"):
        client.force_login(users[name])
        response = client.get("/admin/mailing/email/")
        assert response.status_code in (302, 403)
        assert "无法送达的邮件" not in response.content.decode()


@WORKER_DB
def test_an_email_whose_task_was_lost_is_queued_again_and_sent_once(database_queue):
    import datetime as dt

    from django.utils import timezone

    (email,) = email_send(to=["a@example.com"], subject="s", body="b")
    DBTaskResult.objects.all().delete()  # the worker died with it
    call_command("mail_requeue", verbosity=0)  # not yet 15 minutes late
    assert DBTaskResult.objects.count() == 0
    Email.objects.update(created_at=timezone.now() - dt.timedelta(minutes=20))
    call_command("mail_requeue", verbosity=0)
    call_command("mail_requeue", verbosity=0)  # twice: still sent once
    run_worker()
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
