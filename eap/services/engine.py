"""The item-case state machine (BLZT), its clock and its immutable history.

Every transition: check who acts, check the move is legal, make it on the case, write it under
the optimistic lock and append the history row (case_store), notify — all in the caller's
transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import bindparam, exists
from sqlmodel import Session, col, select

from eap.db import reading
from eap.errors import DomainError
from eap.models import (
    Department,
    Item,
    ItemCase,
    ItemDependency,
    Project,
    StageCase,
    User,
)
from eap.models.common import utcnow
from eap.services.accounts import Principal
from eap.services.case_store import (
    append_events,
    event_row,
    save_versioned,
    save_versioned_all,
    write_event,
)
from eap.services.clock import WorkCalendar, local_date

# National BLZT codes (DOMAIN §5); 0 is ours: submitted online, not yet received at the window.
SUBMITTED = 0
RECEIVED = 1
WITHDRAWN_BEFORE = 2
ACCEPTED = 3
NOT_TAKEN = 4
REFUSED_INTAKE = 5
SUPPLEMENT_REQUESTED = 6
SUPPLEMENT_SUPPLIED = 7
HANDLING = 8
SPECIAL_START = 9
SPECIAL_END = 10
APPROVED = 11
APPROVED_OWED = 12
REFUSED = 13
WITHDRAWN = 14
REVOKED = 15

TERMINAL = frozenset(
    {
        WITHDRAWN_BEFORE,
        NOT_TAKEN,
        REFUSED_INTAKE,
        APPROVED,
        APPROVED_OWED,
        REFUSED,
        WITHDRAWN,
        REVOKED,
    }
)
APPROVED_STATES = frozenset({APPROVED, APPROVED_OWED})
# States in which the department is actively handling the case.
ACTIVE = frozenset({HANDLING, SUPPLEMENT_SUPPLIED, SPECIAL_END})


@dataclass(frozen=True)
class Move:
    sources: frozenset[int]
    target: int
    phase: str  # the phase the case must be in


MOVES: dict[str, Move] = {
    "receive": Move(frozenset({SUBMITTED}), RECEIVED, "intake"),
    "withdraw_before": Move(
        frozenset({SUBMITTED, RECEIVED, SUPPLEMENT_REQUESTED, SUPPLEMENT_SUPPLIED}),
        WITHDRAWN_BEFORE,
        "intake",
    ),
    "accept": Move(frozenset({RECEIVED, SUPPLEMENT_SUPPLIED}), ACCEPTED, "intake"),
    "not_take": Move(frozenset({RECEIVED, SUPPLEMENT_SUPPLIED}), NOT_TAKEN, "intake"),
    "refuse_intake": Move(frozenset({RECEIVED, SUPPLEMENT_SUPPLIED}), REFUSED_INTAKE, "intake"),
    "intake_supplement": Move(
        frozenset({RECEIVED, SUPPLEMENT_SUPPLIED}), SUPPLEMENT_REQUESTED, "intake"
    ),
    "intake_supplied": Move(frozenset({SUPPLEMENT_REQUESTED}), SUPPLEMENT_SUPPLIED, "intake"),
    "start": Move(frozenset({ACCEPTED}), HANDLING, "handling"),
    "request_supplement": Move(ACTIVE, SUPPLEMENT_REQUESTED, "handling"),
    "supplied": Move(frozenset({SUPPLEMENT_REQUESTED}), SUPPLEMENT_SUPPLIED, "handling"),
    "special_start": Move(ACTIVE, SPECIAL_START, "handling"),
    "special_end": Move(frozenset({SPECIAL_START}), SPECIAL_END, "handling"),
    "approve": Move(ACTIVE, APPROVED, "handling"),
    "approve_owed": Move(ACTIVE, APPROVED_OWED, "handling"),
    "refuse": Move(ACTIVE | {ACCEPTED}, REFUSED, "handling"),
    "withdraw": Move(
        frozenset(
            {
                ACCEPTED,
                HANDLING,
                SUPPLEMENT_REQUESTED,
                SUPPLEMENT_SUPPLIED,
                SPECIAL_START,
                SPECIAL_END,
            }
        ),
        WITHDRAWN,
        "handling",
    ),
    "revoke": Move(APPROVED_STATES, REVOKED, "done"),
}


_CASE = ItemCase.__table__  # type: ignore[attr-defined]


_T_DEPARTMENT = Department.__table__  # type: ignore[attr-defined]
_DEPARTMENT_NAME = select(_T_DEPARTMENT.c.name).where(_T_DEPARTMENT.c.id == bindparam("id"))


def _office_names(session: Session) -> dict[int, str]:
    return session.info.setdefault("eap.office_names", {})


def office_name(session: Session, department_id: int) -> str:
    """Department name for history rows, memoised for the life of this session only."""
    names = _office_names(session)
    if department_id not in names:
        name = reading(session).execute(_DEPARTMENT_NAME, {"id": department_id}).scalar()
        names[department_id] = name or ""
    return names[department_id]


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
    if move.target in (SUPPLEMENT_REQUESTED, SPECIAL_START) and case.phase == "handling":
        case.paused_since, case.pause_kind = (
            now,
            ("supplement" if move.target == SUPPLEMENT_REQUESTED else "special"),
        )
        if move.target == SUPPLEMENT_REQUESTED:
            case.supplements += 1
    elif move.target in (SUPPLEMENT_SUPPLIED, SPECIAL_END) and case.phase == "handling":
        resume_clock(case, now=now, cal=cal)
    elif move.target == SUPPLEMENT_REQUESTED:
        case.supplements += 1
    if move.target == ACCEPTED:
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
    read_versions = [
        _apply_move(case, action=action, principal=principal, now=now, cal=cal, then=then)
        for case in cases
    ]
    save_versioned_all(session, list(zip(cases, read_versions, strict=True)))
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


def start_clock(case: ItemCase, *, now: dt.datetime, cal: WorkCalendar) -> None:
    """The acceptance day is not counted; the deadline is the end of the Nth working day."""
    case.clock_started_at = now
    due = cal.add_working_days(local_date(now), case.limit_days)
    case.due_date, case.due_provisional = due.day, due.provisional


def resume_clock(case: ItemCase, *, now: dt.datetime, cal: WorkCalendar) -> int:
    """End a pause: the deadline moves on by the working days it took."""
    if case.paused_since is None:
        return 0
    paused = cal.paused_working_days(case.paused_since, now)
    case.paused_days += paused
    if case.due_date is not None:
        moved = cal.extend(case.due_date, paused)
        case.due_date = moved.day
        case.due_provisional = case.due_provisional or moved.provisional
    case.paused_since, case.pause_kind = None, ""
    return paused


def days_used(case: ItemCase, *, now: dt.datetime, cal: WorkCalendar) -> int:
    if case.clock_started_at is None:
        return 0
    gross = cal.working_days_between(local_date(case.clock_started_at), local_date(now))
    running_pause = (
        cal.paused_working_days(case.paused_since, now) if case.paused_since is not None else 0
    )
    return max(0, gross - case.paused_days - running_pause)


@dataclass(frozen=True)
class ClockView:
    """What the applicant and staff see of an item's clock (DOMAIN §6)."""

    used: int
    paused: int
    left: int | None
    state: str  # normal warning due overdue paused done waiting
    due_date: dt.date | None
    provisional: bool


