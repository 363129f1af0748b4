"""Stage applications and one-window intake (一窗受理): submit, 接件, completeness, 受理 /
容缺受理, 不受理 / 不予受理, withdrawal. Supplement notices (一次性告知) are in supplements."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert
from sqlmodel import Session, col, select

from eap.db import reading
from eap.errors import DomainError
from eap.models import (
    Department,
    Item,
    ItemCase,
    ItemMaterial,
    Material,
    Project,
    StageCase,
    StageDef,
    StageMaterial,
    StoredFile,
)
from eap.services import case_store, engine
from eap.services.accounts import Principal
from eap.services.audit import record
from eap.services.authz import city_of, require_applicant, require_window
from eap.services.clock import WorkCalendar, local_date
from eap.services.drafts import discard_draft
from eap.services.guide import NEED_COLUMNS, normalise_answers, stage_form
from eap.services.notify import notify_applicant

OPEN_STAGE_STATES = ("submitted", "received", "supplement", "accepted")
_INSERT_STAGE_MATERIAL = insert(StageMaterial.__table__)  # type: ignore[attr-defined]
_T_STAGE = StageCase.__table__  # type: ignore[attr-defined]
_OPEN_STAGE_CASE = select(_T_STAGE.c.id).where(
    _T_STAGE.c.project_id == bindparam("project_id"),
    _T_STAGE.c.stage_code == bindparam("stage_code"),
    _T_STAGE.c.status.in_(OPEN_STAGE_STATES),
)
_LEAD_KIND = select(StageDef.__table__.c.lead_kind).where(  # type: ignore[attr-defined]
    StageDef.__table__.c.code == bindparam("code")  # type: ignore[attr-defined]
)
_INSERT_ITEM_CASE = insert(ItemCase.__table__)  # type: ignore[attr-defined]
# A new item case: submitted (BLZT 0 is ours), at the window, no clock yet.
NEW_ITEM_CASE: dict[str, Any] = {
    "status": engine.SUBMITTED,
    "phase": "intake",
    "promise": False,
    "waiting_on": "",
    "blocked_reason": "",
    "clock_started_at": None,
    "due_date": None,
    "due_provisional": False,
    "paused_since": None,
    "pause_kind": "",
    "paused_days": 0,
    "supplements": 0,
    "handler_id": None,
    "decided_at": None,
    "used_days": 0,
    "step": 0,
    "proposal": {},
    "assignee_id": None,
    "version": 1,
}


_T_DEPT = Department.__table__  # type: ignore[attr-defined]
_DEPARTMENT_OF_KIND = (
    select(_T_DEPT.c.id)
    .where(_T_DEPT.c.region_code == bindparam("region"), _T_DEPT.c.kind == bindparam("kind"))
    .order_by(_T_DEPT.c.id)
    .limit(1)
)


def _department_id(session: Session, region_code: str, kind: str) -> int:
    """The department of a kind in a city, e.g. the 住建局 of 南昌."""
    dept_id = (
        reading(session).execute(_DEPARTMENT_OF_KIND, {"region": region_code, "kind": kind})
    ).scalar()
    if dept_id is None:
        raise DomainError("intake.no_department", kind=kind)
    return dept_id


def check_files(session: Session, *, project: Project, uploads: dict[str, int]) -> dict[str, int]:
    for code, file_id in uploads.items():
        file = session.get(StoredFile, file_id)
        if file is None or file.company_id != project.company_id:
            raise DomainError("intake.bad_file", field=code, code=code)
    return uploads


def submit_stage_application(
    session: Session,
    *,
    principal: Principal,
    project_id: int,
    stage_code: int,
    answers: dict[str, Any] | None = None,
    uploads: dict[str, int] | None = None,
    channel: int = 2,
    now: dt.datetime | None = None,
) -> StageCase:
    """File the one form for a stage: one stage case, one item case per applicable item."""
    now = engine.now_or(now)
    project = session.get(Project, project_id)
    if project is None:
        raise DomainError("error.not_found")
    require_applicant(principal, project)
    if stage_code not in (1, 2, 3, 4, 5):
        raise DomainError("intake.bad_stage", stage=stage_code)
    if stage_code != 5 and stage_code != project.current_stage:
        raise DomainError("intake.stage_not_open", stage=stage_code, current=project.current_stage)
    if project.completed_at is not None:
        raise DomainError("intake.project_completed")
    busy = (
        reading(session)
        .execute(_OPEN_STAGE_CASE, {"project_id": project_id, "stage_code": stage_code})
        .first()
    )
    if busy:
        raise DomainError("intake.already_open", stage=stage_code)
    answers = normalise_answers(answers or {})
    form = stage_form(
        session, project=project, stage_code=stage_code, answers=answers, today=local_date(now)
    )
    if not form.items:
        raise DomainError("intake.no_items", stage=stage_code)
    uploads = check_files(session, project=project, uploads=uploads or {})
    known = {need.code for need in form.materials}
    stray = sorted(set(uploads) - known)
    if stray:
        raise DomainError("intake.unknown_material", codes=",".join(stray))
    region = city_of(session, project.region_code)
    lead_kind = reading(session).execute(_LEAD_KIND, {"code": stage_code}).scalar_one()
    lead_id = _department_id(session, region, lead_kind)
    project.process_id = form.process_id
    session.add(project)
    stage_case = StageCase(
        project_id=project_id,
        process_id=form.process_id,
        stage_code=stage_code,
        region_code=region,
        lead_department_id=lead_id,
        channel=channel,
        answers=answers or {},
        submitted_by=principal.user_id,
        submitted_at=now,
        limit_days=form.stage_limit,
    )
    session.add(stage_case)
    session.flush()
    assert stage_case.id is not None
    # BLSPSLBM carries the row id, so it is known only once the row is in.
    case_store.update_stage(
        session, stage_case, case_no=f"{region}{local_date(now):%Y%m%d}{stage_case.id:08d}"
    )
    rows = []
    for need in form.materials:
        file_id = uploads.get(need.code)
        source = "upload"
        if file_id is None and need.satisfied_by == "library":
            file_id, source = need.file_id, "library"
        rows.append(
            {
                "stage_case_id": stage_case.id,
                "material_id": need.material_id,
                "file_id": file_id,
                "certificate_id": need.certificate_id if file_id is None else None,
                "source": "certificate" if file_id is None and need.certificate_id else source,
                "owed": False,
                "owed_until": None,
            }
        )
    if rows:
        session.connection().execute(_INSERT_STAGE_MATERIAL, rows)
    departments: dict[str, int] = {}
    cases = []
    for n, item in enumerate(form.items, start=1):
        if item.dept_kind not in departments:
            departments[item.dept_kind] = _department_id(session, region, item.dept_kind)
        cases.append(
            {
                **NEW_ITEM_CASE,
                "case_no": f"{stage_case.case_no}{n:02d}",
                "stage_case_id": stage_case.id,
                "project_id": project_id,
                "item_id": item.item_id,
                "department_id": departments[item.dept_kind],
                "limit_days": item.limit_days,
                "updated_at": now,
            }
        )
    session.connection().execute(_INSERT_ITEM_CASE, cases)
    discard_draft(session, project_id=project_id, stage_code=stage_code)
    case_store.write_event(
        session,
        stage_case_id=stage_case.id,
        item_case=None,
        action="submit",
        principal=principal,
        now=now,
    )
    record(
        session,
        actor_id=principal.user_id,
        action="case.submit",
        entity="stagecase",
        entity_id=stage_case.id,
    )
    session.flush()
    return stage_case


_LOAD_STAGE = (
    select(StageCase, Project)
    .join(Project, col(Project.id) == col(StageCase.project_id))
    .where(col(StageCase.id) == bindparam("id"))
)


def load_stage(session: Session, stage_case_id: int) -> tuple[StageCase, Project]:
    """A stage case with its project, in one query."""
    row = session.execute(_LOAD_STAGE, {"id": stage_case_id}).first()
    if row is None:
        raise DomainError("error.not_found")
    return row[0], row[1]


def item_cases(session: Session, stage_case_id: int) -> list[ItemCase]:
    return list(
        session.exec(
            select(ItemCase)
            .where(ItemCase.stage_case_id == stage_case_id)
            .order_by(col(ItemCase.id))
        )
    )


def receive_case(
    session: Session, *, principal: Principal, stage_case_id: int, now: dt.datetime | None = None
) -> StageCase:
    """接件: the window takes the application in (BLZT 1 for every item)."""
    now = engine.now_or(now)
    stage_case, project = load_stage(session, stage_case_id)
    require_window(principal, stage_case)
    if stage_case.status != "submitted":
        raise DomainError("case.illegal_transition", action="receive", status=stage_case.status)
    case_store.update_stage(session, stage_case, status="received", received_at=now)
    engine.transition_all(
        session,
        cases=[c for c in item_cases(session, stage_case_id) if c.status == engine.SUBMITTED],
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


_T_SM = StageMaterial.__table__  # type: ignore[attr-defined]
_T_CASE = ItemCase.__table__  # type: ignore[attr-defined]
_T_ITEM = Item.__table__  # type: ignore[attr-defined]
_T_IM = ItemMaterial.__table__  # type: ignore[attr-defined]
_T_MAT = Material.__table__  # type: ignore[attr-defined]
_SUPPLIED = select(_T_SM.c.material_id).where(
    _T_SM.c.stage_case_id == bindparam("stage_case_id"),
    (_T_SM.c.file_id.is_not(None)) | (_T_SM.c.certificate_id.is_not(None)),
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
        if r.id is None or r.status in engine.TERMINAL:
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
    now = engine.now_or(now)
    stage_case, project = load_stage(session, stage_case_id)
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
        for c in item_cases(session, stage_case_id)
        if c.status in (engine.RECEIVED, engine.SUPPLEMENT_SUPPLIED)
    ]
    if not accepted:
        raise DomainError("intake.nothing_to_accept")
    # Whether a prerequisite is met does not depend on the acceptance of its siblings (neither
    # before nor after it is approved), so it is decided first and lands in the same write.
    unmet = engine.unmet_prerequisites_all(session, cases=accepted)

    def dispatch(case: ItemCase) -> None:
        waiting, refused = unmet[case.id]
        if refused:
            case.blocked_reason = ",".join(refused)
        elif waiting:
            case.waiting_on = ",".join(waiting)
        else:
            engine.start_clock(case, now=now, cal=cal)

    engine.transition_all(
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
        from eap.services.results import project_target

        target = project_target(session, project=project)
        if target is not None:
            left = max(0, target - project.used_days)
            project.target_due = cal.add_working_days(today, left).day
    session.add(project)
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
    now = engine.now_or(now)
    if not reason.strip():
        raise DomainError("case.reason_required", field="reason")
    stage_case, project = load_stage(session, stage_case_id)
    require_window(principal, stage_case)
    cal = WorkCalendar.load(session)
    targets = [
        c
        for c in item_cases(session, stage_case_id)
        if item_case_ids is None or c.id in item_case_ids
    ]
    if not targets:
        raise DomainError("error.not_found")
    engine.transition_all(
        session,
        cases=targets,
        action="refuse_intake" if formal else "not_take",
        principal=principal,
        opinion=reason,
        now=now,
        cal=cal,
    )
    if all(c.status in engine.TERMINAL for c in item_cases(session, stage_case_id)):
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


def withdraw_application(
    session: Session,
    *,
    principal: Principal,
    stage_case_id: int,
    reason: str,
    now: dt.datetime | None = None,
) -> StageCase:
    """The applicant withdraws: before acceptance every item is 撤件 (2); after, every open
    item is 撤回 (14) and decisions already made stand."""
    now = engine.now_or(now)
    stage_case, project = load_stage(session, stage_case_id)
    require_applicant(principal, project)
    if stage_case.status in ("closed", "refused", "withdrawn"):
        raise DomainError("case.illegal_transition", action="withdraw", status=stage_case.status)
    cal = WorkCalendar.load(session)
    open_cases = [c for c in item_cases(session, stage_case_id) if c.status not in engine.TERMINAL]
    # 撤件 (2) before acceptance, 撤回 (14) after: one batch move each (sorted out first, since
    # a move changes the phase).
    by_action = {
        "withdraw_before": [c for c in open_cases if c.phase == "intake"],
        "withdraw": [c for c in open_cases if c.phase != "intake"],
    }
    for action, cases in by_action.items():
        engine.transition_all(
            session,
            cases=cases,
            action=action,
            principal=principal,
            opinion=reason,
            now=now,
            cal=cal,
        )
    case_store.update_stage(session, stage_case, status="withdrawn", closed_at=now)
    notify_applicant(
        session,
        project=project,
        key="notify.withdrawn",
        now=now,
        stage_case_id=stage_case.id,
        case_no=stage_case.case_no,
    )
    record(
        session,
        actor_id=principal.user_id,
        action="case.withdraw",
        entity="stagecase",
        entity_id=stage_case_id,
    )
    session.flush()
    return stage_case
