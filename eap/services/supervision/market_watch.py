"""Supervising the intermediary market (中介服务监管, DOMAIN §9): services past their promised
time, the patterns supervisors look for, and objections. Scoped to the supervisor's region."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from eap.errors import PermissionDenied
from eap.models import Agency, AgencyService, Company, Objection, Purchase, Registration
from eap.models.market import ServiceStatus
from eap.services.core.authz import region_prefix
from eap.services.core.clock import WorkCalendar, local_date, now_or
from eap.services.core.principal import Principal, Role

REPEAT_WINS = 3  # the same agency winning the same owner this often in a year is looked at
NEAR_BUDGET = 0.95  # quotes in the top 5 % of the budget count as "just under"


@dataclass(frozen=True)
class OverdueServiceRow:
    number: str
    agency: str
    owner: str
    due_date: str
    days_over: int


@dataclass(frozen=True)
class PatternRow:
    kind: str  # repeat_winner | near_budget
    subject: str
    detail: str
    count: int


@dataclass(frozen=True)
class WatchObjectionRow:
    number: str
    body: str
    status: int
    raised_at: str


def _prefix(principal: Principal) -> str:
    if principal.role != Role.SUPERVISOR:
        raise PermissionDenied()
    return region_prefix(principal.region_code or "") or "-"


def overdue_services(
    session: Session, *, principal: Principal, now: dt.datetime | None = None
) -> list[OverdueServiceRow]:
    prefix = _prefix(principal)
    today = local_date(now_or(now))
    cal = WorkCalendar.load(session)
    owner = aliased(Company)
    rows = session.exec(
        select(AgencyService, Purchase.number, Company.name, owner.name)
        .join(Purchase, col(Purchase.id) == col(AgencyService.purchase_id))
        .join(Agency, col(Agency.id) == col(AgencyService.agency_id))
        .join(Company, col(Company.id) == col(Agency.company_id))
        .join(owner, col(owner.id) == col(AgencyService.company_id))
        .where(
            AgencyService.status == ServiceStatus.IN_PROGRESS,
            col(AgencyService.due_date) < today,
            col(Purchase.city_code).startswith(prefix),
        )
        .order_by(col(AgencyService.due_date))
        .limit(100)
    ).all()
    return [
        OverdueServiceRow(
            number,
            agency,
            owner_name,
            svc.due_date.isoformat() if svc.due_date else "",
            cal.working_days_between(svc.due_date, today) if svc.due_date else 0,
        )
        for svc, number, agency, owner_name in rows
    ]


def patterns(
    session: Session, *, principal: Principal, now: dt.datetime | None = None
) -> list[PatternRow]:
    """The same agency winning the same owner again and again; quotes clustered just under
    the budget (at least three quotes, half of them within the top 5 % of it)."""
    prefix = _prefix(principal)
    since = now_or(now) - dt.timedelta(days=365)
    owner = aliased(Company)
    out: list[PatternRow] = []
    repeats = session.exec(
        select(Company.name, owner.name, func.count())
        .select_from(Purchase)
        .join(Agency, col(Agency.id) == col(Purchase.winner_id))
        .join(Company, col(Company.id) == col(Agency.company_id))
        .join(owner, col(owner.id) == col(Purchase.company_id))
        .where(
            col(Purchase.selected_at) >= since,
            col(Purchase.city_code).startswith(prefix),
        )
        .group_by(col(Company.name), col(owner.name))
        .having(func.count() >= REPEAT_WINS)
    ).all()
    out += [PatternRow("repeat_winner", agency, owner_name, n) for agency, owner_name, n in repeats]
    quotes = session.exec(
        select(Purchase.number, Purchase.budget, Registration.quote)
        .join(Registration, col(Registration.purchase_id) == col(Purchase.id))
        .where(
            col(Purchase.budget).is_not(None),
            col(Registration.quote).is_not(None),
            col(Purchase.published_at) >= since,
            col(Purchase.city_code).startswith(prefix),
        )
    ).all()
    total: Counter[str] = Counter()
    near: Counter[str] = Counter()
    for number, budget, quote in quotes:
        total[number] += 1
        if budget and quote and NEAR_BUDGET * budget <= quote <= budget:
            near[number] += 1
    out += [
        PatternRow("near_budget", number, f"{near[number]}/{n}", near[number])
        for number, n in sorted(total.items())
        if n >= 3 and near[number] * 2 >= n
    ]
    return out


def objections(session: Session, *, principal: Principal) -> list[WatchObjectionRow]:
    prefix = _prefix(principal)
    rows = session.exec(
        select(Objection, Purchase.number)
        .join(Purchase, col(Purchase.id) == col(Objection.purchase_id))
        .where(col(Purchase.city_code).startswith(prefix))
        .order_by(col(Objection.raised_at).desc())
        .limit(50)
    ).all()
    return [
        WatchObjectionRow(
            number, o.body, o.status, o.raised_at.date().isoformat() if o.raised_at else ""
        )
        for o, number in rows
    ]
