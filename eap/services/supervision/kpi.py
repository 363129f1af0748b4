"""KPIs (效能指标) from daily roll-ups (DOMAIN §7).

The scheduler keeps ``KpiDaily`` / ``ProjectKpiDaily`` current; a KPI query sums roll-up rows
of its period, so it costs the same with ten years of history as with one. Percentiles are exact:
each roll-up keeps a histogram of working days used, and histograms add.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, func, select

from eap.models import (
    Evaluation,
    ItemCase,
    JobRun,
    KpiDaily,
    KpiStaleDay,
    Project,
    ProjectKpiDaily,
    SpecialProcedure,
    StageCase,
)
from eap.models.cases import Blzt
from eap.models.common import utcnow
from eap.services.approval.case_clock import project_targets
from eap.services.core.clock import CHINA_TZ, WorkCalendar, local_date, now_or
from eap.services.core.progress import Progress, silent

NOT_COUNTED = (Blzt.WITHDRAWN_BEFORE, Blzt.NOT_TAKEN, Blzt.REFUSED_INTAKE, Blzt.WITHDRAWN)
DECIDED = (Blzt.APPROVED, Blzt.APPROVED_OWED, Blzt.REFUSED, Blzt.REVOKED)
GRAIN = ("city_code", "county_code", "department_id", "stage_code", "process_type")
MEASURES = (
    "accepted",
    "completed",
    "on_time",
    "refused",
    "with_supplement",
    "due",
    "overdue",
    "used_days_sum",
    "special_days",
    "evaluations",
    "satisfied",
)


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    lo = dt.datetime.combine(start, dt.time(0), tzinfo=CHINA_TZ)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=CHINA_TZ)
    return lo, hi


def _base():
    return (
        select(
            ItemCase,
            StageCase.region_code,
            StageCase.stage_code,
            Project.region_code,
            Project.process_type,
        )
        .join(StageCase, col(StageCase.id) == col(ItemCase.stage_case_id))
        .join(Project, col(Project.id) == col(ItemCase.project_id))
    )


def measure_days(session: Session, start: dt.date, end: dt.date) -> dict[tuple, dict[str, Any]]:
    """Measures per (day, grain) for local days start..end, straight from the case tables."""
    lo, hi = _bounds(start, end)
    cal = WorkCalendar.load(session)
    out: dict[tuple, dict[str, Any]] = defaultdict(
        lambda: {**dict.fromkeys(MEASURES, 0), "used_hist": defaultdict(int)}
    )

    def key(day: dt.date, case: ItemCase, city: str, stage: int, county: str, ptype: int) -> tuple:
        return (day, city, county, case.department_id, stage, ptype)

    for case, city, stage, county, ptype in session.exec(
        _base().where(col(ItemCase.clock_started_at) >= lo, col(ItemCase.clock_started_at) < hi)
    ):
        out[key(local_date(case.clock_started_at), case, city, stage, county, ptype)][
            "accepted"
        ] += 1
    for case, city, stage, county, ptype in session.exec(
        _base().where(
            col(ItemCase.decided_at) >= lo,
            col(ItemCase.decided_at) < hi,
            col(ItemCase.status).in_(DECIDED),
            col(ItemCase.clock_started_at).is_not(None),
        )
    ):
        day = local_date(case.decided_at)
        m = out[key(day, case, city, stage, county, ptype)]
        m["completed"] += 1
        m["on_time"] += int(case.due_date is not None and day <= case.due_date)
        m["refused"] += int(case.status == Blzt.REFUSED)
        m["with_supplement"] += int(case.supplements > 0)
        m["used_days_sum"] += case.used_days
        m["used_hist"][str(case.used_days)] += 1
    for case, city, stage, county, ptype in session.exec(
        _base().where(
            col(ItemCase.due_date) >= start,
            col(ItemCase.due_date) <= end,
            col(ItemCase.status).not_in(NOT_COUNTED),
            # a paused case is not due on its stored day: its deadline moves on when it
            # resumes, and it is counted on the day it is due then
            col(ItemCase.paused_since).is_(None),
        )
    ):
        m = out[key(case.due_date, case, city, stage, county, ptype)]
        m["due"] += 1
        late = case.decided_at is None or local_date(case.decided_at) > case.due_date
        m["overdue"] += int(late)
    specials = session.exec(
        _base()
        .add_columns(SpecialProcedure.started_at, SpecialProcedure.ended_at)
        .join(SpecialProcedure, col(SpecialProcedure.item_case_id) == col(ItemCase.id))
        .where(col(SpecialProcedure.ended_at) >= lo, col(SpecialProcedure.ended_at) < hi)
    )
    for case, city, stage, county, ptype, started, ended in specials:
        days = cal.working_days_between(local_date(started), local_date(ended))
        out[key(local_date(ended), case, city, stage, county, ptype)]["special_days"] += days
    # 好差评: counted on the item case's department, on the day of evaluation.
    for ev, sc, county, ptype in session.exec(
        select(Evaluation, StageCase, Project.region_code, Project.process_type)
        .join(StageCase, col(StageCase.id) == col(Evaluation.stage_case_id))
        .join(Project, col(Project.id) == col(StageCase.project_id))
        .where(col(Evaluation.at) >= lo, col(Evaluation.at) < hi)
    ):
        m = out[(local_date(ev.at), sc.region_code, county, ev.department_id, sc.stage_code, ptype)]
        m["evaluations"] += 1
        m["satisfied"] += int(ev.grade >= 4)
    return out


def project_measures(session: Session, start: dt.date, end: dt.date) -> dict[tuple, dict]:
    lo, hi = _bounds(start, end)
    out: dict[tuple, dict[str, int]] = defaultdict(
        lambda: {"completed": 0, "days_sum": 0, "within_target": 0}
    )
    completed = session.exec(
        select(Project).where(col(Project.completed_at) >= lo, col(Project.completed_at) < hi)
    ).all()
    targets = project_targets(session, projects=completed)
    for p in completed:
        assert p.completed_at is not None  # the query asked for completed projects
        k = (local_date(p.completed_at), p.region_code[:4] + "00", p.region_code, p.process_type)
        target = targets[p.process_type]
        out[k]["completed"] += 1
        out[k]["days_sum"] += p.used_days
        out[k]["within_target"] += int(target is None or p.used_days <= target)
    return out


def rollup(session: Session, *, start: dt.date, end: dt.date) -> int:
    """Replace the roll-ups of local days start..end by a fresh computation."""
    session.execute(delete(KpiDaily).where(col(KpiDaily.day) >= start, col(KpiDaily.day) <= end))
    session.execute(
        delete(ProjectKpiDaily).where(
            col(ProjectKpiDaily.day) >= start, col(ProjectKpiDaily.day) <= end
        )
    )
    n = 0
    for (day, city, county, dept, stage, ptype), m in measure_days(session, start, end).items():
        session.add(
            KpiDaily(
                day=day,
                city_code=city,
                county_code=county,
                department_id=dept,
                stage_code=stage,
                process_type=ptype,
                used_hist=dict(m.pop("used_hist")),
                **m,
            )
        )
        n += 1
    for (day, city, county, ptype), m in project_measures(session, start, end).items():
        session.add(
            ProjectKpiDaily(day=day, city_code=city, county_code=county, process_type=ptype, **m)
        )
    session.flush()
    return n


def _first_day(session: Session) -> dt.date | None:
    first = session.exec(select(func.min(StageCase.submitted_at))).one()
    return local_date(first) if first else None


def rebuild(
    session: Session, *, now: dt.datetime | None = None, on_progress: Progress = silent
) -> dict[str, Any]:
    """Recompute every roll-up from scratch (``python -m eap kpi rebuild``)."""
    today = local_date(now_or(now))
    first = _first_day(session)
    session.execute(delete(KpiDaily))
    session.execute(delete(ProjectKpiDaily))
    session.execute(delete(KpiStaleDay))  # every day is recomputed
    rows = 0
    if first is not None:
        day = first
        total = (today - first).days + 1
        while day <= today:  # a month at a time keeps memory flat
            last = min(today, day + dt.timedelta(days=30))
            rows += rollup(session, start=day, end=last)
            on_progress((last - first).days + 1, total, label="days")
            day = last + dt.timedelta(days=1)
    _mark(session, today)
    session.commit()
    return {"rows": rows, "from": first.isoformat() if first else None, "to": today.isoformat()}


def maintain(
    session: Session, *, now: dt.datetime | None = None, lookback_days: int = 7
) -> dict[str, Any]:
    """The scheduler's incremental job: roll up since the last run, re-roll the last
    ``lookback_days`` for late changes, and re-roll every older day a moved deadline left
    (``KpiStaleDay``, marked where a pause begins or ends), so no case is counted due on two
    days."""
    today = local_date(now_or(now))
    run = session.get(JobRun, "kpi")
    through = (
        dt.date.fromisoformat(run.last_result["through"])
        if run and run.last_result.get("through")
        else None
    )
    if through is None:
        return rebuild(session, now=now)
    start = min(through, today) - dt.timedelta(days=lookback_days)
    rows = rollup(session, start=start, end=today)
    marks = session.exec(select(KpiStaleDay.id, KpiStaleDay.day)).all()
    stale = sorted({day for _, day in marks if day < start})
    for day in stale:
        rows += rollup(session, start=day, end=day)
    if marks:  # only the marks read here: one added meanwhile waits for the next run
        session.execute(delete(KpiStaleDay).where(col(KpiStaleDay.id).in_([i for i, _ in marks])))
    _mark(session, today)
    session.commit()
    return {
        "rows": rows,
        "from": start.isoformat(),
        "to": today.isoformat(),
        "stale_days": [d.isoformat() for d in stale],
    }


def _mark(session: Session, through: dt.date) -> None:
    run = session.get(JobRun, "kpi") or JobRun(name="kpi", last_run_at=utcnow())
    run.last_run_at, run.last_result = utcnow(), {"through": through.isoformat()}
    session.add(run)


@dataclass(frozen=True)
class KpiRow:
    key: str
    accepted: int
    completed: int
    on_time_rate: float | None
    overdue_rate: float | None
    avg_days: float | None
    p90_days: int | None
    supplement_rate: float | None
    refusal_rate: float | None
    special_days: int
    due: int
    overdue: int
    satisfaction: float | None = None
    evaluations: int = 0


def percentile(hist: dict[str, int], q: float) -> int | None:
    total = sum(hist.values())
    if not total:
        return None
    rank = math.ceil(q * total)
    seen = 0
    for days in sorted(hist, key=int):
        seen += hist[days]
        if seen >= rank:
            return int(days)
    return None


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def summarise(groups: dict[str, dict[str, Any]]) -> list[KpiRow]:
    rows = []
    for k, m in sorted(groups.items()):
        rows.append(
            KpiRow(
                key=k,
                accepted=m["accepted"],
                completed=m["completed"],
                on_time_rate=_ratio(m["on_time"], m["completed"]),
                overdue_rate=_ratio(m["overdue"], m["due"]),
                avg_days=round(m["used_days_sum"] / m["completed"], 2) if m["completed"] else None,
                p90_days=percentile(m["used_hist"], 0.9),
                supplement_rate=_ratio(m["with_supplement"], m["completed"]),
                refusal_rate=_ratio(m["refused"], m["completed"]),
                special_days=m["special_days"],
                due=m["due"],
                overdue=m["overdue"],
                satisfaction=_ratio(m["satisfied"], m["evaluations"]),
                evaluations=m["evaluations"],
            )
        )
    return rows


def kpis(
    session: Session, *, start: dt.date, end: dt.date, group_by: str, region_prefix: str = ""
) -> list[KpiRow]:
    """KPIs per ``group_by`` (city_code, county_code, department_id, stage_code, process_type)
    over local days start..end, from the roll-ups only."""
    if group_by not in GRAIN:
        raise ValueError(group_by)
    dim = getattr(KpiDaily, group_by)
    stmt = select(dim, *[func.sum(getattr(KpiDaily, m)) for m in MEASURES]).where(
        col(KpiDaily.day) >= start, col(KpiDaily.day) <= end
    )
    hist_stmt = select(dim, KpiDaily.used_hist).where(
        col(KpiDaily.day) >= start, col(KpiDaily.day) <= end, KpiDaily.completed > 0
    )
    if region_prefix:
        stmt = stmt.where(col(KpiDaily.county_code).startswith(region_prefix))
        hist_stmt = hist_stmt.where(col(KpiDaily.county_code).startswith(region_prefix))
    groups: dict[str, dict[str, Any]] = {}
    for row in session.exec(stmt.group_by(dim)):
        groups[str(row[0])] = {
            **dict(zip(MEASURES, (int(v or 0) for v in row[1:]), strict=True)),
            "used_hist": defaultdict(int),
        }
    for k, hist in session.exec(hist_stmt):
        for days, n in (hist or {}).items():
            groups[str(k)]["used_hist"][days] += n
    return summarise(groups)


def project_kpis(
    session: Session, *, start: dt.date, end: dt.date, group_by: str = "city_code"
) -> dict[str, dict[str, float | int | None]]:
    dim = getattr(ProjectKpiDaily, group_by)
    out = {}
    for k, completed, days, within in session.exec(
        select(
            dim,
            func.sum(ProjectKpiDaily.completed),
            func.sum(ProjectKpiDaily.days_sum),
            func.sum(ProjectKpiDaily.within_target),
        )
        .where(col(ProjectKpiDaily.day) >= start, col(ProjectKpiDaily.day) <= end)
        .group_by(dim)
    ):
        out[str(k)] = {
            "completed": int(completed or 0),
            "avg_days": round(days / completed, 2) if completed else None,
            "within_target_rate": _ratio(int(within or 0), int(completed or 0)),
        }
    return out