def clock_view(case: ItemCase, *, now: dt.datetime, cal: WorkCalendar) -> ClockView:
    used = days_used(case, now=now, cal=cal)
    running = (
        cal.paused_working_days(case.paused_since, now) if case.paused_since is not None else 0
    )
    paused = case.paused_days + running
    if case.status in TERMINAL:
        return ClockView(
            case.used_days, case.paused_days, None, "done", case.due_date, case.due_provisional
        )
    if case.due_date is None:
        return ClockView(0, 0, None, "waiting", None, False)
    today = local_date(now)
    due = cal.extend(case.due_date, running).day if running else case.due_date
    if today > due:
        left = -cal.working_days_between(due, today)
    else:
        left = cal.working_days_between(today, due)
    if case.paused_since is not None:
        state = "paused"
    elif today > due:
        state = "overdue"
    elif today == due:
        state = "due"
    elif left <= 1:
        state = "warning"
    else:
        state = "normal"
    return ClockView(used, paused, left, state, due, case.due_provisional)


_T_DEP = ItemDependency.__table__  # type: ignore[attr-defined]
_T_ITEM = Item.__table__  # type: ignore[attr-defined]
_PREREQUISITES = (
    select(_T_DEP.c.item_id, _T_DEP.c.requires_code)
    .where(_T_DEP.c.item_id.in_(bindparam("item_ids", expanding=True)))
    .order_by(_T_DEP.c.id)
)
_STATUSES_OF_CODES = (
    select(_T_ITEM.c.code, _CASE.c.status)
    .join(_T_ITEM, _T_ITEM.c.id == _CASE.c.item_id)
    .where(
        _CASE.c.project_id == bindparam("project_id"),
        _T_ITEM.c.code.in_(bindparam("codes", expanding=True)),
    )
)
_WAITING_ON_CODE = (
    select(_CASE.c.id)
    .where(
        _CASE.c.project_id == bindparam("project_id"),
        _CASE.c.waiting_on.contains(bindparam("code")),
    )
    .order_by(_CASE.c.id)
)


