"""Large exports run as background jobs: above EXPORT_INLINE_ROWS the page
starts a job and sends the starter to its page; the workbook holds exactly
what the starter may see when the job runs, waits in private storage, is
downloaded by the starter alone and is deleted after the retention."""

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Membership
from jobs.enums import JobState
from jobs.files import job_files_prune
from jobs.models import Job
from jobs.selectors import job_status
from jobs.services import handler, job_start
from tests.factories import make_achievement
from tracker.services import deal_create


@pytest.fixture
def private(private, settings) -> Path:
    settings.EXPORT_INLINE_ROWS = 1
    return private


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def workbook(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_small_export_stays_in_the_request(roles, private, settings):
    users, orgs = roles
    settings.EXPORT_INLINE_ROWS = 5000
    make_achievement(owner=orgs["owner"], title="小导出")
    response = signed_in(users["organizer"]).get("/achievements/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert Job.objects.count() == 0


def test_a_large_library_export_is_a_job_for_its_starter_alone(
    roles, private, django_capture_on_commit_callbacks
):
    users, orgs = roles
    for title in ("导出样本一", "导出样本二", "另一项"):
        make_achievement(owner=orgs["owner"], title=title)
    make_achievement(owner=orgs["owner"], title="导出样本：未审查", state="draft")
    organizer = signed_in(users["organizer"])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = organizer.get("/achievements/export.xlsx", {"q": "导出样本"})
    job = Job.objects.get()
    assert (response.status_code, response["Location"]) == (
        302,
        f"/jobs/{job.pk}/page/",
    )
    assert (job.kind, job.params["filters"]["q"]) == ("achievements.export", "导出样本")
    page = organizer.get(f"/jobs/{job.pk}/page/").content.decode()
    assert f'data-job-status="/jobs/{job.pk}/"' in page
    # Asked again while it is written: the same job, not a second.
    response = organizer.get("/achievements/export.xlsx", {"q": "导出样本"})
    assert response["Location"] == f"/jobs/{job.pk}/page/"
    assert Job.objects.count() == 1
    for callback in queued:
        callback()
    job.refresh_from_db()
    assert (job.state, job.result["rows"]) == (JobState.DONE, 3)
    assert (job.done, job.total) == (3, 3)  # its progress: the rows to write
    assert job.message == "导出完成：共 3 行，可以下载了。"
    page = organizer.get(f"/jobs/{job.pk}/page/").content.decode()
    assert f'href="/jobs/{job.pk}/file/"' in page
    assert 'href="/achievements/?q=' in page
    response = organizer.get(f"/jobs/{job.pk}/file/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"].startswith("private, no-store")
    assert response["X-Content-Type-Options"] == "nosniff"
    book = workbook(response)
    about = dict(book["说明"].iter_rows(values_only=True))
    assert (about["文件内容"], about["筛选条件"], about["行数"]) == (
        "成果库导出",
        "关键词：导出样本",
        3,
    )
    titles = sorted(r[1] for r in book["成果"].iter_rows(min_row=2, values_only=True))
    # Organizers see the draft too: exactly what the catalogue shows them.
    assert titles == ["导出样本一", "导出样本二", "导出样本：未审查"]
    # Nobody else: the same 404 for the job's page, status and file.
    for other in (users["reviewer"], users["team"]):
        client = signed_in(other)
        for path in ("", "page/", "file/"):
            assert client.get(f"/jobs/{job.pk}/{path}").status_code == 404
    for path in ("", "page/", "file/"):
        assert Client().get(f"/jobs/{job.pk}/{path}").status_code == 404


def test_the_rule_is_judged_when_the_job_runs(
    roles, private, django_capture_on_commit_callbacks
):
    users, orgs = roles
    make_achievement(owner=orgs["owner"], title="一")
    make_achievement(owner=orgs["owner"], title="二")
    organizer = signed_in(users["organizer"])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        organizer.get("/achievements/export.xlsx")
    # No longer an organizer by the time it runs: nothing is written.
    Membership.objects.filter(user=users["organizer"]).delete()
    for callback in queued:
        callback()
    job = Job.objects.get()
    assert (job.state, job.message, job.result) == (
        JobState.FAILED,
        "你已没有导出成果库的权限。",
        {},
    )
    assert stored_files(private) == []
    assert organizer.get(f"/jobs/{job.pk}/file/").status_code == 404


def test_a_large_deals_export_is_a_job_with_the_lists_filters(
    roles, private, django_capture_on_commit_callbacks
):
    users, orgs = roles
    for title, mode in (("甲", "licence"), ("乙", "licence"), ("丙", "assignment")):
        deal_create(
            by=users["organizer"],
            achievement=make_achievement(owner=orgs["owner"], title=title),
            counterparty=orgs["enterprise"],
            transfer_mode=mode,
            path="listed",
            asking_amount=Decimal("300"),
        )
    organizer = signed_in(users["organizer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer.get("/deals/", {"format": "xlsx", "mode": "licence"})
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/page/"
    assert job.params == {"query": {"mode": "licence"}}
    job.refresh_from_db()
    assert job.state == JobState.DONE
    book = workbook(organizer.get(f"/jobs/{job.pk}/file/"))
    about = dict(book["说明"].iter_rows(values_only=True))
    assert (about["筛选条件"], about["行数"]) == ("转化方式：许可", 2)
    rows = list(book["成果转化项目"].iter_rows(min_row=2, values_only=True))
    assert sorted(r[1] for r in rows) == ["乙", "甲"]
    assert 'href="/deals/?mode=licence"' in (
        organizer.get(f"/jobs/{job.pk}/page/").content.decode()
    )
    # Teams never export the list, inline or not.
    assert signed_in(users["team"]).get("/deals/?format=xlsx").status_code == 403
    assert signed_in(users["team"]).get(f"/jobs/{job.pk}/file/").status_code == 404


def test_export_files_are_deleted_after_the_retention(
    roles, private, settings, django_capture_on_commit_callbacks
):
    users, orgs = roles
    settings.JOBS_FILE_RETENTION_HOURS = 24
    make_achievement(owner=orgs["owner"], title="一")
    make_achievement(owner=orgs["owner"], title="二")
    organizer = signed_in(users["organizer"])
    with django_capture_on_commit_callbacks(execute=True):
        organizer.get("/achievements/export.xlsx")
    job = Job.objects.get()
    assert len(stored_files(private)) == 1
    assert job_files_prune() == 0  # still within the retention
    Job.objects.filter(pk=job.pk).update(
        finished_at=timezone.now() - dt.timedelta(hours=25)
    )
    # Past it: no longer offered, even before the cleanup has run.
    assert organizer.get(f"/jobs/{job.pk}/file/").status_code == 404
    assert job_files_prune() == 1
    assert stored_files(private) == []
    job.refresh_from_db()
    assert "file" not in job.result and job.result["rows"] == 2
    page = organizer.get(f"/jobs/{job.pk}/page/").content.decode()
    assert "文件已过保留期限并被删除，请重新导出。" in page


PROGRESS_SEEN: list[dict] = []


@handler("tests.progress_in_transaction")
def progress_in_transaction(*, job, progress) -> str:
    with transaction.atomic():
        progress(5, 10, "写到一半")
        PROGRESS_SEEN.append(job_status(job=Job.objects.get(pk=job.pk)))
    return "完成"


@pytest.mark.django_db
def test_progress_from_inside_a_transaction_reaches_the_page(
    django_capture_on_commit_callbacks,
):
    PROGRESS_SEEN.clear()
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            kind="tests.progress_in_transaction", subject="p", params={}, by=None
        )
    assert [
        (s["done"], s["total"], s["percent"], s["message"]) for s in PROGRESS_SEEN
    ] == [(5, 10, 50, "写到一半")]
    job.refresh_from_db()
    assert (job.state, job.message) == (JobState.DONE, "完成")
    assert job_status(job=job)["message"] == "完成"


@pytest.mark.django_db
def test_an_upload_whose_job_never_ran_is_deleted_after_the_retention(private):
    from django.core.files.base import ContentFile

    from jobs.files import private_storage

    name = private_storage().save("jobs/imports/lost.csv", ContentFile(b"a,b\n"))
    Job.objects.create(
        kind="achievements.import",
        subject="achievements.import:1",
        state=JobState.FAILED,
        error="stale: no progress within the limit",
        params={"upload": name, "name": "lost.csv", "dry_run": False},
        language="zh-hans",
        finished_at=timezone.now() - dt.timedelta(hours=30),
    )
    assert job_files_prune() == 1
    assert stored_files(private) == []
    assert job_files_prune() == 0


def test_every_export_is_judged_again_when_its_job_runs(roles):
    """Each kind of export asks its rule as the starter when the job runs: a
    team member (who may export none of these) is refused, with a message;
    the organizer is not."""
    from jobs.exports import PLANNERS
    from jobs.services import JobRefused
    from tests.factories.calls import make_call
    from tests.factories.events import make_roadshow

    users, _orgs = roles
    roadshow = make_roadshow()
    call = make_call(roadshow=roadshow, by=users["organizer"])
    params = {
        "achievements.export": {"filters": {}},
        "tracker.deals_export": {"query": {}},
        "livestream.questions_export": {"roadshow": roadshow.pk},
        "livestream.scores_export": {"roadshow": roadshow.pk},
        "calls.export": {"call": call.pk},
        "events.registrations_export": {"roadshow": roadshow.pk},
        # Public: it is narrowed to what the starter sees, never refused.
        "licences.export": None,
    }
    assert set(PLANNERS) == set(params)
    for kind, given in params.items():
        if given is None:
            continue
        with pytest.raises(JobRefused) as refused:
            PLANNERS[kind](user=users["team"], **given)
        assert str(refused.value), kind
        plan = PLANNERS[kind](user=users["organizer"], **given)
        assert plan.filename.endswith(".xlsx") and plan.back.startswith("/"), kind
        # The object gone by the time the job runs: refused, not a crash.
        gone = {k: (10**9 if type(v) is int else v) for k, v in given.items()}
        if gone != given:
            with pytest.raises(JobRefused):
                PLANNERS[kind](user=users["organizer"], **gone)


def test_one_export_at_a_time_per_person_kind_and_object(
    roles, private, django_capture_on_commit_callbacks
):
    """A roadshow's registrations do not wait for another roadshow's; the
    same roadshow's, asked again while written, is the same job."""
    from events.registrations import registration_create
    from events.services import roadshow_transition
    from tests.factories import make_user
    from tests.factories.events import make_roadshow

    users, _orgs = roles
    first, second = (
        roadshow_transition(
            roadshow=make_roadshow(day=timezone.localdate() + dt.timedelta(days=20)),
            action="publish",
            by=users["organizer"],
        )
        for _ in range(2)
    )
    for roadshow in (first, second):
        for n in range(2):
            registration_create(
                roadshow=roadshow,
                user=make_user(username=f"r{roadshow.pk}-{n}"),
                attendance="onsite",
            )
    organizer = signed_in(users["organizer"])
    with django_capture_on_commit_callbacks(execute=False):
        a = organizer.get(f"/checkin/{first.pk}/registrations.xlsx")["Location"]
        b = organizer.get(f"/checkin/{second.pk}/registrations.xlsx")["Location"]
        again = organizer.get(f"/checkin/{first.pk}/registrations.xlsx")["Location"]
    assert a != b and again == a
    assert Job.objects.count() == 2
