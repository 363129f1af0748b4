"""The applicant's filing of a stage application (申报): submit the one form's answers and
materials (an item case per item, BLZT 0) and withdraw it (撤件 / 撤回)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import bindparam, insert
from sqlmodel import Session, select

from eap.db import reading
from eap.errors import DomainError
from eap.models import (
    ItemCase,
    Project,
    StageCase,
    StageDef,
    StageMaterial,
    StoredFile,
)
from eap.models.cases import TERMINAL, Blzt
from eap.models.common import table_of
from eap.services.approval import case_store, jurisdiction, moves
from eap.services.core.audit import record
from eap.services.core.authz import city_of, require_applicant
from eap.services.core.clock import WorkCalendar, local_date, now_or
from eap.services.core.notify import notify_applicant
from eap.services.core.principal import Principal
from eap.services.hall.drafts import discard_draft
from eap.services.hall.guide import normalise_answers, stage_form

OPEN_STAGE_STATES = ("submitted", "received", "supplement", "accepted")
_INSERT_STAGE_MATERIAL = insert(table_of(StageMaterial))
_T_STAGE = table_of(StageCase)
_OPEN_STAGE_CASE = select(_T_STAGE.c.id).where(
    _T_STAGE.c.project_id == bindparam("project_id"),
    _T_STAGE.c.stage_code == bindparam("stage_code"),
    _T_STAGE.c.status.in_(OPEN_STAGE_STATES),
)
_LEAD_KIND = select(table_of(StageDef).c.lead_kind).where(
    table_of(StageDef).c.code == bindparam("code")
)
_INSERT_ITEM_CASE = insert(table_of(ItemCase))
# A new item case: submitted (BLZT 0 is ours), at the window, no clock yet.
NEW_ITEM_CASE: dict[str, Any] = {
    "status": Blzt.SUBMITTED,
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
    owed: Collection[str] = (),
    channel: int = 2,
    now: dt.datetime | None = None,
) -> StageCase:
    """File the one form for a stage: one stage case, one item case per applicable item.

    Every material must be on file — uploaded, in the library, an earlier certificate or made
    in this stage — except those the applicant names in ``owed``: only materials 容缺 allows
    may be owed (the window then grants the 容缺受理 with a date), never a key one."""
    project = session.get(Project, project_id)
    if project is None:
        raise DomainError("error.not_found")
    require_applicant(principal, project)
    return file_for_project(
        session,
        principal=principal,
        project=project,
        stage_code=stage_code,
        answers=answers,
        uploads=uploads,
        owed=owed,
        channel=channel,
        now=now,
    )


def file_for_project(
    session: Session,
    *,
    principal: Principal,
    project: Project,
    stage_code: int,
    answers: dict[str, Any] | None = None,
    uploads: dict[str, int] | None = None,
    owed: Collection[str] = (),
    channel: int = 2,
    now: dt.datetime | None = None,
) -> StageCase:
    """The filing itself, once the caller has checked who files: the applicant online
    (``submit_stage_application``) or the window on its behalf (``counter.file_at_counter``)."""
    now = now_or(now)
    project_id = project.id
    assert project_id is not None
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
    missing = [n for n in form.materials if not n.satisfied_by and n.code not in uploads]
    if blocking := [n.code for n in missing if not n.deferrable]:
        raise DomainError("apply.missing_key", field="materials", codes="、".join(blocking))
    if unconfirmed := [n.code for n in missing if n.deferrable and n.code not in set(owed)]:
        raise DomainError("apply.confirm_owed", field="owed", codes="、".join(unconfirmed))
    region = city_of(session, project.region_code)
    routing = jurisdiction.route(session, project=project, item_codes=[i.code for i in form.items])
    lead_kind = reading(session).execute(_LEAD_KIND, {"code": stage_code}).scalar_one()
    lead_id = jurisdiction.department_for(
        session, region_code=routing.window_region, kind=lead_kind
    )
    project.process_id = form.process_id
    if any(n.satisfied_by == "assessment" for n in form.materials):
        project.regional_assessment = True  # SFWCQYPG: a 区域评估 covers the site
    session.add(project)
    stage_case = StageCase(
        project_id=project_id,
        process_id=form.process_id,
        stage_code=stage_code,
        region_code=region,
        window_region_code=routing.window_region,
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
        elif file_id is None and need.satisfied_by == "assessment":
            source = "assessment"  # 区域评估 stands for it: no file, nothing owed
        rows.append(
            {
                "stage_case_id": stage_case.id,
                "material_id": need.material_id,
                "file_id": file_id,
                "certificate_id": need.certificate_id if file_id is None else None,
                "source": "certificate"
                if file_id is None and need.certificate_id and source != "assessment"
                else source,
                "owed": False,
                "owed_until": None,
            }
        )
    if rows:
        session.connection().execute(_INSERT_STAGE_MATERIAL, rows)
    departments: dict[tuple[str, str], int] = {}
    cases = []
    for n, item in enumerate(form.items, start=1):
        where = (routing.region_of(item.code), item.dept_kind)
        if where not in departments:
            departments[where] = jurisdiction.department_for(
                session, region_code=where[0], kind=where[1]
            )
        cases.append(
            {
                **NEW_ITEM_CASE,
                "case_no": f"{stage_case.case_no}{n:02d}",
                "stage_case_id": stage_case.id,
                "project_id": project_id,
                "item_id": item.item_id,
                "department_id": departments[where],
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
        detail={"channel": channel},
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
    now = now_or(now)
    stage_case, project = case_store.load_stage(session, stage_case_id)
    require_applicant(principal, project)
    if stage_case.status in ("closed", "refused", "withdrawn"):
        raise DomainError("case.illegal_transition", action="withdraw", status=stage_case.status)
    cal = WorkCalendar.load(session)
    open_cases = [
        c for c in case_store.item_cases(session, stage_case_id) if c.status not in TERMINAL
    ]
    # 撤件 (2) before acceptance, 撤回 (14) after: one batch move each (sorted out first, since
    # a move changes the phase).
    by_action = {
        "withdraw_before": [c for c in open_cases if c.phase == "intake"],
        "withdraw": [c for c in open_cases if c.phase != "intake"],
    }
    for action, cases in by_action.items():
        moves.transition_all(
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
