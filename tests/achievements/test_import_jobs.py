"""The library's and the demands' imports run as background jobs: the page
checks the upload cheaply, keeps it privately, queues the import and shows
its report; the upload leaves the storage whatever came of it; one import at
a time per organizer; the job is the starter's alone."""

import io
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import Organization
from achievements.demand_import import import_demands
from achievements.import_jobs import (
    ACHIEVEMENTS_IMPORT,
    DEMANDS_IMPORT,
    import_report_of,
    import_start,
)
from achievements.importing import PROGRESS_EVERY, ImportRefused, import_achievements
from achievements.models import Achievement, Demand
from jobs.enums import JobState
from jobs.models import Job
from tests.achievements import test_demand_import as demands
from tests.achievements.test_import import csv_bytes, row, xlsx_bytes


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(data: bytes, name: str = "f.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_private_files_are_kept_outside_media():
    private = Path(django_settings.STORAGES["private"]["OPTIONS"]["location"])
    media = Path(django_settings.MEDIA_ROOT)
    assert not private.resolve().is_relative_to(media.resolve())


def test_an_import_is_queued_with_its_upload_kept_privately(
    roles, private, django_capture_on_commit_callbacks
):
    users, _orgs = roles
    organizer = users["organizer"]
    with django_capture_on_commit_callbacks(execute=False) as queued:
        job = import_start(
            kind=ACHIEVEMENTS_IMPORT,
            upload=upload(xlsx_bytes([row("A1"), row("A2")]), "library.xlsx"),
            by=organizer,
        )
    assert (job.state, job.kind, job.subject) == (
        JobState.QUEUED,
        "achievements.import",
        f"achievements.import:{organizer.pk}",
    )
    assert job.params["upload"].endswith(".xlsx")
    assert job.params["name"] == "library.xlsx"
    assert [p.name for p in stored_files(private)] == [
        job.params["upload"].rsplit("/", 1)[-1]
    ]
    assert Achievement.objects.count() == 0
    for callback in queued:
        callback()
    job.refresh_from_db()
    assert (job.state, job.message) == (
        JobState.DONE,
        "导入完成：共 2 行，新增 2 条，更新 0 条。新增成果已进入保密审查队列。",
    )
    report = import_report_of(job)
    assert (report.ok, report.rows, report.created, report.dry_run) == (
        True,
        2,
        2,
        False,
    )
    assert Achievement.objects.count() == 2
    assert stored_files(private) == []  # the upload is gone


def test_a_failing_import_writes_nothing_and_deletes_the_upload(
    roles, private, django_capture_on_commit_callbacks
):
    users, _orgs = roles
    with django_capture_on_commit_callbacks(execute=True):
        job = import_start(
            kind=ACHIEVEMENTS_IMPORT,
            upload=upload(csv_bytes([row("A1"), row("A2", trl="11")])),
            by=users["organizer"],
        )
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.message == "共 2 行，发现 1 处错误，未导入任何数据。请修改后重新上传。"
    report = import_report_of(job)
    assert (report.ok, report.rows, report.created, report.error_count) == (
        False,
        2,
        0,
        1,
    )
    assert [(e.row, e.column) for e in report.errors] == [(3, "技术成熟度")]
    assert (Achievement.objects.count(), stored_files(private)) == (0, [])
    assert not Organization.objects.filter(name="导入测试大学").exists()


def test_the_report_is_in_the_starters_language(
    roles, private, django_capture_on_commit_callbacks
):
    from django.utils import translation

    users, _orgs = roles
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        job = import_start(
            kind=ACHIEVEMENTS_IMPORT,
            upload=upload(csv_bytes([row("A1", field="太空农业")])),
            by=users["organizer"],
        )
    job.refresh_from_db()
    assert [(e.row, e.column, e.message) for e in import_report_of(job).errors] == [
        (2, "Industry field", "Unknown industry field “太空农业”.")
    ]
    assert job.message == (
        "1 rows, 1 errors found; nothing was imported. Correct the file "
        "and upload it again."
    )


def test_a_dry_run_writes_nothing(roles, private, django_capture_on_commit_callbacks):
    users, _orgs = roles
    with django_capture_on_commit_callbacks(execute=True):
        job = import_start(
            kind=ACHIEVEMENTS_IMPORT,
            upload=upload(csv_bytes([row("A1")])),
            by=users["organizer"],
            dry_run=True,
        )
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert job.message == "检查通过：共 1 行，将新增 1 条、更新 0 条（未写入）。"
    assert import_report_of(job).dry_run is True
    assert (Achievement.objects.count(), stored_files(private)) == (0, [])


def test_a_file_that_cannot_be_read_is_refused_before_anything_is_kept(roles, private):
    users, _orgs = roles
    cases = [
        (b"", "文件是空的。"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "不支持旧版 Excel"),
        (b"PK\x03\x04 not really a workbook", "无法读取 XLSX 文件"),
        ("项目编号,名称\n1,2\n".encode(), "表头不符合模板"),
    ]
    for data, message in cases:
        with pytest.raises(ImportRefused, match=message):
            import_start(
                kind=ACHIEVEMENTS_IMPORT, upload=upload(data), by=users["organizer"]
            )
    assert (Job.objects.count(), stored_files(private)) == (0, [])
    with pytest.raises(ImportRefused, match="你没有导入的权限"):
        import_start(
            kind=ACHIEVEMENTS_IMPORT,
            upload=upload(csv_bytes([row()])),
            by=users["team"],
        )


def test_one_import_at_a_time_per_organizer(
    roles, private, django_capture_on_commit_callbacks
):
    users, _orgs = roles
    with django_capture_on_commit_callbacks(execute=False):
        first = import_start(
            kind=ACHIEVEMENTS_IMPORT,
            upload=upload(csv_bytes([row("A1")])),
            by=users["organizer"],
        )
        with pytest.raises(ImportRefused, match="上一次导入还在进行"):
            import_start(
                kind=ACHIEVEMENTS_IMPORT,
                upload=upload(csv_bytes([row("A2")])),
                by=users["organizer"],
            )
        # The refused file is not kept; the first one is, for its job.
        assert [p.name for p in stored_files(private)] == [
            first.params["upload"].rsplit("/", 1)[-1]
        ]
        # Another kind, another organizer: free.
        import_start(
            kind=DEMANDS_IMPORT,
            upload=upload(demands.csv_bytes([demands.row()])),
            by=users["organizer"],
        )
    assert Job.objects.count() == 2


def test_the_demands_import_is_the_same_job_with_its_options(
    roles, private, django_capture_on_commit_callbacks
):
    users, _orgs = roles
    with django_capture_on_commit_callbacks(execute=True):
        job = import_start(
            kind=DEMANDS_IMPORT,
            upload=upload(demands.csv_bytes([demands.row()])),
            by=users["organizer"],
            options={"publish": False},
        )
    job.refresh_from_db()
    assert job.message == "导入完成：共 1 行，新增 1 条，更新 0 条。"
    assert list(Demand.objects.values_list("status", flat=True)) == ["draft"]
    assert stored_files(private) == []
    with django_capture_on_commit_callbacks(execute=True):
        job = import_start(
            kind=DEMANDS_IMPORT,
            upload=upload(demands.csv_bytes([demands.row(min_trl="0")])),
            by=users["organizer"],
        )
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert import_report_of(job).error_count == 1
    assert Demand.objects.count() == 1 and stored_files(private) == []


def test_imports_report_the_rows_read(db):
    seen: list[int] = []
    rows = [row(f"P{n:04d}") for n in range(PROGRESS_EVERY * 2 + 1)]
    import_achievements(
        file=io.BytesIO(csv_bytes(rows)), dry_run=True, progress=seen.append
    )
    assert seen == [PROGRESS_EVERY, PROGRESS_EVERY * 2]
    seen.clear()
    lines = [demands.row(title=f"需求{n}") for n in range(PROGRESS_EVERY + 1)]
    import_demands(
        file=io.BytesIO(demands.csv_bytes(lines)), dry_run=True, progress=seen.append
    )
    assert seen == [PROGRESS_EVERY]


def test_the_import_page_follows_its_job_and_shows_the_report(
    roles, private, django_capture_on_commit_callbacks
):
    users, _orgs = roles
    mine = Client()
    mine.force_login(users["organizer"])
    data = csv_bytes([row("A1"), row("A2", trl="11")])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = mine.post("/admin/library/import/", {"file": upload(data)})
    assert (response.status_code, response["Location"]) == (
        302,
        "/admin/library/import/",
    )
    job = Job.objects.get()
    page = mine.get("/admin/library/import/").content.decode()
    assert f'data-job-status="/jobs/{job.pk}/"' in page
    # A second file while the first runs: told so, nothing more kept.
    response = mine.post("/admin/library/import/", {"file": upload(data)})
    assert response.status_code == 400
    assert "你的上一次导入还在进行，请等它完成后再上传下一个文件。" in (
        response.content.decode()
    )
    assert len(stored_files(private)) == 1
    # Another organizer sees neither the job on their import page nor its
    # status or page.
    other = Client()
    other.force_login(_organizer("colleague"))
    assert "data-job-status" not in other.get("/admin/library/import/").content.decode()
    assert other.get(f"/jobs/{job.pk}/").status_code == 404
    assert other.get(f"/jobs/{job.pk}/page/").status_code == 404
    for callback in queued:
        callback()
    page = mine.get("/admin/library/import/").content.decode()
    assert "共 2 行，发现 1 处错误，未导入任何数据。请修改后重新上传。" in page
    assert "技术成熟度必须是 1 到 9 之间的整数" in page
    assert "data-job-status" not in page
    assert (Achievement.objects.count(), stored_files(private)) == (0, [])
    # A refused file (unreadable, found by the worker) says why.
    with django_capture_on_commit_callbacks(execute=True):
        mine.post(
            "/admin/library/import/",
            {"file": upload(csv_bytes([]))},
        )
    page = mine.get("/admin/library/import/").content.decode()
    assert "文件中只有表头，没有导入任何成果" in page


def test_the_dry_run_option_still_checks_only(
    roles, private, django_capture_on_commit_callbacks
):
    users, _orgs = roles
    client = Client()
    client.force_login(users["organizer"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/library/import/",
            {"file": upload(csv_bytes([row("A1")])), "dry_run": "1"},
        )
    page = client.get("/admin/library/import/").content.decode()
    assert "检查通过：共 1 行，将新增 1 条、更新 0 条（未写入）。" in page
    assert Achievement.objects.count() == 0


def _organizer(username: str):
    from accounts.enums import Role
    from tests.factories import make_user

    return make_user(role=Role.ORGANIZER, username=username)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_import_goes_through_the_database_queue(settings, private):
    from tests.queue import DATABASE_QUEUE, run_worker

    settings.TASKS = DATABASE_QUEUE
    organizer = _organizer("queued")
    job = import_start(
        kind=ACHIEVEMENTS_IMPORT,
        upload=upload(csv_bytes([row("Q1"), row("Q2")])),
        by=organizer,
    )
    assert (job.state, len(stored_files(private))) == (JobState.QUEUED, 1)
    run_worker()
    job.refresh_from_db()
    assert (job.state, import_report_of(job).created) == (JobState.DONE, 2)
    assert (Achievement.objects.count(), stored_files(private)) == (2, [])
