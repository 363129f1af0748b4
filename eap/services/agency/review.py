"""The reviewing administrator's lists (中介机构审核): applications waiting for admission,
certificates not yet checked, open objections."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from eap.models import Agency, Company, Objection, Purchase, Qualification
from eap.models.market import AgencyStatus, ObjectionStatus
from eap.services.agency.admission import require_reviewer
from eap.services.agency.rows import ObjectionRow, PendingAgencyRow, QualificationRow
from eap.services.agency.views import offers_by_agency, qual_row, ts
from eap.services.core.principal import Principal
from eap.services.exchange.adapters.credit import enabled as credit_enabled


def pending_agencies(
    session: Session, *, principal: Principal, lang: str
) -> list[PendingAgencyRow]:
    require_reviewer(principal)
    rows = session.exec(
        select(Agency, Company)
        .join(Company, col(Company.id) == col(Agency.company_id))
        .where(Agency.status == AgencyStatus.PENDING)
        .order_by(col(Agency.created_at))
        .limit(100)
    ).all()
    ids = [a.id or 0 for a, _ in rows]
    offers = offers_by_agency(session, ids, lang)
    quals = dict(
        session.exec(
            select(Qualification.agency_id, func.count())
            .where(col(Qualification.agency_id).in_(ids))
            .group_by(col(Qualification.agency_id))
        ).all()
    )
    out = []
    for a, c in rows:
        services, cities = offers.get(a.id or 0, ("", ""))
        out.append(
            PendingAgencyRow(
                a.id or 0,
                c.name,
                c.uscc,
                services,
                cities,
                ts(a.created_at),
                quals.get(a.id or 0, 0),
                c.credit_status,
                credit_enabled(),
            )
        )
    return out


def unchecked_qualifications(session: Session, *, principal: Principal) -> list[QualificationRow]:
    require_reviewer(principal)
    rows = session.exec(
        select(Qualification, Company.name)
        .join(Agency, col(Agency.id) == col(Qualification.agency_id))
        .join(Company, col(Company.id) == col(Agency.company_id))
        .where(col(Qualification.checked).is_(False))
        .order_by(col(Qualification.id))
        .limit(100)
    ).all()
    return [qual_row(q, name) for q, name in rows]


def objections(session: Session, *, principal: Principal) -> list[ObjectionRow]:
    require_reviewer(principal)
    rows = session.exec(
        select(Objection, Purchase.number)
        .join(Purchase, col(Purchase.id) == col(Objection.purchase_id))
        .order_by(col(Objection.status), col(Objection.raised_at).desc())
        .limit(100)
    ).all()
    return [
        ObjectionRow(o.id or 0, number, o.body, ts(o.raised_at), o.status, o.answer)
        for o, number in rows
        if o.status == ObjectionStatus.OPEN or o.answer
    ]
