"""Supervision costs follow what matters, not the history size.

1. Deadline sweep: ten times more open cases (far from their deadline) and ten times more
   finished history, with the same number of cases near their deadline: target <= 1.5x.
2. KPI page query for one year: ten times more history in the roll-ups: target <= 1.5x.
Both scenarios run in this process, side by side; the ratios are printed.

Usage: python -m bench.supervision_scaling [--near 200] [--open 2000]
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

TMP = Path(tempfile.mkdtemp(prefix="eap-bench-sup-"))
os.environ["EAP_UPLOAD_DIR"] = str(TMP / "files")

from sqlalchemy import delete  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from bench.seeded import insert_chunked, seeded_province  # noqa: E402
from eap.models import (  # noqa: E402
    Alert,
    Department,
    ItemCase,
    KpiDaily,
    Notification,
    SmsOutbox,
    StageCase,
)
from eap.services.approval.filing import NEW_ITEM_CASE
from eap.services.core.clock import CHINA_TZ  # noqa: E402
from eap.services.supervision import alerts as supervision, kpi

NOW = dt.datetime(2026, 11, 25, 9, tzinfo=CHINA_TZ)
TODAY = NOW.date()


def build(path: Path, *, open_far: int, finished: int, near: int, kpi_years: int):  # type: ignore[no-untyped-def]
    seeded = seeded_province(path, project_code="2026-360102-47-01-000001")
    engine = seeded.engine
    with Session(engine) as s:
        dept = s.exec(select(Department).where(Department.code == "360100-zj")).one()
        sc = StageCase(
            project_id=seeded.project_id,
            process_id=seeded.process_id,
            stage_code=3,
            region_code="360100",
            lead_department_id=dept.id,
            status="closed",
            case_no="BENCH",
        )
        s.add(sc)
        s.commit()
        rows = []

        def case(status: int, due: dt.date) -> dict:
            return {
                **NEW_ITEM_CASE,
                "stage_case_id": sc.id,
                "project_id": seeded.project_id,
                "item_id": seeded.item_id,
                "department_id": dept.id,
                "status": status,
                "phase": "handling",
                "limit_days": 10,
                "due_date": due,
                "case_no": f"B{len(rows)}",
                "updated_at": NOW,
            }

        for i in range(open_far):
            rows.append(case(8, TODAY + dt.timedelta(days=20 + i % 300)))
        for i in range(finished):
            rows.append(case(11, TODAY - dt.timedelta(days=1 + i % 3000)))
        for i in range(near):
            rows.append(case(8, TODAY + dt.timedelta(days=i % 2)))
        insert_chunked(s, ItemCase, rows)
        s.commit()
        krows = []
        start = TODAY - dt.timedelta(days=365 * kpi_years)
        cities = [
            "360100",
            "360200",
            "360300",
            "360400",
            "360500",
            "360600",
            "360700",
            "360800",
            "360900",
            "361000",
            "361100",
            "369900",
        ]
        day = start
        while day <= TODAY:
            for city in cities:
                for stage in (1, 3):
                    krows.append(
                        {
                            "day": day,
                            "city_code": city,
                            "county_code": city,
                            "department_id": dept.id,
                            "stage_code": stage,
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
                            "used_hist": {"4": 1, "5": 1, "6": 1},
                        }
                    )
            day += dt.timedelta(days=1)
        insert_chunked(s, KpiDaily, krows)
        s.commit()
    return engine


def time_sweep(engine, runs: int = 3) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    times, raised = [], 0
    for _ in range(runs):
        with Session(engine) as s:
            for model in (Notification, SmsOutbox, Alert):
                s.execute(delete(model))
            s.commit()
            t0 = time.perf_counter()
            result = supervision.sweep_deadlines(s, now=NOW)
            times.append(time.perf_counter() - t0)
            raised = sum(result.new.values())
    return statistics.median(times), raised


def time_kpi(engine, runs: int = 7) -> float:  # type: ignore[no-untyped-def]
    times = []
    with Session(engine) as s:
        for _ in range(runs):
            t0 = time.perf_counter()
            rows = kpi.kpis(
                s, start=TODAY - dt.timedelta(days=364), end=TODAY, group_by="city_code"
            )
            times.append(time.perf_counter() - t0)
            assert len(rows) == 12
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--near", type=int, default=200)
    ap.add_argument("--open", type=int, default=2000)
    args = ap.parse_args()
    base = build(
        TMP / "base.db", open_far=args.open, finished=args.open * 2, near=args.near, kpi_years=1
    )
    big = build(
        TMP / "big.db",
        open_far=args.open * 10,
        finished=args.open * 20,
        near=args.near,
        kpi_years=10,
    )
    s1, r1 = time_sweep(base)
    s10, r10 = time_sweep(big)
    assert r1 == r10, (r1, r10)
    k1, k10 = time_kpi(base), time_kpi(big)
    print(
        f"sweep: {args.open} open + {args.open * 2} finished -> {s1 * 1000:.1f} ms; "
        f"{args.open * 10} open + {args.open * 20} finished -> {s10 * 1000:.1f} ms "
        f"(same {args.near} near deadline, {r1} alerts raised each)"
    )
    print(
        f"sweep ratio (10x open cases) = {s10 / s1:.2f}  (target <= 1.5: "
        f"{'met' if s10 / s1 <= 1.5 else 'NOT met'})"
    )
    print(
        f"kpi query, one year: 1 year of roll-ups -> {k1 * 1000:.1f} ms; "
        f"10 years -> {k10 * 1000:.1f} ms"
    )
    print(
        f"kpi ratio (10x history) = {k10 / k1:.2f}  (target <= 1.5: "
        f"{'met' if k10 / k1 <= 1.5 else 'NOT met'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
