"""PDF e-certificates and approval documents (Chinese text embedded, QR link to verification)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from eap.errors import PermissionDenied
from eap.models import ApprovalDocument, Certificate
from eap.services.approval import documents, handling, results
from tests.factories import applicant, cases_by_code, city_staff, file_and_accept, project

D = dt.date


def _approved_permit(session: Session):  # type: ignore[no-untyped-def]
    city = city_staff(session)
    owner = applicant(session)
    pid = project(session, owner, ptype=4)
    sc = file_and_accept(session, city, owner, pid, 1, day=D(2026, 11, 2))
    case = cases_by_code(session, sc.id)["S1-06"]
    handling.start_handling(session, principal=city.approvers["zrzy"], item_case_id=case.id)
    handling.decide(
        session,
        principal=city.approvers["zrzy"],
        item_case_id=case.id,
        outcome="approve",
        opinion="同意",
        valid_until=D(2027, 11, 1),
    )
    cert = session.exec(select(Certificate).where(Certificate.item_case_id == case.id)).one()
    doc = session.exec(
        select(ApprovalDocument).where(ApprovalDocument.item_case_id == case.id)
    ).one()
    return city, owner, cert, doc


def _text(pdf: bytes) -> str:
    # pypdf reports the two-byte CIDs of the embedded CJK font with NUL padding.
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\x00", "")


def test_certificate_pdf_in_chinese_with_verification_link(session: Session) -> None:
    city, owner, cert, _doc = _approved_permit(session)
    pdf = documents.certificate_pdf(session, principal=owner, certificate_id=cert.id)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    assert "建设用地规划许可证" in text and cert.cert_no in text and "2027-11-01" in text
    reader = PdfReader(io.BytesIO(pdf))
    links = [a.get_object()["/A"]["/URI"] for a in reader.pages[0].get("/Annots", [])]
    assert documents.verify_url(cert.verify_token) in links
    # Without a configured public address the QR code points where the PDF was asked for.
    served = documents.certificate_pdf(
        session, principal=owner, certificate_id=cert.id, base_url="https://eap.jx.gov.example/"
    )
    served_links = [
        a.get_object()["/A"]["/URI"]
        for a in PdfReader(io.BytesIO(served)).pages[0].get("/Annots", [])
    ]
    assert f"https://eap.jx.gov.example/verify/{cert.verify_token}" in served_links
    # Staff handling the case may print it; other companies and other cities may not.
    assert documents.certificate_pdf(
        session, principal=city.approvers["zrzy"], certificate_id=cert.id
    )
    with pytest.raises(PermissionDenied):
        documents.certificate_pdf(session, principal=applicant(session), certificate_id=cert.id)
    with pytest.raises(PermissionDenied):
        documents.certificate_pdf(
            session, principal=city_staff(session, "360700").window, certificate_id=cert.id
        )


def test_approval_document_pdf_and_public_verification(session: Session) -> None:
    city, owner, cert, doc = _approved_permit(session)
    text = _text(documents.approval_document_pdf(session, principal=owner, document_id=doc.id))
    assert doc.doc_no in text and "建设用地规划许可证核发" in text
    # the department's opinion and handler from the case's history, its name, date and seal
    assert "审查意见" in text and "同意" in text and city.approvers["zrzy"].display_name in text
    assert "审批专用章" in text and f"{doc.issued_on.year}年{doc.issued_on.month}月" in text
    assert "补齐所缺材料" not in text  # an unconditional approval
    assert results.verify_certificate(session, token=cert.verify_token).valid is True
    assert results.verify_certificate(session, token="forged").genuine is False
    assert (
        results.verify_certificate(session, token=cert.verify_token, today=D(2027, 11, 2)).valid
        is False
    )
