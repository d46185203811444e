"""Bulk collection 汇交: CSV (UTF-8 or GB18030) and XLSX, streamed.

The file is read once, row by row.  Rows are validated and written in batches
inside one transaction; the first bad row stops the writing, the rest are
still checked so that every problem is reported, and then everything is
rolled back: a file is imported whole or not at all.
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from accounts.models import Organization, actor_of

from .enums import ReviewStatus
from .models import Achievement
from .services import achievement_update, achievements_create_bulk
from .validation import (
    COLUMNS,
    Cleaned,
    Column,
    Lookups,
    clean_record,
    column_title,
    header_key,
    max_length,
)

BATCH = 500
MAX_REPORTED_ERRORS = 200
# How often (in rows read) an import tells its ``progress`` how far it got.
PROGRESS_EVERY = 250


class ImportRefused(Exception):
    """The file as a whole cannot be read; the message is for the user."""


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("第 %(row)d 行，“%(column)s”列：%(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    dry_run: bool = False
    # Rows of the template's example, skipped.
    examples: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(RowError(row, column, message))

    def as_dict(self) -> dict[str, Any]:
        """Plain values (a job's result), the errors' words as they are."""
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "errors": [[e.row, str(e.column), str(e.message)] for e in self.errors],
            "error_count": self.error_count,
            "dry_run": self.dry_run,
            "examples": self.examples,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ImportReport":
        return cls(
            rows=data["rows"],
            created=data["created"],
            updated=data["updated"],
            errors=[RowError(*e) for e in data["errors"]],
            error_count=data["error_count"],
            dry_run=data["dry_run"],
            examples=data["examples"],
        )


# ---------------------------------------------------------------- reading --

_XLS_MAGIC = b"\xd0\xcf\x11\xe0"


def _raw(file: Any) -> IO[bytes]:
    return getattr(file, "file", file)


def _size(stream: IO[bytes]) -> int:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def _decodes_as(stream: IO[bytes], encoding: str) -> bool:
    stream.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        while chunk := stream.read(1 << 20):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return True
    except UnicodeDecodeError:
        return False
    finally:
        stream.seek(0)


def _csv_rows(stream: IO[bytes]) -> Iterator[list[str]]:
    head = stream.read(4)
    stream.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif _decodes_as(stream, "utf-8"):
        encoding = "utf-8"
    elif _decodes_as(stream, "gb18030"):
        encoding = "gb18030"
    else:
        raise ImportRefused(
            _("无法识别文件编码：请使用 UTF-8 或 GBK/GB18030 编码的 CSV。")
        )
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        reader = csv.reader(text)
        try:
            yield from reader
        except csv.Error as exc:
            raise ImportRefused(
                _("CSV 格式错误（第 %(line)d 行）：%(error)s")
                % {"line": reader.line_num, "error": exc}
            ) from exc
    finally:
        try:
            text.detach()  # leave the caller's stream open
        except ValueError:
            pass


def _xlsx_rows(stream: IO[bytes]) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportRefused(
            _("无法读取 XLSX 文件：文件已损坏或不是 Excel 工作簿。")
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def read_rows(file: Any, name: str) -> Iterator[list[Any]]:
    """Rows of a CSV or XLSX file, judged by content, not by name."""
    stream = _raw(file)
    size = _size(stream)
    if size == 0:
        raise ImportRefused(_("文件是空的。"))
    if size > settings.IMPORT_MAX_BYTES:
        raise ImportRefused(
            _("文件过大（%(size).1f MB）：最大 %(limit)d MB，请拆分后分批导入。")
            % {"size": size / 1e6, "limit": settings.IMPORT_MAX_BYTES // 1_000_000}
        )
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"PK\x03\x04"):
        return _xlsx_rows(stream)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportRefused(_("不支持 UTF-16 编码的 CSV：请另存为“CSV UTF-8”或 XLSX。"))
    if head.startswith(_XLS_MAGIC):
        raise ImportRefused(_("不支持旧版 Excel（.xls）文件：请另存为 .xlsx 或 CSV。"))
    if b"\x00" in stream.read(4096):
        stream.seek(0)
        raise ImportRefused(_("文件类型不受支持：只接受 CSV 或 XLSX。"))
    stream.seek(0)
    return _csv_rows(stream)


# ---------------------------------------------------------------- writing --


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    return value


def _header(
    row: list[Any], columns: list[Column] | None = None
) -> tuple[list[str | None], list[str]]:
    """The column keys of a header row, and what is wrong with it."""
    columns = COLUMNS if columns is None else columns
    keys = []
    problems = []
    for index, cell in enumerate(row, start=1):
        if cell is None or str(cell).strip() == "":
            keys.append(None)
            continue
        key = header_key(cell, columns)
        if key is None:
            problems.append(
                _("第 %(n)d 列“%(name)s”不是模板中的列。")
                % {"n": index, "name": str(cell).strip()}
            )
        elif key in keys:
            problems.append(_("“%(name)s”列重复出现。") % {"name": str(cell).strip()})
        keys.append(key)
    for column in columns:
        if column.required and column.key not in keys:
            problems.append(_("缺少必填列“%(name)s”。") % {"name": column.header})
    return keys, problems


def _header_or_refuse(row: list[Any], columns: list[Column]) -> list[str | None]:
    keys, problems = _header(row, columns)
    if problems:
        raise ImportRefused(_("表头不符合模板：") + " ".join(problems))
    return keys


def check_readable(*, file: Any, name: str = "", columns: list[Column]) -> str:
    """What a page checks before it queues an import, cheaply: the size, the
    type (by content), that the file can be opened and decoded and that its
    header row fits the template.  The rows are left for the import.  Returns
    the file's kind ("xlsx" or "csv"); raises ImportRefused."""
    rows = read_rows(file, name)
    try:
        for row in rows:
            if any(c not in (None, "") for c in row):
                _header_or_refuse(row, columns)
                break
        else:
            raise ImportRefused(_("文件中没有表头行。"))
    finally:
        rows.close()
    stream = _raw(file)
    stream.seek(0)
    return "xlsx" if stream.read(4) == b"PK\x03\x04" else "csv"


def read_records(
    rows: Iterator[list[Any]],
    *,
    columns: list[Column],
    report: ImportReport,
    is_example: Callable[[dict[str, Any]], bool],
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The records of a file's rows, each with its line number, keyed by the
    columns' keys: the header row (the first that is not empty) must fit the
    template, empty rows are passed over and the template's example rows
    counted in ``report.examples``. Each record yielded is counted in
    ``report.rows``; cells beyond the header are an error of their row."""
    keys: list[str | None] | None = None
    for line, row in enumerate(rows, start=1):
        if keys is None:
            if not any(c not in (None, "") for c in row):
                continue
            keys = _header_or_refuse(row, columns)
            continue
        values = [_cell(c) for c in row]
        if not any(v not in (None, "") for v in values):
            continue
        record = {k: v for k, v in zip(keys, values, strict=False) if k is not None}
        if is_example(record):
            report.examples += 1
            continue
        if len(values) > len(keys) and any(
            v not in (None, "") for v in values[len(keys) :]
        ):
            report.add_error(line, _("（表头之外）"), _("该行的单元格多于表头的列数。"))
        report.rows += 1
        yield line, record
    if keys is None:
        raise ImportRefused(_("文件中没有表头行。"))


class _Writer:
    def __init__(self, *, by: Any, status: str, lookups: Lookups) -> None:
        self.by = actor_of(by)
        self.status = status
        self.lookups = lookups
        self.pending: list[Cleaned] = []
        self.created = 0
        self.updated = 0

    def add(self, cleaned: Cleaned) -> None:
        self.pending.append(cleaned)
        if len(self.pending) >= BATCH:
            self.flush()

    def _owner(self, cleaned: Cleaned) -> Organization:
        org = self.lookups.organization(cleaned.owner_name)
        if org is None:
            org = Organization.objects.create(
                name=cleaned.owner_name, kind=cleaned.owner_kind
            )
            self.lookups.remember_organization(org)
        return org

    def flush(self) -> None:
        if not self.pending:
            return
        batch, self.pending = self.pending, []
        numbers = [c.data["project_number"] for c in batch]
        existing = {
            a.project_number: a
            for a in Achievement.objects.filter(project_number__in=numbers)
        }
        new: list[tuple[Organization, dict[str, Any]]] = []
        for cleaned in batch:
            data = dict(cleaned.data)
            provinces = data.pop("target_provinces")
            found = existing.get(cleaned.data["project_number"])
            if found is not None:
                achievement_update(
                    achievement=found,
                    data={**data, "target_provinces": provinces},
                    by=self.by,
                    comment=gettext_noop("批量汇交更新"),
                )
                self.updated += 1
                continue
            new.append((self._owner(cleaned), {**data, "target_provinces": provinces}))
        created = achievements_create_bulk(
            items=new,
            by=self.by,
            status=self.status,
            comment=gettext_noop("批量汇交导入"),
        )
        self.created += len(created)


def import_achievements(
    *,
    file: Any,
    name: str = "",
    by: Any = None,
    dry_run: bool = False,
    status: str = ReviewStatus.SUBMITTED,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import a CSV/XLSX file of achievements; all rows or none.
    ``progress(rows)`` hears how many rows have been read, every
    ``PROGRESS_EVERY``.

    Raises ImportRefused for a file that cannot be read at all.
    """
    report = ImportReport(dry_run=dry_run)
    rows = read_rows(file, name)
    lookups = Lookups()
    writer = _Writer(by=by, status=status, lookups=lookups)
    seen: dict[str, int] = {}
    examples = in_both_languages(EXAMPLE_NUMBER)
    with transaction.atomic():
        for line, record in read_records(
            rows,
            columns=COLUMNS,
            report=report,
            is_example=lambda record: (
                str(record.get("project_number") or "").casefold() in examples
            ),
        ):
            cleaned = clean_record(record, lookups=lookups)
            number = cleaned.data.get("project_number")
            if number:
                if number in seen:
                    cleaned.errors.append(
                        (
                            "project_number",
                            _("项目编号“%(number)s”在本文件第 %(first)d 行已出现。")
                            % {"number": number, "first": seen[number]},
                        )
                    )
                else:
                    seen[number] = line
            for key, message in cleaned.errors:
                report.add_error(line, column_title(key), message)
            if report.ok:
                writer.add(cleaned)
            if progress is not None and report.rows % PROGRESS_EVERY == 0:
                progress(report.rows)
        if report.rows == 0:
            raise ImportRefused(
                _(
                    "文件中只有模板的示例行，没有导入任何成果：请删除示例行，"
                    "每行填写一项成果后再上传。"
                )
                if report.examples
                else _(
                    "文件中只有表头，没有导入任何成果：请从第二行起每行填写一项成果"
                    "（XLSX 模板的“示例”工作表有一行示例）。"
                )
            )
        if report.ok:
            writer.flush()
        report.created, report.updated = writer.created, writer.updated
        if dry_run or not report.ok:
            transaction.set_rollback(True)
    if not report.ok:
        report.created = report.updated = 0
    return report


# The template's example row: its project number marks it, in either language,
# so the importer skips it when someone uploads the template unchanged.
EXAMPLE_NUMBER = gettext_lazy("示例（导入时跳过）")


def in_both_languages(text: Any) -> set[str]:
    """A lazy text in Chinese and in English, casefolded: how the template's
    example row is known whichever language the template was written in."""
    texts = set()
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            texts.add(str(text).casefold())
    return texts


def example_record() -> dict[str, Any]:
    """The example row of the template, from the vocabularies in the database."""
    from accounts.enums import OrganizationKind

    from .enums import TransferMode
    from .models import IndustryField, Province

    field = IndustryField.objects.first()
    provinces = list(Province.objects.all()[:2])
    return {
        "project_number": str(EXAMPLE_NUMBER),
        "title": _("【示例】低成本碳纤维复合材料制备技术"),
        "summary": _("【示例】用一两句话说明成果解决的问题、达到的指标和应用前景。"),
        "owner": _("【示例】某某大学"),
        "owner_kind": str(OrganizationKind.UNIVERSITY.label),
        "team": _("【示例】王教授团队"),
        "source_programme": _("国家重点研发计划"),
        "field": field.local_name if field else "",
        "trl": 6,
        "market_demand": _("【示例】新能源汽车轻量化部件"),
        "transfer_demand": _("【示例】寻求有量产能力的企业合作"),
        "transfer_modes": "、".join(
            str(TransferMode(m).label)
            for m in (TransferMode.ASSIGNMENT, TransferMode.LICENCE)
        ),
        "open_licence_terms": "",
        "price_min": 100,
        "price_max": 500,
        "target_provinces": "、".join(p.local_name for p in provinces),
        "patents": "ZL202310000000.0",
        "keywords": _("碳纤维、复合材料"),
        "contact_name": _("张老师"),
        "contact_phone": "010-00000000",
        "contact_email": "contact@example.org",
        "agri_tech_field": "",
        "agri_industry": "",
        "agri_scenario": "",
    }


def _text_format(key: str, model: type = Achievement) -> str:
    limit = max_length(model, key)
    if limit:
        return _("文本，最多 %(limit)d 个字") % {"limit": limit}
    return _("文本")


def notes_rows(
    columns: list[Column],
    *,
    allowed: dict[str, str],
    formats: dict[str, str],
    model: type,
) -> list[list[str]]:
    """The template's 填写说明 sheet: for each column its title, meaning,
    whether it is required, the values it allows and its format (for a text
    column not in ``formats``, its length in ``model``)."""
    return [
        [
            str(c.header),
            str(c.meaning),
            _("必填") if c.required else _("选填"),
            allowed.get(c.key, _("不限")),
            formats.get(c.key) or _text_format(c.key, model),
        ]
        for c in columns
    ]


def column_notes() -> list[list[str]]:
    """For each column of the template: its title, meaning, whether it is
    required, the values it allows (the vocabularies as they stand in the
    database) and its format."""
    from accounts.enums import OrganizationKind

    from .enums import TRL_DESCRIPTIONS, TransferMode
    from .models import AGRI_DIMENSIONS, Achievement, IndustryField, Province

    several = _("可多选，用顿号（、）、逗号或分号分隔")
    allowed = {
        "owner_kind": "、".join(str(label) for _v, label in OrganizationKind.choices),
        "field": "、".join(f.local_name for f in IndustryField.objects.all()),
        "trl": _("；").join(
            f"{level}: {text}" for level, text in TRL_DESCRIPTIONS.items()
        ),
        "transfer_modes": "、".join(str(label) for _v, label in TransferMode.choices),
        "target_provinces": "、".join(p.local_name for p in Province.objects.all()),
    }
    for key in AGRI_DIMENSIONS:
        model = Achievement._meta.get_field(key).related_model
        allowed[key] = "、".join(
            t.local_name for t in model.objects.filter(active=True)
        )
    formats = {
        "project_number": _text_format("project_number") + _("；在文件中不能重复"),
        "owner": _("文本，最多 200 个字"),
        "owner_kind": _("填写一个类型名称"),
        "field": _("填写一个领域名称"),
        "trl": _("1 到 9 的整数（也可写作“TRL6”或“6级”）"),
        "transfer_modes": several,
        "target_provinces": several + _("；省份可省略“省”“市”“自治区”"),
        "price_min": _("数字，单位万元，不小于 0，最多两位小数"),
        "price_max": _("数字，单位万元，不小于 0，最多两位小数"),
        "contact_email": _("邮箱地址，如 name@example.org"),
        "agri_tech_field": _("农业领域的成果填写一个分类名称，其他留空"),
        "agri_industry": _("农业领域的成果填写一个分类名称，其他留空"),
        "agri_scenario": _("农业领域的成果填写一个分类名称，其他留空"),
    }
    return notes_rows(COLUMNS, allowed=allowed, formats=formats, model=Achievement)


def write_template(stream: IO[bytes], *, fmt: str = "xlsx") -> None:
    """The achievements' import template (see ``write_import_template``)."""
    write_import_template(
        stream,
        fmt=fmt,
        columns=COLUMNS,
        example=example_record(),
        notes=column_notes,
        sheet=_("成果"),
    )


def write_import_template(
    stream: IO[bytes],
    *,
    fmt: str,
    columns: list[Column],
    example: dict[str, Any],
    notes: Callable[[], list[list[str]]],
    sheet: str,
) -> None:
    """An import template. The CSV has the header and an example row (which
    the importer skips); the XLSX has an empty sheet (named ``sheet``) to
    fill, a sheet explaining each column and its allowed values (``notes``),
    and the example on a sheet of its own."""
    from openpyxl import Workbook

    from spreadsheets import ExportSheet

    headers = [str(c.header) + ("*" if c.required else "") for c in columns]
    example_row = [example[c.key] for c in columns]
    if fmt == "csv":
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow(headers)
        writer.writerow(example_row)
        text.flush()
        text.detach()
        return
    workbook = Workbook(write_only=True)
    ExportSheet(workbook.create_sheet(sheet), header=headers).close()
    notes_sheet = ExportSheet(
        workbook.create_sheet(_("填写说明")),
        header=[_("列"), _("含义"), _("是否必填"), _("允许的值"), _("格式")],
    )
    for line in notes():
        notes_sheet.append(line)
    notes_sheet.close()
    sample = ExportSheet(workbook.create_sheet(_("示例")), header=headers)
    sample.append(example_row)
    sample.close()
    workbook.save(stream)
