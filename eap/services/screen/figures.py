"""What a leader's screen shows, scoped on the server (领导驾驶舱视图).

``screen_view`` reads the scope's snapshot row (one primary-key read; the scheduler keeps it)
and, only for a custom date range, sums the roll-ups for that range. A province leader (and a
province supervisor) sees the province and may open any city; a city leader sees the city.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from sqlmodel import Session

from eap.errors import DomainError, PermissionDenied
from eap.models import ProcessType, ScreenSnapshot
from eap.services.core import cache
from eap.services.core.authz import in_region, region_names
from eap.services.core.clock import CHINA_TZ, WorkCalendar, local_date, now_or
from eap.services.core.principal import Principal
from eap.services.screen import snapshot
from eap.services.screen.snapshot import PERIODS, PROVINCE

MAX_RANGE_DAYS = 3 * 366


@dataclass(frozen=True)
class Headline:
    """A counter at the top of the screen: its label key, its value, and whether it is good."""

    key: str = ""
    value: str = ""
    tone: str = ""  # "good" | "bad" | "" (neutral)


@dataclass(frozen=True)
class AreaFigure:
    """A city on the province's map (a county on a city's) with the figures it is coloured by."""

    code: str = ""
    name: str = ""
    accepted: int = 0
    completed: int = 0
    on_time_rate: float | None = None
    on_time_pct: float | None = None  # the same, in per cent to one decimal, for display
    overdue_now: int = 0
    avg_days: float | None = None  # full-process working days of projects completed
    city_level: bool = False  # a city's own level (市本级) among its counties


@dataclass(frozen=True)
class StageCount:
    stage: int = 0
    name_zh: str = ""
    name_en: str = ""
    open: int = 0


@dataclass(frozen=True)
class TargetFigure:
    """Average full-process working days of a process type against its target (≤ 60, ≤ 79)."""

    process_type: int = 0
    name_zh: str = ""
    name_en: str = ""
    completed: int = 0
    avg_days: float | None = None
    target: int | None = None
    met: bool = True


@dataclass(frozen=True)
class OverdueCase:
    case_no: str = ""
    project: str = ""
    item: str = ""
    department: str = ""
    region: str = ""
    due: str = ""
    days_over: int = 0


@dataclass(frozen=True)
class LiveEvent:
    at: str = ""
    status: int = -1  # Blzt after the event; -1 for a stage-level event
    item: str = ""
    company: str = ""  # masked
    region: str = ""


@dataclass(frozen=True)
class Site:
    """A project in approval at its coordinates (一张蓝图)."""

    code: str = ""
    name: str = ""
    lon: float = 0.0
    lat: float = 0.0
    stage: int = 0
    overdue: bool = False
    process_type: int = 0
    accepted_on: str = ""  # the project's first acceptance (ISO date)


@dataclass(frozen=True)
class SlowRow:
    """A department or an item among the slowest of the period: average working days."""

    name: str = ""
    days: float = 0.0
    count: int = 0


@dataclass(frozen=True)
class TrendLine:
    """The monthly on-time rate of the scope, with its best and worst city (province)."""

    months: list[str] = field(default_factory=list)
    scope: list[float | None] = field(default_factory=list)
    best: str = ""
    best_line: list[float | None] = field(default_factory=list)
    worst: str = ""
    worst_line: list[float | None] = field(default_factory=list)


@dataclass(frozen=True)
class ScreenView:
    scope: str = ""
    scope_name: str = ""
    computed_at: str = ""
    period: str = "month"
    start: str = ""
    end: str = ""
    headlines: list[Headline] = field(default_factory=list)
    areas: list[AreaFigure] = field(default_factory=list)
    stages: list[StageCount] = field(default_factory=list)
    targets: list[TargetFigure] = field(default_factory=list)
    slow_departments: list[SlowRow] = field(default_factory=list)
    slow_items: list[SlowRow] = field(default_factory=list)
    trend: TrendLine = field(default_factory=TrendLine)
    overdue: list[OverdueCase] = field(default_factory=list)
    events: list[LiveEvent] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)
    has_data: bool = False  # a fresh install has none: the page says so instead of zeros


def allowed_scope(principal: Principal, scope: str | None) -> str:
    """The scope this person may look at: their own by default, a city inside it on request."""
    home = principal.region_code or ""
    if principal.role == "supervisor" and home != PROVINCE:
        raise PermissionDenied()
    if principal.role not in ("leader", "supervisor") or not home:
        raise PermissionDenied()
    scope = scope or home
    if len(scope) != 6 or not scope.isdigit() or not in_region(principal, scope):
        raise PermissionDenied("error.not_found")
    return scope


def _rate(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def screen_view(
    session: Session,
    *,
    principal: Principal,
    scope: str | None = None,
    period: str = "month",
    start: dt.date | None = None,
    end: dt.date | None = None,
    now: dt.datetime | None = None,
) -> ScreenView:
    scope = allowed_scope(principal, scope)
    if scope != PROVINCE and not scope.endswith("00"):
        raise DomainError("screen.scope_unknown")
    now = now_or(now)
    data, computed = _snapshot(session, scope, now)
    names: dict[str, str] = (data.get("ref") or {}).get("names") or region_names(session)
    if scope not in names:
        raise DomainError("screen.scope_unknown")
    if period in PERIODS:
        figures = data["periods"][period]
    elif period == "custom":
        if start is None:
            raise DomainError("screen.date_required", field="start")
        if end is None:
            raise DomainError("screen.date_required", field="end")
        if end < start:
            raise DomainError("screen.range_reversed", field="end")
        if end > local_date(now):
            raise DomainError("screen.range_future", field="end")
        if (end - start).days > MAX_RANGE_DAYS:
            raise DomainError("screen.range_long", field="start")
        figures = snapshot.period_figures(session, scope=scope, start=start, end=end)
    else:
        raise DomainError("screen.period_unknown", field="period")
    view = _view(session, scope, names, data["now"], figures, computed, period, data.get("ref"))
    return replace(
        view,
        slow_departments=[SlowRow(**r) for r in figures.get("slow_departments", [])],
        slow_items=[SlowRow(**r) for r in figures.get("slow_items", [])],
        trend=TrendLine(**data["trend"]) if "trend" in data else TrendLine(),
    )


def _snapshot(session: Session, scope: str, now: dt.datetime) -> tuple[dict[str, Any], dt.datetime]:
    """The scope's figures: from the shared cache when there is one (no database work for a
    screen's refresh), else the snapshot row; computed here only before the scheduler's first
    run (a fresh install)."""
    cached = cache.get_json(snapshot.cache_key(scope))
    if cached is not None:
        return cached["data"], dt.datetime.fromisoformat(cached["computed_at"])
    snap = session.get(ScreenSnapshot, scope)
    if snap is not None:
        return snap.data, snap.computed_at
    cal = WorkCalendar.load(session)
    return snapshot.compute(session, scope=scope, now=now, cal=cal), now


def _computed_label(at: dt.datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")


def _view(
    session: Session,
    scope: str,
    names: dict[str, str],
    now: dict[str, Any],
    figures: dict[str, Any],
    computed: dt.datetime,
    period: str,
    ref: dict[str, Any] | None = None,
) -> ScreenView:
    t = figures["totals"]
    overdue_by_area: dict[str, int] = now["overdue_by_area"]
    codes = sorted(
        set(figures["areas"]) | set(overdue_by_area) | set(figures["project_areas"])
        if scope != PROVINCE
        else [c for c in names if c.endswith("00") and c != PROVINCE and c.startswith("36")]
    )
    areas = []
    for code in codes:
        a = figures["areas"].get(code, {})
        p = figures["project_areas"].get(code, {})
        rate = _rate(a.get("on_time", 0), a.get("completed", 0))
        areas.append(
            AreaFigure(
                code=code,
                name=names.get(code, code),
                accepted=a.get("accepted", 0),
                completed=a.get("completed", 0),
                on_time_rate=rate,
                on_time_pct=None if rate is None else round(rate * 100, 1),
                city_level=code == scope,
                overdue_now=overdue_by_area.get(code, 0),
                avg_days=round(p["days_sum"] / p["completed"], 1) if p.get("completed") else None,
            )
        )
    ref = ref or snapshot.reference(session)
    stages = [
        StageCount(code, zh, en, now["stages"].get(str(code), 0)) for code, zh, en in ref["stages"]
    ]
    targets = []
    all_done = all_days = 0
    for code, name_zh, name_en, target_days in ref["process_types"]:
        pt = ProcessType(code=code, name_zh=name_zh, name_en=name_en, target_days=target_days)
        fig = figures["process_types"].get(str(pt.code), {"completed": 0, "days_sum": 0})
        all_done += fig["completed"]
        all_days += fig["days_sum"]
        if not fig["completed"] and pt.target_days is None:
            continue
        avg = round(fig["days_sum"] / fig["completed"], 1) if fig["completed"] else None
        targets.append(
            TargetFigure(
                pt.code,
                pt.name_zh,
                pt.name_en,
                fig["completed"],
                avg,
                pt.target_days,
                avg is None or pt.target_days is None or avg <= pt.target_days,
            )
        )
    on_time = _rate(t["on_time"], t["completed"])
    satisfaction = _rate(t["satisfied"], t["evaluations"])
    headlines = [
        Headline("screen.h.in_progress", str(now["in_progress"])),
        Headline("screen.h.accepted", str(t["accepted"])),
        Headline("screen.h.completed", str(t["completed"])),
        Headline(
            "screen.h.on_time",
            _pct(on_time),
            "" if on_time is None else ("good" if on_time >= 0.95 else "bad"),
        ),
        Headline(
            "screen.h.overdue_now",
            str(now["overdue_count"]),
            "bad" if now["overdue_count"] else "good",
        ),
        Headline(
            "screen.h.avg_days",
            "—" if not all_done else f"{all_days / all_done:.1f}",
        ),
        Headline("screen.h.owed", str(figures["owed"])),
        Headline("screen.h.promised", str(figures["promised"])),
        Headline("screen.h.satisfaction", _pct(satisfaction)),
    ]
    has_data = bool(
        t["accepted"] or t["completed"] or now["in_progress"] or now["events"] or all_done
    )
    return ScreenView(
        scope=scope,
        scope_name=names.get(scope, scope),
        computed_at=_computed_label(computed),
        period=period,
        start=figures["start"],
        end=figures["end"],
        headlines=headlines,
        areas=areas,
        stages=stages,
        targets=targets,
        overdue=[OverdueCase(**o) for o in now["overdue"]],
        events=[LiveEvent(**e) for e in now["events"]],
        sites=[Site(**x) for x in now.get("sites", [])],
        has_data=has_data,
    )
