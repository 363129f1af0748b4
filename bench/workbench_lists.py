"""Workbench lists stay quick as cases pile up: a department's inbox page, the window's queue
page and the department's consultations to answer, with ten times more rows in the database,
side by side. Target: a page in under
100 ms with tens of thousands of cases. The page itself reads 20 rows through an index; the
pager's total count follows the size of that department's own inbox.

Usage: python -m bench.workbench_lists [--cases 5000]
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

TMP = Path(tempfile.mkdtemp(prefix="eap-bench-lists-"))
os.environ["EAP_UPLOAD_DIR"] = str(TMP / "files")

from sqlalchemy import insert  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from bench.seeded import insert_chunked, seeded_province  # noqa: E402
from eap.models import (  # noqa: E402
    Department,
    Inquiry,
    ItemCase,
    StageCase,
    User,
)
from eap.services.approval import workbench
from eap.services.approval.filing import NEW_ITEM_CASE
from eap.services.core.clock import CHINA_TZ  # noqa: E402
from eap.services.core.principal import Principal  # noqa: E402
from eap.services.hall import inquiries

NOW = dt.datetime(2026, 11, 25, 9, tzinfo=CHINA_TZ)


def build(path: Path, cases: int):  # type: ignore[no-untyped-def]
    seeded = seeded_province(path, project_code="2026-360102-47-01-000009")
    engine = seeded.engine
    with Session(engine) as s:
        depts = s.exec(select(Department).where(Department.region_code == "360100")).all()
        stage_rows = [
            {
                "project_id": seeded.project_id,
                "process_id": seeded.process_id,
                "stage_code": 1,
                "region_code": "360100",
                "lead_department_id": depts[0].id,
                "status": "closed" if i % 10 else "submitted",
                "case_no": f"S{i}",
                "channel": 2,
                "submitted_at": NOW - dt.timedelta(minutes=i),
                "limit_days": 10,
                "used_days": 0,
                "version": 1,
                "answers": {},
            }
            for i in range(cases // 5)
        ]
        s.execute(insert(StageCase), stage_rows)
        first_sc = s.exec(select(StageCase.id)).first()
        rows = [
            {
                **NEW_ITEM_CASE,
                "stage_case_id": first_sc,
                "project_id": seeded.project_id,
                "item_id": seeded.item_id,
                "department_id": depts[i % len(depts)].id,
                "status": 8 if i % 4 == 0 else 11,
                "phase": "handling",
                "limit_days": 10,
                "due_date": NOW.date() + dt.timedelta(days=i % 400 - 200),
                "case_no": f"B{i}",
                "updated_at": NOW,
            }
            for i in range(cases)
        ]
        insert_chunked(s, ItemCase, rows)
        user = s.exec(select(User).where(User.username == "qiye001")).one()
        asks = [
            {
                "kind": "consult" if i % 3 else "complaint",
                "company_id": seeded.company_id,
                "user_id": user.id,
                "department_id": depts[i % len(depts)].id,
                "subject": f"咨询{i}",
                "status": ("open", "answered", "closed")[i % 3],
                "created_at": NOW - dt.timedelta(minutes=i),
                "updated_at": NOW - dt.timedelta(minutes=i),
            }
            for i in range(cases)
        ]
        insert_chunked(s, Inquiry, asks)
        s.commit()
    return engine


def timed(engine, fn, runs: int = 7) -> float:  # type: ignore[no-untyped-def]
    times = []
    with Session(engine) as s:
        approver = Principal.of(s.exec(select(User).where(User.username == "nc_zj")).one())
        window = Principal.of(s.exec(select(User).where(User.username == "nc_window")).one())
        for _ in range(runs):
            t0 = time.perf_counter()
            fn(s, approver, window)
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def inbox(s, approver, _window):  # type: ignore[no-untyped-def]
    page = workbench.department_inbox(s, principal=approver, page=1, size=20, now=NOW)
    assert len(page.rows) == 20


def queue(s, _approver, window):  # type: ignore[no-untyped-def]
    page = workbench.window_queue(s, principal=window, page=1, size=20)
    assert len(page.rows) == 20


def replies(s, approver, _window):  # type: ignore[no-untyped-def]
    rows, total = inquiries.list_inquiries(s, principal=approver, status="open", page=1, size=20)
    assert len(rows) == 20 and total > 20


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=5000)
    args = ap.parse_args()
    small = build(TMP / "small.db", args.cases)
    big = build(TMP / "big.db", args.cases * 10)
    for name, fn in (
        ("department inbox", inbox),
        ("window queue", queue),
        ("consultations to answer", replies),
    ):
        a, b = timed(small, fn), timed(big, fn)
        print(
            f"{name}: {args.cases} cases -> {a * 1000:.1f} ms; {args.cases * 10} -> "
            f"{b * 1000:.1f} ms; ratio {b / a:.2f}; target < 100 ms per page: "
            f"{'met' if b < 0.1 else 'NOT met'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
