"""The clock badge's states (办理时限): what a clerk can act on, on a real working-day calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from eap.models import ItemCase
from eap.models.cases import Blzt
from eap.services.approval.case_clock import clock_view, start_clock, warning_days
from eap.services.core.clock import WorkCalendar
from tests.factories import at

CAL = WorkCalendar()
MONDAY = dt.date(2026, 11, 30)


def _case(status: Blzt, phase: str, limit: int) -> ItemCase:
    return ItemCase(
        stage_case_id=1,
        project_id=1,
        item_id=1,
        department_id=1,
        case_no="X",
        status=status,
        phase=phase,
        limit_days=limit,
    )


def _accepted(limit: int, on: dt.date = MONDAY) -> ItemCase:
    case = _case(Blzt.HANDLING, "handling", limit)
    start_clock(case, now=at(on, 11), cal=CAL)
    return case


def _state(case: ItemCase, day: dt.date) -> str:
    return clock_view(case, now=at(day, 15), cal=CAL).state


def test_a_one_day_item_is_not_a_warning_the_moment_it_is_accepted() -> None:
    case = _accepted(1)
    assert _state(case, MONDAY) == "normal"
    assert _state(case, MONDAY + dt.timedelta(days=1)) == "due"
    assert _state(case, MONDAY + dt.timedelta(days=2)) == "overdue"


@pytest.mark.parametrize(("limit", "warn"), [(1, 1), (3, 1), (5, 1), (10, 2), (20, 4)])
def test_warning_is_the_last_fifth_of_the_limit(limit: int, warn: int) -> None:
    assert warning_days(limit) == warn
    case = _accepted(limit)
    assert case.due_date is not None
    states = {}
    day = MONDAY
    while day < case.due_date:
        states[day] = _state(case, day)
        day += dt.timedelta(days=1)
    left_at_first_warning = [
        CAL.working_days_between(d, case.due_date) for d, s in states.items() if s == "warning"
    ]
    if limit > 1:
        assert max(left_at_first_warning) == warn
    assert states[MONDAY] == "normal"  # never a warning on the day the clock starts


def test_before_the_clock_starts_the_badge_says_why() -> None:
    case = _case(Blzt.SUBMITTED, "intake", 5)
    assert _state(case, MONDAY) == "not_started"  # not yet accepted: no prerequisite involved
    case.status, case.phase, case.waiting_on = Blzt.ACCEPTED, "handling", "S1-01"
    assert _state(case, MONDAY) == "waiting"
    case.waiting_on, case.blocked_reason = "", "S1-01"
    assert _state(case, MONDAY) == "blocked"
