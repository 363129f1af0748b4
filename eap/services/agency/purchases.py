"""Owners' purchases (采购公告) and agencies' registrations (报名).

A purchase is posted for one of the owner's projects; when it is published the draw is
committed to by publishing the hash of a secret seed (see ``selection``). Registration raises
the purchase's counter with a guarded ``UPDATE … WHERE status = OPEN AND deadline > now``: it
locks the purchase row, so a registration and the selection at the deadline never interleave,
and two agencies registering in the same second both land.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from eap.config import get_settings
from eap.db import rowcount
from eap.errors import DomainError, PermissionDenied
from eap.models import (
    Agency,
    AgencyServiceArea,
    Company,
    Item,
    Project,
    Purchase,
    Qualification,
    Registration,
)
from eap.models.market import AgencyStatus, PurchaseStatus, SelectionMethod
from eap.services.agency.admission import is_blacklisted, require_agency
from eap.services.agency.catalogue import service_type
from eap.services.core.audit import record
from eap.services.core.authz import city_of, require_applicant
from eap.services.core.clock import CHINA_TZ, WorkCalendar, local_date, now_or
from eap.services.core.principal import Principal

MAX_BUDGET = 100_000_000  # 元: anything above is a typing slip, not a service
MAX_REGISTER_DAYS = 30
CLOSES_AT = dt.time(17, 0)  # registration closes at 17:00 Beijing time on the last day
QUOTED = (SelectionMethod.LOWEST_PRICE, SelectionMethod.SCORED)
WEIGHT_KEYS = ("price", "credit", "experience")


def seed_hash(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def item_limit(session: Session, item_code: str | None) -> int:
    """The statutory limit of the item the service feeds (三承诺: the service is never
    promised for longer); 365 for a service no item needs."""
    if not item_code:
        return 365
    limit = session.exec(select(func.max(Item.limit_days)).where(Item.code == item_code)).one()
    return int(limit or 365)


def post_purchase(
    session: Session,
    *,
    principal: Principal,
    project_id: int,
    service_code: str,
    scope: str,
    budget: float | None,
    limit_days: int,
    method: int,
    register_days: int,
    weights: dict[str, int] | None = None,
    now: dt.datetime | None = None,
) -> Purchase:
    now = now_or(now)
    settings = get_settings()
    project = session.get(Project, project_id)
    if project is None:
        raise DomainError("market.project_unknown", field="project")
    require_applicant(principal, project)
    service = service_type(session, service_code)
    if service is None:
        raise DomainError("market.service_unknown", field="service", codes=service_code)
    scope = scope.strip()
    if not scope:
        raise DomainError("market.scope_empty", field="scope")
    if len(scope) > 1000:
        raise DomainError("market.scope_long", field="scope")
    if budget is not None and not (0 < budget <= MAX_BUDGET):
        raise DomainError("market.budget_range", field="budget", max=f"{MAX_BUDGET:,}")
    cap = item_limit(session, service.item_code)
    if not 1 <= limit_days <= cap:
        raise DomainError("market.limit_range", field="limit_days", max=cap)
    try:
        chosen = SelectionMethod(method)
    except ValueError:
        raise DomainError("market.method_unknown", field="method") from None
    if chosen == SelectionMethod.DIRECT and (budget is None or budget > settings.market_direct_max):
        raise DomainError(
            "market.direct_over", field="method", max=f"{settings.market_direct_max:,.0f}"
        )
    if not settings.market_min_register_days <= register_days <= MAX_REGISTER_DAYS:
        raise DomainError(
            "market.register_days",
            field="register_days",
            min=settings.market_min_register_days,
            max=MAX_REGISTER_DAYS,
        )
    clean_weights: dict[str, int] = {}
    if chosen == SelectionMethod.SCORED:
        clean_weights = {k: int((weights or {}).get(k, 0)) for k in WEIGHT_KEYS}
        if any(v < 0 for v in clean_weights.values()) or sum(clean_weights.values()) != 100:
            raise DomainError("market.weights", field="weights")
    busy = session.exec(
        select(Purchase.id).where(
            Purchase.project_id == project_id,
            Purchase.service_code == service_code,
            col(Purchase.status).in_((PurchaseStatus.OPEN, PurchaseStatus.CHOOSING)),
        )
    ).first()
    if busy is not None:
        raise DomainError("market.already_open", field="service")
    cal = WorkCalendar.load(session)
    last_day = cal.add_working_days(local_date(now), register_days).day
    seed = secrets.token_hex(32)
    purchase = Purchase(
        number=f"tmp-{secrets.token_hex(8)}",
        project_id=project_id,
        company_id=project.company_id,
        service_code=service_code,
        city_code=city_of(session, project.region_code),
        region_code=project.region_code,
        scope=scope,
        budget=budget,
        limit_days=limit_days,
        method=chosen,
        weights=clean_weights,
        qualification=service.qualification,
        published_at=now,
        deadline=dt.datetime.combine(last_day, CLOSES_AT, tzinfo=CHINA_TZ).astimezone(dt.UTC),
        seed_hash=seed_hash(seed),
        seed=seed,
        created_by=principal.user_id,
    )
    session.add(purchase)
    session.flush()
    assert purchase.id is not None
    purchase.number = f"ZJ{purchase.city_code[:4]}{local_date(now).year}{purchase.id:07d}"
    session.add(purchase)
    record(
        session,
        actor_id=principal.user_id,
        action="market.purchase_post",
        entity="purchase",
        entity_id=purchase.id,
        detail={"number": purchase.number, "service": service_code, "method": int(chosen)},
    )
    session.flush()
    return purchase


def cancel_purchase(
    session: Session, *, principal: Principal, purchase_id: int, reason: str
) -> Purchase:
    """The owner withdraws an announcement before its deadline (with the reason published)."""
    purchase = _owned(session, principal, purchase_id)
    if not reason.strip():
        raise DomainError("market.cancel_reason", field="reason")
    res = session.execute(
        update(Purchase)
        .where(col(Purchase.id) == purchase_id, col(Purchase.status) == PurchaseStatus.OPEN)
        .values(
            status=PurchaseStatus.CANCELLED,
            version=Purchase.version + 1,
            result={"cancelled": reason.strip()[:300]},
        )
    )
    if not rowcount(res):
        raise DomainError("market.not_open")
    record(
        session,
        actor_id=principal.user_id,
        action="market.purchase_cancel",
        entity="purchase",
        entity_id=purchase_id,
        detail={"reason": reason},
    )
    session.expire(purchase)
    return purchase


def _owned(session: Session, principal: Principal, purchase_id: int) -> Purchase:
    purchase = session.get(Purchase, purchase_id)
    if purchase is None:
        raise DomainError("error.not_found")
    if principal.role not in ("applicant", "agent") or principal.company_id != purchase.company_id:
        raise PermissionDenied()
    return purchase


def owned_purchase(session: Session, principal: Principal, purchase_id: int) -> Purchase:
    return _owned(session, principal, purchase_id)


def tied(session: Session, agency: Agency, owner_company_id: int) -> bool:
    """An agency tied to the owner (关联关系): the same company, or the same legal
    representative."""
    if agency.company_id == owner_company_id:
        return True
    mine, theirs = session.get(Company, agency.company_id), session.get(Company, owner_company_id)
    return bool(
        mine and theirs and mine.legal_rep.strip() and mine.legal_rep.strip() == theirs.legal_rep
    )


def holds_qualification(session: Session, agency_id: int, category: str, day: dt.date) -> bool:
    if not category:
        return True
    return (
        session.exec(
            select(Qualification.id).where(
                Qualification.agency_id == agency_id,
                Qualification.category == category,
                col(Qualification.valid_until) >= day,
                col(Qualification.rejected).is_(False),
            )
        ).first()
        is not None
    )


def ineligible_reason(
    session: Session, *, agency: Agency, purchase: Purchase, quote: float | None
) -> str:
    """Why an agency may not take part (a message-key suffix), or "" when it may. The same
    rules at registration and again at the deadline."""
    deadline_day = local_date(purchase.deadline)
    if agency.status != AgencyStatus.ADMITTED:
        return "not_admitted"
    if is_blacklisted(agency, deadline_day):
        return "blacklisted"
    assert agency.id is not None
    if not holds_qualification(session, agency.id, purchase.qualification, deadline_day):
        return "qualification"
    if tied(session, agency, purchase.company_id):
        return "tied"
    if purchase.method in QUOTED and quote is None:
        return "quote_missing"
    if quote is not None and purchase.budget is not None and quote > purchase.budget:
        return "over_budget"
    return ""


def register(
    session: Session,
    *,
    principal: Principal,
    purchase_id: int,
    quote: float | None = None,
    now: dt.datetime | None = None,
) -> Registration:
    now = now_or(now)
    agency = require_agency(session, principal)
    assert agency.id is not None
    purchase = session.get(Purchase, purchase_id)
    if purchase is None:
        raise DomainError("error.not_found")
    if purchase.status != PurchaseStatus.OPEN or now >= purchase.deadline:
        raise DomainError("market.closed")
    if quote is not None and not (0 < quote <= MAX_BUDGET):
        raise DomainError("market.quote_range", field="quote")
    offers = session.exec(
        select(AgencyServiceArea.id).where(
            AgencyServiceArea.agency_id == agency.id,
            AgencyServiceArea.service_code == purchase.service_code,
        )
    ).first()
    if offers is None and agency.status == AgencyStatus.ADMITTED:
        raise DomainError("market.not_offered")
    reason = ineligible_reason(session, agency=agency, purchase=purchase, quote=quote)
    if reason:
        raise DomainError(f"market.ineligible.{reason}", field="quote")
    if (
        session.exec(
            select(Registration.id).where(
                Registration.purchase_id == purchase_id, Registration.agency_id == agency.id
            )
        ).first()
        is not None
    ):
        raise DomainError("market.already_registered")
    claimed = session.execute(
        update(Purchase)
        .where(
            col(Purchase.id) == purchase_id,
            col(Purchase.status) == PurchaseStatus.OPEN,
            col(Purchase.deadline) > now,
        )
        .values(registrations=Purchase.registrations + 1)
    )
    if not rowcount(claimed):
        raise DomainError("market.closed")
    reg = Registration(
        purchase_id=purchase_id,
        agency_id=agency.id,
        quote=quote,
        registered_at=now,
        registered_by=principal.user_id,
    )
    try:
        with session.begin_nested():
            session.add(reg)
            session.flush()
    except IntegrityError:
        raise DomainError("market.already_registered") from None
    record(
        session,
        actor_id=principal.user_id,
        action="market.register",
        entity="purchase",
        entity_id=purchase_id,
        detail={"agency": agency.id, "quote": quote},
    )
    session.expire(purchase)
    return reg
