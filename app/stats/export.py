"""Spreadsheet exports, streamed: CSV (UTF-8 with BOM, so Excel reads Chinese) and XLSX.

Cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) are prefixed with an
apostrophe: a citizen's text must never become a live formula on a civil servant's desk.

A column may have a format (PERCENT, DATE, DATETIME): in XLSX its cells are numbers and dates
a spreadsheet sorts, sums and filters, shown as 75.0% or 2026-12-01; the CSV writes the same
values as plain text (a rate stays a fraction, a time is local "YYYY-MM-DD HH:MM"). Dates and
times are given naive, in local time: Excel has no time zones.
"""
import csv
import io
import tempfile
from datetime import date, datetime
from typing import Iterable, Iterator, Optional, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULA_CHARS = frozenset(FORMULA_START)
CSV_MIMETYPE = "text/csv; charset=utf-8"  # sent as the whole Content-Type (app/staff/exports.py)
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERCENT = "0.0%"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
# isoformat, not strftime: a large export writes one per row, and it is the faster of the two.
_AS_TEXT = {DATE: date.isoformat, DATETIME: lambda at: at.isoformat(" ", "minutes")}


def safe_cell(value):
    """The value, defused if it would start a formula; numbers pass as numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _date_columns(formats: Optional[Sequence[Optional[str]]]) -> list[tuple[int, object]]:
    return [(i, _AS_TEXT[f]) for i, f in enumerate(formats or ()) if f in _AS_TEXT]


def csv_stream(header: list[str], rows: Iterable[list],
               formats: Optional[Sequence[Optional[str]]] = None) -> Iterator[str]:
    """CSV text in chunks of about a thousand rows, BOM first; `formats` (one per column, or
    None) say which columns hold dates and times, written as text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow([safe_cell(h) for h in header])
    starts = FORMULA_CHARS
    dated = _date_columns(formats)
    for i, row in enumerate(rows, 1):
        for column, as_text in dated:  # only the few dated columns: not a call per cell
            if row[column]:
                row[column] = as_text(row[column])
        # safe_cell() inline: a function call per cell was a fifth of a large export's time.
        writer.writerow(["" if v is None else "'" + v if isinstance(v, str) and v[:1] in starts else v
                         for v in row])
        if i % 1000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_stream(header: list[str], rows: Iterable[list], title: str = "Yima",
                formats: Optional[Sequence[Optional[str]]] = None) -> Iterator[bytes]:
    """An XLSX workbook written row by row (openpyxl's write-only mode) to a temporary
    file, then sent in chunks: memory stays flat however many rows there are. The header row
    stays in view as one scrolls; `formats` (one per column, or None) give rates their percent
    and dates their date format."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    sheet.append([safe_cell(h) for h in header])
    formatted = [(i, f) for i, f in enumerate(formats or ()) if f]
    for row in rows:
        values = ["" if v is None else safe_cell(v) for v in row]
        for column, number_format in formatted:
            if isinstance(values[column], (int, float, date)):  # datetime is a date; "" stays an empty cell
                values[column] = WriteOnlyCell(sheet, values[column])
                values[column].number_format = number_format
        sheet.append(values)
    with tempfile.TemporaryFile() as spool:
        workbook.save(spool)
        spool.seek(0)
        while chunk := spool.read(64 * 1024):
            yield chunk
