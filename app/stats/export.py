"""Spreadsheet exports, streamed: CSV (UTF-8 with BOM, so Excel reads Chinese) and XLSX.

Cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) are prefixed with an
apostrophe: a citizen's text must never become a live formula on a civil servant's desk.
"""
import csv
import io
import tempfile
from typing import Iterable, Iterator

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULA_CHARS = frozenset(FORMULA_START)
CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    """The value, defused if it would start a formula; numbers pass as numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_stream(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """CSV text in chunks of about a thousand rows, BOM first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow([safe_cell(h) for h in header])
    starts = FORMULA_CHARS
    for i, row in enumerate(rows, 1):
        # safe_cell() inline: a function call per cell was a fifth of a large export's time.
        writer.writerow(["" if v is None else "'" + v if isinstance(v, str) and v[:1] in starts else v
                         for v in row])
        if i % 1000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_stream(header: list[str], rows: Iterable[list], title: str = "Yima") -> Iterator[bytes]:
    """An XLSX workbook written row by row (openpyxl's write-only mode) to a temporary
    file, then sent in chunks: memory stays flat however many rows there are."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([safe_cell(h) for h in header])
    for row in rows:
        sheet.append(["" if v is None else safe_cell(v) for v in row])
    with tempfile.TemporaryFile() as spool:
        workbook.save(spool)
        spool.seek(0)
        while chunk := spool.read(64 * 1024):
            yield chunk
