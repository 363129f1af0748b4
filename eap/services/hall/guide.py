"""The guide and the one form (一张表单): which items a stage needs for a project, and the
union of their materials, each asked once, marking what is already on file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, or_
from sqlmodel import Session, select

from eap.db import reading
from eap.errors import DomainError
from eap.models import (
    Certificate,
    Item,
    ItemMaterial,
    LibraryMaterial,
    Material,
    Process,
    ProcessItem,
    ProcessStage,
    Project,
)
from eap.models.common import table_of
from eap.services.admin import assessments, catalogue
from eap.services.core.authz import city_of
from eap.services.core.clock import today_in_china


@dataclass
class MaterialNeed:
    material_id: int
    code: str
    name_zh: str
    name_en: str
    is_key: bool
    deferrable: bool
    item_codes: list[str] = field(default_factory=list)
    satisfied_by: str = ""  # "" | library | certificate | in_stage | assessment (区域评估)
    file_id: int | None = None
    certificate_id: int | None = None
    assessment: str = ""  # the 区域评估 that stands for it (its name)
    valid_until: dt.date | None = None  # of the copy on file
    expired_on: dt.date | None = None  # the library's copy ended: a new one is asked for


@dataclass(frozen=True)
class FormItem:
    """An item the stage's form applies for, with its promised limit in this process."""

    item_id: int
    code: str
    name_zh: str
    name_en: str
    dept_kind: str
    limit_days: int


@dataclass
class StageForm:
    process_id: int
    stage_code: int
    stage_limit: int
    items: list[FormItem]
    materials: list[MaterialNeed]


def process_for(session: Session, *, project: Project) -> Process:
    """The project's pinned process, or the city's active one for its type."""
    if project.process_id is not None:
        process = session.get(Process, project.process_id)
    else:
        process = catalogue.active_process(
            session,
            region_code=city_of(session, project.region_code),
            process_type=project.process_type,
        )
    if process is None:
        raise DomainError("guide.no_process")
    return process


def condition_holds(condition: str, facts: dict[str, Any]) -> bool:
    return not condition or bool(facts.get(condition))


def stage_questions(session: Session, *, project: Project, stage_code: int) -> list[dict[str, Any]]:
    """The guided questionnaire (智能引导) for a stage: one yes/no question per condition that
    decides whether an item applies, pre-answered from the project's attributes."""
    process = process_for(session, project=project)
    conditions = sorted(
        {
            pi.condition
            for pi in session.exec(
                select(ProcessItem).where(
                    ProcessItem.process_id == process.id, ProcessItem.stage_code == stage_code
                )
            )
            if pi.condition
        }
    )
    facts = project.attributes or {}
    # 核准 and 备案 are two answers to one question.
    if "needs_core_approval" in conditions:
        conditions = [c for c in conditions if c != "needs_core_approval"]
        if "filing_only" not in conditions:
            conditions.append("filing_only")
    return [{"key": c, "value": bool(facts.get(c))} for c in sorted(conditions)]


def normalise_answers(answers: dict[str, Any]) -> dict[str, bool]:
    out = {k: bool(v) for k, v in answers.items()}
    if "filing_only" in out:
        out["needs_core_approval"] = not out["filing_only"]
    return out


_T_PSTAGE = table_of(ProcessStage)
_STAGE_LIMIT = select(_T_PSTAGE.c.limit_days).where(
    _T_PSTAGE.c.process_id == bindparam("process_id"),
    _T_PSTAGE.c.stage_code == bindparam("stage_code"),
)

_T_PI = table_of(ProcessItem)
_T_ITEM = table_of(Item)
_PROCESS_ITEMS = (
    select(
        _T_PI.c.item_id,
        _T_PI.c.limit_days,
        _T_PI.c.condition,
        _T_ITEM.c.code,
        _T_ITEM.c.name_zh,
        _T_ITEM.c.name_en,
        _T_ITEM.c.dept_kind,
    )
    .join(_T_ITEM, _T_ITEM.c.id == _T_PI.c.item_id)
    .where(
        _T_PI.c.process_id == bindparam("process_id"),
        _T_PI.c.stage_code == bindparam("stage_code"),
    )
    .order_by(_T_ITEM.c.code)
)
_T_IM = table_of(ItemMaterial)
_T_MAT = table_of(Material)
# What one item's need of one material says (also read by intake's completeness check).
NEED_COLUMNS = (
    _T_IM.c.is_key,
    _T_IM.c.deferrable,
    _T_MAT.c.id,
    _T_MAT.c.code,
    _T_MAT.c.name_zh,
    _T_MAT.c.name_en,
    _T_MAT.c.satisfied_by_item,
)
_MATERIALS_OF_ITEMS = (
    select(_T_IM.c.item_id, *NEED_COLUMNS)
    .join(_T_MAT, _T_MAT.c.id == _T_IM.c.material_id)
    .where(_T_IM.c.item_id.in_(bindparam("item_ids", expanding=True)))
    .order_by(_T_IM.c.id)
)


