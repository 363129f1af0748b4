"""The auditor's reading of the audit trail (审计日志查询): who did what to which record, when.

Rows carry names (the actor's display name and account, the record's own title) and a
catalogue key for the action, so the page reads "张三（nc_zj）办结（通过） 项目 X 的 事项 …"
rather than "case.approve itemcase#812". Filters: a category of actions, a date range in
Beijing time, one record, and free text over the actor, the action, the record's key and the
details. Only the audit administrator (审计管理员, one of 等保's three separated roles) reads it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, cast, or_
from sqlmodel import Session, col, func, select

from eap.db import SEARCH_MAX, contains_pattern
from eap.errors import DomainError
from eap.i18n import DEFAULT_LANG, MESSAGES
from eap.models import (
    Agency,
    Alert,
    Anomaly,
    AuditLog,
    Company,
    Department,
    Inquiry,
    ItemCase,
    Notice,
    Process,
    Project,
    Purchase,
    StageCase,
    User,
)
from eap.services.core.clock import CHINA_TZ
from eap.services.core.principal import Principal

PAGE_SIZE = 25

# Filter categories → the action prefixes they cover (one select on the page).
CATEGORIES: dict[str, tuple[str, ...]] = {
    "security": ("auth.", "sms.", "user.", "audit.", "personal.", "keys."),
    "applications": ("project.", "company.", "draft.", "case.submit", "case.withdraw", "agent."),
    "approval": (
        "case.",
        "stage.",
        "step.",
        "steps.",
        "joint.",
        "drawing_review.open",
        "generation.",
        "postcheck.",
        "transfer",
    ),
    "supervision": ("alert.", "anomaly."),
    "market": ("market.",),
    "documents": ("document.", "file.", "export."),
    "service": ("appointment.", "inquiry.", "evaluation."),
    "configuration": (
        "process.",
        "calendar.",
        "notice.",
        "department.",
        "jurisdiction.",
        "drawing_review.plan",
        "assessment.",
    ),
}


@dataclass(frozen=True)
class AuditFilter:
    """What the auditor asked for; empty fields do not filter."""

    text: str = ""
    category: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    entity: str = ""
    entity_id: str = ""


@dataclass(frozen=True)
class AuditRow:
    """One audited event as a person reads it."""

    id: int = 0
    at: str = ""
    actor: str = ""  # display name, or "" for the system (scheduler, public visitor)
    account: str = ""  # username
    action: str = ""  # the code, shown small beside its reading
    action_key: str = ""  # catalogue key of the reading; audit.action.other when none exists
    entity: str = ""
    entity_id: str = ""
    subject: str = ""  # the record's own name: project name, case number, user, agency …
    detail: str = ""


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow] = field(default_factory=list)
    page: int = 1
    pages: int = 1
    total: int = 0


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight in Beijing as the UTC instant the table stores."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=CHINA_TZ).astimezone(dt.UTC)


def _conditions(session: Session, flt: AuditFilter) -> list[Any]:
    if flt.date_from and flt.date_to and flt.date_from > flt.date_to:
        raise DomainError("audit.range_reversed", field="date_to")
    where: list[Any] = []
    if flt.category:
        prefixes = CATEGORIES.get(flt.category)
        if prefixes is None:
            raise DomainError("audit.category_unknown", field="category")
        where.append(or_(*[col(AuditLog.action).startswith(p) for p in prefixes]))
    if flt.date_from:
        where.append(col(AuditLog.at) >= _day_start(flt.date_from))
    if flt.date_to:
        where.append(col(AuditLog.at) < _day_start(flt.date_to + dt.timedelta(days=1)))
    if flt.entity:
        where.append(col(AuditLog.entity) == flt.entity)
        where.append(col(AuditLog.entity_id) == flt.entity_id)
    text = flt.text.strip()
    if text:
        pattern = contains_pattern(text.lower())
        # details are stored as JSON text with non-ASCII escaped (\u6279), so Chinese words
        # are looked for in that spelling too
        escaped = contains_pattern(json.dumps(text.lower())[1:-1], most=12 * SEARCH_MAX)
        # Names are sealed (not searchable in SQL): match them here, usernames in the query.
        named = [
            uid
            for uid, name in session.exec(select(User.id, User.display_name)).all()
            if text.lower() in (name or "").lower()
        ]
        actors = select(User.id).where(
            or_(
                func.lower(col(User.username)).like(pattern, escape="!"),
                col(User.id).in_(named),
            )
        )
        details = func.lower(cast(col(AuditLog.detail), String))
        where.append(
            or_(
                col(AuditLog.actor_id).in_(actors),
                func.lower(col(AuditLog.action)).like(pattern, escape="!"),
                col(AuditLog.entity_id) == text,
                details.like(pattern, escape="!"),
                details.like(escaped, escape="!"),
            )
        )
    return where


def audit_trail(
    session: Session,
    *,
    principal: Principal,
    flt: AuditFilter = AuditFilter(),
    page: int = 1,
    size: int = PAGE_SIZE,
) -> AuditPage:
    """The filtered trail, newest first, one page of named rows."""
    principal.require_role("auditor")
    where = _conditions(session, flt)
    total = int(session.exec(select(func.count()).select_from(AuditLog).where(*where)).one())
    pages = max(1, math.ceil(total / size))
    page = min(max(1, page), pages)
    stmt = (
        select(AuditLog, User.username, User.display_name)
        .join(User, col(User.id) == col(AuditLog.actor_id), isouter=True)
        .where(*where)
        .order_by(col(AuditLog.id).desc())
        .offset((page - 1) * size)
        .limit(size)
    )
    found = list(session.exec(stmt))
    subjects = _subjects(session, [(log.entity, log.entity_id) for log, _, _ in found])
    known = MESSAGES[DEFAULT_LANG]
    rows = [
        AuditRow(
            id=log.id or 0,
            at=_beijing(log.at),
            actor=display or "",
            account=username or "",
            action=log.action,
            action_key=(
                f"audit.action.{log.action}"
                if f"audit.action.{log.action}" in known
                else "audit.action.other"
            ),
            entity=log.entity,
            entity_id=log.entity_id,
            subject=subjects.get((log.entity, log.entity_id), ""),
            detail=_detail_text(log.detail),
        )
        for log, username, display in found
    ]
    return AuditPage(rows, page, pages, total)


def _beijing(instant: dt.datetime) -> str:
    if instant.tzinfo is None:  # SQLite hands stored UTC back without its zone
        instant = instant.replace(tzinfo=dt.UTC)
    return instant.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S")


def _detail_text(detail: dict[str, Any] | None) -> str:
    if not detail:
        return ""
    return "; ".join(
        f"{k}={v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)}"
        for k, v in detail.items()
        if v not in (None, "", [], {})  # "owed=[]" says nothing to a reader
    )[:300]


# entity kind → (model, how to name one). One query per kind on a page, never one per row.
_NAMERS: dict[str, tuple[Any, Callable[[Any], str] | None]] = {
    "project": (Project, lambda p: f"{p.name}（{p.project_code}）"),
    "stagecase": (StageCase, lambda c: c.case_no),
    "itemcase": (ItemCase, lambda c: c.case_no),
    "user": (User, lambda u: f"{u.display_name}（{u.username}）"),
    "company": (Company, lambda c: c.name),
    "department": (Department, lambda d: d.name),
    "agency": (Agency, None),  # named by its company, below
    "purchase": (Purchase, lambda p: p.number),
    "process": (Process, lambda p: f"{p.name} v{p.version}"),
    "notice": (Notice, lambda n: n.title),
    "inquiry": (Inquiry, lambda i: i.subject),
    "alert": (Alert, None),
    "anomaly": (Anomaly, lambda a: a.subject),
}


def _subjects(session: Session, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for entity, entity_id in keys:
        if entity in _NAMERS and entity_id.isdigit():
            wanted[entity].add(int(entity_id))
    names: dict[tuple[str, str], str] = {}
    for entity, ids in wanted.items():
        model, namer = _NAMERS[entity]
        found = session.exec(select(model).where(col(model.id).in_(ids))).all()
        if entity == "agency":
            companies = _by_id(session, Company, {a.company_id for a in found})
            for a in found:
                c = companies.get(a.company_id)
                names[(entity, str(a.id))] = c.name if c else ""
        elif entity == "alert":
            cases = _by_id(
                session, ItemCase, {a.target_id for a in found if a.target_kind == "item"}
            )
            stages = _by_id(
                session, StageCase, {a.target_id for a in found if a.target_kind != "item"}
            )
            for a in found:
                case = (cases if a.target_kind == "item" else stages).get(a.target_id)
                names[(entity, str(a.id))] = case.case_no if case else ""
        else:
            assert namer is not None
            for obj in found:
                names[(entity, str(obj.id))] = namer(obj)
    return names


def _by_id(session: Session, model: Any, ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    return {o.id: o for o in session.exec(select(model).where(col(model.id).in_(ids)))}
