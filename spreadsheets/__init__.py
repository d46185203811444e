"""Writing spreadsheets people open in Excel or WPS, without domain knowledge:
what they type stays text (never a formula), dates are dates and amounts are
numbers, and one content type and one response for every XLSX download.

An export is an `XlsxExport`: a first sheet "说明" says what the file is, when
and by whom it was exported, the filters that produced it (as the caller words
them) and how many rows each sheet holds; each data sheet has a frozen header
row with an autofilter and columns as wide as their content."""

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
DECIMAL_FORMAT = "#,##0.00"

# Columns are sized on the first rows (a streamed sheet fixes its widths before
# its first row is written), in Excel's character units, a Han character
# counting two.
WIDTH_SAMPLE = 500
MIN_WIDTH = 6
MAX_WIDTH = 50
_PADDING = 2
# How often (in data rows written, all sheets together) an export reports how
# far it got, when asked to.
PROGRESS_EVERY = 1000

_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


def _local(moment: dt.datetime) -> dt.datetime:
    # Excel has no time zones: an aware moment is written as the wall-clock
    # time of the site's zone, naive.
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.replace(tzinfo=None, microsecond=0)


def _safe(sheet, value: Any) -> Any:
    """A value as a cell: text never a formula, moments in local time, dates
    and fractional numbers with a number format."""
    if isinstance(value, str):
        # A text starting with "=" would become a formula in Excel: keep it text.
        if value[:1] in ("=", "+", "-", "@"):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            return cell
        return value
    if isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, value=_local(value))
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, Decimal | float) and not isinstance(value, bool):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DECIMAL_FORMAT
        return cell
    return value


def append_safe(sheet, row) -> None:
    """Append a row of a write-only sheet, people's text kept as text (never a
    formula), whatever it starts with."""
    sheet.append([_safe(sheet, v) for v in row])


def display_width(value: Any) -> int:
    """How many character widths a value takes in a cell: a wide (Han,
    full-width) character counts two; the longest line of a text counts."""
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, Decimal | float) and not isinstance(value, bool):
        return len(f"{value:,.2f}")
    text = str(value)
    return max(
        sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
        for line in text.splitlines() or [""]
    )


def column_widths(rows: Iterable[Sequence[Any]]) -> list[float]:
    """Each column's width for these rows, between MIN_WIDTH and MAX_WIDTH."""
    widest: list[int] = []
    for row in rows:
        for index, value in enumerate(row):
            if index >= len(widest):
                widest.append(0)
            widest[index] = max(widest[index], display_width(value))
    return [min(MAX_WIDTH, max(MIN_WIDTH, w + _PADDING)) for w in widest]


class ExportSheet:
    """A sheet of an export, streamed: the first rows are held back until the
    columns' widths are known, the rest go straight to the file."""

    def __init__(
        self,
        sheet,
        *,
        header: Sequence[Any] | None,
        counted: Callable[[], None] | None = None,
    ) -> None:
        self._sheet = sheet
        self._counted = counted
        self._header = [str(h) for h in header] if header is not None else None
        self._held: list[list[Any]] = []
        self._started = False
        self.rows = 0  # data rows, the header not counted
        self._columns = len(self._header or ())

    @property
    def title(self) -> str:
        return self._sheet.title

    def append(self, row: Sequence[Any]) -> None:
        row = list(row)
        self._columns = max(self._columns, len(row))
        self.rows += 1
        if self._counted is not None:
            self._counted()
        if self._started:
            self._write(row)
            return
        self._held.append(row)
        if len(self._held) >= WIDTH_SAMPLE:
            self._start()

    def _start(self) -> None:
        sheet = self._sheet
        sample = ([self._header] if self._header else []) + self._held
        for index, width in enumerate(column_widths(sample), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        if self._header is not None:
            sheet.freeze_panes = "A2"
            header = []
            for title in self._header:
                cell = WriteOnlyCell(sheet, value=title)
                cell.font = _BOLD
                cell.data_type = "s"
                header.append(cell)
            sheet.append(header)
        self._started = True
        held, self._held = self._held, []
        for row in held:
            self._write(row)

    def _write(self, row: list[Any]) -> None:
        # A text wider than its capped column wraps, so that all of it shows.
        cells = []
        for value in row:
            if isinstance(value, str) and display_width(value) > MAX_WIDTH:
                cell = WriteOnlyCell(self._sheet, value=value)
                cell.data_type = "s"
                cell.alignment = _WRAP
                cells.append(cell)
            else:
                cells.append(_safe(self._sheet, value))
        self._sheet.append(cells)

    def close(self) -> None:
        if not self._started:
            self._start()
        if self._header is not None and self._columns:
            last = get_column_letter(self._columns)
            self._sheet.auto_filter.ref = f"A1:{last}{self.rows + 1}"


@dataclass(frozen=True)
class About:
    """What the first sheet says of an export. `filters` are the caller's
    filters in words, each a (name, value) pair, e.g. ("阶段", "签约")."""

    title: str
    exported_by: str
    filters: Sequence[tuple[str, str]] = ()
    exported_at: dt.datetime | None = None


def filters_in_words(filters: Sequence[tuple[str, str]]) -> str:
    """ "阶段：签约；地区：西部" (in English "Stage: signed; Region: West")."""
    if not filters:
        return _("无（全部记录）")
    return _("；").join(
        _("%(name)s：%(value)s") % {"name": name, "value": value}
        for name, value in filters
    )


class XlsxExport:
    """A workbook for download: the "说明" sheet first, then the data sheets
    in the order they are asked for.  ``progress(rows)``, if given, hears
    every ``PROGRESS_EVERY`` data rows appended (for a job's page)."""

    def __init__(
        self, *, about: About, progress: Callable[[int], None] | None = None
    ) -> None:
        self.about = about
        self._progress = progress
        self._appended = 0
        self._workbook = Workbook(write_only=True)
        # Created first so it comes first; written last, when the counts are known.
        self._about_sheet = self._workbook.create_sheet(pgettext("spreadsheet", "说明"))
        self._sheets: list[ExportSheet] = []

    def sheet(self, title: str, *, header: Sequence[Any]) -> ExportSheet:
        # Excel refuses sheet names over 31 characters.
        sheet = ExportSheet(
            self._workbook.create_sheet(str(title)[:31]),
            header=header,
            counted=self._counted if self._progress is not None else None,
        )
        self._sheets.append(sheet)
        return sheet

    def _counted(self) -> None:
        self._appended += 1
        if self._appended % PROGRESS_EVERY == 0:
            self._progress(self._appended)

    @property
    def rows(self) -> int:
        return sum(s.rows for s in self._sheets)

    def save(self, stream: IO[bytes]) -> None:
        about = ExportSheet(self._about_sheet, header=None)
        about.append([_("文件内容"), self.about.title])
        about.append([_("导出时间"), self.about.exported_at or timezone.now()])
        about.append([_("导出人"), self.about.exported_by])
        about.append([_("筛选条件"), filters_in_words(self.about.filters)])
        for sheet in self._sheets:
            label = (
                _("行数")
                if len(self._sheets) == 1
                else _("行数（%(sheet)s）") % {"sheet": sheet.title}
            )
            about.append([label, sheet.rows])
        about.close()
        for sheet in self._sheets:
            sheet.close()
        self._workbook.save(stream)


def xlsx_response(stream: IO[bytes], *, filename: str) -> FileResponse:
    """A workbook as a download (the stream is read from its start)."""
    stream.seek(0)
    return FileResponse(
        stream, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )
