"""审批省级监管中心 (seed §5.5): every city side by side for one month — whether its data is
arriving (a city whose last case event is N working days old is flagged), limit compliance, and
the reform's indicators (full-process days against the targets, items and materials per
application, the share of 容缺 and 告知承诺) — the page and the monthly 通报 are built from this
view. The province's leaders and supervisors only."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, col, func, select

from eap.config import get_settings
from eap.errors import DomainError, PermissionDenied
from eap.models import CaseEvent, ItemCase, StageCase, StageMaterial
from eap.models.cases import APPROVED_STATES
from eap.services.core.authz import PROVINCE, region_names
from eap.services.core.clock import CHINA_TZ, WorkCalendar, local_date, now_or
from eap.services.core.principal import Principal, Role
from eap.services.screen import snapshot
from eap.services.screen.figures import TargetFigure, screen_view

VIEWERS = (Role.LEADER, Role.SUPERVISOR)


@dataclass(frozen=True)
class CityRow:
    """One city's month."""

    code: str = ""
    name: str = ""
    last_event: str = ""  # Beijing time of the latest case event; "" if none ever
    silent_days: int = 0  # working days since then
    silent: bool = False  # flagged: no data for the threshold or more
    accepted: int = 0
    completed: int = 0
    on_time_pct: float | None = None
    overdue_now: int = 0
    avg_days: float | None = None  # full-process working days of projects finished
    applications: int = 0  # stage applications accepted in the month
    items_per_application: float | None = None
    materials_per_application: float | None = None
    owed_pct: float | None = None  # applications accepted with materials owed (容缺)
    promise_pct: float | None = None  # approvals on commitment (告知承诺)


@dataclass(frozen=True)
class CentreView:
    month: str = ""  # YYYY-MM
    start: str = ""
    end: str = ""
    silent_threshold: int = 3
    cities: list[CityRow] = field(default_factory=list)
    province: CityRow = field(default_factory=CityRow)
    targets: list[TargetFigure] = field(default_factory=list)
    silent_cities: int = 0


def require_viewer(principal: Principal) -> None:
    if principal.role not in VIEWERS or principal.region_code != PROVINCE:
        raise PermissionDenied()


def month_range(month: str, *, today: dt.date) -> tuple[dt.date, dt.date]:
    """The month's first day and its last day (or today, for the month running)."""
    try:
        start = dt.date.fromisoformat(f"{month}-01")
    except ValueError:
        raise DomainError("centre.month_format", field="month") from None
    if start > today:
        raise DomainError("centre.month_future", field="month")
    following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start, min(following - dt.timedelta(days=1), today)


