"""Blank material templates (空白模板) for the guide: forms rendered to PDF from the catalogue's
list of fields, so a change to the catalogue changes the download."""

from __future__ import annotations

import tomllib
from functools import lru_cache

from sqlmodel import Session, select

from eap.config import PROJECT_ROOT
from eap.errors import DomainError
from eap.models import Material
from eap.services.approval.documents import _pdf


@lru_cache
def template_fields() -> dict[str, list[str]]:
    with open(PROJECT_ROOT / "eap" / "data" / "catalogue.toml", "rb") as fh:
        return dict(tomllib.load(fh).get("templates", {}))


def has_template(material_code: str) -> bool:
    return material_code in template_fields()


def template_pdf(session: Session, *, material_code: str) -> bytes:
    """A printable blank form: the material's name, one ruled box per field, signature line.

    Public and anonymous, so drawn once per content: the render is cached by what it is made
    of (the material's code and name and the fields), and a renamed material draws anew. A
    cache keyed by content cannot disagree between workers."""
    fields = template_fields().get(material_code)
    material = session.exec(select(Material).where(Material.code == material_code)).first()
    if fields is None or material is None:
        raise DomainError("error.not_found")
    return _draw(material.code, material.name_zh, tuple(fields))


@lru_cache(maxsize=256)
def _draw(code: str, name_zh: str, fields: tuple[str, ...]) -> bytes:
    pdf = _pdf()
    pdf.set_font("cjk", size=18)
    pdf.cell(0, 14, name_zh, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    pdf.cell(0, 6, f"材料编码 {code} · 空白模板", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("cjk", size=11)
    for label in fields:
        if len(label) > 24:  # a statement to sign, not a box to fill
            pdf.multi_cell(0, 8, label, border=1, new_x="LMARGIN", new_y="NEXT")
            continue
        pdf.cell(60, 12, label, border=1)
        pdf.cell(0, 12, "", border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(12)
    pdf.cell(
        0,
        8,
        "申请人（签字 / 盖章）：________________    日期：____年____月____日",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