def unmet_prerequisites(session: Session, *, case: ItemCase) -> tuple[list[str], list[str]]:
    """(codes still awaited, codes refused) among the prerequisites within the same project.

    A prerequisite that is not part of this project's cases is not required for it. Case rows
    are written as they change (see save_versioned), so reading the table directly is current.
    """
    assert case.id is not None
    return unmet_prerequisites_all(session, cases=[case])[case.id]


def unmet_prerequisites_all(
    session: Session, *, cases: list[ItemCase]
) -> dict[int, tuple[list[str], list[str]]]:
    """unmet_prerequisites for several cases of one project, in two queries."""
    if not cases:
        return {}
    conn = reading(session)
    needs: dict[int, list[str]] = {}
    for item_id, code in conn.execute(
        _PREREQUISITES, {"item_ids": sorted({c.item_id for c in cases})}
    ):
        needs.setdefault(item_id, []).append(code)
    statuses: dict[str, list[int]] = {}
    codes = sorted({code for codes in needs.values() for code in codes})
    if codes:
        for code, status in conn.execute(
            _STATUSES_OF_CODES, {"project_id": cases[0].project_id, "codes": codes}
        ):
            statuses.setdefault(code, []).append(status)
    out: dict[int, tuple[list[str], list[str]]] = {}
    for case in cases:
        assert case.project_id == cases[0].project_id and case.id is not None
        waiting, refused = [], []
        for code in needs.get(case.item_id, []):
            rows = statuses.get(code, [])
            if not rows or any(s in APPROVED_STATES for s in rows):
                continue
            if all(s in TERMINAL for s in rows):
                refused.append(code)
            else:
                waiting.append(code)
        out[case.id] = (waiting, refused)
    return out