def previous_month(today: dt.date) -> str:
    return (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")


def _city(region: str) -> str:
    return region[:4] + "00"


def _last_events(session: Session, cities: list[str], now: dt.datetime) -> dict[str, dt.datetime]:
    """Each city's latest case event: the newest events first (the index on ``at``) until one of
    the city's, so an active city costs a few rows, not its history."""
    out = {}
    for city in cities:
        at = session.exec(
            select(CaseEvent.at)
            .join(StageCase, col(StageCase.id) == col(CaseEvent.stage_case_id))
            .where(col(StageCase.region_code).startswith(city[:4]), col(CaseEvent.at) <= now)
            .order_by(col(CaseEvent.at).desc())
            .limit(1)
        ).first()
        if at is not None:
            out[city] = at
    return out


def _applications(session: Session, start: dt.date, end: dt.date) -> dict[str, dict[str, int]]:
    """Per city: stage applications accepted in the range, their items, materials and those
    accepted with materials owed."""
    window = (
        col(StageCase.accepted_at) >= snapshot.day_start(start),
        col(StageCase.accepted_at) < snapshot.day_start(end + dt.timedelta(days=1)),
    )
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    items = (
        select(StageCase.region_code, func.count(func.distinct(StageCase.id)), func.count())
        .join(ItemCase, col(ItemCase.stage_case_id) == col(StageCase.id))
        .where(*window)
        .group_by(col(StageCase.region_code))
    )
    for region, apps, n in session.exec(items).all():
        out[_city(region)]["applications"] += apps
        out[_city(region)]["items"] += n
    materials = (
        select(
            StageCase.region_code,
            func.count(),
            func.count(func.distinct(StageCase.id)).filter(col(StageMaterial.owed)),
        )
        .join(StageMaterial, col(StageMaterial.stage_case_id) == col(StageCase.id))
        .where(*window)
        .group_by(col(StageCase.region_code))
    )
    for region, n, owed in session.exec(materials).all():
        out[_city(region)]["materials"] += n
        out[_city(region)]["owed"] += owed
    decided = (
        select(
            StageCase.region_code,
            func.count(),
            func.count().filter(col(ItemCase.promise)),
        )
        .join(StageCase, col(StageCase.id) == col(ItemCase.stage_case_id))
        .where(
            col(ItemCase.decided_at) >= snapshot.day_start(start),
            col(ItemCase.decided_at) < snapshot.day_start(end + dt.timedelta(days=1)),
            col(ItemCase.status).in_(APPROVED_STATES),
        )
        .group_by(col(StageCase.region_code))
    )
    for region, approved, promised in session.exec(decided).all():
        out[_city(region)]["approved"] += approved
        out[_city(region)]["promised"] += promised
    return out


def _share(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def _per(total: int, count: int) -> float | None:
    return round(total / count, 1) if count else None


def centre_view(
    session: Session,
    *,
    principal: Principal,
    month: str | None = None,
    now: dt.datetime | None = None,
) -> CentreView:
    require_viewer(principal)
    now = now_or(now)
    today = local_date(now)
    month = month or previous_month(today)
    start, end = month_range(month, today=today)
    screen = screen_view(
        session, principal=principal, period="custom", start=start, end=end, now=now
    )
    names = region_names(session)
    cities = [a.code for a in screen.areas]
    last = _last_events(session, cities, now)  # as of the view's time
    apps = _applications(session, start, end)
    cal = WorkCalendar.load(session)
    threshold = get_settings().centre_silent_days
    rows = []
    for a in screen.areas:
        seen = last.get(a.code)
        silent_days = (
            cal.working_days_between(local_date(seen), today) if seen is not None else threshold
        )
        c = apps.get(a.code, {})
        rows.append(
            CityRow(
                code=a.code,
                name=names.get(a.code, a.code),
                last_event=seen.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M") if seen else "",
                silent_days=silent_days,
                silent=silent_days >= threshold,
                accepted=a.accepted,
                completed=a.completed,
                on_time_pct=a.on_time_pct,
                overdue_now=a.overdue_now,
                avg_days=a.avg_days,
                applications=c.get("applications", 0),
                items_per_application=_per(c.get("items", 0), c.get("applications", 0)),
                materials_per_application=_per(c.get("materials", 0), c.get("applications", 0)),
                owed_pct=_share(c.get("owed", 0), c.get("applications", 0)),
                promise_pct=_share(c.get("promised", 0), c.get("approved", 0)),
            )
        )
    total = {
        k: sum(v.get(k, 0) for v in apps.values())
        for k in ("applications", "items", "materials", "owed", "approved", "promised")
    }
    figures = snapshot.period_figures(session, scope=PROVINCE, start=start, end=end)
    t = figures["totals"]
    finished = sum(p["completed"] for p in figures["process_types"].values())
    finished_days = sum(p["days_sum"] for p in figures["process_types"].values())
    province = CityRow(
        code=PROVINCE,
        name=names.get(PROVINCE, PROVINCE),
        accepted=t["accepted"],
        completed=t["completed"],
        on_time_pct=_share(t["on_time"], t["completed"]),
        overdue_now=sum(r.overdue_now for r in rows),
        avg_days=_per(finished_days, finished),
        applications=total["applications"],
        items_per_application=_per(total["items"], total["applications"]),
        materials_per_application=_per(total["materials"], total["applications"]),
        owed_pct=_share(total["owed"], total["applications"]),
        promise_pct=_share(total["promised"], total["approved"]),
    )
    return CentreView(
        month=month,
        start=start.isoformat(),
        end=end.isoformat(),
        silent_threshold=threshold,
        cities=rows,
        province=province,
        targets=screen.targets,
        silent_cities=sum(r.silent for r in rows),
    )
