"""The working-day clock against the State Council's published arrangements, and its invariants."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from sqlmodel import Session

from eap.errors import DomainError
from eap.services.core.clock import CHINA_TZ, WorkCalendar, import_year_file

D = dt.date
CAL = WorkCalendar()

# (day, is working day) from the State Council notices, 调休 weekends included.
PUBLISHED = [
    (D(2019, 4, 28), True),  # Sunday made a working day for Labour Day 2019
    (D(2019, 5, 1), False),
    (D(2019, 5, 4), False),
    (D(2019, 5, 5), True),
    (D(2023, 9, 29), False),  # Mid-Autumn + National Day 2023
    (D(2023, 10, 6), False),
    (D(2023, 10, 7), True),  # Saturday working day
    (D(2023, 10, 8), True),  # Sunday working day
    (D(2024, 2, 4), True),  # Spring Festival 2024
    (D(2024, 2, 10), False),
    (D(2024, 2, 17), False),
    (D(2024, 2, 18), True),
    (D(2025, 1, 26), True),  # Spring Festival 2025
    (D(2025, 1, 28), False),
    (D(2025, 2, 4), False),
    (D(2025, 2, 8), True),
    (D(2026, 2, 14), True),  # Spring Festival 2026
    (D(2026, 2, 16), False),
    (D(2026, 2, 23), False),
    (D(2026, 2, 28), True),
    (D(2026, 10, 1), False),
    (D(2026, 10, 7), False),
    (D(2026, 10, 8), True),
    (D(2026, 11, 28), False),  # an ordinary Saturday
    (D(2026, 11, 30), True),  # an ordinary Monday
]


@pytest.mark.parametrize(("day", "working"), PUBLISHED)
def test_published_arrangements(day: dt.date, working: bool) -> None:
    assert CAL.is_working_day(day) is working
    assert not CAL.is_provisional(day)


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (D(2026, 2, 12), 3, D(2026, 2, 24)),  # across the Spring Festival, via the 14th (Sat)
        (D(2023, 9, 27), 2, D(2023, 10, 7)),  # into a 调休 Saturday
        (D(2024, 2, 9), 1, D(2024, 2, 18)),  # the next working day is a Sunday
        (D(2026, 11, 27), 1, D(2026, 11, 30)),  # Friday + 1 = Monday
        (D(2026, 11, 30), 0, D(2026, 11, 30)),
    ],
)
def test_add_working_days_examples(start: dt.date, n: int, due: dt.date) -> None:
    result = CAL.add_working_days(start, n)
    assert result.day == due
    assert result.provisional is False


def test_unknown_year_is_provisional_and_counts_weekends_only() -> None:
    result = CAL.add_working_days(D(2026, 12, 25), 10)
    # 2026-12-28..31 are 4 days; 2027 is unknown, so 2027-01-01 (a Friday) counts.
    assert result.day == D(2027, 1, 8)
    assert result.provisional is True
    assert CAL.is_working_day(D(2027, 1, 1)) is True
    assert CAL.is_working_day(D(2099, 6, 6)) is False  # a Saturday
    for day in (D(1, 1, 1), D(1900, 2, 28), D(9999, 12, 31)):
        CAL.is_working_day(day)  # never raises


def test_import_year_makes_dates_final(session: Session, tmp_path: Path) -> None:
    f = tmp_path / "2027.csv"
    f.write_text(
        "# 2027 arrangement\n2027-01-01,holiday,元旦\n2027-02-06,workday,春节调休\n"
        "2027-02-08,holiday,春节\n",
        encoding="utf-8",
    )
    assert import_year_file(session, path=f) == [2027]
    cal = WorkCalendar.load(session)
    assert cal.is_working_day(D(2027, 1, 1)) is False
    assert cal.is_working_day(D(2027, 2, 6)) is True  # a Saturday made a working day
    assert cal.is_working_day(D(2027, 2, 8)) is False
    due = cal.add_working_days(D(2026, 12, 31), 1)
    assert due == type(due)(D(2027, 1, 4), False)


def test_override_beats_package(session: Session, tmp_path: Path) -> None:
    f = tmp_path / "fix.csv"
    f.write_text("2026-11-30,holiday,临时调整\n", encoding="utf-8")
    import_year_file(session, path=f)
    assert WorkCalendar.load(session).is_working_day(D(2026, 11, 30)) is False


@pytest.mark.parametrize(
    ("content", "key"),
    [
        ("2027-13-01,holiday,x\n", "calendar.bad_date"),
        ("2027-01-01,vacation,x\n", "calendar.bad_kind"),
        ("2027-01-01\n", "calendar.bad_line"),
        ("# nothing\n", "calendar.empty_file"),
    ],
)
def test_bad_file_changes_nothing(session: Session, tmp_path: Path, content: str, key: str) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(
        "2027-05-01,holiday,劳动节\n" + content if "nothing" not in content else content,
        encoding="utf-8",
    )
    with pytest.raises(DomainError) as err:
        import_year_file(session, path=f)
    assert err.value.key == key
    assert WorkCalendar.load(session).is_working_day(D(2027, 5, 3)) is True
    assert WorkCalendar.load(session).is_provisional(D(2027, 5, 3)) is True


def test_paused_days_use_beijing_dates() -> None:
    # 2026-11-30 23:30 Beijing is still Monday the 30th; resumed Wednesday 2 Dec 09:00.
    paused = dt.datetime(2026, 11, 30, 23, 30, tzinfo=CHINA_TZ)
    resumed = dt.datetime(2026, 12, 2, 9, 0, tzinfo=CHINA_TZ)
    assert CAL.paused_working_days(paused.astimezone(dt.UTC), resumed.astimezone(dt.UTC)) == 2
    # A pause over a weekend costs no working days for Saturday and Sunday.
    fri = dt.datetime(2026, 11, 27, 10, tzinfo=CHINA_TZ)
    mon = dt.datetime(2026, 11, 30, 10, tzinfo=CHINA_TZ)
    assert CAL.paused_working_days(fri, mon) == 1


dates = st.dates(min_value=D(2004, 1, 1), max_value=D(2028, 12, 31))
counts = st.integers(min_value=0, max_value=120)


@settings(max_examples=300, deadline=None)
@given(start=dates, n=st.integers(min_value=1, max_value=120))
def test_due_is_working_day_and_exactly_n_between(start: dt.date, n: int) -> None:
    due = CAL.add_working_days(start, n).day
    assert CAL.is_working_day(due)
    assert CAL.working_days_between(start, due) == n
    assert CAL.working_days_between(start, due - dt.timedelta(days=1)) == n - 1


@settings(max_examples=300, deadline=None)
@given(start=dates, n=counts, m=counts, shift=st.integers(min_value=0, max_value=30))
def test_adding_is_monotonic(start: dt.date, n: int, m: int, shift: int) -> None:
    a, b = sorted((n, m))
    assert CAL.add_working_days(start, a).day <= CAL.add_working_days(start, b).day
    later = start + dt.timedelta(days=shift)
    assert CAL.add_working_days(start, n).day <= CAL.add_working_days(later, n).day


@settings(max_examples=300, deadline=None)
@given(
    start=dates,
    n=st.integers(min_value=1, max_value=60),
    pause_start=st.integers(min_value=0, max_value=40),
    pause_len=st.integers(min_value=0, max_value=40),
)
def test_pauses_add_exactly_the_paused_working_days(
    start: dt.date, n: int, pause_start: int, pause_len: int
) -> None:
    due = CAL.add_working_days(start, n).day
    p_from = dt.datetime.combine(
        start + dt.timedelta(days=pause_start), dt.time(10), tzinfo=CHINA_TZ
    )
    p_to = p_from + dt.timedelta(days=pause_len)
    paused = CAL.paused_working_days(p_from, p_to)
    moved = CAL.extend(due, paused).day
    assert CAL.working_days_between(due, moved) == paused
    assert CAL.working_days_between(start, moved) == n + paused
    assert paused == sum(
        CAL.is_working_day(p_from.date() + dt.timedelta(days=i)) for i in range(1, pause_len + 1)
    )


@settings(max_examples=200, deadline=None)
@given(
    pairs=st.lists(
        st.tuples(
            st.dates(min_value=D(2018, 1, 1), max_value=D(2028, 12, 31)),
            st.integers(min_value=-40, max_value=900),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_counting_days_matches_walking_them(pairs: list[tuple[dt.date, int]]) -> None:
    """One calendar answers many counts in any order (its running totals grow and move
    earlier as asked); each answer is the plain count of working days in (start, end]."""
    cal = WorkCalendar()
    for start, span in pairs:
        end = start + dt.timedelta(days=span)
        walked = sum(
            CAL.is_working_day(start + dt.timedelta(days=i)) for i in range(1, max(0, span) + 1)
        )
        assert cal.working_days_between(start, end) == walked
