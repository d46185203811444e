"""Slow work started from a page runs in the background: queued in the
transaction of the change that starts it, run once however often its task is
delivered, one at a time per subject, its progress and outcome on record for
the person who started it — and for nobody else."""

import datetime as dt

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.enums import Role
from jobs.enums import JobState
from jobs.models import Job
from jobs.services import JobBusy, JobRefused, handler, job_run, job_start
from tests.factories import make_user
from tests.queue import DATABASE_QUEUE, run_worker

# The worker closes its connection between tasks: a test that commits.
WORKER_DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)
SEEN: list[dict] = []


@handler("tests.count")
def count(*, job, progress, upto: int) -> str:
    for n in range(upto):
        progress(n, upto, f"第 {n + 1} 步")
        SEEN.append(
            {
                "done": Job.objects.get(pk=job.pk).done,
                "state": Job.objects.get(pk=job.pk).state,
            }
        )
    return f"数到了 {upto}"


@handler("tests.refuse")
def refuse(*, job, progress) -> str:
    raise JobRefused("这件事做不了：原因在此")


@handler("tests.crash")
def crash(*, job, progress) -> str:
    raise ZeroDivisionError("a bug")


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE
    return settings


@pytest.fixture(autouse=True)
def _seen():
    SEEN.clear()


@WORKER_DB
def test_a_job_is_queued_with_its_change_and_run_once(database_queue):
    user = make_user(role=Role.ORGANIZER, username="planner")
    with transaction.atomic():
        job = job_start(
            kind="tests.count", subject="thing:1", params={"upto": 3}, by=user
        )
        assert DBTaskResult.objects.count() == 1  # in the same transaction
    job.refresh_from_db()
    assert (job.state, job.started_by, job.language) == (
        JobState.QUEUED,
        user,
        "zh-hans",
    )
    run_worker()
    job.refresh_from_db()
    assert (job.state, job.message, job.error) == (JobState.DONE, "数到了 3", "")
    assert job.finished_at >= job.started_at >= job.created_at
    # The page saw it move, step by step (progress is written as it goes).
    assert SEEN == [
        {"done": 0, "state": "running"},
        {"done": 1, "state": "running"},
        {"done": 2, "state": "running"},
    ]
    # Delivered again (a worker killed after finishing): not run twice.
    assert job_run(job_id=job.pk) == "skipped"
    assert len(SEEN) == 3


@WORKER_DB
def test_a_rolled_back_change_starts_nothing(database_queue):
    with pytest.raises(RuntimeError), transaction.atomic():
        job_start(kind="tests.count", subject="thing:1", params={"upto": 1}, by=None)
        raise RuntimeError("the change failed")
    assert (Job.objects.count(), DBTaskResult.objects.count()) == (0, 0)


@WORKER_DB
def test_one_unfinished_job_per_subject(database_queue):
    job_start(kind="tests.count", subject="thing:1", params={"upto": 1}, by=None)
    with pytest.raises(JobBusy):
        job_start(kind="tests.count", subject="thing:1", params={"upto": 1}, by=None)
    # Another subject is free; once the first has finished, so is the first.
    job_start(kind="tests.count", subject="thing:2", params={"upto": 1}, by=None)
    run_worker()
    job_start(kind="tests.count", subject="thing:1", params={"upto": 1}, by=None)
    assert Job.objects.filter(subject="thing:1").count() == 2


@pytest.mark.django_db
def test_a_job_whose_worker_died_frees_its_subject(settings):
    settings.JOBS_STALE_SECONDS = 600
    long_ago = timezone.now() - dt.timedelta(minutes=11)
    dead = Job.objects.create(
        kind="tests.count",
        subject="thing:1",
        state=JobState.RUNNING,
        language="en",
        started_at=long_ago,
        seen_at=long_ago,
    )
    alive = Job.objects.create(
        kind="tests.count",
        subject="thing:2",
        state=JobState.RUNNING,
        language="en",
        started_at=long_ago,  # long, but it reported progress a minute ago
        seen_at=timezone.now() - dt.timedelta(minutes=1),
    )
    job_start(kind="tests.count", subject="thing:1", params={"upto": 1}, by=None)
    dead.refresh_from_db()
    assert dead.state == JobState.FAILED
    assert (
        dead.message
        == "The job was interrupted (the process handling it stopped). Please start it again."
    )
    with pytest.raises(JobBusy):
        job_start(kind="tests.count", subject="thing:2", params={"upto": 1}, by=None)
    alive.refresh_from_db()
    assert alive.state == JobState.RUNNING


@pytest.mark.django_db
def test_a_failure_is_told_in_the_starters_language_and_kept_for_operators(
    django_capture_on_commit_callbacks,
):
    from django.utils import translation

    with django_capture_on_commit_callbacks(execute=True):
        refused = job_start(kind="tests.refuse", subject="a", params={}, by=None)
        with translation.override("en"):
            crashed = job_start(kind="tests.crash", subject="b", params={}, by=None)
    refused.refresh_from_db()
    crashed.refresh_from_db()
    assert (refused.state, refused.message, refused.error) == (
        JobState.FAILED,
        "这件事做不了：原因在此",
        "",
    )
    assert (crashed.state, crashed.language) == (JobState.FAILED, "en")
    assert crashed.message == (
        "The job failed. Please try again later; if it fails again, contact "
        "the platform's administrator."
    )
    assert "ZeroDivisionError: a bug" in crashed.error


@pytest.mark.django_db
def test_only_the_starter_follows_a_job(django_capture_on_commit_callbacks):
    starter = make_user(role=Role.ORGANIZER, username="starter")
    colleague = make_user(role=Role.ORGANIZER, username="colleague")
    job = job_start(kind="tests.count", subject="a", params={"upto": 2}, by=starter)
    mine = Client()
    mine.force_login(starter)
    response = mine.get(f"/jobs/{job.pk}/")
    assert response.json() == {
        "id": job.pk,
        "state": "queued",
        "state_label": "排队中",
        "done": 0,
        "total": None,
        "percent": None,
        "message": "",
        "finished": False,
    }
    assert "no-cache" in response["Cache-Control"]
    other = Client()
    other.force_login(colleague)
    assert other.get(f"/jobs/{job.pk}/").status_code == 404
    assert Client().get(f"/jobs/{job.pk}/").status_code == 404
    assert mine.get(f"/jobs/{job.pk + 1}/").status_code == 404
    assert mine.post(f"/jobs/{job.pk}/").status_code == 405
