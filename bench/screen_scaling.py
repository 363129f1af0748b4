"""The big screen's figures cost what the present holds, not the size of the history.

Two provinces side by side in this process: the same open cases (some overdue) and the same
year, one with a year of finished history, the other with ten (ten times the finished cases,
their events and the KPI roll-ups). Timed, the median of several runs each:

1. the scheduler's ``screen`` job (``snapshot.refresh``: every scope's figures);
2. a custom one-year range on the province's screen (summed from the roll-ups when asked).

Target: the ten-year province takes <= 1.5x the time of the one-year one.

Usage: python -m bench.screen_scaling [--open 500] [--finished 5000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="eap-bench-screen-"))
os.environ["EAP_UPLOAD_DIR"] = str(TMP / "files")

from sqlmodel import Session, select  # noqa: E402

from bench.seeded import insert_chunked, seeded_province  # noqa: E402
from eap.models import (  # noqa: E402
    CaseEvent,
    Department,
    ItemCase,
    KpiDaily,
    StageCase,
    User,
)
from eap.services.approval.filing import NEW_ITEM_CASE  # noqa: E402
from eap.services.core.clock import CHINA_TZ  # noqa: E402
from eap.services.core.principal import Principal  # noqa: E402
from eap.services.screen import figures, snapshot  # noqa: E402

NOW = dt.datetime(2026, 11, 25, 9, tzinfo=CHINA_TZ)
TODAY = NOW.date()
CITIES = [f"36{n:02d}00" for n in range(1, 12)] + ["369900"]


def build(path: Path, *, open_cases: int, finished: int, years: int):  # type: ignore[no-untyped-def]
    seeded = seeded_province(path, project_code="2026-360102-47-01-000001")
    with Session(seeded.engine) as s:
        dept = s.exec(select(Department).where(Department.code == "360100-zj")).one()
        stage_cases = []
        for i, city in enumerate(CITIES):
            sc = StageCase(
                project_id=seeded.project_id,
                process_id=seeded.process_id,
                stage_code=1 + i % 4,
                region_code=city,
                lead_department_id=dept.id,
                status="accepted",
                case_no=f"BENCH{city}",
            )
            s.add(sc)
            stage_cases.append(sc)
        s.commit()
        rows = []

        def case(sc: StageCase, status: int, due: dt.date, decided: dt.datetime | None) -> dict:
            return {
                **NEW_ITEM_CASE,
                "stage_case_id": sc.id,
                "project_id": seeded.project_id,
                "item_id": seeded.item_id,
                "department_id": dept.id,
                "status": status,
                "phase": "done" if decided else "handling",
                "limit_days": 10,
                "due_date": due,
                "decided_at": decided,
                "clock_started_at": dt.datetime.combine(due, dt.time(9), tzinfo=CHINA_TZ)
                - dt.timedelta(days=14),
                "case_no": f"B{len(rows)}",
                "updated_at": NOW,
            }

        for i in range(open_cases):  # the present: the same in both provinces
            due = TODAY + dt.timedelta(days=(i % 40) - 10)  # a quarter of them overdue
            rows.append(case(stage_cases[i % len(CITIES)], 8, due, None))
        span = 365 * years
        for i in range(finished):  # the history
            due = TODAY - dt.timedelta(days=1 + i % span)
            decided = dt.datetime.combine(due, dt.time(15), tzinfo=CHINA_TZ)
            rows.append(case(stage_cases[i % len(CITIES)], 11, due, decided))
        insert_chunked(s, ItemCase, rows)
        s.commit()
        user = s.exec(select(User).where(User.username == "leader")).one()
        ids = s.exec(select(ItemCase.id, ItemCase.stage_case_id, ItemCase.decided_at)).all()
        events = [
            {
                "stage_case_id": sc_id,
                "item_case_id": case_id,
                "status": 11 if decided else 8,
                "action": "approve" if decided else "start",
                "handler_id": user.id,
                "at": decided or NOW - dt.timedelta(hours=1),
                "detail": {},
            }
            for case_id, sc_id, decided in ids
        ]
        insert_chunked(s, CaseEvent, events)
        krows = []
        day = TODAY - dt.timedelta(days=span)
        while day <= TODAY:
            for city in CITIES:
                krows.append(
                    {
                        "day": day,
                        "city_code": city,
                        "county_code": city,
                        "department_id": dept.id,
                        "stage_code": 1,
                        "process_type": 1,
                        "accepted": 3,
                        "completed": 3,
                        "on_time": 2,
                        "refused": 0,
                        "with_supplement": 1,
                        "due": 3,
                        "overdue": 1,
                        "used_days_sum": 15,
                        "special_days": 0,
                        "evaluations": 1,
                        "satisfied": 1,
                        "used_hist": {"4": 1, "5": 1, "6": 1},
                    }
                )
            day += dt.timedelta(days=1)
        insert_chunked(s, KpiDaily, krows)
        s.commit()
        leader = Principal.of(user)
    return seeded.engine, leader


def time_refresh(engine, runs: int = 3) -> tuple[float, dict]:  # type: ignore[no-untyped-def]
    times = []
    with Session(engine) as s:
        snapshot.refresh(s, now=NOW)  # warm-up: caches and the first plans, not measured
        s.rollback()
        for _ in range(runs):
            t0 = time.perf_counter()
            snapshot.refresh(s, now=NOW)
            times.append(time.perf_counter() - t0)
            s.rollback()
        data = snapshot.compute(s, scope="360000", now=NOW, cal=snapshot.WorkCalendar.load(s))
    return statistics.median(times), data


def time_custom(engine, leader: Principal, runs: int = 5) -> float:  # type: ignore[no-untyped-def]
    times = []
    with Session(engine) as s:
        for i in range(runs + 1):  # the first is a warm-up
            t0 = time.perf_counter()
            figures.screen_view(
                s,
                principal=leader,
                period="custom",
                start=TODAY - dt.timedelta(days=364),
                end=TODAY,
                now=NOW,
            )
            if i:
                times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--open", type=int, default=500)
    ap.add_argument("--finished", type=int, default=5000)
    args = ap.parse_args()
    base, leader1 = build(TMP / "base.db", open_cases=args.open, finished=args.finished, years=1)
    big, leader10 = build(
        TMP / "big.db", open_cases=args.open, finished=args.finished * 10, years=10
    )
    r1, d1 = time_refresh(base)
    r10, d10 = time_refresh(big)
    # the same present in both: the same cases overdue now
    assert d1["now"]["overdue_count"] == d10["now"]["overdue_count"] > 0
    c1, c10 = time_custom(base, leader1), time_custom(big, leader10)
    print(
        f"screen job (13 scopes): {args.finished} finished cases, 1 year -> {r1 * 1000:.0f} ms; "
        f"{args.finished * 10} finished, 10 years -> {r10 * 1000:.0f} ms "
        f"({args.open} open, {d1['now']['overdue_count']} overdue now in both)"
    )
    print(
        f"screen job ratio (10x history) = {r10 / r1:.2f}  (target <= 1.5: "
        f"{'met' if r10 / r1 <= 1.5 else 'NOT met'})"
    )
    print(
        f"custom one-year range on the province's screen: {c1 * 1000:.1f} ms vs "
        f"{c10 * 1000:.1f} ms; ratio = {c10 / c1:.2f}  (target <= 1.5: "
        f"{'met' if c10 / c1 <= 1.5 else 'NOT met'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
