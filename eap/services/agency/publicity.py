"""The 中选公告's publicity and its objection channel (异议).

During the publicity anyone who took part (the owner, a registrant) may object; the reviewing
administrator answers. An upheld objection sets the selection aside (the owner posts again)
and counts against the winner's credit; a dismissed one changes nothing. The contract cannot be
signed while an objection is open.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from eap.errors import DomainError, PermissionDenied
from eap.models import Agency, Objection, Purchase, Registration
from eap.models.market import ObjectionStatus, PurchaseStatus
from eap.services.agency import credit
from eap.services.agency.admission import my_agency, require_reviewer
from eap.services.agency.service_clock import annul_service
from eap.services.core.audit import record
from eap.services.core.clock import local_date, now_or
from eap.services.core.notify import notify_user
from eap.services.core.principal import Principal, Role


def _took_part(session: Session, principal: Principal, purchase: Purchase) -> bool:
    if principal.role in (Role.APPLICANT, Role.AGENT):
        return principal.company_id == purchase.company_id
    if principal.role == Role.AGENCY:
        agency = my_agency(session, principal)
        return agency is not None and (
            session.exec(
                select(Registration.id).where(
                    Registration.purchase_id == purchase.id, Registration.agency_id == agency.id
                )
            ).first()
            is not None
        )
    return False


def raise_objection(
    session: Session,
    *,
    principal: Principal,
    purchase_id: int,
    body: str,
    now: dt.datetime | None = None,
) -> Objection:
    now = now_or(now)
    purchase = session.get(Purchase, purchase_id)
    if purchase is None:
        raise DomainError("error.not_found")
    if not _took_part(session, principal, purchase):
        raise PermissionDenied()
    if (
        purchase.status != PurchaseStatus.SELECTED
        or purchase.publicity_until is None
        or local_date(now) > purchase.publicity_until
    ):
        raise DomainError("market.publicity_over")
    body = body.strip()
    if len(body) < 10:
        raise DomainError("market.objection_short", field="objection")
    if len(body) > 2000:
        raise DomainError("market.objection_long", field="objection")
    objection = Objection(
        purchase_id=purchase_id, raised_by=principal.user_id, body=body, raised_at=now
    )
    session.add(objection)
    session.flush()
    record(
        session,
        actor_id=principal.user_id,
        action="market.objection",
        entity="purchase",
        entity_id=purchase_id,
        detail={"objection": objection.id},
    )
    return objection


def answer_objection(
    session: Session,
    *,
    principal: Principal,
    objection_id: int,
    upheld: bool,
    answer: str,
    now: dt.datetime | None = None,
) -> Objection:
    require_reviewer(principal)
    now = now_or(now)
    objection = session.get(Objection, objection_id)
    if objection is None:
        raise DomainError("error.not_found")
    if objection.status != ObjectionStatus.OPEN:
        raise DomainError("market.objection_answered")
    answer = answer.strip()
    if len(answer) < 4:
        raise DomainError("market.answer_short", field="answer")
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    objection.answer, objection.answered_by, objection.answered_at = (
        answer[:2000],
        principal.user_id,
        now,
    )
    session.add(objection)
    purchase = session.get(Purchase, objection.purchase_id)
    assert purchase is not None
    if upheld and purchase.status == PurchaseStatus.SELECTED:
        annul_service(session, purchase=purchase)
    session.flush()
    if upheld and purchase.winner_id is not None:
        credit.recompute(session, agency_id=purchase.winner_id)
    record(
        session,
        actor_id=principal.user_id,
        action="market.objection_answer",
        entity="purchase",
        entity_id=purchase.id or "",
        detail={"objection": objection_id, "upheld": upheld},
    )
    notify_user(
        session,
        user_id=objection.raised_by,
        key="market.note.objection_answered",
        now=now,
        number=purchase.number,
    )
    return objection


def open_objections(session: Session, *, principal: Principal) -> list[tuple[Objection, Purchase]]:
    require_reviewer(principal)
    return [
        (o, p)
        for o, p in session.exec(
            select(Objection, Purchase)
            .join(Purchase, col(Purchase.id) == col(Objection.purchase_id))
            .where(Objection.status == ObjectionStatus.OPEN)
            .order_by(col(Objection.raised_at))
        ).all()
    ]


def winner_of(session: Session, purchase: Purchase) -> Agency | None:
    return session.get(Agency, purchase.winner_id) if purchase.winner_id else None
