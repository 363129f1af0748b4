"""PDF approval documents and e-certificates (电子证照) with a QR code that opens the public
verification page. Chinese text is set in an embedded CJK font."""

from __future__ import annotations

import datetime as dt
import io
import math
from functools import lru_cache
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import WrapMode
from sqlmodel import Session, col, select

from eap.config import get_settings
from eap.errors import DomainError, PermissionDenied
from eap.models import (
    ApprovalDocument,
    CaseEvent,
    Certificate,
    Company,
    Department,
    Item,
    ItemCase,
    Material,
    Project,
    StageCase,
    StageDef,
    StageMaterial,
)
from eap.services.core.authz import can_view_stage_case
from eap.services.core.clock import CHINA_TZ
from eap.services.core.identifiers import mask_id
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
    # a natural person's party code is a pseudonym: the certificate shows the masked ID
    person = company.kind == "person"  # the full name is sealed in legal_rep
    code = mask_id(company.id_number) if person else company.uscc
    _row(pdf, "建设单位", f"{company.legal_rep if person else company.name}（{code}）")
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


def _decision(session: Session, case: ItemCase) -> CaseEvent | None:
    """The department's decision on the case as its history holds it (办理意见, 经办人)."""
    return session.exec(
        select(CaseEvent)
        .where(
            CaseEvent.item_case_id == case.id,
            col(CaseEvent.action).in_(("approve", "approve_owed")),
        )
        .order_by(col(CaseEvent.id).desc())
    ).first()


def _seal(pdf: FPDF, *, cx: float, cy: float, name: str) -> None:
    """The issuing department's round seal, generated: a red ring, its name along the upper
    arc, a five-pointed star and 审批专用章 below. Drawn from the department's name — no image
    of a real seal is kept anywhere."""
    r = 21.0
    pdf.set_draw_color(205, 20, 20)
    pdf.set_fill_color(205, 20, 20)
    pdf.set_text_color(205, 20, 20)
    pdf.set_line_width(1.1)
    pdf.circle(x=cx, y=cy, radius=r, style="D")
    pdf.star(x=cx, y=cy, r_in=2.6, r_out=6.5, corners=5, rotate_degrees=36, style="F")
    size = 11 if len(name) <= 12 else 9
    pdf.set_font("cjk", size=size)
    span = min(220.0, 19.0 * len(name))  # degrees of arc the name covers
    step = span / max(1, len(name) - 1)
    for i, ch in enumerate(name):
        angle = -span / 2 + i * step  # 0 at the top, negative to the left
        rad = math.radians(angle)
        x = cx + (r - 5.2) * math.sin(rad)
        y = cy - (r - 5.2) * math.cos(rad)
        with pdf.rotation(-angle, x=x, y=y):
            w = pdf.get_string_width(ch)
            pdf.text(x - w / 2, y + size * 0.35 / 2.5, ch)
    pdf.set_font("cjk", size=8)
    label = "审批专用章"
    pdf.text(cx - pdf.get_string_width(label) / 2, cy + 12, label)
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)


