"""办事指南: the item catalogue as applicants browse it — by stage, department and process type,
with legal basis, conditions, materials, time limit, fee, department, window address and hours."""

from __future__ import annotations

from sqlmodel import Session, col, select

from eap.models import Department, ItemMaterial, Material, ProcessItem
from eap.services.admin import catalogue
from eap.services.hall.rows import GuideItem, GuideMaterial
from eap.services.hall.templates import has_template


def browse(
    session: Session,
    *,
    stage: int | None = None,
    dept_kind: str = "",
    process_type: int | None = None,
    text: str = "",
    region_code: str = "360100",
) -> list[GuideItem]:
    """Items of the newest catalogue version matching the filters, for one city's windows."""
    items = list(catalogue.latest_items(session).values())
    if stage:
        items = [i for i in items if i.stage_code == stage]
    if dept_kind:
        items = [i for i in items if i.dept_kind == dept_kind]
    if process_type:
        process = catalogue.active_process(
            session, region_code=region_code, process_type=process_type
        )
        used = set(
            session.exec(
                select(ProcessItem.item_id).where(
                    ProcessItem.process_id == (process.id if process else -1)
                )
            )
        )
        items = [i for i in items if i.id in used]
    if text.strip():
        needle = text.strip().lower()
        items = [
            i
            for i in items
            if needle in i.name_zh.lower()
            or needle in i.name_en.lower()
            or needle in i.code.lower()
        ]
    depts = {
        d.kind: d
        for d in session.exec(select(Department).where(Department.region_code == region_code))
    }
    out = []
    for item in sorted(items, key=lambda i: i.code):
        mats = session.exec(
            select(ItemMaterial, Material)
            .join(Material, col(Material.id) == col(ItemMaterial.material_id))
            .where(ItemMaterial.item_id == item.id)
            .order_by(col(Material.code))
        ).all()
        dept = depts.get(item.dept_kind)
        out.append(
            GuideItem(
                code=item.code,
                name_zh=item.name_zh,
                name_en=item.name_en,
                stage=item.stage_code,
                limit=item.limit_days,
                basis=item.legal_basis,
                fee=item.fee,
                conditions=item.conditions,
                promise=item.promise_allowed,
                department=dept.name if dept else item.dept_kind,
                address=dept.address if dept else "",
                hours=dept.office_hours if dept else "",
                materials=[
                    GuideMaterial(
                        code=m.code,
                        name_zh=m.name_zh,
                        name_en=m.name_en,
                        key=im.is_key,
                        deferrable=im.deferrable,
                        template=f"/templates/{m.code}.pdf" if has_template(m.code) else "",
                    )
                    for im, m in mats
                ],
            )
        )
    return out
