"""The item-case state machine (BLZT moves): which move is legal from which status, and the
move itself with its clock effects, guarded write and history row, in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from eap.errors import DomainError
from eap.models import ItemCase
from eap.models.cases import ACTIVE, APPROVED_STATES, TERMINAL, Blzt
from eap.services.approval import stage_clock
from eap.services.approval.case_clock import days_used, mark_stale_days, resume_clock
from eap.services.approval.case_store import (
    append_events,
    event_row,
    office_name,
    save_versioned_all,
)
from eap.services.core.clock import WorkCalendar
from eap.services.core.principal import Principal


@dataclass(frozen=True)
class Move:
    sources: frozenset[int]
    target: int
    phase: str  # the phase the case must be in


MOVES: dict[str, Move] = {
    "receive": Move(frozenset({Blzt.SUBMITTED}), Blzt.RECEIVED, "intake"),
    "withdraw_before": Move(
        frozenset(
            {Blzt.SUBMITTED, Blzt.RECEIVED, Blzt.SUPPLEMENT_REQUESTED, Blzt.SUPPLEMENT_SUPPLIED}
        ),
        Blzt.WITHDRAWN_BEFORE,
        "intake",
    ),
    "accept": Move(frozenset({Blzt.RECEIVED, Blzt.SUPPLEMENT_SUPPLIED}), Blzt.ACCEPTED, "intake"),
    "not_take": Move(
        frozenset({Blzt.RECEIVED, Blzt.SUPPLEMENT_SUPPLIED}), Blzt.NOT_TAKEN, "intake"
    ),
    "refuse_intake": Move(
        frozenset({Blzt.RECEIVED, Blzt.SUPPLEMENT_SUPPLIED}), Blzt.REFUSED_INTAKE, "intake"
    ),
    "intake_supplement": Move(
        frozenset({Blzt.RECEIVED, Blzt.SUPPLEMENT_SUPPLIED}), Blzt.SUPPLEMENT_REQUESTED, "intake"
    ),
    "intake_supplied": Move(
        frozenset({Blzt.SUPPLEMENT_REQUESTED}), Blzt.SUPPLEMENT_SUPPLIED, "intake"
    ),
    "start": Move(frozenset({Blzt.ACCEPTED}), Blzt.HANDLING, "handling"),
    "request_supplement": Move(ACTIVE, Blzt.SUPPLEMENT_REQUESTED, "handling"),
    "supplied": Move(frozenset({Blzt.SUPPLEMENT_REQUESTED}), Blzt.SUPPLEMENT_SUPPLIED, "handling"),
    "special_start": Move(ACTIVE, Blzt.SPECIAL_START, "handling"),
    "special_end": Move(frozenset({Blzt.SPECIAL_START}), Blzt.SPECIAL_END, "handling"),
    "approve": Move(ACTIVE, Blzt.APPROVED, "handling"),
    "approve_owed": Move(ACTIVE, Blzt.APPROVED_OWED, "handling"),
    "refuse": Move(ACTIVE | {Blzt.ACCEPTED}, Blzt.REFUSED, "handling"),
    "withdraw": Move(
        frozenset(
            {
                Blzt.ACCEPTED,
                Blzt.HANDLING,
                Blzt.SUPPLEMENT_REQUESTED,
                Blzt.SUPPLEMENT_SUPPLIED,
                Blzt.SPECIAL_START,
                Blzt.SPECIAL_END,
            }
        ),
        Blzt.WITHDRAWN,
        "handling",
    ),
    "revoke": Move(APPROVED_STATES, Blzt.REVOKED, "done"),
}


def _apply_move(
    case: ItemCase,
    *,
    action: str,
    principal: Principal | None,
    now: dt.datetime,
    cal: WorkCalendar,
    then: Callable[[ItemCase], None] | None,
) -> int:
    """Check a move is legal and make it on the object (clock effects included); returns the
    version the case was read at, for the guarded write."""
    move = MOVES[action]
    if case.status not in move.sources or case.phase != move.phase:
        raise DomainError("case.illegal_transition", action=action, status=case.status)
    if case.waiting_on and action in (
        "start",
        "approve",
        "approve_owed",
        "special_start",
        "request_supplement",
    ):
        raise DomainError("case.waiting", codes=case.waiting_on)
    if case.blocked_reason and action not in ("refuse", "withdraw"):
        raise DomainError("case.blocked", reason=case.blocked_reason)
    assert case.id is not None
    read_version = case.version
    case.status = move.target
    case.updated_at = now
    if principal is not None and principal.role == "approver":
        case.handler_id = principal.user_id
    if move.target in (Blzt.SUPPLEMENT_REQUESTED, Blzt.SPECIAL_START) and case.phase == "handling":
        case.paused_since, case.pause_kind = (
            now,
            ("supplement" if move.target == Blzt.SUPPLEMENT_REQUESTED else "special"),
        )
        if move.target == Blzt.SUPPLEMENT_REQUESTED:
            case.supplements += 1
    elif move.target in (Blzt.SUPPLEMENT_SUPPLIED, Blzt.SPECIAL_END) and case.phase == "handling":
        resume_clock(case, now=now, cal=cal)
    elif move.target == Blzt.SUPPLEMENT_REQUESTED:
        case.supplements += 1
    if move.target == Blzt.ACCEPTED:
        case.phase = "handling"
    elif move.target in TERMINAL and case.phase != "done":  # revocation keeps the decision
        if case.paused_since is not None:
            resume_clock(case, now=now, cal=cal)
        case.phase = "done"
        case.decided_at = now
        case.used_days = days_used(case, now=now, cal=cal)
    if then is not None:
        then(case)
    return read_version


def transition(
    session: Session,
    *,
    case: ItemCase,
    action: str,
    principal: Principal | None,
    opinion: str = "",
    now: dt.datetime,
    cal: WorkCalendar,
    detail: dict | None = None,
    then: Callable[[ItemCase], None] | None = None,
) -> ItemCase:
    """Apply one legal BLZT move to an item case, with its clock effects and history row.

    ``then`` makes further changes to the case that land in the same guarded write.
    """
    transition_all(
        session,
        cases=[case],
        action=action,
        principal=principal,
        opinion=opinion,
        now=now,
        cal=cal,
        detail=detail,
        then=then,
    )
    return case


def transition_all(
    session: Session,
    *,
    cases: list[ItemCase],
    action: str,
    principal: Principal | None,
    opinion: str = "",
    now: dt.datetime,
    cal: WorkCalendar,
    detail: dict | None = None,
    then: Callable[[ItemCase], None] | None = None,
) -> None:
    """The same move on several item cases at once (the window's 接件 or 受理 of a whole
    application): every case is checked before anything is written, then the changes go in
    as guarded batch writes and the history rows as one batch insert."""
    if not cases:
        return
    read_versions, stale = [], set()
    for case in cases:
        due, paused = case.due_date, case.paused_since is not None
        read_versions.append(
            _apply_move(case, action=action, principal=principal, now=now, cal=cal, then=then)
        )
        if due is not None and (case.due_date != due or (case.paused_since is not None) != paused):
            stale.add(due)  # the case left the day it was due on: that day's KPIs change
    save_versioned_all(session, list(zip(cases, read_versions, strict=True)))
    mark_stale_days(session, stale, now=now)
    for stage_case_id in sorted({case.stage_case_id for case in cases}):
        stage_clock.follow_items(session, stage_case_id=stage_case_id, now=now, cal=cal)
    append_events(
        session,
        [
            event_row(
                stage_case_id=case.stage_case_id,
                item_case=case,
                action=action,
                principal=principal,
                opinion=opinion,
                office=office_name(session, case.department_id),
                now=now,
                detail=detail,
            )
            for case in cases
        ],
    )
