"""Deadline sweep (催办 / 督办 / 督察) and the handling of alerts by supervisors (DOMAIN §6-7).

The sweep reads only cases whose deadline is near or past (an index range on the due date), so
its cost follows those, not the size of the history. Each alert is inserted with
ON CONFLICT DO NOTHING on (target, level): restarts, overlaps and concurrent sweeps can never
raise one twice, and the notifications are written only by the sweep whose insert landed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, exists, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, or_, select

from eap.db import rowcount
from eap.errors import DomainError, PermissionDenied
from eap.models import (
    AgencyService,
    Alert,
    AlertAction,
    Department,
    Item,
    ItemCase,
    Project,
    Purchase,
    StageCase,
    StageDef,
    User,
)
from eap.models.cases import TERMINAL, Blzt
from eap.services.agency import service_clock
from eap.services.approval.stage_clock import MAIN_LINE
from eap.services.core.audit import record
from eap.services.core.authz import in_region
from eap.services.core.clock import WorkCalendar, local_date, now_or
from eap.services.core.notify import notify_user
from eap.services.core.principal import Principal

# Item states whose clock can run (a paused case is excluded by its pause mark).
OPEN_ITEM = [
    Blzt.ACCEPTED,
    Blzt.HANDLING,
    Blzt.SUPPLEMENT_SUPPLIED,
    Blzt.SPECIAL_END,
    Blzt.SUPPLEMENT_REQUESTED,
    Blzt.SPECIAL_START,
]


@dataclass
class SweepResult:
    new: dict[str, int] = field(default_factory=lambda: {"urge": 0, "supervise": 0, "inspect": 0})
    closed: int = 0
    examined: int = 0


def levels_due(cal: WorkCalendar, due: dt.date, today: dt.date) -> list[str]:
    """Levels that apply today: 催办 from the working day before the deadline, 督办 on it,
    督察 once past it. Lower levels missed during downtime are still raised, once."""
    levels = []
    if today >= _previous_working_day(cal, due):
        levels.append("urge")
    if today >= due:
        levels.append("supervise")
    if today > due:
        levels.append("inspect")
    return levels


def _previous_working_day(cal: WorkCalendar, day: dt.date) -> dt.date:
    d = day - dt.timedelta(days=1)
    while not cal.is_working_day(d):
        d -= dt.timedelta(days=1)
    return d


def _insert_ignore(session: Session, values: dict) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING; returns the new id, or None if it already existed."""
    dialect = session.get_bind().dialect.name
    ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Alert)
    stmt = (
        ins.values(**values)
        .on_conflict_do_nothing(index_elements=["target_kind", "target_id", "level"])
        .returning(col(Alert.id))
    )
    return session.execute(stmt).scalar_one_or_none()


def _window(cal: WorkCalendar, today: dt.date) -> dt.date:
    """The latest deadline that can need an alert today: the next working day."""
    return cal.add_working_days(today, 1).day


def sweep_deadlines(
    session: Session, *, now: dt.datetime | None = None, commit_every: int = 200
) -> SweepResult:
    """Raise every alert that is due as of ``now`` and close those whose case is finished."""
    now = now_or(now)
    cal = WorkCalendar.load(session)
    today = local_date(now)
    horizon = _window(cal, today)
    result = SweepResult()
    pending = 0
    items = session.exec(
        select(
            ItemCase.id,
            ItemCase.due_date,
            ItemCase.department_id,
            ItemCase.handler_id,
            ItemCase.project_id,
            StageCase.region_code,
        )
        .join(StageCase, col(StageCase.id) == col(ItemCase.stage_case_id))
        .where(
            col(ItemCase.due_date) <= horizon,
            col(ItemCase.status).in_(OPEN_ITEM),
            col(ItemCase.paused_since).is_(None),
        )
    ).all()
    for case_id, due, dept_id, handler_id, project_id, region in items:
        result.examined += 1
        for level in levels_due(cal, due, today):
            new_id = _insert_ignore(
                session,
                {
                    "target_kind": "item",
                    "target_id": case_id,
                    "level": level,
                    "region_code": region,
                    "department_id": dept_id,
                    "project_id": project_id,
                    "due_date": due,
                    "raised_at": now,
                    "status": "open",
                },
            )
            if new_id is not None:
                result.new[level] += 1
                _notify(
                    session,
                    level=level,
                    region=region,
                    department_id=dept_id,
                    handler_id=handler_id,
                    now=now,
                    what="item",
                    target_id=case_id,
                    due=due,
                )
                pending += 1
        if pending >= commit_every:
            session.commit()
            pending = 0
    stages = session.exec(
        select(
            StageCase.id,
            StageCase.due_date,
            StageCase.lead_department_id,
            StageCase.project_id,
            StageCase.region_code,
        ).where(
            StageCase.status == "accepted",
            col(StageCase.due_date) <= horizon,
            col(StageCase.paused_since).is_(None),  # standing still: see stage_clock
        )
    ).all()
    for sc_id, due, lead, project_id, region in stages:
        result.examined += 1
        for level in levels_due(cal, due, today):
            if (
                _insert_ignore(
                    session,
                    {
                        "target_kind": "stage",
                        "target_id": sc_id,
                        "level": level,
                        "region_code": region,
                        "department_id": lead,
                        "project_id": project_id,
                        "due_date": due,
                        "raised_at": now,
                        "status": "open",
                    },
                )
                is not None
            ):
                result.new[level] += 1
                _notify(
                    session,
                    level=level,
                    region=region,
                    department_id=lead,
                    handler_id=None,
                    now=now,
                    what="stage",
                    target_id=sc_id,
                    due=due,
                )
    projects = session.exec(
        select(col(Project.id), col(Project.target_due), col(Project.region_code)).where(
            col(Project.target_due) <= horizon,
            col(Project.completed_at).is_(None),
            ~select(StageCase.id)
            .where(
                col(StageCase.project_id) == col(Project.id),
                StageCase.status == "accepted",
                col(StageCase.stage_code).in_(MAIN_LINE),
                col(StageCase.paused_since).is_not(None),
            )
            .exists(),
        )
    ).all()
    for pid, due, region in projects:
        assert pid is not None and due is not None  # the query asked for due dates
        result.examined += 1
        for level in levels_due(cal, due, today):
            if (
                _insert_ignore(
                    session,
                    {
                        "target_kind": "project",
                        "target_id": pid,
                        "level": level,
                        "region_code": region[:4] + "00",
                        "department_id": None,
                        "project_id": pid,
                        "due_date": due,
                        "raised_at": now,
                        "status": "open",
                    },
                )
                is not None
            ):
                result.new[level] += 1
                _notify(
                    session,
                    level=level,
                    region=region[:4] + "00",
                    department_id=None,
                    handler_id=None,
                    now=now,
                    what="project",
                    target_id=pid,
                    due=due,
                )
    # Intermediary services run on the same rule (催办/督办 to the agency), DOMAIN §9.
    result.examined += service_clock.sweep_services(
        session, now=now, levels_due=levels_due, raise_alert=_insert_ignore, new=result.new
    )
    result.closed = close_finished_alerts(session, now=now)
    session.commit()
    return result


def close_finished_alerts(session: Session, *, now: dt.datetime) -> int:
    """Alerts whose case is finished close themselves. Each open alert looks up its own case
    (EXISTS on the primary key), so the cost follows the open alerts, not the history."""
    finished = {
        "item": select(ItemCase.id).where(
            col(ItemCase.id) == col(Alert.target_id),
            col(ItemCase.status).in_(list(TERMINAL)),
        ),
        "stage": select(StageCase.id).where(
            col(StageCase.id) == col(Alert.target_id), StageCase.status != "accepted"
        ),
        "project": select(Project.id).where(
            col(Project.id) == col(Alert.target_id),
            or_(col(Project.completed_at).is_not(None), col(Project.target_due).is_(None)),
        ),
    }
    closed = 0
    for kind, sub in finished.items():
        res = session.execute(
            update(Alert)
            .where(col(Alert.target_kind) == kind, col(Alert.status) != "closed", sub.exists())
            .values(status="closed", closed_at=now, close_reason="case finished")
        )
        closed += rowcount(res)
    return closed


def _recipients(
    session: Session, *, region: str, department_id: int | None, handler_id: int | None
) -> set[int]:
    users: set[int] = set()
    if handler_id:
        users.add(handler_id)
    if department_id is not None:
        users |= {
            uid
            for uid in session.exec(
                select(col(User.id)).where(
                    col(User.department_id) == department_id, col(User.is_head), col(User.active)
                )
            )
            if uid
        }
    users |= {
        uid
        for uid in session.exec(
            select(col(User.id)).where(
                col(User.role) == "supervisor",
                col(User.active),
                or_(col(User.region_code) == region, col(User.region_code) == "360000"),
            )
        )
        if uid
    }
    return {u for u in users if u is not None}


