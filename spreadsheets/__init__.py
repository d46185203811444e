"""Writing spreadsheets people open in Excel or WPS, without domain knowledge:
what they type stays text (never a formula), and one content type and one
response for every XLSX download."""

from typing import IO

from django.http import FileResponse
from openpyxl.cell import WriteOnlyCell

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _safe(sheet, value):
    # A text starting with "=" would become a formula in Excel: keep it text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def append_safe(sheet, row) -> None:
    """Append a row of a write-only sheet, people's text kept as text (never a
    formula), whatever it starts with."""
    sheet.append([_safe(sheet, v) for v in row])


def xlsx_response(stream: IO[bytes], *, filename: str) -> FileResponse:
    """A workbook as a download (the stream is read from its start)."""
    stream.seek(0)
    return FileResponse(
        stream, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )
