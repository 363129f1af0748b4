"""Read models for the supervision pages: anomalies, a case drill-down, rankings and trends."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, func, select

from eap.errors import DomainError, PermissionDenied
from eap.i18n import t
from eap.models import (
    Anomaly,
    Department,
    Item,
    ItemCase,
    KpiDaily,
    Project,
    Region,
    StageCase,
)
from eap.services.approval.rows import HistoryRow
from eap.services.approval.workbench import case_history
from eap.services.core.authz import in_region, region_names, region_prefix
from eap.services.core.clock import CHINA_TZ
from eap.services.core.principal import Principal
from eap.services.supervision import kpi


@dataclass(frozen=True)
class AnomalyRow:
    """An anomaly the checks found (异常), with its evidence."""

    id: int = 0
    kind: str = ""
    subject: str = ""
    region: str = ""
    evidence: str = ""
    detected: str = ""
    status: str = ""
    sentence: str = ""  # what was found, in words, with the department's and region's names


@dataclass(frozen=True)
class CaseDetail:
    """One item case as a supervisor examines it: clock figures and the whole history."""

    case_no: str = ""
    project: str = ""
    project_code: str = ""
    item: str = ""
    department: str = ""
    status: int = 0  # Blzt
    limit: int = 0
    due: str = ""
    paused_days: int = 0
    supplements: int = 0
    events: list[HistoryRow] = field(default_factory=list)


def _require_supervisor(principal: Principal) -> str:
    if principal.role not in ("supervisor", "leader"):
        raise PermissionDenied()
    return region_prefix(principal.region_code or "") or "-"


def _sentence(a: Anomaly, dept: str, region: str, lang: str) -> str:
    """The evidence as a sentence a supervisor reads (statuses by name, not number)."""
    ev = dict(a.evidence)
    for key in ("missing", "seen"):
        if isinstance(ev.get(key), list):
            ev[key] = "、".join(t(f"blzt.{s}", lang) for s in ev[key])
    if "kind" in ev:
        ev["kind"] = t(f"special.{ev['kind']}", lang)
    for key in ("submitted_at",):
        if ev.get(key):
            ev[key] = str(ev[key])[:16].replace("T", " ")
    return t(f"anomaly.says.{a.kind}", lang, dept=dept or "—", region=region, **ev)


def list_anomalies(
    session: Session,
    *,
    principal: Principal,
    kind: str = "",
    page: int = 1,
    size: int = 20,
    lang: str = "zh",
) -> tuple[list[AnomalyRow], int]:
    prefix = _require_supervisor(principal)
    stmt = select(Anomaly).where(col(Anomaly.region_code).startswith(prefix))
    if kind:
        stmt = stmt.where(Anomaly.kind == kind)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(
        stmt.order_by(col(Anomaly.detected_at).desc(), col(Anomaly.id).desc())
        .offset((max(1, page) - 1) * size)
        .limit(size)
    ).all()
    depts = dict(
        session.exec(
            select(Department.id, Department.name).where(
                col(Department.id).in_({a.department_id for a in rows if a.department_id})
            )
        ).all()
    )
    regions = dict(
        session.exec(
            select(Region.code, Region.name).where(
                col(Region.code).in_({a.region_code for a in rows})
            )
        ).all()
    )
    return [
        AnomalyRow(
            id=a.id or 0,
            kind=a.kind,
            subject=a.subject,
            region=regions.get(a.region_code, a.region_code),
            evidence=", ".join(f"{k}={v}" for k, v in a.evidence.items()),
            detected=a.detected_at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M"),
            status=a.status,
            sentence=_sentence(
                a,
                depts.get(a.department_id or 0, ""),
                regions.get(a.region_code, a.region_code),
                lang,
            ),
        )
        for a in rows
    ], int(total)


def case_detail(session: Session, *, principal: Principal, item_case_id: int) -> CaseDetail:
    """Everything a supervisor needs about one item case: project, clock and full history."""
    row = session.exec(
        select(ItemCase, StageCase, Project, Item, Department)
        .join(StageCase, col(StageCase.id) == col(ItemCase.stage_case_id))
        .join(Project, col(Project.id) == col(ItemCase.project_id))
        .join(Item, col(Item.id) == col(ItemCase.item_id))
        .join(Department, col(Department.id) == col(ItemCase.department_id))
        .where(ItemCase.id == item_case_id)
    ).first()
    if row is None:
        raise DomainError("error.not_found")
    case, sc, project, item, dept = row
    allowed = (
        principal.role in ("supervisor", "leader") and in_region(principal, sc.region_code)
    ) or (principal.role == "approver" and principal.department_id == dept.id)
    if not allowed:
        raise PermissionDenied("error.not_found")
    return CaseDetail(
        case_no=case.case_no,
        project=project.name,
        project_code=project.project_code,
        item=item.name_zh,
        department=dept.name,
        status=case.status,
        limit=case.limit_days,
        due=case.due_date.isoformat() if case.due_date else "",
        paused_days=case.paused_days,
        supplements=case.supplements,
        events=case_history(session, item_case_id=item_case_id),
    )


def dimension_names(session: Session, *, group_by: str, lang: str) -> dict[str, str]:
    """Display names for a KPI dimension's keys."""
    from eap.models import ProcessType, StageDef

    en = lang == "en"
    if group_by in ("city_code", "county_code"):
        return region_names(session)
    if group_by == "department_id":
        return {str(d.id): d.name for d in session.exec(select(Department))}
    if group_by == "stage_code":
        return {str(s.code): s.name_en if en else s.name_zh for s in session.exec(select(StageDef))}
    return {str(p.code): p.name_en if en else p.name_zh for p in session.exec(select(ProcessType))}