def _notify(
    session: Session,
    *,
    level: str,
    region: str,
    department_id: int | None,
    handler_id: int | None,
    now: dt.datetime,
    what: str,
    target_id: int,
    due: dt.date,
) -> None:
    for user_id in _recipients(
        session, region=region, department_id=department_id, handler_id=handler_id
    ):
        notify_user(
            session,
            user_id=user_id,
            key=f"alert.{level}",
            now=now,
            what=what,
            target=target_id,
            due=due.isoformat(),
        )


# --- handling alerts ----------------------------------------------------------------------


def _alert_for(session: Session, principal: Principal, alert_id: int) -> Alert:
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise DomainError("error.not_found")
    if principal.role == "supervisor" and in_region(principal, alert.region_code):
        return alert
    if principal.role == "approver" and principal.department_id == alert.department_id:
        return alert
    raise PermissionDenied("error.not_found")


def act_on_alert(
    session: Session,
    *,
    principal: Principal,
    alert_id: int,
    kind: str,
    text: str = "",
    now: dt.datetime | None = None,
) -> Alert:
    """Supervisors acknowledge, comment, issue a formal 督办 notice or close; the department
    answers a notice."""
    now = now_or(now)
    alert = _alert_for(session, principal, alert_id)
    allowed = {"supervisor": ("ack", "comment", "notice", "close"), "approver": ("reply",)}
    if kind not in allowed.get(principal.role, ()):
        raise PermissionDenied()
    if alert.status == "closed" and kind != "comment":
        raise DomainError("alert.closed")
    # closing says why (it closes the case's lower levels too, and cannot be undone)
    if kind in ("notice", "reply", "comment", "close") and not text.strip():
        raise DomainError("case.reason_required", field="text")
    if kind == "reply" and alert.status != "noticed":
        raise DomainError("alert.no_notice")
    alert.status = {
        "ack": "acknowledged",
        "notice": "noticed",
        "reply": "answered",
        "close": "closed",
    }.get(kind, alert.status)
    if kind == "close":
        alert.closed_at, alert.close_reason = now, text.strip()
        # the case's lower levels close with it: the case is one row, dealt with once
        session.execute(
            update(Alert)
            .where(
                col(Alert.target_kind) == alert.target_kind,
                col(Alert.target_id) == alert.target_id,
                col(Alert.status) != "closed",
                col(Alert.id) != alert.id,
            )
            .values(status="closed", closed_at=now, close_reason=alert.close_reason)
        )
    session.add(alert)
    session.add(
        AlertAction(alert_id=alert.id, kind=kind, text=text, user_id=principal.user_id, at=now)
    )
    if kind == "notice" and alert.department_id is not None:
        for uid in _recipients(
            session, region=alert.region_code, department_id=alert.department_id, handler_id=None
        ):
            notify_user(session, user_id=uid, key="alert.notice", now=now, text=text[:100])
    record(
        session,
        actor_id=principal.user_id,
        action=f"alert.{kind}",
        entity="alert",
        entity_id=alert_id,
    )
    session.flush()
    return alert


@dataclass(frozen=True)
class AlertStep:
    """One level a case reached (催办 → 督办 → 督察), for the row's history."""

    level: str
    raised_at: str
    status: str


@dataclass(frozen=True)
class AlertRow:
    """One case (item, stage, project or service) with its highest level; ``id`` is that
    level's alert, the one supervisors act on."""

    id: int
    level: str
    status: str
    target_kind: str
    target_id: int
    case_no: str
    item: str
    department: str
    region_code: str
    due_date: str
    raised_at: str
    project: str = ""  # the project's name, whatever the level of the alert
    history: list[AlertStep] = field(default_factory=list)  # every level reached, in order


# Stored names are Chinese like the catalogue's; what a stage- or project-level alert covers.
_STAGE_WHOLE = "整个阶段"
_PROJECT_WHOLE = "全流程"
_SERVICE = "中介服务"


