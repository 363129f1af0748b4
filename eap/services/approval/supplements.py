"""Supplement notices (一次性告知 / 补正): the window or a department lists every missing
material at once; the applicant answers them in one step, and the cases move on."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from eap.errors import DomainError
from eap.models import ItemCase, Material, StageMaterial, SupplementNotice
from eap.models.cases import Blzt
from eap.services.approval import case_store, moves
from eap.services.approval.case_store import item_cases, load_stage
from eap.services.approval.filing import check_files
from eap.services.core.audit import record
from eap.services.core.authz import require_applicant, require_window
from eap.services.core.clock import WorkCalendar, now_or
from eap.services.core.notify import notify_applicant
from eap.services.core.principal import Principal


def request_intake_supplement(
    session: Session,
    *,
    principal: Principal,
    stage_case_id: int,
    materials: list[dict[str, str]],
    remarks: str = "",
    now: dt.datetime | None = None,
) -> SupplementNotice:
    """一次性告知 at the window: list every missing material at once (code + remark)."""
    now = now_or(now)
    stage_case, project = load_stage(session, stage_case_id)
    require_window(principal, stage_case)
    if stage_case.status != "received":
        raise DomainError("case.illegal_transition", action="supplement", status=stage_case.status)
    notice = make_notice(
        session,
        stage_case_id=stage_case_id,
        item_case=None,
        principal=principal,
        materials=materials,
        remarks=remarks,
        now=now,
    )
    case_store.update_stage(session, stage_case, status="supplement")
    moves.transition_all(
        session,
        cases=[
            c
            for c in item_cases(session, stage_case_id)
            if c.status in (Blzt.RECEIVED, Blzt.SUPPLEMENT_SUPPLIED)
        ],
        action="intake_supplement",
        principal=principal,
        opinion=remarks,
        now=now,
        cal=WorkCalendar.load(session),
        detail={"notice": notice.id},
    )
    notify_applicant(
        session,
        project=project,
        key="notify.supplement",
        now=now,
        stage_case_id=stage_case.id,
        case_no=stage_case.case_no,
        count=len(notice.materials),
    )
    session.flush()
    return notice


def make_notice(
    session: Session,
    *,
    stage_case_id: int,
    item_case: ItemCase | None,
    principal: Principal,
    materials: list[dict[str, str]],
    remarks: str,
    now: dt.datetime,
) -> SupplementNotice:
    if not materials:
        raise DomainError("supplement.empty", field="materials")
    codes = [m.get("code", "") for m in materials]
    in_form = {
        mat.code: mat
        for mat in session.exec(
            select(Material)
            .join(StageMaterial, col(StageMaterial.material_id) == col(Material.id))
            .where(StageMaterial.stage_case_id == stage_case_id)
        )
    }
    unknown = [c for c in codes if c not in in_form]
    if unknown:
        raise DomainError("intake.unknown_material", codes=",".join(unknown))
    notice = SupplementNotice(
        stage_case_id=stage_case_id,
        item_case_id=item_case.id if item_case else None,
        materials=[
            {
                "code": c,
                "name_zh": in_form[c].name_zh,
                "name_en": in_form[c].name_en,
                "remark": m.get("remark", ""),
            }
            for c, m in zip(codes, materials, strict=True)
        ],
        remarks=remarks,
        issued_by=principal.user_id,
        issued_at=now,
    )
    session.add(notice)
    session.flush()
    return notice


def supply_supplement(
    session: Session,
    *,
    principal: Principal,
    notice_id: int,
    uploads: dict[str, int],
    now: dt.datetime | None = None,
) -> SupplementNotice:
    """Answer a supplement notice in one step: every listed material, or nothing changes."""
    now = now_or(now)
    notice = session.get(SupplementNotice, notice_id)
    if notice is None:
        raise DomainError("error.not_found")
    stage_case, project = load_stage(session, notice.stage_case_id)
    require_applicant(principal, project)
    if notice.answered_at is not None:
        raise DomainError("supplement.already_answered")
    wanted = [m["code"] for m in notice.materials]
    lacking = [c for c in wanted if c not in uploads]
    if lacking:
        raise DomainError("supplement.incomplete", field="materials", codes=",".join(lacking))
    check_files(session, project=project, uploads=uploads)
    for code in wanted:
        mat = session.exec(select(Material).where(Material.code == code)).one()
        sm = session.exec(
            select(StageMaterial).where(
                StageMaterial.stage_case_id == stage_case.id, StageMaterial.material_id == mat.id
            )
        ).one()
        sm.file_id, sm.source, sm.owed, sm.owed_until = uploads[code], "upload", False, None
        session.add(sm)
    notice.answered_at = now
    session.add(notice)
    cal = WorkCalendar.load(session)
    if notice.item_case_id is None:
        case_store.update_stage(session, stage_case, status="received")
        moves.transition_all(
            session,
            cases=[
                c
                for c in item_cases(session, stage_case.id or 0)
                if c.status == Blzt.SUPPLEMENT_REQUESTED
            ],
            action="intake_supplied",
            principal=principal,
            now=now,
            cal=cal,
        )
    else:
        case = session.get(ItemCase, notice.item_case_id)
        assert case is not None
        moves.transition(
            session,
            case=case,
            action="supplied",
            principal=principal,
            now=now,
            cal=cal,
            detail={"notice": notice.id},
        )
    record(
        session,
        actor_id=principal.user_id,
        action="case.supply",
        entity="notice",
        entity_id=notice_id,
    )
    session.flush()
    return notice
