"""好差评 (service evaluation, DOMAIN §8): one per finished stage case; a bad grade must be
rectified within 15 working days with a recorded call-back."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from eap.errors import DomainError, PermissionDenied
from eap.models import Evaluation, Project, StageCase
from eap.services.core.audit import record
from eap.services.core.authz import require_applicant
from eap.services.core.clock import WorkCalendar, local_date, now_or
from eap.services.core.principal import Principal

GRADES = {5: "very_satisfied", 4: "satisfied", 3: "fair", 2: "dissatisfied", 1: "very_dissatisfied"}
RECTIFY_DAYS = 15
FINISHED = ("closed", "refused", "withdrawn")


def rate_case(
    session: Session,
    *,
    principal: Principal,
    stage_case_id: int,
    grade: int,
    comment: str = "",
    now: dt.datetime | None = None,
) -> Evaluation:
    now = now_or(now)
    sc = session.get(StageCase, stage_case_id)
    project = session.get(Project, sc.project_id) if sc else None
    if sc is None or project is None:
        raise DomainError("error.not_found")
    require_applicant(principal, project)
    if sc.status not in FINISHED:
        raise DomainError("evaluation.not_finished")
    if grade not in GRADES:
        raise DomainError("evaluation.grade", field="grade")
    if session.exec(select(Evaluation.id).where(Evaluation.stage_case_id == sc.id)).first():
        raise DomainError("evaluation.once")
    if grade <= 2 and not comment.strip():
        raise DomainError("evaluation.comment_required", field="comment")
    ev = Evaluation(
        stage_case_id=stage_case_id,
        company_id=project.company_id,
        grade=grade,
        comment=comment.strip(),
        at=now,
    )
    if grade <= 2:
        ev.rectify_by = (
            WorkCalendar.load(session).add_working_days(local_date(now), RECTIFY_DAYS).day
        )
    session.add(ev)
    record(
        session,
        actor_id=principal.user_id,
        action="evaluation.rate",
        entity="stagecase",
        entity_id=stage_case_id,
        detail={"grade": grade},
    )
    session.flush()
    return ev


def rectify(
    session: Session,
    *,
    principal: Principal,
    evaluation_id: int,
    rectification: str,
    callback_note: str,
    now: dt.datetime | None = None,
) -> Evaluation:
    """The lead department records the rectification and the call-back to the applicant."""
    now = now_or(now)
    ev = session.get(Evaluation, evaluation_id)
    sc = session.get(StageCase, ev.stage_case_id) if ev else None
    if ev is None or sc is None:
        raise DomainError("error.not_found")
    if principal.role != "approver" or principal.department_id != sc.lead_department_id:
        raise PermissionDenied("error.not_found")
    if ev.grade > 2:
        raise DomainError("evaluation.not_bad")
    if not rectification.strip() or not callback_note.strip():
        raise DomainError("case.reason_required", field="rectification")
    ev.rectification, ev.callback_note = rectification.strip(), callback_note.strip()
    ev.rectified_at = ev.callback_at = now
    session.add(ev)
    record(
        session,
        actor_id=principal.user_id,
        action="evaluation.rectify",
        entity="evaluation",
        entity_id=evaluation_id,
    )
    session.flush()
    return ev
