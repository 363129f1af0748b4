"""Evaluating a service (服务评价): the owner rates it once its result is accepted, and the
department that approves the related item may rate the result's quality. Each rating feeds the
agency's credit at once."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from eap.errors import DomainError, PermissionDenied
from eap.models import (
    Agency,
    AgencyService,
    Company,
    Item,
    ItemCase,
    Project,
    Purchase,
    ServiceType,
)
from eap.models.market import ServiceStatus
from eap.services.agency import credit
from eap.services.agency.catalogue import service_type
from eap.services.core.audit import record
from eap.services.core.principal import Principal, Role


def _rating(value: int) -> int:
    if not 1 <= value <= 5:
        raise DomainError("market.rating_range", field="rating")
    return value


def rate_service(
    session: Session, *, principal: Principal, service_id: int, rating: int, comment: str = ""
) -> AgencyService:
    svc = session.get(AgencyService, service_id)
    if svc is None:
        raise DomainError("error.not_found")
    if principal.role not in (Role.APPLICANT, Role.AGENT) or principal.company_id != svc.company_id:
        raise PermissionDenied()
    if svc.status != ServiceStatus.ACCEPTED:
        raise DomainError("market.rate_not_accepted")
    if svc.owner_rating is not None:
        raise DomainError("market.already_rated")
    svc.owner_rating, svc.owner_comment = _rating(rating), comment.strip()[:500]
    session.add(svc)
    session.flush()
    record(
        session,
        actor_id=principal.user_id,
        action="market.rate",
        entity="agency_service",
        entity_id=service_id,
        detail={"rating": rating},
    )
    credit.recompute(session, agency_id=svc.agency_id)
    return svc


def can_rate_quality(session: Session, principal: Principal, svc: AgencyService) -> bool:
    """An approver whose department handles the related item for this project."""
    if principal.role != Role.APPROVER or principal.department_id is None:
        return False
    purchase = session.get(Purchase, svc.purchase_id)
    stype = service_type(session, purchase.service_code) if purchase else None
    if stype is None or not stype.item_code:
        return False
    return (
        session.exec(
            select(ItemCase.id)
            .join(Item, col(Item.id) == col(ItemCase.item_id))
            .where(
                ItemCase.project_id == svc.project_id,
                Item.code == stype.item_code,
                ItemCase.department_id == principal.department_id,
            )
        ).first()
        is not None
    )


@dataclass(frozen=True)
class QualityRow:
    """An accepted result the department may rate (成果质量评价)."""

    service_id: int
    number: str
    service: str
    project: str
    agency: str


def to_rate_for_department(session: Session, *, principal: Principal) -> list[QualityRow]:
    """Accepted results of services feeding an item this department handles for the same
    project, not yet rated by a department."""
    if principal.role != Role.APPROVER or principal.department_id is None:
        raise PermissionDenied()
    rows = session.exec(
        select(AgencyService.id, Purchase.number, ServiceType.name_zh, Project.name, Company.name)
        .join(Purchase, col(Purchase.id) == col(AgencyService.purchase_id))
        .join(ServiceType, col(ServiceType.code) == col(Purchase.service_code))
        .join(Project, col(Project.id) == col(AgencyService.project_id))
        .join(Agency, col(Agency.id) == col(AgencyService.agency_id))
        .join(Company, col(Company.id) == col(Agency.company_id))
        .join(Item, col(Item.code) == col(ServiceType.item_code))
        .join(
            ItemCase,
            (col(ItemCase.item_id) == col(Item.id))
            & (col(ItemCase.project_id) == col(AgencyService.project_id)),
        )
        .where(
            AgencyService.status == ServiceStatus.ACCEPTED,
            col(AgencyService.quality_rating).is_(None),
            ItemCase.department_id == principal.department_id,
        )
        .distinct()
        .order_by(col(AgencyService.id).desc())
        .limit(50)
    ).all()
    return [
        QualityRow(sid or 0, number, stype, project, agency)
        for sid, number, stype, project, agency in rows
    ]


def rate_quality(
    session: Session, *, principal: Principal, service_id: int, rating: int
) -> AgencyService:
    svc = session.get(AgencyService, service_id)
    if svc is None:
        raise DomainError("error.not_found")
    if not can_rate_quality(session, principal, svc):
        raise PermissionDenied()
    if svc.status != ServiceStatus.ACCEPTED:
        raise DomainError("market.rate_not_accepted")
    if svc.quality_rating is not None:
        raise DomainError("market.already_rated")
    svc.quality_rating, svc.quality_by = _rating(rating), principal.user_id
    session.add(svc)
    session.flush()
    record(
        session,
        actor_id=principal.user_id,
        action="market.rate_quality",
        entity="agency_service",
        entity_id=service_id,
        detail={"rating": rating},
    )
    credit.recompute(session, agency_id=svc.agency_id)
    return svc
