"""One-window intake (一窗受理) of a filed application: 接件, completeness, 受理 / 容缺受理,
不受理 / 不予受理. Filing is in ``filing``; supplement notices (一次性告知) in ``supplements``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, select

from eap.db import reading
from eap.errors import DomainError
from eap.models import (
    Item,
    ItemCase,
    ItemMaterial,
    Material,
    StageCase,
    StageMaterial,
)
from eap.models.cases import TERMINAL, Blzt
from eap.models.common import table_of
from eap.services.approval import case_clock, case_store, drawing_review, moves, prerequisites
from eap.services.core.audit import record
from eap.services.core.authz import require_window
from eap.services.core.clock import WorkCalendar, local_date, now_or
from eap.services.core.notify import notify_applicant
from eap.services.core.principal import Principal
from eap.services.hall import library
from eap.services.hall.guide import NEED_COLUMNS


def receive_case(
    session: Session, *, principal: Principal, stage_case_id: int, now: dt.datetime | None = None
) -> StageCase:
    """接件: the window takes the application in (BLZT 1 for every item)."""
    now = now_or(now)
    stage_case, project = case_store.load_stage(session, stage_case_id)
    require_window(principal, stage_case)
    if stage_case.status != "submitted":
        raise DomainError("case.illegal_transition", action="receive", status=stage_case.status)
    case_store.update_stage(session, stage_case, status="received", received_at=now)
    moves.transition_all(
        session,
        cases=[
            c for c in case_store.item_cases(session, stage_case_id) if c.status == Blzt.SUBMITTED
        ],
        action="receive",
        principal=principal,
        now=now,
        cal=WorkCalendar.load(session),
    )
    notify_applicant(
        session,
        project=project,
        key="notify.received",
        now=now,
        stage_case_id=stage_case.id,
        case_no=stage_case.case_no,
    )
    record(
        session,
        actor_id=principal.user_id,
        action="case.receive",
        entity="stagecase",
        entity_id=stage_case_id,
    )
    session.flush()
    return stage_case


@dataclass(frozen=True)
class Missing:
    material_id: int
    code: str
    name_zh: str
    name_en: str
    is_key: bool
    deferrable: bool
    item_codes: tuple[str, ...]


_T_SM = table_of(StageMaterial)
_T_CASE = table_of(ItemCase)
_T_ITEM = table_of(Item)
_T_IM = table_of(ItemMaterial)
_T_MAT = table_of(Material)
_SUPPLIED = select(_T_SM.c.material_id).where(
    _T_SM.c.stage_case_id == bindparam("stage_case_id"),
    (_T_SM.c.file_id.is_not(None))
    | (_T_SM.c.certificate_id.is_not(None))
    | (_T_SM.c.source == "assessment"),  # 区域评估 stands for it
)
# Every (item, material) need of the stage's cases, with whether the case is still open.
_NEEDS = (
    select(_T_CASE.c.status, _T_ITEM.c.code.label("item_code"), *NEED_COLUMNS)
    .join(_T_ITEM, _T_ITEM.c.id == _T_CASE.c.item_id)
    .outerjoin(_T_IM, _T_IM.c.item_id == _T_ITEM.c.id)
    .outerjoin(_T_MAT, _T_MAT.c.id == _T_IM.c.material_id)
    .where(_T_CASE.c.stage_case_id == bindparam("stage_case_id"))
    .order_by(_T_CASE.c.id, _T_IM.c.id)
)


def completeness(session: Session, *, stage_case_id: int) -> list[Missing]:
    """Materials of the form with neither a file nor a certificate, and who needs them."""
    conn = reading(session)
    params = {"stage_case_id": stage_case_id}
    supplied = set(conn.execute(_SUPPLIED, params).scalars())
    rows = conn.execute(_NEEDS, params).all()
    stage_codes = {r.item_code for r in rows}
    missing: dict[int, dict[str, Any]] = {}
    for r in rows:
        if r.id is None or r.status in TERMINAL:
            continue
        if r.id in supplied or r.satisfied_by_item in stage_codes:
            continue
        entry = missing.setdefault(r.id, {"mat": r, "key": False, "defer": True, "items": []})
        entry["key"] = entry["key"] or r.is_key
        entry["defer"] = entry["defer"] and r.deferrable and not entry["key"]
        entry["items"].append(r.item_code)
    return [
        Missing(
            m["mat"].id,
            m["mat"].code,
            m["mat"].name_zh,
            m["mat"].name_en,
            m["key"],
            m["defer"],
            tuple(sorted(m["items"])),
        )
        for m in sorted(missing.values(), key=lambda e: e["mat"].code)
    ]


def accept_case(
    session: Session,
    *,
    principal: Principal,
    stage_case_id: int,
    owed: dict[str, dt.date] | None = None,
    opinion: str = "",
    now: dt.datetime | None = None,
) -> StageCase:
    """受理: every item's clock starts. 容缺受理: non-key materials may be owed until a date.

    Items whose prerequisites are not yet approved are dispatched but wait, clock stopped,
    until the prerequisite is approved.
    """
    now = now_or(now)
    stage_case, project = case_store.load_stage(session, stage_case_id)
    require_window(principal, stage_case)
    if stage_case.status not in ("received",):
        raise DomainError("case.illegal_transition", action="accept", status=stage_case.status)
    owed = owed or {}
    missing = completeness(session, stage_case_id=stage_case_id)
    not_owed = [m for m in missing if m.code not in owed]
    if not_owed:
        raise DomainError("intake.incomplete", codes=",".join(m.code for m in not_owed))
    key_owed = [m for m in missing if m.code in owed and not m.deferrable]
    if key_owed:
        raise DomainError("intake.key_owed", codes=",".join(m.code for m in key_owed))
    today = local_date(now)
    for m in missing:
        if owed[m.code] <= today:
            raise DomainError("intake.owed_date", code=m.code)
        sm = session.exec(
            select(StageMaterial).where(
                StageMaterial.stage_case_id == stage_case_id,
                StageMaterial.material_id == m.material_id,
            )
        ).one()
        sm.owed, sm.owed_until = True, owed[m.code]
        session.add(sm)
    cal = WorkCalendar.load(session)
    due = cal.add_working_days(today, stage_case.limit_days)
    case_store.update_stage(
        session, stage_case, status="accepted", accepted_at=now, due_date=due.day
    )
    accepted = [
        c
        for c in case_store.item_cases(session, stage_case_id)
        if c.status in (Blzt.RECEIVED, Blzt.SUPPLEMENT_SUPPLIED)
    ]
    if not accepted:
        raise DomainError("intake.nothing_to_accept")
    # Whether a prerequisite is met does not depend on the acceptance of its siblings (neither
    # before nor after it is approved), so it is decided first and lands in the same write.
    unmet = prerequisites.unmet_prerequisites_all(session, cases=accepted)

    def dispatch(case: ItemCase) -> None:
        assert case.id is not None
        waiting, refused = unmet[case.id]
        if refused:
            case.blocked_reason = ",".join(refused)
        elif waiting:
            case.waiting_on = ",".join(waiting)
        else:
            case_clock.start_clock(case, now=now, cal=cal)

    moves.transition_all(
        session,
        cases=accepted,
        action="accept",
        principal=principal,
        opinion=opinion,
        now=now,
        cal=cal,
        detail={"owed": sorted(owed)} if owed else None,
        then=dispatch,
    )
    if not project.locked:
        project.locked, project.first_accepted_at = True, now
    if stage_case.stage_code in (1, 2, 3, 4):
        target = case_clock.project_target(session, project=project)
        if target is not None:
            left = max(0, target - project.used_days)
            project.target_due = cal.add_working_days(today, left).day
    session.add(project)
    # What the window accepted is on file for the company's later applications (材料库).
    library.keep_accepted_materials(session, stage_case=stage_case, project=project)
    drawing_review.open_review(
        session, stage_case=stage_case, project=project, principal=principal, now=now
    )
    notify_applicant(
        session,
        project=project,
        key="notify.accepted",
        now=now,
        stage_case_id=stage_case.id,
        case_no=stage_case.case_no,
    )
    record(
        session,
        actor_id=principal.user_id,
        action="case.accept",
        entity="stagecase",
        entity_id=stage_case_id,
        detail={"owed": sorted(owed)},
    )
    session.flush()
    return stage_case


def refuse_intake(
    session: Session,
    *,
    principal: Principal,
    stage_case_id: int,
    formal: bool,
    reason: str,
    item_case_ids: list[int] | None = None,
    now: dt.datetime | None = None,
) -> StageCase:
    """不受理 (4, e.g. not this office's matter) or 不予受理 (5, formal refusal with reasons),
    for the whole application or for some of its items."""
    now = now_or(now)
    if not reason.strip():
        raise DomainError("case.reason_required", field="reason")
    stage_case, project = case_store.load_stage(session, stage_case_id)
    require_window(principal, stage_case)
    cal = WorkCalendar.load(session)
    targets = [
        c
        for c in case_store.item_cases(session, stage_case_id)
        if item_case_ids is None or c.id in item_case_ids
    ]
    if not targets:
        raise DomainError("error.not_found")
    moves.transition_all(
        session,
        cases=targets,
        action="refuse_intake" if formal else "not_take",
        principal=principal,
        opinion=reason,
        now=now,
        cal=cal,
    )
    if all(c.status in TERMINAL for c in case_store.item_cases(session, stage_case_id)):
        case_store.update_stage(session, stage_case, status="refused", closed_at=now)
    notify_applicant(
        session,
        project=project,
        key="notify.refused_intake" if formal else "notify.not_taken",
        now=now,
        stage_case_id=stage_case.id,
        case_no=stage_case.case_no,
        reason=reason,
    )
    record(
        session,
        actor_id=principal.user_id,
        action="case.refuse_intake",
        entity="stagecase",
        entity_id=stage_case_id,
        detail={"formal": formal},
    )
    session.flush()
    return stage_case