def list_alerts(
    session: Session,
    *,
    principal: Principal,
    level: str = "",
    status: str = "",
    page: int = 1,
    size: int = 20,
) -> tuple[list[AlertRow], int]:
    """Alerts in the principal's scope: supervisors their region (province: all), approvers
    their department."""
    # What the alert is about, by name: an item case, a stage case, or a whole project.
    stage_case = aliased(StageCase)
    stmt = (
        select(
            Alert,
            ItemCase.case_no,
            Item.name_zh,
            Department.name,
            stage_case.case_no,
            StageDef.name_zh,
            Project.name,
            Project.project_code,
            Purchase.number,
        )
        .join(
            ItemCase,
            (col(Alert.target_kind) == "item") & (col(ItemCase.id) == col(Alert.target_id)),
            isouter=True,
        )
        .join(Item, col(Item.id) == col(ItemCase.item_id), isouter=True)
        .join(Department, col(Department.id) == col(Alert.department_id), isouter=True)
        .join(
            stage_case,
            (col(Alert.target_kind) == "stage") & (stage_case.id == col(Alert.target_id)),
            isouter=True,
        )
        .join(StageDef, col(StageDef.code) == stage_case.stage_code, isouter=True)
        .join(Project, col(Project.id) == col(Alert.project_id), isouter=True)
        .join(
            AgencyService,
            (col(Alert.target_kind) == "service") & (col(AgencyService.id) == col(Alert.target_id)),
            isouter=True,
        )
        .join(Purchase, col(Purchase.id) == col(AgencyService.purchase_id), isouter=True)
    )
    if principal.role == "supervisor":
        from eap.services.core.authz import region_prefix

        prefix = region_prefix(principal.region_code or "") or "-"
        stmt = stmt.where(col(Alert.region_code).startswith(prefix))
    elif principal.role == "approver":
        stmt = stmt.where(Alert.department_id == principal.department_id)
    else:
        raise PermissionDenied()
    # Supervisors see one row per case: its highest level's alert (a higher one hides the
    # lower ones). A department sees each alert noticed to it, so it can answer every notice.
    higher = aliased(Alert)
    if principal.role == "supervisor":
        stmt = stmt.where(
            ~exists().where(
                col(higher.target_kind) == col(Alert.target_kind),
                col(higher.target_id) == col(Alert.target_id),
                _rank(col(higher.level)) > _rank(col(Alert.level)),
            )
        )
    if level:
        stmt = stmt.where(Alert.level == level)
    if status:
        stmt = stmt.where(Alert.status == status)
    from sqlmodel import func

    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(
        stmt.order_by(col(Alert.raised_at).desc(), col(Alert.id).desc())
        .offset((max(1, page) - 1) * size)
        .limit(size)
    ).all()
    steps = _history(session, [(a.target_kind, a.target_id) for a, *_ in rows])
    out = [
        AlertRow(
            a.id or 0,
            a.level,
            a.status,
            a.target_kind,
            a.target_id,
            case_no or stage_no or number or code or "",
            item
            or (f"{_SERVICE} {number}" if number else None)
            or (f"{stage_name}（{_STAGE_WHOLE}）" if stage_name else _PROJECT_WHOLE),
            dept or "",
            a.region_code,
            a.due_date.isoformat(),
            _bj(a.raised_at),
            project or "",
            steps.get((a.target_kind, a.target_id), []),
        )
        for a, case_no, item, dept, stage_no, stage_name, project, code, number in rows
    ]
    return out, int(total)


def _rank(level: Any) -> Any:
    return case((level == "urge", 1), (level == "supervise", 2), else_=3)


def _bj(at: dt.datetime) -> str:
    return at.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M")


def _history(
    session: Session, targets: list[tuple[str, int]]
) -> dict[tuple[str, int], list[AlertStep]]:
    """Every level each case reached, lowest first, in one read for the page."""
    out: dict[tuple[str, int], list[AlertStep]] = {}
    if not targets:
        return out
    rows = session.exec(
        select(Alert.target_kind, Alert.target_id, Alert.level, Alert.raised_at, Alert.status)
        .where(tuple_(col(Alert.target_kind), col(Alert.target_id)).in_(targets))
        .order_by(_rank(col(Alert.level)))
    ).all()
    for kind, target, level, raised, status in rows:
        out.setdefault((kind, target), []).append(AlertStep(level, _bj(raised), status))
    return out


def alert_actions(session: Session, *, principal: Principal, alert_id: int) -> list[AlertAction]:
    _alert_for(session, principal, alert_id)
    return list(
        session.exec(
            select(AlertAction)
            .where(AlertAction.alert_id == alert_id)
            .order_by(col(AlertAction.id))
        )
    )
