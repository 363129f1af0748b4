"""Role home pages' figures, each scoped to what the signed-in person may see."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from eap.models import (
    Company,
    Department,
    Item,
    Process,
    Region,
    User,
    UserSession,
)
from eap.models.common import utcnow
from eap.services.core.principal import Principal


@dataclass(frozen=True)
class Scope:
    region: str
    department: str
    company: str


def scope_of(session: Session, *, principal: Principal) -> Scope:
    region = session.get(Region, principal.region_code) if principal.region_code else None
    dept = session.get(Department, principal.department_id) if principal.department_id else None
    company = session.get(Company, principal.company_id) if principal.company_id else None
    return Scope(
        region.name if region else "",
        dept.name if dept else "",
        company.name if company else "",
    )


def _count(session: Session, stmt) -> int:
    return int(session.exec(stmt).one())


def admin_stats(session: Session, *, principal: Principal) -> list[tuple[str, int]]:
    principal.require_role("admin")
    return [
        ("home.stat.regions", _count(session, select(func.count()).select_from(Region))),
        ("home.stat.departments", _count(session, select(func.count()).select_from(Department))),
        ("home.stat.items", _count(session, select(func.count()).select_from(Item))),
        (
            "home.stat.processes",
            _count(session, select(func.count()).select_from(Process).where(col(Process.active))),
        ),
        ("home.stat.users", _count(session, select(func.count()).select_from(User))),
        ("home.stat.companies", _count(session, select(func.count()).select_from(Company))),
    ]


def security_stats(session: Session, *, principal: Principal) -> list[tuple[str, int]]:
    principal.require_role("security")
    now = utcnow()
    locked = select(func.count()).select_from(User).where(col(User.locked_until) > now)
    idle_cut = now - dt.timedelta(minutes=30)
    active = (
        select(func.count())
        .select_from(UserSession)
        .where(col(UserSession.ended_at).is_(None), col(UserSession.last_seen_at) > idle_cut)
    )
    return [
        ("home.stat.locked", _count(session, locked)),
        ("home.stat.sessions", _count(session, active)),
    ]


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, str]]
    page: int
    pages: int
    total: int


def catalogue_page(session: Session, *, principal: Principal, page: int, size: int = 15) -> Page:
    principal.require_role("admin")
    total = _count(session, select(func.count()).select_from(Item))
    pages = max(1, math.ceil(total / size))
    page = min(max(1, page), pages)
    items = session.exec(
        select(Item)
        .order_by(col(Item.code), col(Item.version))
        .offset((page - 1) * size)
        .limit(size)
    )
    rows = [
        {
            "code": i.code,
            "name_zh": i.name_zh,
            "name_en": i.name_en,
            "stage": str(i.stage_code),
            "dept": i.dept_kind,
            "limit": str(i.limit_days),
        }
        for i in items
    ]
    return Page(rows, page, pages, total)