def _chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def approval_document_pdf(session: Session, *, principal: Principal, document_id: int) -> bytes:
    """批复文件: the department's decision with its opinion (审查意见), the handler, the legal
    basis and validity, closed by the department's name, date and seal."""
    doc = session.get(ApprovalDocument, document_id)
    if doc is None:
        raise DomainError("error.not_found")
    case, project, item, dept, company = _context(session, principal, doc.item_case_id)
    decision = _decision(session, case)
    pdf = _pdf()
    pdf.set_font("cjk", size=18)
    pdf.set_text_color(190, 20, 20)
    pdf.cell(0, 14, dept.name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("cjk", size=10)
    pdf.cell(0, 8, doc.doc_no, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(190, 20, 20)
    pdf.line(pdf.l_margin, pdf.get_y() + 1, pdf.w - pdf.r_margin, pdf.get_y() + 1)
    pdf.set_draw_color(0, 0, 0)
    pdf.ln(5)
    pdf.set_font("cjk", size=14)
    pdf.multi_cell(0, 10, doc.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("cjk", size=12)
    pdf.multi_cell(0, 8, f"{company.name}：", new_x="LMARGIN", new_y="NEXT")
    owed = decision is not None and decision.action == "approve_owed"
    body = (
        f"\u3000\u3000你单位报来的{project.name}（项目代码 {project.project_code}）{item.name_zh}申请"
        f"（办件编号 {case.case_no}）收悉。经审查，"
        + ("在你单位按承诺补齐所缺材料的前提下，" if owed else "")
        + "准予许可。"
    )
    pdf.multi_cell(0, 8, body, new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)
    pdf.ln(2)
    opinion = (decision.opinion.strip() if decision else "") or "同意。"
    _row(pdf, "审查意见", opinion)
    _row(pdf, "法律依据", item.legal_basis)
    _row(pdf, "有效期至", doc.valid_until.isoformat() if doc.valid_until else "长期")
    if decision is not None and decision.handler_name:
        _row(pdf, "经办人", decision.handler_name)
    pdf.ln(14)
    cx, cy = pdf.w - pdf.r_margin - 38, pdf.get_y() + 6
    pdf.set_font("cjk", size=12)
    for text in (dept.name, _chinese_date(doc.issued_on)):
        pdf.set_x(cx - 45)
        pdf.cell(90, 8, text, align="C", new_x="LMARGIN", new_y="NEXT")
    _seal(pdf, cx=cx, cy=cy, name=dept.name)
    return bytes(pdf.output())


_SOURCE_ZH = {"upload": "提交", "library": "材料库", "certificate": "电子证照"}


def receipt_pdf(session: Session, *, principal: Principal, stage_case_id: int) -> bytes:
    """收件回执: what the window took in for an application, for the applicant to sign — the
    case number, the items applied for, every material and how it came (scanned at the
    counter, the library, an e-certificate, or owed under 容缺 with its date)."""
    sc = session.get(StageCase, stage_case_id)
    project = session.get(Project, sc.project_id) if sc else None
    if sc is None or project is None or not can_view_stage_case(session, principal, sc, project):
        raise PermissionDenied("error.not_found")
    company = session.get(Company, project.company_id)
    stage = session.get(StageDef, sc.stage_code)
    assert company is not None and stage is not None
    items = session.exec(
        select(Item.name_zh, ItemCase.limit_days)
        .join(ItemCase, col(ItemCase.item_id) == Item.id)
        .where(ItemCase.stage_case_id == sc.id)
        .order_by(col(ItemCase.id))
    ).all()
    materials = session.exec(
        select(StageMaterial, Material)
        .join(Material, col(Material.id) == StageMaterial.material_id)
        .where(StageMaterial.stage_case_id == sc.id)
        .order_by(col(Material.code))
    ).all()
    clerk = session.exec(
        select(CaseEvent.handler_name)
        .where(CaseEvent.stage_case_id == sc.id, CaseEvent.action == "receive")
        .order_by(col(CaseEvent.id))
    ).first()
    pdf = _pdf()
    pdf.set_font("cjk", size=18)
    title = "收件回执" + ("（窗口代录）" if sc.channel == 1 else "")
    pdf.cell(0, 14, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10)
    pdf.cell(0, 7, f"申报编号：{sc.case_no}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _row(pdf, "申请单位", f"{company.name}（{company.uscc}）")
    _row(pdf, "项目名称", project.name)
    _row(pdf, "项目代码", project.project_code)
    _row(pdf, "申报阶段", stage.name_zh)
    _row(pdf, "申请事项", "；".join(f"{name}（{days}个工作日）" for name, days in items))
    received = sc.received_at or sc.submitted_at
    if received.tzinfo is None:  # SQLite hands back naive UTC
        received = received.replace(tzinfo=dt.UTC)
    _row(pdf, "接件时间", f"{received.astimezone(CHINA_TZ):%Y-%m-%d %H:%M}")
    pdf.ln(2)
    pdf.set_font("cjk", size=11)
    pdf.cell(0, 8, "收到材料", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10)
    for n, (sm, material) in enumerate(materials, start=1):
        how = (
            f"容缺后补（承诺{sm.owed_until.isoformat()}前）"
            if sm.owed and sm.owed_until
            else "容缺后补"
            if sm.owed or (sm.file_id is None and sm.certificate_id is None)
            else _SOURCE_ZH.get(sm.source, sm.source)
        )
        pdf.multi_cell(
            0,
            7,
            f"{n}. {material.code} {material.name_zh} —— {how}",
            new_x="LMARGIN",
            new_y="NEXT",
            wrapmode=WrapMode.CHAR,
        )
    pdf.ln(10)
    pdf.set_font("cjk", size=11)
    pdf.cell(0, 9, f"窗口经办人：{clerk or ''}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(
        0,
        9,
        "申请人（签字）：____________________    日期：____________",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("cjk", size=9)
    pdf.multi_cell(
        0,
        6,
        "本回执仅证明窗口已接收上述材料，不代表受理；受理与否以受理通知为准。"
        "可凭申报编号在网上办事大厅查询办理进度。",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
