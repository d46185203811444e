"""The body shared by the import commands (import_achievements, import_demands):
import a CSV or XLSX file, all rows or none, or write the import template."""

import sys
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from achievements.importing import ImportRefused, ImportReport


class ImportCommand(BaseCommand):
    """Subclasses say how to write their template and how to import a file."""

    def write_template(self, stream: IO[bytes], *, fmt: str) -> None:
        raise NotImplementedError

    def run_import(
        self, stream: IO[bytes], *, name: str, options: dict[str, Any]
    ) -> ImportReport:
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="CSV or XLSX file to import")
        parser.add_argument(
            "--dry-run", action="store_true", help="check only, write nothing"
        )
        parser.add_argument(
            "--template", metavar="FILE", help="write the import template"
        )

    def handle(self, *args, **options):
        if options["template"]:
            target = Path(options["template"])
            with target.open("wb") as stream:
                self.write_template(
                    stream, fmt="csv" if target.suffix.lower() == ".csv" else "xlsx"
                )
            self.stdout.write(_("模板已写入 %(path)s") % {"path": target})
            return
        if not options["file"]:
            raise CommandError(_("请指定要导入的文件，或用 --template 生成模板。"))
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("文件不存在：%(path)s") % {"path": path})
        with path.open("rb") as stream:
            try:
                report = self.run_import(stream, name=path.name, options=options)
            except ImportRefused as exc:
                raise CommandError(str(exc)) from exc
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            if report.error_count > len(report.errors):
                self.stderr.write(
                    _("……另有 %(n)d 处错误未列出。")
                    % {"n": report.error_count - len(report.errors)}
                )
            raise CommandError(
                _("共 %(rows)d 行，发现 %(n)d 处错误，未导入任何数据。")
                % {"rows": report.rows, "n": report.error_count}
            )
        counts = {
            "rows": report.rows,
            "created": report.created,
            "updated": report.updated,
        }
        if report.dry_run:
            self.stdout.write(
                _(
                    "检查通过：共 %(rows)d 行，将新增 %(created)d 条、更新 %(updated)d 条（未写入）。"
                )
                % counts
            )
        else:
            self.stdout.write(
                _(
                    "导入完成：共 %(rows)d 行，新增 %(created)d 条，更新 %(updated)d 条。"
                )
                % counts
            )
        if report.examples:
            self.stdout.write(_("模板的示例行已跳过，未导入。"))
        sys.stdout.flush()
