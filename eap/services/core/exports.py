"""Excel exports (.xlsx) of any list, with the filters that produced it written on top.

Text typed by applicants (project names, inquiry subjects, company names) reaches staff's
spreadsheets: a cell that begins like a formula (=, +, -, @, tab, CR) is written as text, never
as a live formula (CSV/formula injection, 等保 issue 16 item 8)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse(ws: Worksheet) -> None:
    """Every text cell that a spreadsheet would read as a formula becomes plain text."""
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                cell.data_type = "s"  # a string, not a formula
                cell.number_format = "@"  # and shown as text when edited


def to_xlsx(
    *, title: str, filters: str, headers: Sequence[str], rows: Sequence[Sequence[object]]
) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([filters])
    ws.append(list(headers))
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(["" if v is None else v for v in row])
    for i, header in enumerate(headers, start=1):
        width = max([len(str(header))] + [len(str(r[i - 1])) for r in rows[:200]]) + 2
        ws.column_dimensions[ws.cell(row=3, column=i).column_letter].width = min(60, width * 1.6)
    defuse(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
