"""The big screen's figures, computed once a minute by the scheduler (大屏数据快照).

A screen on a wall refreshes every minute; fifty of them must not run fifty computations. The
scheduler's ``screen`` job computes, for the province and for every city, the figures of
today, this month and this year (sums of the KPI roll-ups, which cost the same with ten years
of history as with one) and the "now" figures no roll-up holds: projects in progress, cases
overdue now, open applications by stage, the latest events. Each open screen then reads one
row. Only a custom date range is computed when asked (see ``figures.period_figures``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import and_
from sqlmodel import Session, col, func, select

from eap.config import get_settings
from eap.models import (
    CaseEvent,
    Company,
    Department,
    Item,
    ItemCase,
    KpiDaily,
    ProcessType,
    Project,
    ProjectKpiDaily,
    Region,
    ScreenSnapshot,
    StageCase,
    StageDef,
)
from eap.models.cases import TERMINAL, Blzt
from eap.services.core import cache
from eap.services.core.authz import region_names, region_prefix
from eap.services.core.clock import CHINA_TZ, WorkCalendar, local_date, now_or
from eap.services.supervision import views
from eap.services.supervision.kpi import MEASURES, percentile

PROVINCE = "360000"
PERIODS = ("today", "month", "year")
OVERDUE_LIST = 15
EVENTS = 7
SITES = 3000  # projects drawn on the map at most
SLOWEST = 5  # departments and items listed as the slowest
TREND_MONTHS = 12
OPEN_STAGE = ("submitted", "received", "supplement", "accepted")


def period_bounds(period: str, today: dt.date) -> tuple[dt.date, dt.date]:
    if period == "today":
        return today, today
    if period == "month":
        return today.replace(day=1), today
    if period == "year":
        return today.replace(month=1, day=1), today
    raise ValueError(period)


def area_dim(scope: str) -> str:
    """The province's screen shows cities, a city's its counties."""
    return "city_code" if scope == PROVINCE else "county_code"


def _in_scope(column: Any, scope: str) -> Any:
    prefix = region_prefix(scope) or scope
    return col(column).startswith(prefix)


def day_start(day: dt.date) -> dt.datetime:
    """Midnight in Beijing at the start of ``day``, as a UTC instant."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=CHINA_TZ).astimezone(dt.UTC)


def period_figures(session: Session, *, scope: str, start: dt.date, end: dt.date) -> dict:
    """Sums of the roll-ups over local days start..end: totals, per area, per process type."""
    dim = getattr(KpiDaily, area_dim(scope))
    where = (
        col(KpiDaily.day) >= start,
        col(KpiDaily.day) <= end,
        _in_scope(KpiDaily.county_code, scope),
    )
    sums = [func.sum(getattr(KpiDaily, m)) for m in MEASURES]
    areas: dict[str, dict[str, int]] = {}
    for row in session.exec(select(dim, *sums).where(*where).group_by(dim)):
        areas[str(row[0])] = dict(zip(MEASURES, (int(v or 0) for v in row[1:]), strict=True))
    hist: Counter[str] = Counter()
    for h in session.exec(select(KpiDaily.used_hist).where(*where, KpiDaily.completed > 0)):
        hist.update(h or {})
    totals = {m: sum(a[m] for a in areas.values()) for m in MEASURES}
    pdim = getattr(ProjectKpiDaily, area_dim(scope))
    pwhere = (
        col(ProjectKpiDaily.day) >= start,
        col(ProjectKpiDaily.day) <= end,
        _in_scope(ProjectKpiDaily.county_code, scope),
    )
    by_type = {
        str(ptype): {"completed": int(n or 0), "days_sum": int(days or 0)}
        for ptype, n, days in session.exec(
            select(
                ProjectKpiDaily.process_type,
                func.sum(ProjectKpiDaily.completed),
                func.sum(ProjectKpiDaily.days_sum),
            )
            .where(*pwhere)
            .group_by(col(ProjectKpiDaily.process_type))
        )
    }
    project_areas = {
        str(area): {"completed": int(n or 0), "days_sum": int(days or 0)}
        for area, n, days in session.exec(
            select(pdim, func.sum(ProjectKpiDaily.completed), func.sum(ProjectKpiDaily.days_sum))
            .where(*pwhere)
            .group_by(pdim)
        )
    }
    # 容缺 and 告知承诺 decisions of the period: no roll-up counts them
    decided = (
        select(func.count())
        .select_from(ItemCase)
        .join(StageCase, col(StageCase.id) == col(ItemCase.stage_case_id))
        .where(
            col(ItemCase.decided_at) >= day_start(start),
            col(ItemCase.decided_at) < day_start(end + dt.timedelta(days=1)),
            _in_scope(StageCase.region_code, scope),
        )
    )
    owed = int(session.exec(decided.where(ItemCase.status == Blzt.APPROVED_OWED)).one())
    promised = int(session.exec(decided.where(col(ItemCase.promise))).one())
    # the slowest departments (from the roll-ups) and items (the period's decisions)
    slow_departments = [
        {"name": name, "days": round(int(days) / int(n), 1), "count": int(n)}
        for name, n, days in session.exec(
            select(Department.name, func.sum(KpiDaily.completed), func.sum(KpiDaily.used_days_sum))
            .join(Department, col(Department.id) == col(KpiDaily.department_id))
            .where(*where)
            .group_by(col(Department.name))
            .having(func.sum(KpiDaily.completed) > 0)
            .order_by(
                (func.sum(KpiDaily.used_days_sum) * 1.0 / func.sum(KpiDaily.completed)).desc()
            )
            .limit(SLOWEST)
        )
    ]
    slow_items = [
        {"name": name, "days": round(float(days), 1), "count": int(n)}
        for name, n, days in session.exec(
            select(Item.name_zh, func.count(), func.avg(ItemCase.used_days))
            .join(Item, col(Item.id) == col(ItemCase.item_id))
            .join(StageCase, col(StageCase.id) == col(ItemCase.stage_case_id))
            .where(
                col(ItemCase.decided_at) >= day_start(start),
                col(ItemCase.decided_at) < day_start(end + dt.timedelta(days=1)),
                _in_scope(StageCase.region_code, scope),
            )
            .group_by(col(Item.name_zh))
            .order_by(func.avg(ItemCase.used_days).desc())
            .limit(SLOWEST)
        )
    ]
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "totals": totals,
        "p90": percentile(dict(hist), 0.9),
        "areas": areas,
        "project_areas": project_areas,
        "process_types": by_type,
        "owed": owed,
        "promised": promised,
        "slow_departments": slow_departments,
        "slow_items": slow_items,
    }


