"""Results (出件): approval documents, e-certificates (电子证照), stage closure by the lead
department with results delivered together (同步出件), and the project's full-process clock."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import bindparam, func, insert
from sqlmodel import Session, select

from eap.db import reading
from eap.errors import DomainError
from eap.models import (
    ApprovalDocument,
    Certificate,
    Item,
    ItemCase,
    Material,
    Project,
    StageCase,
)
from eap.models.cases import APPROVED_STATES, TERMINAL, Blzt
from eap.models.common import table_of
from eap.services.approval import case_store
from eap.services.approval.case_store import load_stage
from eap.services.approval.rows import Verification
from eap.services.approval.stage_clock import MAIN_LINE
from eap.services.core.audit import record
from eap.services.core.authz import require_lead
from eap.services.core.changes import touch
from eap.services.core.clock import WorkCalendar, local_date, now_or, today_in_china
from eap.services.core.notify import notify_applicant
from eap.services.core.principal import Principal

_T_MATERIAL = table_of(Material)
_MATERIAL_OF_ITEM = (
    select(_T_MATERIAL.c.id)
    .where(_T_MATERIAL.c.satisfied_by_item == bindparam("code"))
    .order_by(_T_MATERIAL.c.id)
    .limit(1)
)
_INSERT_DOCUMENT = insert(table_of(ApprovalDocument))
_INSERT_CERTIFICATE = insert(table_of(Certificate))


def issue_results(
    session: Session,
    *,
    case: ItemCase,
    item: Item | case_store.ItemFacts,
    project: Project | case_store.ProjectFacts,
    now: dt.datetime,
    valid_until: dt.date | None = None,
) -> str:
    """The approval document for every approval; an e-certificate for permit items.

    Returns the document number. Both rows are append-only and written at once.
    """
    issued = local_date(now)
    doc_no = f"{project.region_code[:4]}-{item.code}-{issued.year}-{case.id:07d}"
    conn = session.connection()
    conn.execute(
        _INSERT_DOCUMENT,
        {
            "item_case_id": case.id,
            "doc_no": doc_no,
            "title": f"关于{project.name}{item.name_zh}的批复",
            "issued_on": issued,
            "valid_until": valid_until,
            "file_id": None,
        },
    )
    touch(session, ApprovalDocument, [case.id])
    if item.result_kind == "permit":
        material_id = conn.execute(_MATERIAL_OF_ITEM, {"code": item.code}).scalar()
        conn.execute(
            _INSERT_CERTIFICATE,
            {
                "cert_no": f"{project.region_code}{issued:%Y}{item.code.replace('-', '')}"
                f"{case.id:07d}",
                "item_case_id": case.id,
                "project_id": project.id,
                "company_id": project.company_id,
                "material_id": material_id,
                "name": item.certificate_name or item.name_zh,
                "issued_on": issued,
                "valid_until": valid_until,
                "status": "valid",
                "verify_token": secrets.token_urlsafe(18),
                # the e-certificate library's outbox: written with the certificate
                "library_pending": True,
                "library_attempts": 0,
                "library_error": "",
            },
        )
    return doc_no


def revoke_certificates(session: Session, *, item_case_id: int) -> int:
    certs = session.exec(select(Certificate).where(Certificate.item_case_id == item_case_id)).all()
    for cert in certs:
        cert.status = "revoked"
        cert.library_pending, cert.library_attempts, cert.library_next_at = True, 0, None
        session.add(cert)
    return len(certs)


_T_CASE = table_of(ItemCase)
_T_DOC = table_of(ApprovalDocument)
_STAGE_ITEMS = select(
    _T_CASE.c.case_no, _T_CASE.c.status, _T_CASE.c.decided_at, _T_CASE.c.paused_days
).where(_T_CASE.c.stage_case_id == bindparam("stage_case_id"))
_DOC_COUNT = (
    select(func.count())
    .select_from(_T_DOC.join(_T_CASE, _T_CASE.c.id == _T_DOC.c.item_case_id))
    .where(_T_CASE.c.stage_case_id == bindparam("stage_case_id"))
)


def close_stage(
    session: Session,
    *,
    principal: Principal,
    stage_case_id: int,
    opinion: str = "",
    now: dt.datetime | None = None,
) -> StageCase:
    """The lead department closes a stage whose items are all finished; results go out together.

    The next main-line stage opens when nothing in this one was refused; closing stage 4
    completes the project and fixes its full-process days.
    """
    now = now_or(now)
    stage_case, project = load_stage(session, stage_case_id)
    require_lead(principal, stage_case)
    if stage_case.status != "accepted":
        raise DomainError("case.illegal_transition", action="close", status=stage_case.status)
    cases = reading(session).execute(_STAGE_ITEMS, {"stage_case_id": stage_case_id}).all()
    open_cases = [c.case_no for c in cases if c.status not in TERMINAL]
    if open_cases:
        raise DomainError("stage.items_open", codes=",".join(open_cases))
    cal = WorkCalendar.load(session)
    case_store.update_stage(
        session,
        stage_case,
        status="closed",
        closed_at=now,
        used_days=stage_days_used(stage_case, now=now, cal=cal),
    )
    case_store.write_event(
        session,
        stage_case_id=stage_case.id,
        item_case=None,
        action="close_stage",
        principal=principal,
        opinion=opinion,
        now=now,
        office=case_store.office_name(session, stage_case.lead_department_id),
    )
    all_ok = all(
        c.status in APPROVED_STATES
        for c in cases
        if c.status not in (Blzt.WITHDRAWN, Blzt.WITHDRAWN_BEFORE)
    )
    if stage_case.stage_code in MAIN_LINE:
        project.used_days = full_process_days(session, project_id=project.id or 0)
        project.target_due = None  # the applicant's time between stages is not counted
        if all_ok and project.current_stage == stage_case.stage_code:
            if stage_case.stage_code == 4:
                project.completed_at = now
            else:
                project.current_stage = stage_case.stage_code + 1
        session.add(project)
    docs = reading(session).execute(_DOC_COUNT, {"stage_case_id": stage_case_id}).scalar()
    notify_applicant(
        session,
        project=project,
        key="notify.stage_closed",
        now=now,
        stage_case_id=stage_case.id,
        case_no=stage_case.case_no,
        docs=docs,
    )
    record(
        session,
        actor_id=principal.user_id,
        action="stage.close",
        entity="stagecase",
        entity_id=stage_case_id,
    )
    session.flush()
    return stage_case


def stage_days_used(stage_case: StageCase, *, now: dt.datetime, cal: WorkCalendar) -> int:
    """Working days from acceptance to closure, less the days the stage stood paused (every
    open item paused: applicant time is not government time; the rule is stage_clock's)."""
    if stage_case.accepted_at is None:
        return 0
    gross = cal.working_days_between(local_date(stage_case.accepted_at), local_date(now))
    return max(0, gross - stage_case.paused_days)


_T_STAGE = table_of(StageCase)
_CLOSED_STAGES = (
    select(_T_STAGE.c.stage_code, _T_STAGE.c.used_days)
    .where(
        _T_STAGE.c.project_id == bindparam("project_id"),
        _T_STAGE.c.status == "closed",
        _T_STAGE.c.stage_code.in_(MAIN_LINE),
    )
    .order_by(_T_STAGE.c.closed_at, _T_STAGE.c.id)
)


def full_process_days(session: Session, *, project_id: int) -> int:
    """Sum of the latest closed case of each main-line stage."""
    latest: dict[int, int] = {}
    for stage, used in reading(session).execute(_CLOSED_STAGES, {"project_id": project_id}):
        latest[stage] = used  # ordered by closure: the last one wins
    return sum(latest.values())


def verify_certificate(
    session: Session, *, token: str, today: dt.date | None = None
) -> Verification:
    """Public verification (no login): genuine, and valid today? Shows no personal data."""
    cert = session.exec(select(Certificate).where(Certificate.verify_token == token)).first()
    if cert is None:
        return Verification()
    today = today or today_in_china()
    project = session.get(Project, cert.project_id)
    return Verification(
        genuine=True,
        valid=cert.status == "valid" and (cert.valid_until is None or cert.valid_until >= today),
        status=cert.status,
        cert_no=cert.cert_no,
        name=cert.name,
        project=project.name if project else "",
        issued_on=cert.issued_on.isoformat(),
        valid_until=cert.valid_until.isoformat() if cert.valid_until else "",
    )


def deliver_results(
    session: Session,
    *,
    principal: Principal,
    stage_case_id: int,
    channel: str,
    now: dt.datetime | None = None,
) -> StageCase:
    """出件: the window hands the stage's results to the applicant (in person, by post or
    electronically), recorded once in the history."""
    from eap.services.core.authz import require_window

    now = now_or(now)
    stage_case = session.get(StageCase, stage_case_id)
    if stage_case is None:
        raise DomainError("error.not_found")
    require_window(principal, stage_case)
    if stage_case.status != "closed":
        raise DomainError("case.illegal_transition", action="deliver", status=stage_case.status)
    if channel not in ("counter", "post", "online"):
        raise DomainError("deliver.channel", field="channel")
    from eap.models import CaseEvent

    if session.exec(
        select(CaseEvent.id).where(
            CaseEvent.stage_case_id == stage_case_id, CaseEvent.action == "deliver"
        )
    ).first():
        raise DomainError("deliver.already")
    case_store.write_event(
        session,
        stage_case_id=stage_case.id,
        item_case=None,
        action="deliver",
        principal=principal,
        now=now,
        detail={"channel": channel},
        office=case_store.office_name(session, principal.department_id or 0),
    )
    project = session.get(Project, stage_case.project_id)
    assert project is not None
    notify_applicant(
        session,
        project=project,
        key="notify.delivered",
        now=now,
        stage_case_id=stage_case.id,
        case_no=stage_case.case_no,
    )
    record(
        session,
        actor_id=principal.user_id,
        action="stage.deliver",
        entity="stagecase",
        entity_id=stage_case_id,
        detail={"channel": channel},
    )
    session.flush()
    return stage_case
