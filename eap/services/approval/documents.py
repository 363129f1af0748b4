"""PDF approval documents and e-certificates (电子证照) with a QR code that opens the public
verification page. Chinese text is set in an embedded CJK font."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import segno
from fpdf import FPDF
from sqlmodel import Session

from eap.config import get_settings
from eap.errors import DomainError, PermissionDenied
from eap.models import (
    ApprovalDocument,
    Certificate,
    Company,
    Department,
    Item,
    ItemCase,
    Project,
    StageCase,
)
from eap.services.core.authz import can_view_stage_case
from eap.services.core.principal import Principal

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


@lru_cache
def cjk_font() -> Path:
    configured = get_settings().pdf_font_path
    for candidate in ([configured] if configured else []) + [Path(p) for p in FONT_CANDIDATES]:
        if candidate and candidate.is_file():
            return candidate
    raise DomainError("pdf.no_font")


def verify_url(token: str, *, base_url: str | None = None) -> str:
    """The public verification page of a certificate: at the configured public address, else
    at the address the PDF was requested on (never a developer's localhost in production)."""
    base = get_settings().public_base_url or base_url or "http://localhost:3000"
    return f"{base.rstrip('/')}/verify/{token}"


def _pdf() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    pdf.add_font("cjk", fname=str(cjk_font()))
    pdf.set_font("cjk", size=12)
    return pdf


def _row(pdf: FPDF, label: str, value: str) -> None:
    pdf.set_font("cjk", size=11)
    pdf.cell(40, 9, label)
    pdf.multi_cell(0, 9, value or "—", new_x="LMARGIN", new_y="NEXT")


def _context(session: Session, principal: Principal, item_case_id: int):
    case = session.get(ItemCase, item_case_id)
    sc = session.get(StageCase, case.stage_case_id) if case else None
    project = session.get(Project, case.project_id) if case else None
    if (
        case is None
        or sc is None
        or project is None
        or not can_view_stage_case(session, principal, sc, project)
    ):
        raise PermissionDenied("error.not_found")
    item = session.get(Item, case.item_id)
    dept = session.get(Department, case.department_id)
    company = session.get(Company, project.company_id)
    assert item and dept and company
    return case, project, item, dept, company


def certificate_pdf(
    session: Session, *, principal: Principal, certificate_id: int, base_url: str | None = None
) -> bytes:
    cert = session.get(Certificate, certificate_id)
    if cert is None:
        raise DomainError("error.not_found")
    _case, project, _item, dept, company = _context(session, principal, cert.item_case_id)
    pdf = _pdf()
    pdf.set_font("cjk", size=22)
    pdf.cell(0, 16, cert.name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10)
    pdf.cell(0, 8, f"证号：{cert.cert_no}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    _row(pdf, "建设单位", f"{company.name}（{company.uscc}）")
    _row(pdf, "项目名称", project.name)
    _row(pdf, "项目代码", project.project_code)
    _row(pdf, "建设地点", project.location)
    _row(pdf, "建筑面积", f"{project.floor_area:g} 平方米")
    _row(pdf, "发证机关", dept.name)
    _row(pdf, "发证日期", cert.issued_on.isoformat())
    _row(pdf, "有效期至", cert.valid_until.isoformat() if cert.valid_until else "长期")
    _row(pdf, "状态", "有效" if cert.status == "valid" else "已撤销")
    link = verify_url(cert.verify_token, base_url=base_url)
    qr = segno.make(link, error="m")
    buf = io.BytesIO()
    qr.save(buf, kind="png", scale=4, border=2)
    buf.seek(0)
    pdf.ln(4)
    pdf.image(buf, x=pdf.w - 60, w=40, link=link)
    pdf.set_font("cjk", size=9)
    pdf.cell(0, 6, "扫描二维码核验证照真伪及有效性", align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def approval_document_pdf(session: Session, *, principal: Principal, document_id: int) -> bytes:
    doc = session.get(ApprovalDocument, document_id)
    if doc is None:
        raise DomainError("error.not_found")
    case, project, item, dept, company = _context(session, principal, doc.item_case_id)
    pdf = _pdf()
    pdf.set_font("cjk", size=16)
    pdf.cell(0, 12, dept.name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10)
    pdf.cell(0, 8, doc.doc_no, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("cjk", size=14)
    pdf.multi_cell(0, 10, doc.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    _row(pdf, "申请单位", company.name)
    _row(pdf, "办件编号", case.case_no)
    _row(pdf, "审批事项", item.name_zh)
    _row(pdf, "法律依据", item.legal_basis)
    _row(pdf, "批复日期", doc.issued_on.isoformat())
    _row(pdf, "有效期至", doc.valid_until.isoformat() if doc.valid_until else "长期")
    _row(pdf, "项目代码", project.project_code)
    return bytes(pdf.output())