def mask_company(name: str) -> str:
    """A live feed on a wall shows no company in full: 南昌**工程有限公司."""
    if len(name) <= 4:
        return name[:1] + "**"
    return name[:2] + "**" + name[-6:] if len(name) > 8 else name[:2] + "**" + name[-2:]


def now_figures(session: Session, *, scope: str, now: dt.datetime, cal: WorkCalendar) -> dict:
    today = local_date(now)
    in_progress = int(
        session.exec(
            select(func.count())
            .select_from(Project)
            .where(
                col(Project.first_accepted_at).is_not(None),
                col(Project.completed_at).is_(None),
                _in_scope(Project.region_code, scope),
            )
        ).one()
    )
    stages = {
        str(stage): int(n)
        for stage, n in session.exec(
            select(StageCase.stage_code, func.count())
            .where(col(StageCase.status).in_(OPEN_STAGE), _in_scope(StageCase.region_code, scope))
            .group_by(col(StageCase.stage_code))
        )
    }
    running = and_(
        col(ItemCase.status).not_in(TERMINAL | {Blzt.APPROVED, Blzt.APPROVED_OWED, Blzt.REFUSED}),
        col(ItemCase.decided_at).is_(None),
        col(ItemCase.paused_since).is_(None),
        col(ItemCase.due_date) < today,
    )
    overdue_rows = session.exec(
        select(ItemCase, StageCase.region_code, Project.name, Item.name_zh, Department.name)
        .join(StageCase, col(StageCase.id) == col(ItemCase.stage_case_id))
        .join(Project, col(Project.id) == col(ItemCase.project_id))
        .join(Item, col(Item.id) == col(ItemCase.item_id))
        .join(Department, col(Department.id) == col(ItemCase.department_id))
        .where(running, _in_scope(StageCase.region_code, scope))
        .order_by(col(ItemCase.due_date), col(ItemCase.id))
    ).all()
    names = region_names(session)
    overdue_by_area: Counter[str] = Counter(
        region[:4] + "00" if scope == PROVINCE else region for _case, region, *_ in overdue_rows
    )
    overdue = [
        {
            "case_no": case.case_no,
            "project": project,
            "item": item,
            "department": dept,
            "region": names.get(region, region),
            "due": case.due_date.isoformat() if case.due_date else "",
            "days_over": cal.working_days_between(case.due_date, today) if case.due_date else 0,
        }
        for case, region, project, item, dept in overdue_rows[:OVERDUE_LIST]
    ]
    events = [
        {
            "at": ev.at.astimezone(CHINA_TZ).strftime("%m-%d %H:%M")
            if ev.at.tzinfo
            else ev.at.replace(tzinfo=dt.UTC).astimezone(CHINA_TZ).strftime("%m-%d %H:%M"),
            "status": ev.status if ev.status is not None else -1,
            "item": item or "",
            "company": mask_company(company),
            "region": names.get(region, region),
        }
        for ev, region, item, company in session.exec(
            select(CaseEvent, StageCase.region_code, Item.name_zh, Company.name)
            .join(StageCase, col(StageCase.id) == col(CaseEvent.stage_case_id))
            .join(Project, col(Project.id) == col(StageCase.project_id))
            .join(Company, col(Company.id) == col(Project.company_id))
            .join(ItemCase, col(ItemCase.id) == col(CaseEvent.item_case_id))
            .join(Item, col(Item.id) == col(ItemCase.item_id))
            .where(_in_scope(StageCase.region_code, scope), col(CaseEvent.status).is_not(None))
            .order_by(col(CaseEvent.at).desc(), col(CaseEvent.id).desc())
            .limit(EVENTS)
        )
    ]
    # 一张蓝图: projects in approval at their sites, the ones with a case overdue marked
    late_projects = {case.project_id for case, *_ in overdue_rows}
    sites = [
        {
            "code": p.project_code,
            "name": p.name,
            "lon": p.longitude,
            "lat": p.latitude,
            "stage": p.current_stage,
            "overdue": p.id in late_projects,
            "process_type": p.process_type,
            "accepted_on": local_date(p.first_accepted_at).isoformat()
            if p.first_accepted_at
            else "",
        }
        for p in session.exec(
            select(Project)
            .where(
                col(Project.first_accepted_at).is_not(None),
                col(Project.completed_at).is_(None),
                col(Project.longitude).is_not(None),
                _in_scope(Project.region_code, scope),
            )
            .order_by(col(Project.id))
            .limit(SITES)
        )
    ]
    return {
        "sites": sites,
        "in_progress": in_progress,
        "stages": stages,
        "overdue_count": len(overdue_rows),
        "overdue_by_area": dict(overdue_by_area),
        "overdue": overdue,
        "events": events,
    }


