"""Bulk imports (the library's 汇交, the demand lists) as background jobs.

The page checks the upload cheaply (size, type, readable, the header row),
keeps it in private storage and queues the import; the worker reads it, runs
the importer as the command line does (all rows or none) and deletes it,
whatever came of it.  The report — rows, created, each bad row in the
starter's language, dry run or not — is the job's result, for the page that
started it."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import user_can
from jobs.files import job_file_delete, job_file_save, private_storage
from jobs.models import Job
from jobs.services import JobBusy, JobRefused, Outcome, handler, job_start

from .demand_import import DEMAND_COLUMNS, import_demands
from .importing import ImportRefused, ImportReport, check_readable, import_achievements
from .validation import COLUMNS, Column

ACHIEVEMENTS_IMPORT = "achievements.import"
DEMANDS_IMPORT = "achievements.demand_import"


@dataclass(frozen=True)
class ImportKind:
    permission: str
    columns: list[Column]
    run: Callable[..., ImportReport]
    # The sentence of a file imported (the dry run's is shared).
    done: Any


IMPORT_KINDS = {
    ACHIEVEMENTS_IMPORT: ImportKind(
        permission="achievement.import",
        columns=COLUMNS,
        run=import_achievements,
        done=gettext_lazy(
            "导入完成：共 %(rows)s 行，新增 %(created)s 条，更新 %(updated)s 条。"
            "新增成果已进入保密审查队列。"
        ),
    ),
    DEMANDS_IMPORT: ImportKind(
        permission="demand.import",
        columns=DEMAND_COLUMNS,
        run=import_demands,
        done=gettext_lazy(
            "导入完成：共 %(rows)s 行，新增 %(created)s 条，更新 %(updated)s 条。"
        ),
    ),
}


def import_subject(*, kind: str, user_id: int) -> str:
    """One import of a kind at a time for each organizer."""
    return f"{kind}:{user_id}"


def import_start(
    *,
    kind: str,
    upload: Any,
    by: Any,
    dry_run: bool = False,
    options: dict[str, Any] | None = None,
) -> Job:
    """Check the upload, keep it privately and queue its import (``options``:
    the importer's own, e.g. ``publish``).  Raises ImportRefused for a file
    refused or while the organizer's previous import of the kind runs."""
    spec = IMPORT_KINDS[kind]
    if not user_can(by, spec.permission):
        raise ImportRefused(_("你没有导入的权限。"))
    if upload is None:
        raise ImportRefused(_("请选择要导入的 CSV 或 XLSX 文件。"))
    ext = check_readable(file=upload, name=upload.name, columns=spec.columns)
    stored = job_file_save(content=upload, folder="imports", ext=ext)
    try:
        return job_start(
            kind=kind,
            subject=import_subject(kind=kind, user_id=by.pk),
            params={
                "upload": stored,
                "name": upload.name,
                "dry_run": bool(dry_run),
                **(options or {}),
            },
            by=by,
        )
    except JobBusy:
        job_file_delete(stored)
        raise ImportRefused(
            _("你的上一次导入还在进行，请等它完成后再上传下一个文件。")
        ) from None
    except BaseException:
        job_file_delete(stored)
        raise


def import_report_of(job: Job) -> ImportReport | None:
    """The report a finished import left (None: the file was refused)."""
    if not job.finished or "report" not in job.result:
        return None
    return ImportReport.from_dict(job.result["report"])


def _run_import(
    *, job: Job, progress, upload: str, name: str, dry_run: bool, **options
):
    spec = IMPORT_KINDS[job.kind]
    try:
        by = job.started_by
        if by is None or not user_can(by, spec.permission):
            raise JobRefused(_("你已没有导入的权限，文件未导入。"))

        def rows_read(rows: int) -> None:
            progress(rows, None, _("已读取 %(rows)d 行…") % {"rows": rows})

        progress(0, None, _("正在逐行校验并导入…"))
        try:
            with private_storage().open(upload, "rb") as file:
                report = spec.run(
                    file=file,
                    name=name,
                    by=by,
                    dry_run=dry_run,
                    progress=rows_read,
                    **options,
                )
        except ImportRefused as refused:
            raise JobRefused(str(refused)) from None
    finally:
        job_file_delete(upload)
    figures = {
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "n": report.error_count,
    }
    result = {"report": report.as_dict()}
    if not report.ok:
        raise JobRefused(
            _("共 %(rows)s 行，发现 %(n)s 处错误，未导入任何数据。请修改后重新上传。")
            % figures,
            result=result,
        )
    if dry_run:
        message = (
            _(
                "检查通过：共 %(rows)d 行，将新增 %(created)d 条、更新 %(updated)d 条（未写入）。"
            )
            % figures
        )
    else:
        message = str(spec.done) % figures
    return Outcome(message, result)


for _kind in IMPORT_KINDS:
    handler(_kind)(_run_import)
