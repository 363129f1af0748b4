"""Working-day clock (工作日计时), DOMAIN §6.

Sources, in order: the administrator's holiday overrides in the database, then the
``chinese-calendar`` package (2004-2026), then weekends only. A date in a year known to neither
is *provisional*: the clock still answers, and says so. It never raises on a date.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import chinese_calendar
from sqlmodel import Session, col, select

from eap.errors import DomainError
from eap.models import CalendarYear, HolidayOverride
from eap.models.common import utcnow

# Deadlines are working days in China; instants are stored in UTC and read in Beijing time.
CHINA_TZ = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


def _package_years() -> range:
    years = sorted({d.year for d in chinese_calendar.holidays})
    return range(years[0], years[-1] + 1)


PACKAGE_YEARS = _package_years()


@functools.lru_cache(maxsize=4096)
def _default_working_day(day: dt.date) -> bool:
    """The package's answer (or weekends only outside its years): a pure function of the date,
    the same in every worker, so it is memoised for the process. Overrides come on top."""
    if day.year in PACKAGE_YEARS:
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


@dataclass(frozen=True)
class DueDate:
    day: dt.date
    provisional: bool


def today_in_china() -> dt.date:
    """Today's date in Beijing time; the server's own zone may differ (UTC in containers)."""
    return dt.datetime.now(CHINA_TZ).date()


def local_date(instant: dt.datetime) -> dt.date:
    """The calendar day in China of an aware instant."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    return instant.astimezone(CHINA_TZ).date()


