"""The administrator's holiday calendar (issue 19 item 4): imported and provisional years, a
year's arrangement pasted in (checked whole first), single days set and reset; only the
administrator; audited; the clocks count on what was set."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from eap.errors import DomainError, PermissionDenied
from eap.models import AuditLog, HolidayOverride
from eap.services.admin import calendar
from eap.services.core.clock import WorkCalendar
from tests.factories import _user

ARRANGEMENT = """# 2031
2031-01-01,holiday,元旦
2031-10-01,holiday,国庆节
2031-10-02,holiday,国庆节
2031-10-11,workday,国庆调休
"""


def test_import_mark_and_reset_a_day(session: Session) -> None:
    admin = _user(session, "admin", region_code="360000")
    today = dt.date(2030, 6, 1)
    before = {y.year: y for y in calendar.calendar_years(session, principal=admin, today=today)}
    assert not before[2031].imported  # next year: provisional until imported
    assert max(before) == 2031
    years = calendar.import_text(session, principal=admin, text=ARRANGEMENT, source="国办发")
    assert years == [2031]
    rows = {
        y.year: y
        for y in calendar.calendar_years(session, principal=admin, today=dt.date(2026, 12, 1))
    }
    assert max(rows) == 2031 and not rows[2027].imported  # years up to the imported one
    assert rows[2026].built_in and not rows[2028].built_in  # the package's years
    assert rows[2031].imported and rows[2031].source == "国办发"
    assert (rows[2031].holidays, rows[2031].workdays) == (3, 1)
    days = calendar.days_of(session, principal=admin, year=2031)
    assert [d.day for d in days] == ["2031-01-01", "2031-10-01", "2031-10-02", "2031-10-11"]
    # 2031-10-11 is a Saturday made a working day; 10-01 (a Wednesday) a holiday
    cal = WorkCalendar.load(session)
    assert cal.is_working_day(dt.date(2031, 10, 11)) and not cal.is_working_day(
        dt.date(2031, 10, 1)
    )
    assert not cal.is_provisional(dt.date(2031, 10, 1))
    # a single day: set, changed, and back to the weekday rule
    calendar.mark_day(session, principal=admin, day="2031-05-05", kind="holiday", name="补休")
    assert not WorkCalendar.load(session).is_working_day(dt.date(2031, 5, 5))
    calendar.mark_day(session, principal=admin, day="2031-05-05", kind="", name="")
    assert session.get(HolidayOverride, dt.date(2031, 5, 5)) is None
    assert WorkCalendar.load(session).is_working_day(dt.date(2031, 5, 5))
    actions = [
        a.action for a in session.exec(select(AuditLog).where(AuditLog.entity == "calendar")).all()
    ]
    assert actions.count("calendar.day") == 2 and "calendar.import" in actions


def test_a_bad_line_changes_nothing_and_is_named_beside_the_field(session: Session) -> None:
    admin = _user(session, "admin", region_code="360000")
    text = "2032-01-01,holiday,元旦\n2032-13-01,holiday,不存在"
    with pytest.raises(DomainError) as bad:
        calendar.import_text(session, principal=admin, text=text, source="")
    assert bad.value.field == "lines" and bad.value.params["line"] == 2
    assert session.get(HolidayOverride, dt.date(2032, 1, 1)) is None
    with pytest.raises(DomainError) as bad_day:
        calendar.mark_day(session, principal=admin, day="2032-02-30", kind="holiday")
    assert bad_day.value.field == "day" and bad_day.value.key == "calendar.bad_day"
    with pytest.raises(DomainError) as bad_kind:
        calendar.mark_day(session, principal=admin, day="2032-02-03", kind="rest")
    assert bad_kind.value.field == "kind"


def test_only_the_administrator(session: Session) -> None:
    for role in ("supervisor", "security", "auditor"):
        other = _user(session, role, region_code="360000")
        with pytest.raises(PermissionDenied):
            calendar.calendar_years(session, principal=other)
        with pytest.raises(PermissionDenied):
            calendar.mark_day(session, principal=other, day="2031-05-05", kind="holiday")
        with pytest.raises(PermissionDenied):
            calendar.import_text(session, principal=other, text=ARRANGEMENT, source="")
