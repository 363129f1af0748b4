"""Departmental handling (部门办理): start, supplement, special procedures, decisions,
告知承诺 approvals with post-check tasks, revocation."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from eap.errors import DomainError
from eap.models import Company, ItemCase, PostCheckTask, SpecialProcedure, SupplementNotice
from eap.models.accounts import CreditStatus
from eap.services.approval import case_store, drawing_review, moves, prerequisites, results
from eap.services.approval.owed import owed_for_item
from eap.services.approval.step_chains import chain_for
from eap.services.approval.supplements import make_notice
from eap.services.core.audit import record
from eap.services.core.authz import require_assignee, require_department
from eap.services.core.clock import WorkCalendar, local_date, now_or
from eap.services.core.notify import notify_applicant
from eap.services.core.principal import Principal
from eap.services.exchange.adapters import credit

SPECIAL_KINDS = ("expert", "hearing", "survey", "notice", "testing", "other")
# Working days a department has to verify a commitment-based approval.
POST_CHECK_DAYS = 20


def _act(
    session: Session,
    principal: Principal,
    item_case_id: int,
    *,
    head: bool = False,
    signing: bool = False,
):
    case, project, item = case_store.load_case_and_facts(session, item_case_id)
    require_department(principal, case, head=head)
    if not signing:  # the head's signature ends a chain someone else handled
        require_assignee(principal, case)
    return case, project, item, WorkCalendar.load(session)


def _act_on_case(
    session: Session, principal: Principal, item_case_id: int
) -> tuple[ItemCase, WorkCalendar]:
    """For moves that need nothing but the case itself (no notice to the applicant)."""
    case = case_store.load_item_case(session, item_case_id)
    require_department(principal, case)
    require_assignee(principal, case)
    return case, WorkCalendar.load(session)


def start_handling(
    session: Session,
    *,
    principal: Principal,
    item_case_id: int,
    opinion: str = "",
    now: dt.datetime | None = None,
) -> ItemCase:
    """部门开始办理 (BLZT 8)."""
    now = now_or(now)
    case, cal = _act_on_case(session, principal, item_case_id)
    moves.transition(
        session,
        case=case,
        action="start",
        principal=principal,
        opinion=opinion,
        now=now,
        cal=cal,
    )
    session.flush()
    return case


def request_supplement(
    session: Session,
    *,
    principal: Principal,
    item_case_id: int,
    materials: list[dict[str, str]],
    remarks: str = "",
    now: dt.datetime | None = None,
) -> SupplementNotice:
    """补正 (6): the clock stops until the applicant supplies everything listed."""
    now = now_or(now)
    case, project, _item, cal = _act(session, principal, item_case_id)
    notice = make_notice(
        session,
        stage_case_id=case.stage_case_id,
        item_case=case,
        principal=principal,
        materials=materials,
        remarks=remarks,
        now=now,
    )
    moves.transition(
        session,
        case=case,
        action="request_supplement",
        principal=principal,
        opinion=remarks,
        now=now,
        cal=cal,
        detail={"notice": notice.id},
    )
    notify_applicant(
        session,
        project=project,
        key="notify.supplement",
        now=now,
        stage_case_id=case.stage_case_id,
        item_case_id=case.id,
        case_no=case.case_no,
        count=len(notice.materials),
    )
    session.flush()
    return notice


def start_special_procedure(
    session: Session,
    *,
    principal: Principal,
    item_case_id: int,
    kind: str,
    reason: str,
    limit_days: int,
    now: dt.datetime | None = None,
) -> SpecialProcedure:
    """特别程序 (9): expert review, hearing, survey, public notice, testing; own limit."""
    now = now_or(now)
    if kind not in SPECIAL_KINDS:
        raise DomainError("special.kind", field="kind")
    if not reason.strip():
        raise DomainError("case.reason_required", field="reason")
    if not 1 <= limit_days <= 365:
        raise DomainError("special.limit", field="limit_days")
    case, project, _item, cal = _act(session, principal, item_case_id)
    moves.transition(
        session,
        case=case,
        action="special_start",
        principal=principal,
        opinion=reason,
        now=now,
        cal=cal,
        detail={"kind": kind, "limit_days": limit_days},
    )
    proc = SpecialProcedure(
        item_case_id=item_case_id,
        kind=kind,
        reason=reason,
        limit_days=limit_days,
        started_at=now,
        due_date=cal.add_working_days(local_date(now), limit_days).day,
    )
    session.add(proc)
    notify_applicant(
        session,
        project=project,
        key="notify.special",
        now=now,
        stage_case_id=case.stage_case_id,
        item_case_id=case.id,
        case_no=case.case_no,
        days=limit_days,
    )
    session.flush()
    return proc


def end_special_procedure(
    session: Session,
    *,
    principal: Principal,
    item_case_id: int,
    result: str,
    now: dt.datetime | None = None,
) -> SpecialProcedure:
    now = now_or(now)
    case, cal = _act_on_case(session, principal, item_case_id)
    proc = session.exec(
        select(SpecialProcedure).where(
            SpecialProcedure.item_case_id == item_case_id, col(SpecialProcedure.ended_at).is_(None)
        )
    ).first()
    if proc is None:
        raise DomainError("case.illegal_transition", action="special_end", status=case.status)
    moves.transition(
        session,
        case=case,
        action="special_end",
        principal=principal,
        opinion=result,
        now=now,
        cal=cal,
    )
    proc.ended_at, proc.result = now, result
    session.add(proc)
    session.flush()
    return proc


def decide(
    session: Session,
    *,
    principal: Principal,
    item_case_id: int,
    outcome: str,
    opinion: str,
    on_commitment: bool = False,
    owed: list[str] | None = None,
    valid_until: dt.date | None = None,
    now: dt.datetime | None = None,
    signed: bool = False,
) -> ItemCase:
    """办结: ``approve`` (11), ``approve_owed`` (12, materials still owed) or ``refuse`` (13).

    Approval issues the approval document and, for permit items, the e-certificate; waiting
    items that needed this one start by themselves, and a refusal blocks them.
    """
    now = now_or(now)
    if outcome not in ("approve", "approve_owed", "refuse"):
        raise DomainError("case.illegal_transition", action=outcome, status="")
    if outcome == "refuse" and not opinion.strip():
        raise DomainError("case.opinion_required", field="opinion")
    if outcome == "approve_owed" and not owed:
        raise DomainError("case.owed_required", field="owed")
    case, project, item, cal = _act(session, principal, item_case_id, signing=signed)
    if not signed and len(chain_for(session, case=case)) > 1:
        raise DomainError("steps.required")
    drawing_review.require_combined_result(session, case=case, outcome=outcome)
    if on_commitment and not item.promise_allowed:
        raise DomainError("case.no_commitment", code=item.code)
    # the party's credit is checked again before each decision; 严重失信 rules out 告知承诺
    # (the service down: "not checked", nothing blocked)
    company = session.get(Company, project.company_id)
    standing = credit.check(session, company=company) if company and outcome != "refuse" else None
    if standing == CreditStatus.DISHONEST and on_commitment:
        raise DomainError("case.no_commitment_dishonest")
    if outcome == "approve" and (still_owed := owed_for_item(session, case=case)):
        # 容缺: wait for the material, or approve 容缺 (12) naming it (see approval/owed)
        raise DomainError("case.owed_open", codes="、".join(still_owed))

    def mark_commitment(c: ItemCase) -> None:
        if outcome != "refuse":
            c.promise = on_commitment

    moves.transition(
        session,
        case=case,
        action=outcome,
        principal=principal,
        opinion=opinion,
        now=now,
        cal=cal,
        detail={"owed": owed or [], "on_commitment": on_commitment},
        then=mark_commitment,
    )
    if outcome != "refuse":
        results.issue_results(
            session, case=case, item=item, project=project, now=now, valid_until=valid_until
        )
        if on_commitment:
            session.add(
                PostCheckTask(
                    item_case_id=item_case_id,
                    department_id=case.department_id,
                    due_date=cal.add_working_days(local_date(now), POST_CHECK_DAYS).day,
                )
            )
    if item.has_dependents:
        prerequisites.release_dependents(
            session, decided=case, item_code=item.code, now=now, cal=cal
        )
    notify_applicant(
        session,
        project=project,
        key="notify.refused" if outcome == "refuse" else "notify.approved",
        now=now,
        stage_case_id=case.stage_case_id,
        item_case_id=case.id,
        case_no=case.case_no,
        item=item.name_zh,
    )
    record(
        session,
        actor_id=principal.user_id,
        action=f"case.{outcome}",
        entity="itemcase",
        entity_id=item_case_id,
    )
    session.flush()
    return case


def revoke(
    session: Session,
    *,
    principal: Principal,
    item_case_id: int,
    reason: str,
    now: dt.datetime | None = None,
) -> ItemCase:
    """撤销 (15): the department head revokes an approval; its certificate is revoked too."""
    now = now_or(now)
    if not reason.strip():
        raise DomainError("case.reason_required", field="reason")
    case, project, _item, cal = _act(session, principal, item_case_id, head=True)
    moves.transition(
        session,
        case=case,
        action="revoke",
        principal=principal,
        opinion=reason,
        now=now,
        cal=cal,
    )
    results.revoke_certificates(session, item_case_id=item_case_id)
    notify_applicant(
        session,
        project=project,
        key="notify.revoked",
        now=now,
        stage_case_id=case.stage_case_id,
        item_case_id=case.id,
        case_no=case.case_no,
        reason=reason,
    )
    record(
        session,
        actor_id=principal.user_id,
        action="case.revoke",
        entity="itemcase",
        entity_id=item_case_id,
    )
    session.flush()
    return case


def record_post_check(
    session: Session,
    *,
    principal: Principal,
    task_id: int,
    truthful: bool,
    note: str,
    now: dt.datetime | None = None,
) -> PostCheckTask:
    """Verify a commitment; a false one leads to revocation by the department head."""
    now = now_or(now)
    task = session.get(PostCheckTask, task_id)
    if task is None:
        raise DomainError("error.not_found")
    case = session.get(ItemCase, task.item_case_id)
    assert case is not None
    require_department(principal, case)
    if task.status != "open":
        raise DomainError("postcheck.closed")
    task.status = "verified" if truthful else "false"
    task.note, task.checked_by, task.checked_at = note, principal.user_id, now
    session.add(task)
    record(
        session,
        actor_id=principal.user_id,
        action="postcheck.record",
        entity="postcheck",
        entity_id=task_id,
        detail={"truthful": truthful},
    )
    session.flush()
    return task
