"""What a worker tells its operators: the request id from the balancer,
answered back, on the request's log line and on the lines of the tasks it
enqueued; one JSON object per line; /metrics for the internal network only."""

import io
import json
import logging

import pytest
from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator
from django.db import transaction
from django_tasks_db.models import DBTaskResult

import tracing
from mailing.services import email_send
from roadshow.asgi import application
from tests.queue import DATABASE_QUEUE, run_worker


@pytest.fixture
def json_lines():
    """The JSON log lines of these loggers, as a production worker writes them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(tracing.JsonFormatter())
    loggers = [logging.getLogger(n) for n in ("roadshow.requests", "mailing")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def _get(path: str, headers: list[tuple[bytes, bytes]] = ()) -> dict:
    communicator = HttpCommunicator(application, "GET", path, headers=list(headers))
    return async_to_sync(communicator.get_response)(timeout=20)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_request_id_is_answered_logged_and_counted(json_lines, client):
    response = _get(
        "/healthz", [(b"x-request-id", b"lb-7f3a:42"), (b"host", b"testserver")]
    )
    assert response["status"] == 200
    assert (b"x-request-id", b"lb-7f3a:42") in response["headers"]
    (line,) = [e for e in json_lines() if e["logger"] == "roadshow.requests"]
    assert line["request_id"] == "lb-7f3a:42"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert line["ms"] >= 0

    forged = _get(
        "/healthz", [(b"x-request-id", b"a b\nforged"), (b"host", b"testserver")]
    )
    answered = dict(forged["headers"])[b"x-request-id"].decode()
    assert answered != "a b\nforged" and len(answered) == 32

    metrics = client.get("/metrics")  # from 127.0.0.1
    assert metrics.status_code == 200
    body = metrics.content.decode()
    assert (
        'roadshow_http_request_duration_seconds_count{method="GET",status="2xx"}'
        in body
    )


def test_metrics_are_for_the_internal_network_only(client, db):
    assert client.get("/metrics").status_code == 200  # 127.0.0.1
    through_balancer = client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert through_balancer.status_code == 403
    outside = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert outside.status_code == 403
    assert b"roadshow_" not in outside.content


def test_metrics_show_the_queue_and_the_emails(client, db, settings):
    settings.TASKS = DATABASE_QUEUE
    email_send(to=["a@example.com", "b@example.com"], subject="s", body="b")
    body = client.get("/metrics").content.decode()
    assert 'roadshow_emails{status="queued"} 2.0' in body
    assert 'roadshow_tasks{status="ready"} 2.0' in body


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_logs_under_the_request_that_enqueued_it(settings, json_lines):
    settings.TASKS = DATABASE_QUEUE
    with tracing.bound("req-1234"), transaction.atomic():
        (email,) = email_send(to=["a@example.com"], subject="s", body="b")
    assert DBTaskResult.objects.get().args_kwargs["args"] == [email.pk, "req-1234"]
    run_worker()
    (line,) = [e for e in json_lines() if e["logger"] == "mailing.services"]
    assert line["request_id"] == "req-1234"
    assert (line["task"], line["email"], line["outcome"]) == (
        "mailing.deliver",
        email.pk,
        "sent",
    )


def test_the_log_keeps_credentials_in_paths_out():
    from roadshow.observability import loggable_path

    token = "7-0feb069eb8b525a82415e4d5fb5612d9fbd8370e"
    assert loggable_path(f"/invitations/{token}/accept/") == "/invitations/…/accept/"
    assert loggable_path("/calendar/u/Zx81kq0wPb2mN4vT7yR3s.ics") == "/calendar/u/….ics"
    for kept in ("/roadshows/2027-01-energy/", "/static/css/site.5c1c02297cd0.css"):
        assert loggable_path(kept) == kept