def stage_form(
    session: Session,
    *,
    project: Project,
    stage_code: int,
    answers: dict[str, Any] | None = None,
    today: dt.date | None = None,
) -> StageForm:
    # A project keeps the process version it was first filed under (a foreign key, so it
    # exists); only a project's first form looks up its city's active process.
    process_id = project.process_id or process_for(session, project=project).id
    assert process_id is not None
    stage_limit = (
        reading(session)
        .execute(_STAGE_LIMIT, {"process_id": process_id, "stage_code": stage_code})
        .scalar()
    )
    if stage_limit is None:
        raise DomainError("guide.no_stage", stage=stage_code)
    facts = {**(project.attributes or {}), **(answers or {})}
    rows = reading(session).execute(
        _PROCESS_ITEMS, {"process_id": process_id, "stage_code": stage_code}
    )
    items = [
        FormItem(r.item_id, r.code, r.name_zh, r.name_en, r.dept_kind, r.limit_days)
        for r in rows
        if condition_holds(r.condition, facts)
    ]
    needs: dict[int, MaterialNeed] = {}
    by_item: dict[int, list[Any]] = {}
    for row in reading(session).execute(
        _MATERIALS_OF_ITEMS, {"item_ids": [item.item_id for item in items]}
    ):
        by_item.setdefault(row.item_id, []).append(row)
    satisfied_by_item: dict[int, str | None] = {}
    for item in items:
        for m in by_item.get(item.item_id, []):
            satisfied_by_item[m.id] = m.satisfied_by_item
            need = needs.get(m.id)
            if need is None:
                need = needs[m.id] = MaterialNeed(
                    m.id, m.code, m.name_zh, m.name_en, m.is_key, m.deferrable
                )
            else:
                # A material one item needs as key stays key; deferrable only if all allow it.
                need.is_key = need.is_key or m.is_key
                need.deferrable = need.deferrable and m.deferrable and not need.is_key
            need.item_codes.append(item.code)
    _mark_satisfied(session, project=project, needs=needs, today=today or today_in_china())
    # A result another item of this very stage produces is not asked of the applicant.
    stage_codes = {item.code for item in items}
    for mat_id, made_by in satisfied_by_item.items():
        if made_by in stage_codes and not needs[mat_id].satisfied_by:
            needs[mat_id].satisfied_by = "in_stage"
    return StageForm(
        process_id,
        stage_code,
        stage_limit,
        items,
        sorted(needs.values(), key=lambda n: n.code),
    )


_T_CERT = table_of(Certificate)
_T_LIB = table_of(LibraryMaterial)
_VALID_CERTIFICATES = (
    select(_T_CERT.c.id, _T_CERT.c.material_id, _T_CERT.c.valid_until)
    .where(
        _T_CERT.c.project_id == bindparam("project_id"),
        _T_CERT.c.status == "valid",
        _T_CERT.c.material_id.in_(bindparam("material_ids", expanding=True)),
    )
    .order_by(_T_CERT.c.id)
)
# The company-wide library and this project's own entries (an accepted intermediary result);
# the project's entry comes first and wins.
_LIBRARY = (
    select(_T_LIB.c.material_id, _T_LIB.c.file_id, _T_LIB.c.valid_until)
    .where(
        _T_LIB.c.company_id == bindparam("company_id"),
        _T_LIB.c.material_id.in_(bindparam("material_ids", expanding=True)),
        or_(_T_LIB.c.project_id.is_(None), _T_LIB.c.project_id == bindparam("project_id")),
    )
    .order_by(_T_LIB.c.project_id.is_(None), _T_LIB.c.id)
)


def _mark_satisfied(
    session: Session, *, project: Project, needs: dict[int, MaterialNeed], today: dt.date
) -> None:
    """What earlier certificates (first) or the company's material library already cover."""
    if not needs:
        return
    # 区域评估 first: an area's valid assessment stands for the material, nothing is uploaded
    by_code = {n.code: n for n in needs.values()}
    for area in assessments.covering(
        session,
        region_code=project.region_code,
        longitude=project.longitude,
        latitude=project.latitude,
        today=today,
    ):
        for code in area.exempts:
            if (need := by_code.get(code)) is not None and not need.satisfied_by:
                need.satisfied_by, need.assessment = "assessment", area.name
    conn = reading(session)
    ids = list(needs)
    for cert in conn.execute(_VALID_CERTIFICATES, {"project_id": project.id, "material_ids": ids}):
        if (cert.valid_until is None or cert.valid_until >= today) and not needs[
            cert.material_id
        ].satisfied_by:
            need = needs[cert.material_id]
            need.satisfied_by, need.certificate_id = "certificate", cert.id
            need.valid_until = cert.valid_until
    for lib in conn.execute(
        _LIBRARY, {"company_id": project.company_id, "material_ids": ids, "project_id": project.id}
    ):
        need = needs[lib.material_id]
        if need.satisfied_by:
            continue
        if lib.valid_until is None or lib.valid_until >= today:
            need.satisfied_by, need.file_id = "library", lib.file_id
            need.valid_until, need.expired_on = lib.valid_until, None
        elif need.expired_on is None:  # an expired copy is never accepted in place of one
            need.expired_on = lib.valid_until