def release_dependents(
    session: Session,
    *,
    decided: ItemCase,
    item_code: str,
    now: dt.datetime,
    cal: WorkCalendar,
) -> list[ItemCase]:
    """After a decision: start waiting items whose prerequisites are now met, block the rest."""
    touched = []
    ids = (
        reading(session)
        .execute(_WAITING_ON_CODE, {"project_id": decided.project_id, "code": item_code})
        .scalars()
        .all()
    )
    for dep_id in ids:
        dep = session.get(ItemCase, dep_id)
        assert dep is not None
        waiting, refused = unmet_prerequisites(session, case=dep)
        read_version = dep.version
        dep.waiting_on = ",".join(waiting)
        if refused:
            dep.blocked_reason = ",".join(refused)
            action = "dependency_blocked"
        elif not waiting:
            start_clock(dep, now=now, cal=cal)
            action = "dependency_met"
        else:
            save_versioned(session, dep, read_version=read_version)
            continue
        save_versioned(session, dep, read_version=read_version)
        write_event(
            session,
            stage_case_id=dep.stage_case_id,
            item_case=dep,
            action=action,
            principal=None,
            now=now,
            detail={"prerequisite": item_code},
        )
        touched.append(dep)
    return touched


_LOAD_CASE = (
    select(ItemCase, StageCase, Project)
    .join(StageCase, col(StageCase.id) == col(ItemCase.stage_case_id))
    .join(Project, col(Project.id) == col(ItemCase.project_id))
    .where(col(ItemCase.id) == bindparam("id"))
)


@dataclass(frozen=True)
class ProjectFacts:
    """What a department's move reads of the project: it never changes the project."""

    id: int
    name: str
    region_code: str
    company_id: int


@dataclass(frozen=True)
class ItemFacts:
    """What a department's move reads of the catalogue item."""

    id: int
    code: str
    name_zh: str
    result_kind: str
    promise_allowed: bool
    certificate_name: str
    has_dependents: bool  # some catalogue item waits for this one's approval


_T_PROJECT = Project.__table__  # type: ignore[attr-defined]
_CASE_FACTS = (
    select(
        _T_PROJECT.c.id,
        _T_PROJECT.c.name,
        _T_PROJECT.c.region_code,
        _T_PROJECT.c.company_id,
        _T_ITEM.c.id,
        _T_ITEM.c.code,
        _T_ITEM.c.name_zh,
        _T_ITEM.c.result_kind,
        _T_ITEM.c.promise_allowed,
        _T_ITEM.c.certificate_name,
        exists().where(_T_DEP.c.requires_code == _T_ITEM.c.code),
    )
    .select_from(
        _CASE.join(_T_PROJECT, _T_PROJECT.c.id == _CASE.c.project_id).join(
            _T_ITEM, _T_ITEM.c.id == _CASE.c.item_id
        )
    )
    .where(_CASE.c.id == bindparam("id"))
)
# The case with its department's name, which its history rows carry as the office (BLCS).
_CASE_BY_ID = (
    select(ItemCase, _T_DEPARTMENT.c.name)
    .join(_T_DEPARTMENT, _T_DEPARTMENT.c.id == col(ItemCase.department_id))
    .where(col(ItemCase.id) == bindparam("id"))
)


def load_case(session: Session, item_case_id: int) -> tuple[ItemCase, StageCase, Project]:
    """An item case with its stage case and project, in one query."""
    row = session.execute(_LOAD_CASE, {"id": item_case_id}).first()
    if row is None:
        raise DomainError("error.not_found")
    return row[0], row[1], row[2]


def load_item_case(session: Session, item_case_id: int) -> ItemCase:
    row = session.execute(_CASE_BY_ID, {"id": item_case_id}).first()
    if row is None:
        raise DomainError("error.not_found")
    case, office = row
    _office_names(session)[case.department_id] = office
    return case


def load_case_and_facts(
    session: Session, item_case_id: int
) -> tuple[ItemCase, ProjectFacts, ItemFacts]:
    """An item case to change, with the project and item facts the move reads (two queries:
    only the case is a tracked object)."""
    case = load_item_case(session, item_case_id)
    row = reading(session).execute(_CASE_FACTS, {"id": item_case_id}).one()
    return case, ProjectFacts(*row[:4]), ItemFacts(*row[4:])


def now_or(now: dt.datetime | None) -> dt.datetime:
    """Server time. Only the simulator and tests pass ``now``; no user-facing path can."""
    return now or utcnow()


def user_name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return user.display_name if user else ""
