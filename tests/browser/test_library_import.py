"""The library's bulk import in Chromium, through its background job: the
upload with its progress, then the job's report on the same page — a dry
run, a real import, a file with a bad row."""

import pytest

from accounts.enums import Role
from achievements.models import Achievement
from tests.achievements.test_import import csv_bytes, row
from tests.browser.conftest import login
from tests.factories import make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def upload(page, data: bytes, *, dry_run: bool = False) -> None:
    page.goto(page.base + "/admin/library/import/")
    page.set_input_files(
        "#import-form input[type=file]",
        {"name": "library.csv", "mimeType": "text/csv", "buffer": data},
    )
    if dry_run:
        page.check("#import-form input[name=dry_run]")
    page.click("#import-form button[type=submit]")


def test_an_import_runs_as_a_job_and_reports_on_its_page(page, transactional_db):
    make_user(role=Role.ORGANIZER, username="organizer")
    login(page, "organizer")
    good = csv_bytes([row("B1"), row("B2")])

    upload(page, good, dry_run=True)
    report = page.locator("[role=status]", has_text="检查通过")
    report.wait_for()
    assert (
        "检查通过：共 2 行，将新增 2 条、更新 0 条（未写入）。" in report.inner_text()
    )
    assert Achievement.objects.count() == 0

    upload(page, good)
    page.get_by_text("导入完成：共 2 行，新增 2 条，更新 0 条。").wait_for()
    assert Achievement.objects.count() == 2
    assert page.url == page.base + "/admin/library/import/"

    upload(page, csv_bytes([row("B3"), row("B4", trl="11")]))
    page.get_by_text("共 2 行，发现 1 处错误，未导入任何数据。").wait_for()
    cells = page.locator("table.listing tbody tr td").all_inner_texts()
    assert cells[:2] == ["3", "技术成熟度"]
    assert Achievement.objects.count() == 2
