"""Inside a department (科室流转): a configurable chain of steps per item — 经办 (handle) →
审核 (review) → 签发 (sign) — with 转办 (transfer to a colleague) and 退回 (send back).

Without a configured chain the handler decides alone. With one, the handler proposes the
decision, each reviewer passes it on or sends it back, and only the signer (a department head)
makes it take effect through :func:`handling.decide`.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from eap.errors import DomainError, PermissionDenied
from eap.models import ItemCase, StepChain, User
from eap.models.cases import ACTIVE, TERMINAL, Blzt
from eap.services.approval import case_store, handling
from eap.services.approval.step_chains import STEP_NAMES, chain_for
from eap.services.core.audit import record
from eap.services.core.authz import require_assignee, require_department
from eap.services.core.clock import now_or
from eap.services.core.principal import Principal


def set_chain(
    session: Session,
    *,
    principal: Principal,
    department_id: int,
    item_id: int | None,
    steps: list[str],
) -> StepChain:
    """Configure a chain: the department head for their department, or an administrator."""
    if not (
        principal.role == "admin"
        or (
            principal.role == "approver"
            and principal.is_head
            and principal.department_id == department_id
        )
    ):
        raise PermissionDenied()
    if (
        not steps
        or steps[0] != "handle"
        or any(s not in STEP_NAMES for s in steps)
        or (len(steps) > 1 and steps[-1] != "sign")
    ):
        raise DomainError("steps.bad_chain", field="steps")
    row = session.exec(
        select(StepChain).where(
            StepChain.department_id == department_id, StepChain.item_id == item_id
        )
    ).first()
    row = row or StepChain(department_id=department_id, item_id=item_id)
    row.steps = list(steps)
    session.add(row)
    record(
        session,
        actor_id=principal.user_id,
        action="steps.configure",
        entity="department",
        entity_id=department_id,
        detail={"item_id": item_id, "steps": steps},
    )
    session.flush()
    return row


def _load(session: Session, principal: Principal, item_case_id: int):
    case, stage_case, project = case_store.load_case(session, item_case_id)
    require_department(principal, case)
    if case.status not in ACTIVE:
        raise DomainError("case.illegal_transition", action="step", status=case.status)
    return case, stage_case, chain_for(session, case=case)


def _move(
    session: Session,
    *,
    principal: Principal,
    case: ItemCase,
    stage_case,
    action: str,
    step: int,
    opinion: str,
    now: dt.datetime,
    detail: dict | None = None,
) -> None:
    assert case.id is not None
    read_version = case.version
    case.step, case.updated_at = step, now
    case_store.save_versioned(session, case, read_version=read_version)
    case_store.write_event(
        session,
        stage_case_id=stage_case.id,
        item_case=case,
        action=action,
        principal=principal,
        opinion=opinion,
        now=now,
        office=case_store.office_name(session, case.department_id),
        detail={"step": step, **(detail or {})},
        # an internal step before handling starts is no national 办理状态: not a 2nd 受理
        reported=case.status != Blzt.ACCEPTED,
    )
    record(session, actor_id=principal.user_id, action=action, entity="itemcase", entity_id=case.id)
    session.flush()


def propose(
    session: Session,
    *,
    principal: Principal,
    item_case_id: int,
    outcome: str,
    opinion: str,
    owed: list[str] | None = None,
    on_commitment: bool = False,
    now: dt.datetime | None = None,
) -> ItemCase:
    """经办: the handler proposes the decision and passes the case to the next step."""
    now = now_or(now)
    case, stage_case, chain = _load(session, principal, item_case_id)
    require_assignee(principal, case)
    if len(chain) < 2:
        raise DomainError("steps.no_chain")
    if case.step != 0:
        raise DomainError("steps.wrong_step", step=chain[case.step])
    if outcome not in ("approve", "approve_owed", "refuse") or not opinion.strip():
        raise DomainError("case.opinion_required", field="opinion")
    case.proposal = {
        "outcome": outcome,
        "opinion": opinion,
        "owed": owed or [],
        "on_commitment": on_commitment,
        "by": principal.user_id,
    }
    _move(
        session,
        principal=principal,
        case=case,
        stage_case=stage_case,
        action="step.forward",
        step=1,
        opinion=opinion,
        now=now,
        detail={"proposal": outcome},
    )
    return case


def review(
    session: Session,
    *,
    principal: Principal,
    item_case_id: int,
    opinion: str = "",
    now: dt.datetime | None = None,
) -> ItemCase:
    """审核: a colleague other than the proposer passes the proposal on."""
    now = now_or(now)
    case, stage_case, chain = _load(session, principal, item_case_id)
    if case.step == 0 or chain[min(case.step, len(chain) - 1)] != "review":
        raise DomainError("steps.wrong_step", step=chain[min(case.step, len(chain) - 1)])
    if case.proposal.get("by") == principal.user_id:
        raise DomainError("steps.own_proposal")
    _move(
        session,
        principal=principal,
        case=case,
        stage_case=stage_case,
        action="step.forward",
        step=case.step + 1,
        opinion=opinion,
        now=now,
    )
    return case


def send_back(
    session: Session,
    *,
    principal: Principal,
    item_case_id: int,
    reason: str,
    now: dt.datetime | None = None,
) -> ItemCase:
    """退回: back to the previous step, with the reason in the history."""
    now = now_or(now)
    if not reason.strip():
        raise DomainError("case.reason_required", field="reason")
    case, stage_case, chain = _load(session, principal, item_case_id)
    if case.step == 0:
        raise DomainError("steps.wrong_step", step=chain[0])
    step = case.step - 1
    if step == 0:
        case.proposal = {}
    _move(
        session,
        principal=principal,
        case=case,
        stage_case=stage_case,
        action="step.back",
        step=step,
        opinion=reason,
        now=now,
    )
    return case


def sign(
    session: Session,
    *,
    principal: Principal,
    item_case_id: int,
    opinion: str = "",
    now: dt.datetime | None = None,
) -> ItemCase:
    """签发: the department head signs; the proposed decision takes effect."""
    now = now_or(now)
    case, _stage_case, chain = _load(session, principal, item_case_id)
    if len(chain) < 2 or case.step != len(chain) - 1:
        raise DomainError("steps.wrong_step", step=chain[min(case.step, len(chain) - 1)])
    if not principal.is_head:
        raise PermissionDenied()
    if case.proposal.get("by") == principal.user_id:  # four eyes: nobody signs their own
        raise DomainError("steps.own_proposal")
    p = dict(case.proposal)
    case.step, case.proposal = 0, {}
    session.add(case)
    return handling.decide(
        session,
        principal=principal,
        item_case_id=item_case_id,
        outcome=p["outcome"],
        opinion=opinion or p["opinion"],
        owed=p.get("owed") or None,
        on_commitment=p.get("on_commitment", False),
        now=now,
        signed=True,
    )


def transfer(
    session: Session,
    *,
    principal: Principal,
    item_case_id: int,
    to_user_id: int,
    reason: str,
    now: dt.datetime | None = None,
) -> ItemCase:
    """转办: hand the case to a colleague in the same department."""
    now = now_or(now)
    case, stage_case, _project = case_store.load_case(session, item_case_id)
    require_department(principal, case)
    if not principal.is_head:  # a head may reassign anything in the department
        require_assignee(principal, case)
    if case.status in TERMINAL:
        raise DomainError("case.illegal_transition", action="transfer", status=case.status)
    colleague = session.get(User, to_user_id)
    if (
        colleague is None
        or not colleague.active
        or colleague.role != "approver"
        or colleague.department_id != case.department_id
    ):
        raise DomainError("steps.bad_colleague", field="to_user_id")
    if not reason.strip():
        raise DomainError("case.reason_required", field="reason")
    assert case.id is not None
    read_version = case.version
    case.assignee_id, case.updated_at = to_user_id, now
    case_store.save_versioned(session, case, read_version=read_version)
    case_store.write_event(
        session,
        stage_case_id=stage_case.id,
        item_case=case,
        action="transfer",
        principal=principal,
        opinion=reason,
        now=now,
        office=case_store.office_name(session, case.department_id),
        detail={"to": to_user_id, "to_name": colleague.display_name},
        reported=case.status != Blzt.ACCEPTED,  # as in _move
    )
    record(
        session,
        actor_id=principal.user_id,
        action="case.transfer",
        entity="itemcase",
        entity_id=case.id,
        detail={"to": to_user_id},
    )
    session.flush()
    return case


def colleagues(session: Session, *, principal: Principal) -> list[tuple[int, str]]:
    if principal.role != "approver" or principal.department_id is None:
        raise PermissionDenied()
    return [
        (u.id or 0, u.display_name)
        for u in session.exec(
            select(User).where(
                User.department_id == principal.department_id,
                User.role == "approver",
                col(User.active),
                User.id != principal.user_id,
            )
        )
    ]
