"""Anomaly checks (督查): patterns that deserve a supervisor's look, each recorded once with
its evidence."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, func, select

from eap.models import Anomaly, CaseEvent, ItemCase, SpecialProcedure, StageCase
from eap.models.cases import Blzt
from eap.services.core.clock import WorkCalendar, local_date, now_or

KINDS = (
    "intake_delay",
    "repeated_supplement",
    "special_overrun",
    "too_fast",
    "skipped_steps",
    "backlog_growth",
)
TOO_FAST_MINUTES = 30
TOO_FAST_MIN_LIMIT = 3
REPEATED_SUPPLEMENTS = 2
BACKLOG_GROWTH = 1.2
BACKLOG_MIN_CASES = 5


def _record(
    session: Session,
    *,
    kind: str,
    subject: str,
    region: str,
    department_id: int | None,
    evidence: dict[str, Any],
    now: dt.datetime,
) -> bool:
    dialect = session.get_bind().dialect.name
    ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Anomaly)
    stmt = ins.values(
        kind=kind,
        subject=subject,
        region_code=region,
        department_id=department_id,
        evidence=evidence,
        detected_at=now,
        status="open",
    ).on_conflict_do_nothing(index_elements=["kind", "subject"])
    # RETURNING, not rowcount: psycopg reports -1 for an INSERT … ON CONFLICT it skipped.
    return session.execute(stmt.returning(col(Anomaly.id))).scalar_one_or_none() is not None


def detect(
    session: Session, *, now: dt.datetime | None = None, window_days: int = 14
) -> dict[str, int]:
    """Run every check over the recent window; returns the number of new records per kind."""
    now = now_or(now)
    cal = WorkCalendar.load(session)
    since = now - dt.timedelta(days=window_days)
    found = dict.fromkeys(KINDS, 0)

    def rec(kind: str, subject: str, region: str, dept: int | None, ev: dict) -> None:
        if _record(
            session,
            kind=kind,
            subject=subject,
            region=region,
            department_id=dept,
            evidence=ev,
            now=now,
        ):
            found[kind] += 1

    # 1. Submissions not received within one working day.
    for sc in session.exec(select(StageCase).where(StageCase.status == "submitted")):
        deadline = cal.add_working_days(local_date(sc.submitted_at), 1).day
        if local_date(now) > deadline:
            rec(
                "intake_delay",
                f"stage:{sc.id}",
                sc.region_code,
                sc.lead_department_id,
                {
                    "case_no": sc.case_no,
                    "submitted_at": sc.submitted_at.isoformat(),
                    "receive_by": deadline.isoformat(),
                },
            )
    # 2. Repeated supplements on one case.
    for case, region in session.exec(
        select(ItemCase, StageCase.region_code)
        .join(StageCase, col(StageCase.id) == col(ItemCase.stage_case_id))
        .where(ItemCase.supplements >= REPEATED_SUPPLEMENTS, col(ItemCase.updated_at) >= since)
    ):
        rec(
            "repeated_supplement",
            f"item:{case.id}",
            region,
            case.department_id,
            {"case_no": case.case_no, "supplements": case.supplements},
        )
    # 3. Special procedures past their own limit (running or ended late).
    for proc, case, region in session.exec(
        select(SpecialProcedure, ItemCase, StageCase.region_code)
        .join(ItemCase, col(ItemCase.id) == col(SpecialProcedure.item_case_id))
        .join(StageCase, col(StageCase.id) == col(ItemCase.stage_case_id))
        .where(col(SpecialProcedure.due_date) < local_date(now))
        .where(
            (col(SpecialProcedure.ended_at).is_(None)) | (col(SpecialProcedure.ended_at) >= since)
        )
    ):
        ended = local_date(proc.ended_at) if proc.ended_at else local_date(now)
        if ended > proc.due_date:
            rec(
                "special_overrun",
                f"special:{proc.id}",
                region,
                case.department_id,
                {
                    "case_no": case.case_no,
                    "kind": proc.kind,
                    "limit_days": proc.limit_days,
                    "due": proc.due_date.isoformat(),
                    "ended": ended.isoformat(),
                },
            )
    # 4. and 5. Decided recently: implausibly fast, or without the required steps.
    decided = session.exec(
        select(ItemCase, StageCase.region_code)
        .join(StageCase, col(StageCase.id) == col(ItemCase.stage_case_id))
        .where(
            col(ItemCase.decided_at) >= since,
            col(ItemCase.status).in_([Blzt.APPROVED, Blzt.APPROVED_OWED, Blzt.REFUSED]),
        )
    ).all()
    for case, region in decided:
        if (
            case.clock_started_at
            and case.decided_at
            and case.limit_days >= TOO_FAST_MIN_LIMIT
            and case.decided_at - case.clock_started_at < dt.timedelta(minutes=TOO_FAST_MINUTES)
        ):
            rec(
                "too_fast",
                f"item:{case.id}",
                region,
                case.department_id,
                {
                    "case_no": case.case_no,
                    "limit_days": case.limit_days,
                    "minutes": round(
                        (case.decided_at - case.clock_started_at).total_seconds() / 60, 1
                    ),
                },
            )
        statuses = set(
            session.exec(select(CaseEvent.status).where(CaseEvent.item_case_id == case.id))
        )
        missing = [s for s in (Blzt.RECEIVED, Blzt.ACCEPTED, Blzt.HANDLING) if s not in statuses]
        if missing and not case.blocked_reason:
            rec(
                "skipped_steps",
                f"item:{case.id}",
                region,
                case.department_id,
                {
                    "case_no": case.case_no,
                    "missing": missing,
                    "seen": sorted(s for s in statuses if s is not None),
                },
            )
    # 6. Department backlog growing week on week.
    for dept_id, region, this_week, last_week in _backlogs(session, now):
        if this_week >= BACKLOG_MIN_CASES and this_week > last_week * BACKLOG_GROWTH:
            week = local_date(now).isocalendar()
            rec(
                "backlog_growth",
                f"dept:{dept_id}:{week.year}W{week.week:02d}",
                region,
                dept_id,
                {"open_now": this_week, "open_week_ago": last_week},
            )
    session.commit()
    return found


def _backlogs(session: Session, now: dt.datetime) -> list[tuple[int, str, int, int]]:
    """Open item cases per department now and one week ago."""
    week_ago = now - dt.timedelta(days=7)

    def open_at(t: dt.datetime) -> dict[tuple[int, str], int]:
        rows = session.exec(
            select(ItemCase.department_id, StageCase.region_code, func.count())
            .join(StageCase, col(StageCase.id) == col(ItemCase.stage_case_id))
            .where(
                col(ItemCase.clock_started_at) <= t,
                (col(ItemCase.decided_at).is_(None)) | (col(ItemCase.decided_at) > t),
                col(ItemCase.status).not_in([Blzt.WITHDRAWN, Blzt.WITHDRAWN_BEFORE]),
            )
            .group_by(col(ItemCase.department_id), col(StageCase.region_code))
        ).all()
        return {(d, r): int(n) for d, r, n in rows}

    now_open, before = open_at(now), open_at(week_ago)
    return [(d, r, n, before.get((d, r), 0)) for (d, r), n in now_open.items()]
