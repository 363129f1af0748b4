"""好差评 (service evaluation, DOMAIN §8): one per finished item case (一事一评 — one per 办件,
as the national rules count them), five grades, within ``EAP_EVALUATION_WINDOW_DAYS`` of the
case's end; a bad grade (不满意 or 非常不满意) must be rectified by the item's department within
``EAP_EVALUATION_RECTIFY_DAYS`` working days, with the call-back to the applicant recorded.

Before revision 0027 an evaluation belonged to a stage case; each such evaluation now belongs to
the item case of the stage's lead department (who owed its rectification), and the stage's other
item cases may still be rated while their window is open."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from eap.config import get_settings
from eap.errors import DomainError, PermissionDenied
from eap.models import Evaluation, ItemCase, Project
from eap.models.cases import TERMINAL
from eap.services.core.audit import record
from eap.services.core.authz import require_applicant
from eap.services.core.clock import WorkCalendar, local_date, now_or
from eap.services.core.principal import Principal

GRADES = {5: "very_satisfied", 4: "satisfied", 3: "fair", 2: "dissatisfied", 1: "very_dissatisfied"}
BAD = 2  # this grade and below is a 差评


def ended_at(case: ItemCase) -> dt.datetime:
    """When the item case ended: its decision, or its last change for a withdrawal."""
    return case.decided_at or case.updated_at


def rating_closes(case: ItemCase) -> dt.date:
    """The last day (Beijing) on which the applicant may rate this finished case."""
    return local_date(ended_at(case)) + dt.timedelta(days=get_settings().evaluation_window_days)


def can_rate(case: ItemCase, *, rated: bool, now: dt.datetime) -> bool:
    return not rated and case.status in TERMINAL and local_date(now) <= rating_closes(case)


def rate_item_case(
    session: Session,
    *,
    principal: Principal,
    item_case_id: int,
    grade: int,
    comment: str = "",
    now: dt.datetime | None = None,
) -> Evaluation:
    now = now_or(now)
    case = session.get(ItemCase, item_case_id)
    project = session.get(Project, case.project_id) if case else None
    if case is None or project is None:
        raise DomainError("error.not_found")
    require_applicant(principal, project)
    if case.status not in TERMINAL:
        raise DomainError("evaluation.not_finished")
    if local_date(now) > rating_closes(case):
        raise DomainError("evaluation.window_closed")
    if grade not in GRADES:
        raise DomainError("evaluation.grade", field="grade")
    if session.exec(select(Evaluation.id).where(Evaluation.item_case_id == case.id)).first():
        raise DomainError("evaluation.once")
    if grade <= BAD and not comment.strip():
        raise DomainError("evaluation.comment_required", field="comment")
    ev = Evaluation(
        item_case_id=item_case_id,
        stage_case_id=case.stage_case_id,
        department_id=case.department_id,
        company_id=project.company_id,
        grade=grade,
        comment=comment.strip(),
        at=now,
    )
    if grade <= BAD:
        days = get_settings().evaluation_rectify_days
        ev.rectify_by = WorkCalendar.load(session).add_working_days(local_date(now), days).day
    session.add(ev)
    record(
        session,
        actor_id=principal.user_id,
        action="evaluation.rate",
        entity="itemcase",
        entity_id=item_case_id,
        detail={"grade": grade, "stage_case_id": case.stage_case_id},
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
    """The item's department records the rectification and the call-back to the applicant."""
    now = now_or(now)
    ev = session.get(Evaluation, evaluation_id)
    if ev is None:
        raise DomainError("error.not_found")
    if principal.role != "approver" or principal.department_id != ev.department_id:
        raise PermissionDenied("error.not_found")
    if ev.grade > BAD:
        raise DomainError("evaluation.not_bad")
    if ev.rectified_at is not None:
        raise DomainError("evaluation.rectified")
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
