"""Joint reviews of a stage case: the departments' opinions in parallel, one combined result.

联合验收 (joint completion acceptance): the lead department (住建) requests it once for a
stage-4 case; each department records its inspection opinion and site-visit date; the lead
concludes with one combined result, told to the applicant. 联合审图 (joint drawing review,
stage 3) is opened at acceptance where the city runs it (``approval/drawing_review``) and has
no site visit; recording opinions and concluding are the same steps."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from eap.errors import DomainError, PermissionDenied
from eap.models import (
    Department,
    Item,
    ItemCase,
    JointAcceptance,
    JointInspection,
    Project,
    StageCase,
)
from eap.models.cases import TERMINAL, Blzt, JointKind
from eap.services.approval import case_store
from eap.services.approval.rows import InspectionRow, JointView
from eap.services.core.audit import record
from eap.services.core.authz import require_lead
from eap.services.core.clock import local_date, now_or
from eap.services.core.notify import notify_applicant
from eap.services.core.principal import Principal

ACCEPTANCE_STAGE = 4
# the notices' message keys by kind: notify.joint_passed, notify.drawing_review_failed …
_PREFIX = {JointKind.ACCEPTANCE: "joint", JointKind.DRAWINGS: "drawing_review"}


def request_joint_acceptance(
    session: Session,
    *,
    principal: Principal,
    stage_case_id: int,
    site_visit_on: dt.date,
    now: dt.datetime | None = None,
) -> JointAcceptance:
    now = now_or(now)
    sc = session.get(StageCase, stage_case_id)
    if sc is None:
        raise DomainError("error.not_found")
    require_lead(principal, sc)
    if sc.stage_code != ACCEPTANCE_STAGE or sc.status != "accepted":
        raise DomainError("joint.not_acceptance_stage")
    if site_visit_on < local_date(now):
        raise DomainError("joint.visit_in_past", field="site_visit_on")
    if session.exec(
        select(JointAcceptance.id).where(JointAcceptance.stage_case_id == stage_case_id)
    ).first():
        raise DomainError("joint.already")
    joint = open_joint(
        session,
        stage_case=sc,
        kind=JointKind.ACCEPTANCE,
        principal=principal,
        now=now,
        site_visit_on=site_visit_on,
    )
    case_store.write_event(
        session,
        stage_case_id=sc.id,
        item_case=None,
        action="joint.request",
        principal=principal,
        now=now,
        detail={"site_visit_on": site_visit_on.isoformat()},
    )
    project = session.get(Project, sc.project_id)
    assert project is not None
    notify_applicant(
        session,
        project=project,
        key="notify.joint_requested",
        now=now,
        stage_case_id=sc.id,
        case_no=sc.case_no,
        day=site_visit_on.isoformat(),
    )
    record(
        session,
        actor_id=principal.user_id,
        action="joint.request",
        entity="stagecase",
        entity_id=stage_case_id,
    )
    session.flush()
    return joint


def open_joint(
    session: Session,
    *,
    stage_case: StageCase,
    kind: JointKind,
    principal: Principal,
    now: dt.datetime,
    site_visit_on: dt.date | None = None,
    item_case_ids: set[int] | None = None,
) -> JointAcceptance:
    """The review row and an opinion row per open item case taking part (all, or those given)."""
    joint = JointAcceptance(
        stage_case_id=stage_case.id or 0,
        kind=kind,
        site_visit_on=site_visit_on,
        requested_by=principal.user_id,
        requested_at=now,
    )
    session.add(joint)
    session.flush()
    for case in case_store.item_cases(session, stage_case.id or 0):
        if case.status in TERMINAL or (item_case_ids is not None and case.id not in item_case_ids):
            continue
        session.add(
            JointInspection(
                joint_id=joint.id or 0, item_case_id=case.id or 0, department_id=case.department_id
            )
        )
    session.flush()
    return joint


def record_inspection(
    session: Session,
    *,
    principal: Principal,
    inspection_id: int,
    visited_on: dt.date | None,
    passed: bool,
    opinion: str,
    now: dt.datetime | None = None,
) -> JointInspection:
    """A department records its own opinion, pass or not (联合验收: with the site-visit date)."""
    now = now_or(now)
    insp = session.get(JointInspection, inspection_id)
    if insp is None:
        raise DomainError("error.not_found")
    if principal.role != "approver" or principal.department_id != insp.department_id:
        raise PermissionDenied("error.not_found")
    joint = session.get(JointAcceptance, insp.joint_id)
    assert joint is not None
    if joint.status != "open":
        raise DomainError("joint.concluded")
    if not opinion.strip():
        raise DomainError("case.opinion_required", field="opinion")
    if joint.kind == JointKind.DRAWINGS:
        visited_on = None  # a drawing review visits no site
    elif visited_on is None or visited_on > local_date(now):
        raise DomainError("joint.visit_in_future", field="visited_on")
    insp.visited_on, insp.passed, insp.opinion = visited_on, passed, opinion.strip()
    insp.recorded_by, insp.recorded_at = principal.user_id, now
    session.add(insp)
    sc = session.get(StageCase, joint.stage_case_id)
    case = session.get(ItemCase, insp.item_case_id)
    assert sc is not None and case is not None
    case_store.write_event(
        session,
        stage_case_id=sc.id,
        item_case=case,
        action="joint.inspect",
        principal=principal,
        opinion=opinion,
        now=now,
        office=case_store.office_name(session, insp.department_id),
        detail={"passed": passed, "visited_on": visited_on.isoformat() if visited_on else ""},
        # an inspection changes no 办理状态: before handling starts it is no second 受理
        reported=case.status != Blzt.ACCEPTED,
    )
    record(
        session,
        actor_id=principal.user_id,
        action="joint.inspect",
        entity="joint",
        entity_id=joint.id or 0,
    )
    session.flush()
    return insp


def conclude(
    session: Session,
    *,
    principal: Principal,
    joint_id: int,
    conclusion: str,
    now: dt.datetime | None = None,
) -> JointAcceptance:
    """One combined result: passed only if every department's inspection passed."""
    now = now_or(now)
    joint = session.get(JointAcceptance, joint_id)
    if joint is None:
        raise DomainError("error.not_found")
    sc = session.get(StageCase, joint.stage_case_id)
    assert sc is not None
    require_lead(principal, sc)
    if joint.status != "open":
        raise DomainError("joint.concluded")
    inspections = session.exec(
        select(JointInspection).where(JointInspection.joint_id == joint_id)
    ).all()
    missing = [i for i in inspections if i.passed is None]
    if missing:
        names = session.exec(
            select(Department.name).where(
                col(Department.id).in_([i.department_id for i in missing])
            )
        ).all()
        raise DomainError("joint.inspections_missing", names="、".join(names))
    if not conclusion.strip():
        raise DomainError("case.opinion_required", field="conclusion")
    joint.passed = all(i.passed for i in inspections)
    joint.status, joint.conclusion, joint.concluded_at = "concluded", conclusion.strip(), now
    session.add(joint)
    case_store.write_event(
        session,
        stage_case_id=sc.id,
        item_case=None,
        action="joint.conclude",
        principal=principal,
        opinion=conclusion,
        now=now,
        detail={"passed": joint.passed},
    )
    project = session.get(Project, sc.project_id)
    assert project is not None
    notify_applicant(
        session,
        project=project,
        key=f"notify.{_PREFIX[JointKind(joint.kind)]}_{'passed' if joint.passed else 'failed'}",
        now=now,
        stage_case_id=sc.id,
        case_no=sc.case_no,
    )
    record(
        session,
        actor_id=principal.user_id,
        action="joint.conclude",
        entity="joint",
        entity_id=joint_id,
        detail={"passed": joint.passed},
    )
    session.flush()
    return joint


