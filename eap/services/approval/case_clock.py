"""An item case's clock (办理时限): started at acceptance, paused and resumed, counted in
working days, and what staff and applicants see of it (DOMAIN §6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, select

from eap.db import reading
from eap.models import ItemCase, KpiStaleDay, ProcessType, Project
from eap.models.cases import TERMINAL
from eap.models.common import table_of
from eap.services.core.clock import WorkCalendar, local_date


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


def mark_stale_days(session: Session, days: set[dt.date], *, now: dt.datetime) -> None:
    """Days whose KPI roll-up a moved deadline made stale, for the KPI job to re-roll."""
    for day in sorted(days):
        session.add(KpiStaleDay(day=day, marked_at=now))


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
    state: str  # normal warning due overdue paused done waiting blocked not_started
    due_date: dt.date | None
    provisional: bool


# 预警 (warning) is the last fifth of an item's limit, at least its last working day before the
# due day, and never the day its clock starts: a 1-day item is "normal" when accepted and "due"
# the next working day, so the badge always asks for something a clerk can still do.
WARNING_SHARE = 0.2


def warning_days(limit_days: int) -> int:
    """Working days left at which an item's clock turns to 预警."""
    return max(1, round(limit_days * WARNING_SHARE))


def clock_view(case: ItemCase, *, now: dt.datetime, cal: WorkCalendar) -> ClockView:
    """The clock's figures and its state for a badge. Before its clock starts an item is
    ``waiting`` only when a prerequisite (前置事项) is still open, ``blocked`` when one was
    refused, and otherwise ``not_started`` (not yet accepted)."""
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
        if case.blocked_reason:
            state = "blocked"
        elif case.waiting_on:
            state = "waiting"
        else:
            state = "not_started"
        return ClockView(0, 0, None, state, None, False)
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
    elif left <= warning_days(case.limit_days) and left < case.limit_days:
        state = "warning"
    else:
        state = "normal"
    return ClockView(used, paused, left, state, due, case.due_provisional)


def project_target(session: Session, *, project: Project) -> int | None:
    """The full-process target (working days) of the project's process type."""
    return project_targets(session, projects=[project])[project.process_type]


def project_targets(session: Session, *, projects: Iterable[Project]) -> dict[int, int | None]:
    """``project_target`` of several projects in one read, by process type."""
    types = table_of(ProcessType)
    codes = {p.process_type for p in projects}
    rows = reading(session).execute(
        select(types.c.code, types.c.target_days).where(types.c.code.in_(codes))
    )
    found: dict[int, int | None] = {code: days for code, days in rows}
    return {code: found.get(code) for code in codes}