def city_ranking(
    session: Session, *, principal: Principal, start: dt.date, end: dt.date
) -> list[dict[str, Any]]:
    """Cities ranked by on-time completion, then overdue rate and average days."""
    _require_supervisor(principal)
    names = region_names(session)
    rows = kpi.kpis(session, start=start, end=end, group_by="city_code")
    ranked = sorted(
        rows, key=lambda r: (-(r.on_time_rate or 0), r.overdue_rate or 0, r.avg_days or 0)
    )
    return [
        {"rank": i, "code": r.key, "name": names.get(r.key, r.key), "row": r}
        for i, r in enumerate(ranked, start=1)
    ]


@dataclass(frozen=True)
class Trend:
    """On-time rate per month for the whole scope and per city, aligned on ``months``; the
    best and the worst city of the period (by on-time rate over all its completions)."""

    months: list[str]
    scope: list[float | None]
    cities: dict[str, list[float | None]]
    best: str = ""
    worst: str = ""


def monthly_trend(session: Session, *, principal: Principal, start: dt.date, end: dt.date) -> Trend:
    """From the roll-ups: one line for the scope (province or city) and one per city."""
    return trend_of(session, prefix=_require_supervisor(principal), start=start, end=end)


def trend_of(session: Session, *, prefix: str, start: dt.date, end: dt.date) -> Trend:
    """The on-time trend of the cities under a region prefix, unchecked: the caller has
    authorised the scope (supervision's ranking tab; the big screen's snapshot job)."""
    month = (
        func.strftime("%Y-%m", KpiDaily.day)
        if session.get_bind().dialect.name == "sqlite"
        else func.to_char(KpiDaily.day, "YYYY-MM")
    )
    names = region_names(session)
    cells: dict[tuple[str, str], tuple[int, int]] = {}
    for city, m, completed, on_time in session.exec(
        select(KpiDaily.city_code, month, func.sum(KpiDaily.completed), func.sum(KpiDaily.on_time))
        .where(
            col(KpiDaily.day) >= start,
            col(KpiDaily.day) <= end,
            col(KpiDaily.city_code).startswith(prefix),
        )
        .group_by(KpiDaily.city_code, month)
    ):
        cells[(names.get(city, city), m)] = (int(completed or 0), int(on_time or 0))
    months = sorted({m for _, m in cells})
    cities = sorted({c for c, _ in cells})

    def rate(done: int, ok: int) -> float | None:
        return round(ok / done, 4) if done else None

    per_city = {c: [rate(*cells.get((c, m), (0, 0))) for m in months] for c in cities}
    scope = [
        rate(
            sum(cells.get((c, m), (0, 0))[0] for c in cities),
            sum(cells.get((c, m), (0, 0))[1] for c in cities),
        )
        for m in months
    ]
    overall = {
        c: rate(
            sum(cells.get((c, m), (0, 0))[0] for m in months),
            sum(cells.get((c, m), (0, 0))[1] for m in months),
        )
        for c in cities
    }
    ranked = sorted((v, c) for c, v in overall.items() if v is not None)
    return Trend(
        months,
        scope,
        per_city,
        best=ranked[-1][1] if len(ranked) > 1 else "",
        worst=ranked[0][1] if len(ranked) > 1 else "",
    )


def used_days_distribution(
    session: Session, *, principal: Principal, start: dt.date, end: dt.date
) -> dict[int, int]:
    prefix = _require_supervisor(principal)
    hist: dict[int, int] = defaultdict(int)
    for h in session.exec(
        select(KpiDaily.used_hist).where(
            col(KpiDaily.day) >= start,
            col(KpiDaily.day) <= end,
            KpiDaily.completed > 0,
            col(KpiDaily.county_code).startswith(prefix),
        )
    ):
        for days, n in (h or {}).items():
            hist[int(days)] += n
    return dict(sorted(hist.items()))


def act_on_anomaly(
    session: Session,
    *,
    principal: Principal,
    anomaly_id: int,
    kind: str,
    text: str = "",
    now: dt.datetime | None = None,
) -> Anomaly:
    """Supervisors acknowledge, comment on or close a supervision record."""
    from eap.models import AlertAction
    from eap.services.core.audit import record
    from eap.services.core.clock import now_or

    now = now_or(now)
    if principal.role != "supervisor":
        raise PermissionDenied()
    anomaly = session.get(Anomaly, anomaly_id)
    if anomaly is None or not in_region(principal, anomaly.region_code):
        raise PermissionDenied("error.not_found")
    if kind not in ("ack", "comment", "close"):
        raise PermissionDenied()
    if kind == "comment" and not text.strip():
        raise DomainError("case.reason_required", field="text")
    if anomaly.status == "closed" and kind != "comment":
        raise DomainError("alert.closed")
    anomaly.status = {"ack": "acknowledged", "close": "closed"}.get(kind, anomaly.status)
    session.add(anomaly)
    session.add(
        AlertAction(anomaly_id=anomaly_id, kind=kind, text=text, user_id=principal.user_id, at=now)
    )
    record(
        session,
        actor_id=principal.user_id,
        action=f"anomaly.{kind}",
        entity="anomaly",
        entity_id=anomaly_id,
    )
    session.flush()
    return anomaly