def joint_view(session: Session, *, principal: Principal, stage_case_id: int) -> JointView | None:
    """The joint acceptance of a stage case with every department's inspection."""
    joint = session.exec(
        select(JointAcceptance).where(JointAcceptance.stage_case_id == stage_case_id)
    ).first()
    if joint is None:
        return None
    rows = session.exec(
        select(JointInspection, Department.name, Item.name_zh, Item.name_en)
        .join(Department, col(Department.id) == col(JointInspection.department_id))
        .join(ItemCase, col(ItemCase.id) == col(JointInspection.item_case_id))
        .join(Item, col(Item.id) == col(ItemCase.item_id))
        .where(JointInspection.joint_id == joint.id)
        .order_by(col(JointInspection.id))
    ).all()
    return JointView(
        id=joint.id or 0,
        kind=joint.kind,
        site_visit_on=joint.site_visit_on.isoformat() if joint.site_visit_on else "",
        status=joint.status,
        passed=joint.passed,
        conclusion=joint.conclusion,
        inspections=[
            InspectionRow(
                id=i.id or 0,
                department=dname,
                item_zh=zh,
                item_en=en,
                mine=principal.department_id == i.department_id,
                visited_on=i.visited_on.isoformat() if i.visited_on else "",
                passed=bool(i.passed),
                recorded=i.passed is not None,
                opinion=i.opinion,
            )
            for i, dname, zh, en in rows
        ],
    )