class WorkCalendar:
    """Answers working-day questions. Build one per unit of work with :meth:`load`."""

    def __init__(
        self,
        overrides: dict[dt.date, str] | None = None,
        known_years: set[int] | None = None,
        *,
        overrides_loader: Callable[[], dict[dt.date, str]] | None = None,
        years_loader: Callable[[], set[int]] | None = None,
    ) -> None:
        self._overrides = overrides or {}
        self._known = set(PACKAGE_YEARS) | (known_years or set())
        self._cache: dict[dt.date, bool] = {}
        # working days in (_base, _base + i] at [i]: a day count is two look-ups, not a walk
        # over every day (a hall page counts each open case's days since acceptance)
        self._base: dt.date | None = None
        self._prefix: list[int] = []
        self._overrides_loader = overrides_loader
        self._years_loader = years_loader

    @classmethod
    def load(cls, session: Session) -> WorkCalendar:
        """The calendar of this session (one unit of work). Its tables are read when first
        needed — the overrides when a date is first asked about, the imported years only for a
        year the package does not know — so a move that computes no date costs no query. An
        import in this session drops the memo, so nothing stale outlives it and no worker keeps
        its own copy."""
        cached = session.info.get("eap.calendar")
        if cached is not None:
            return cached

        def overrides() -> dict[dt.date, str]:
            rows = session.exec(select(col(HolidayOverride.day), col(HolidayOverride.kind)))
            return {day: kind for day, kind in rows}

        def years() -> set[int]:
            return set(session.exec(select(CalendarYear.year)))

        cal = cls(overrides_loader=overrides, years_loader=years)
        session.info["eap.calendar"] = cal
        return cal

    def is_provisional(self, day: dt.date) -> bool:
        if day.year in self._known:
            return False
        if self._years_loader is not None:
            self._known |= self._years_loader()
            self._years_loader = None
        return day.year not in self._known

    def is_working_day(self, day: dt.date) -> bool:
        cached = self._cache.get(day)
        if cached is not None:
            return cached
        if self._overrides_loader is not None:
            self._overrides, self._overrides_loader = self._overrides_loader(), None
        kind = self._overrides.get(day)
        result = kind == "workday" if kind is not None else _default_working_day(day)
        self._cache[day] = result
        return result

    def add_working_days(self, start: dt.date, n: int) -> DueDate:
        """The end of the Nth working day after ``start`` (``start`` itself is not counted)."""
        if n < 0:
            raise ValueError("n must be >= 0")
        day, counted, provisional = start, 0, self.is_provisional(start)
        while counted < n:
            day += dt.timedelta(days=1)
            provisional = provisional or self.is_provisional(day)
            if self.is_working_day(day):
                counted += 1
        return DueDate(day, provisional)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in the half-open interval (start, end]; 0 when end <= start."""
        if end <= start:
            return 0
        self._cover(start, end)
        assert self._base is not None
        return self._prefix[(end - self._base).days] - self._prefix[(start - self._base).days]

    def _cover(self, first: dt.date, last: dt.date) -> None:
        """Running totals from before ``first`` through ``last`` (moved earlier if needed)."""
        if self._base is None or first < self._base:
            known_end = (
                self._base + dt.timedelta(days=len(self._prefix) - 1) if self._base else last
            )
            self._base, self._prefix = first - dt.timedelta(days=366), [0]
            last = max(last, known_end)
        if (last - self._base).days >= len(self._prefix):
            self._grow_to(last)

    def _grow_to(self, day: dt.date) -> None:
        assert self._base is not None
        prefix, base = self._prefix, self._base
        for i in range(len(prefix), (day - base).days + 1):
            prefix.append(prefix[-1] + self.is_working_day(base + dt.timedelta(days=i)))

    def paused_working_days(self, paused_from: dt.datetime, resumed_at: dt.datetime) -> int:
        """Working days a pause (补正 / 特别程序) took off the clock.

        The day the pause starts was already being worked on and stays counted; every working
        day after it up to and including the day work resumes is not counted.
        """
        return self.working_days_between(local_date(paused_from), local_date(resumed_at))

    def extend(self, due: dt.date, paused_days: int) -> DueDate:
        """A deadline moved on by the working days a pause took."""
        return self.add_working_days(due, paused_days)


def import_year_file(session: Session, *, path: Path, actor_id: int | None = None) -> list[int]:
    """Import ``YYYY-MM-DD,holiday|workday,<name>`` lines; returns the years now known.

    The whole file is checked before anything is written, so a bad line changes nothing.
    """
    return import_year_lines(
        session,
        lines=path.read_text(encoding="utf-8-sig").splitlines(),
        source=path.name,
        actor_id=actor_id,
    )


def import_year_lines(
    session: Session, *, lines: list[str], source: str, actor_id: int | None = None
) -> list[int]:
    """``import_year_file`` for lines from anywhere (the administrator's calendar page)."""
    from eap.services.core.audit import record

    rows: dict[dt.date, tuple[str, str]] = {}
    for lineno, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split(",", 2)]
        if len(parts) < 2:
            raise DomainError("calendar.bad_line", line=lineno, text=line)
        try:
            day = dt.date.fromisoformat(parts[0])
        except ValueError:
            raise DomainError("calendar.bad_date", line=lineno, text=parts[0]) from None
        kind = parts[1].lower()
        if kind not in ("holiday", "workday"):
            raise DomainError("calendar.bad_kind", line=lineno, text=parts[1])
        rows[day] = (kind, (parts[2] if len(parts) > 2 else "")[:64])
    if not rows:
        raise DomainError("calendar.empty_file")
    session.info.pop("eap.calendar", None)
    years = sorted({d.year for d in rows})
    for day, (kind, name) in rows.items():
        existing = session.get(HolidayOverride, day)
        if existing:
            existing.kind, existing.name, existing.updated_at = kind, name, utcnow()
            session.add(existing)
        else:
            session.add(HolidayOverride(day=day, kind=kind, name=name))
    for year in years:
        known = session.get(CalendarYear, year)
        if known:
            known.source, known.imported_at = source[:200], utcnow()
            session.add(known)
        else:
            session.add(CalendarYear(year=year, source=source[:200]))
    record(
        session,
        actor_id=actor_id,
        action="calendar.import",
        entity="calendar",
        entity_id=",".join(map(str, years)),
        detail={"file": source, "rows": len(rows)},
    )
    session.flush()
    return years


def now_or(now: dt.datetime | None) -> dt.datetime:
    """Server time. Only the simulator and tests pass ``now``; no user-facing path can."""
    return now or utcnow()
