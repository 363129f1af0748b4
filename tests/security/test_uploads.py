"""Uploaded files are kept under the extension of what they are (sniffed), not of what they
were called; the public blank templates are drawn once per content, not per request."""

from __future__ import annotations

from sqlmodel import Session

from eap.services.core import files
from eap.services.hall import templates
from tests.factories import applicant, pdf


def test_a_file_is_named_by_its_sniffed_type(session: Session) -> None:
    owner = applicant(session)
    disguised = files.store_file(session, principal=owner, filename="invoice.exe", content=pdf())
    assert disguised.filename == "invoice.pdf" and disguised.content_type == "application/pdf"
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 64
    assert (
        files.store_file(session, principal=owner, filename="../../a.pdf", content=png).filename
        == "a.png"
    )
    docx = b"PK\x03\x04" + b"0" * 64
    assert (
        files.store_file(session, principal=owner, filename="报告.DOCX", content=docx).filename
        == "报告.docx"
    )
    assert (
        files.store_file(session, principal=owner, filename="x.html", content=docx).filename
        == "x.zip"
    )


def test_templates_are_drawn_once_per_content(session: Session) -> None:
    code = next(iter(templates.template_fields()))
    templates._draw.cache_clear()
    first = templates.template_pdf(session, material_code=code)
    again = templates.template_pdf(session, material_code=code)
    assert first == again and first.startswith(b"%PDF")
    info = templates._draw.cache_info()
    assert (info.misses, info.hits) == (1, 1)