def scopes(session: Session) -> list[str]:
    cities = session.exec(
        select(Region.code)
        .where(col(Region.level).in_(("city", "zone")))
        .order_by(col(Region.code))
    ).all()
    return [PROVINCE, *cities]


def compute(session: Session, *, scope: str, now: dt.datetime, cal: WorkCalendar) -> dict:
    today = local_date(now)
    periods = {}
    for name in PERIODS:
        start, end = period_bounds(name, today)
        periods[name] = period_figures(session, scope=scope, start=start, end=end)
    first = (today.replace(day=1) - dt.timedelta(days=TREND_MONTHS * 31)).replace(day=1)
    trend = views.trend_of(session, prefix=region_prefix(scope) or scope, start=first, end=today)
    line = {
        "months": trend.months,
        "scope": trend.scope,
        "best": trend.best,
        "best_line": trend.cities.get(trend.best, []),
        "worst": trend.worst,
        "worst_line": trend.cities.get(trend.worst, []),
    }
    return {
        "periods": periods,
        "now": now_figures(session, scope=scope, now=now, cal=cal),
        "trend": line,
        "ref": reference(session),
    }


def reference(session: Session) -> dict[str, Any]:
    """What a screen names: regions, stages, process types with their targets — kept in the
    snapshot so a screen's refresh reads nothing else."""
    return {
        "names": region_names(session),
        "stages": [
            (s.code, s.name_zh, s.name_en)
            for s in session.exec(select(StageDef).order_by(col(StageDef.code))).all()
        ],
        "process_types": [
            (p.code, p.name_zh, p.name_en, p.target_days)
            for p in session.exec(select(ProcessType).order_by(col(ProcessType.code))).all()
        ],
    }


def cache_key(scope: str) -> str:
    return f"eap:screen:{scope}"


def refresh(session: Session, *, now: dt.datetime | None = None) -> dict[str, int]:
    """The scheduler's job: every scope's snapshot, rewritten in place."""
    now = now_or(now)
    cal = WorkCalendar.load(session)
    done = 0
    for scope in scopes(session):
        data = compute(session, scope=scope, now=now, cal=cal)
        row = session.get(ScreenSnapshot, scope) or ScreenSnapshot(scope=scope)
        row.computed_at, row.data = now, data
        session.add(row)
        # every worker's screens read this copy: a refresh costs the database nothing
        cache.set_json(
            cache_key(scope),
            {"computed_at": now.isoformat(), "data": data},
            ttl_seconds=max(600, 10 * get_settings().screen_refresh_seconds),
        )
        done += 1
    session.flush()
    return {"scopes": done}
