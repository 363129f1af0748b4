"""The administrator's holiday calendar (节假日安排): which years' arrangements are imported and
which are still provisional (weekends only, so deadlines computed into them are marked
provisional), a year's file imported, single days marked. Every statutory clock counts working
days on this calendar; every change is audited. A change moves no deadline already set: due
dates are fixed when a case is accepted (a pause moves them by the calendar of its time)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from eap.errors import DomainError
from eap.models import CalendarYear, HolidayOverride
from eap.services.core.audit import record
from eap.services.core.clock import PACKAGE_YEARS, import_year_lines, today_in_china
from eap.services.core.principal import Principal, Role

KINDS = ("holiday", "workday")


@dataclass(frozen=True)
class YearRow:
    year: int = 0
    imported: bool = False
    built_in: bool = False  # published before this release: the chinese-calendar package has it
    source: str = ""
    holidays: int = 0
    workdays: int = 0  # 调休: weekend days worked


@dataclass(frozen=True)
class DayRow:
    day: str = ""
    kind: str = ""
    name: str = ""


def calendar_years(
    session: Session, *, principal: Principal, today: dt.date | None = None
) -> list[YearRow]:
    """A year neither imported nor built in is provisional: only weekends are rest days.
    Every year from the first with an arrangement or a special day (or this year) to the
    last such year (or next year), newest first."""
    principal.require_role(Role.ADMIN)
    this_year = (today or today_in_china()).year
    imported = {y.year: y for y in session.exec(select(CalendarYear))}
    counts: dict[tuple[int, str], int] = {}
    for day, kind in session.exec(select(col(HolidayOverride.day), col(HolidayOverride.kind))):
        counts[(day.year, kind)] = counts.get((day.year, kind), 0) + 1
    known = [*imported, *(y for y, _ in counts)]
    first, last = min([*known, this_year]), max([*known, this_year + 1])
    return [
        YearRow(
            year=year,
            imported=year in imported,
            built_in=year in PACKAGE_YEARS,
            source=imported[year].source if year in imported else "",
            holidays=counts.get((year, "holiday"), 0),
            workdays=counts.get((year, "workday"), 0),
        )
        for year in range(last, first - 1, -1)
    ]


def days_of(session: Session, *, principal: Principal, year: int) -> list[DayRow]:
    principal.require_role(Role.ADMIN)
    rows = session.exec(
        select(HolidayOverride)
        .where(
            col(HolidayOverride.day) >= dt.date(year, 1, 1),
            col(HolidayOverride.day) <= dt.date(year, 12, 31),
        )
        .order_by(col(HolidayOverride.day))
    ).all()
    return [DayRow(r.day.isoformat(), r.kind, r.name) for r in rows]


def import_text(session: Session, *, principal: Principal, text: str, source: str) -> list[int]:
    """A year's arrangement pasted or uploaded as ``YYYY-MM-DD,holiday|workday,<name>`` lines;
    checked whole before anything is written. Returns the years imported."""
    principal.require_role(Role.ADMIN)
    try:
        return import_year_lines(
            session,
            lines=text.splitlines(),
            source=source.strip(),  # "" : typed in on the calendar page, which says so
            actor_id=principal.user_id,
        )
    except DomainError as exc:
        raise DomainError(exc.key, field="lines", **exc.params) from None


def mark_day(
    session: Session, *, principal: Principal, day: str, kind: str, name: str = ""
) -> None:
    """One day made a holiday or a working day, or (``kind`` "") back to the weekday rule."""
    principal.require_role(Role.ADMIN)
    try:
        date = dt.date.fromisoformat(day.strip())
    except ValueError:
        raise DomainError("calendar.bad_day", field="day", text=day[:20]) from None
    if kind and kind not in KINDS:
        raise DomainError("calendar.bad_day_kind", field="kind", text=kind[:20])
    existing = session.get(HolidayOverride, date)
    before = {"kind": existing.kind, "name": existing.name} if existing else None
    if not kind:
        if existing is None:
            return
        session.delete(existing)
    elif existing is not None:
        existing.kind, existing.name = kind, name.strip()[:64]
        session.add(existing)
    else:
        session.add(HolidayOverride(day=date, kind=kind, name=name.strip()[:64]))
    session.info.pop("eap.calendar", None)  # this session's memo of the calendar is stale
    record(
        session,
        actor_id=principal.user_id,
        action="calendar.day",
        entity="calendar",
        entity_id=date.isoformat(),
        detail={"before": before, "kind": kind or "default", "name": name.strip()[:64]},
    )
    session.flush()
