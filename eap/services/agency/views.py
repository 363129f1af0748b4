"""The agency's workbench and the owner's market page: what each side sees of its own
purchases, registrations and services. Every list is scoped to the principal's company."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func, tuple_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from eap.errors import PermissionDenied
from eap.models import (
    Agency,
    AgencyService,
    AgencyServiceArea,
    AgencyStaff,
    Company,
    Project,
    Purchase,
    Qualification,
    Region,
    Registration,
    ServiceType,
)
from eap.models.market import PurchaseStatus, ServiceStatus
from eap.services.agency.admission import my_agency, offered
from eap.services.agency.rows import (
    AgencyProfile,
    BidRow,
    Choice,
    OpportunityRow,
    PurchaseRow,
    QualificationRow,
    RegistrantRow,
    ServiceRow,
    StaffRow,
)
from eap.services.core.authz import region_names
from eap.services.core.clock import CHINA_TZ, WorkCalendar, local_date, now_or
from eap.services.core.principal import Principal, Role


def ts(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")


def day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def service_names(session: Session, lang: str) -> dict[str, str]:
    return {
        s.code: (s.name_en if lang == "en" else s.name_zh)
        for s in session.exec(select(ServiceType))
    }


def service_choices(session: Session, lang: str) -> list[Choice]:
    return [Choice(code, name) for code, name in sorted(service_names(session, lang).items())]


def city_choices(session: Session) -> list[Choice]:
    rows = session.exec(
        select(Region.code, Region.name)
        .where(col(Region.level).in_(("city", "zone")))
        .order_by(col(Region.code))
    ).all()
    return [Choice(code, name) for code, name in rows]


def offers_by_agency(
    session: Session, agency_ids: list[int], lang: str
) -> dict[int, tuple[str, str]]:
    """agency id -> (its services, its cities), each a 、-joined list of names."""
    offers: dict[int, tuple[set[str], set[str]]] = {}
    for agency_id, code, city in session.exec(
        select(
            AgencyServiceArea.agency_id, AgencyServiceArea.service_code, AgencyServiceArea.city_code
        ).where(col(AgencyServiceArea.agency_id).in_(agency_ids))
    ).all():
        entry = offers.setdefault(agency_id, (set(), set()))
        entry[0].add(code)
        entry[1].add(city)
    names, regions = service_names(session, lang), region_names(session)
    return {
        agency_id: (
            "、".join(names.get(x, x) for x in sorted(codes)),
            "、".join(regions.get(x, x) for x in sorted(cities)),
        )
        for agency_id, (codes, cities) in offers.items()
    }


# --- the agency ----------------------------------------------------------------------------


def profile(session: Session, *, principal: Principal) -> AgencyProfile:
    agency = my_agency(session, principal)
    company = session.get(Company, principal.company_id) if principal.company_id else None
    if agency is None or agency.id is None:
        return AgencyProfile(
            name=company.name if company else "", uscc=company.uscc if company else ""
        )
    services, cities = offered(session, agency.id)
    return AgencyProfile(
        registered=True,
        status=agency.status,
        name=company.name if company else "",
        uscc=company.uscc if company else "",
        intro=agency.intro,
        service_codes=tuple(services),
        city_codes=tuple(cities),
        review_note=agency.review_note,
        credit=agency.credit,
        completed=agency.completed,
        blacklisted_until=day(agency.blacklisted_until),
    )


def qualifications(session: Session, *, agency_id: int) -> list[QualificationRow]:
    rows = session.exec(
        select(Qualification, Company.name)
        .join(Agency, col(Agency.id) == col(Qualification.agency_id))
        .join(Company, col(Company.id) == col(Agency.company_id))
        .where(Qualification.agency_id == agency_id)
        .order_by(col(Qualification.id))
    ).all()
    return [qual_row(q, name) for q, name in rows]


def qual_row(q: Qualification, agency_name: str) -> QualificationRow:
    return QualificationRow(
        q.id or 0,
        agency_name,
        q.category,
        q.grade,
        q.certificate_no,
        day(q.valid_until),
        q.file_id or 0,
        q.checked,
        q.rejected,
        q.check_note,
    )


def staff(session: Session, *, agency_id: int) -> list[StaffRow]:
    return [
        StaffRow(s.name, s.title, s.certificate_no)
        for s in session.exec(
            select(AgencyStaff)
            .where(AgencyStaff.agency_id == agency_id)
            .order_by(col(AgencyStaff.id))
        )
    ]


def opportunities(
    session: Session,
    *,
    principal: Principal,
    lang: str,
    page: int = 1,
    size: int = 20,
    now: dt.datetime | None = None,
) -> tuple[list[OpportunityRow], int]:
    """Open announcements of the services in the cities the agency offers, closing soonest
    first, with whether it has registered. One indexed query and one count, however many
    announcements the province holds."""
    now = now_or(now)
    agency = my_agency(session, principal)
    if agency is None or agency.id is None:
        return [], 0
    mine = aliased(Registration)
    # The agency's few (service, city) pairs first: the open announcements are then read as
    # index ranges of ix_purchase_open, one per pair, whatever else the market holds.
    pairs = session.exec(
        select(AgencyServiceArea.service_code, AgencyServiceArea.city_code).where(
            AgencyServiceArea.agency_id == agency.id
        )
    ).all()
    if not pairs:
        return [], 0
    where = (
        col(Purchase.status) == PurchaseStatus.OPEN,
        tuple_(col(Purchase.service_code), col(Purchase.city_code)).in_([tuple(p) for p in pairs]),
        col(Purchase.deadline) > now,
    )
    total = session.exec(select(func.count()).select_from(Purchase).where(*where)).one()
    rows = session.exec(
        select(Purchase, Project.name, Company.name, mine.id)
        .join(Project, col(Project.id) == col(Purchase.project_id))
        .join(Company, col(Company.id) == col(Purchase.company_id))
        .outerjoin(
            mine,
            and_(col(mine.purchase_id) == col(Purchase.id), col(mine.agency_id) == agency.id),
        )
        .where(*where)
        .order_by(col(Purchase.deadline), col(Purchase.id))
        .offset((max(page, 1) - 1) * size)
        .limit(size)
    ).all()
    names, regions = service_names(session, lang), region_names(session)
    return [
        OpportunityRow(
            p.id or 0,
            p.number,
            names.get(p.service_code, p.service_code),
            project,
            owner,
            regions.get(p.city_code, p.city_code),
            p.budget or 0.0,
            p.budget is not None,
            p.limit_days,
            p.method,
            ts(p.deadline),
            p.registrations,
            p.qualification,
            reg_id is not None,
            "/".join(str(p.weights.get(k, 0)) for k in ("price", "credit", "experience"))
            if p.weights
            else "",
        )
        for p, project, owner, reg_id in rows
    ], total


def bids(
    session: Session, *, principal: Principal, lang: str, now: dt.datetime | None = None
) -> list[BidRow]:
    today = local_date(now_or(now))
    agency = my_agency(session, principal)
    if agency is None:
        return []
    rows = session.exec(
        select(Registration, Purchase, Company.name)
        .join(Purchase, col(Purchase.id) == col(Registration.purchase_id))
        .join(Company, col(Company.id) == col(Purchase.company_id))
        .where(Registration.agency_id == agency.id)
        .order_by(col(Registration.registered_at).desc())
        .limit(100)
    ).all()
    names = service_names(session, lang)
    return [
        BidRow(
            p.id or 0,
            p.number,
            names.get(p.service_code, p.service_code),
            owner,
            r.quote or 0.0,
            r.quote is not None,
            ts(r.registered_at),
            p.status,
            -1 if r.eligible is None else int(r.eligible),
            r.ineligible_reason,
            p.winner_id == agency.id,
            day(p.publicity_until),
            p.status == PurchaseStatus.SELECTED
            and p.publicity_until is not None
            and today <= p.publicity_until,
        )
        for r, p, owner in rows
    ]


def services(
    session: Session, *, principal: Principal, lang: str, now: dt.datetime | None = None
) -> list[ServiceRow]:
    """The services the principal's side is party to: the agency's, or the owner's."""
    now = now_or(now)
    owner = aliased(Company)
    query = (
        select(AgencyService, Purchase, Project.name, Company.name, owner.name)
        .join(Purchase, col(Purchase.id) == col(AgencyService.purchase_id))
        .join(owner, col(owner.id) == col(AgencyService.company_id))
        .join(Project, col(Project.id) == col(AgencyService.project_id))
        .join(Agency, col(Agency.id) == col(AgencyService.agency_id))
        .join(Company, col(Company.id) == col(Agency.company_id))
        .order_by(col(AgencyService.id).desc())
        .limit(100)
    )
    if principal.role == Role.AGENCY:
        agency = my_agency(session, principal)
        if agency is None:
            return []
        query = query.where(AgencyService.agency_id == agency.id)
    elif principal.role in (Role.APPLICANT, Role.AGENT) and principal.company_id:
        query = query.where(AgencyService.company_id == principal.company_id)
    else:
        raise PermissionDenied()
    cal = WorkCalendar.load(session)
    today = local_date(now)
    names = service_names(session, lang)
    materials = {s.code: s.material_code or "" for s in session.exec(select(ServiceType))}
    out = []
    for svc, p, project, agency_name, owner_name in session.exec(query).all():
        running = svc.status == ServiceStatus.IN_PROGRESS and svc.due_date is not None
        left = 0
        if running and svc.due_date is not None:
            left = (
                cal.working_days_between(today, svc.due_date)
                if svc.due_date >= today
                else -cal.working_days_between(svc.due_date, today)
            )
        out.append(
            ServiceRow(
                svc.id or 0,
                p.number,
                names.get(p.service_code, p.service_code),
                project,
                owner_name,
                agency_name,
                svc.status,
                day(svc.contract_due),
                day(svc.due_date),
                left,
                running and left < 0,
                svc.pause_reason,
                svc.contract_file_id or 0,
                svc.result_file_id or 0,
                svc.owner_confirmed_at is not None,
                svc.agency_confirmed_at is not None,
                svc.returns,
                svc.return_reason,
                svc.owner_rating or 0,
                svc.quality_rating or 0,
                materials.get(p.service_code, ""),
            )
        )
    return out


# --- the owner -----------------------------------------------------------------------------


def owner_projects(session: Session, *, principal: Principal) -> list[Choice]:
    if principal.role not in (Role.APPLICANT, Role.AGENT) or not principal.company_id:
        raise PermissionDenied()
    rows = session.exec(
        select(Project.id, Project.name)
        .where(Project.company_id == principal.company_id)
        .order_by(col(Project.id).desc())
    ).all()
    return [Choice(str(pid), name) for pid, name in rows]


def my_purchases(session: Session, *, principal: Principal, lang: str) -> list[PurchaseRow]:
    if principal.role not in (Role.APPLICANT, Role.AGENT) or not principal.company_id:
        raise PermissionDenied()
    winner = aliased(Company)
    rows = session.exec(
        select(Purchase, Project.name, winner.name, AgencyService.id)
        .join(Project, col(Project.id) == col(Purchase.project_id))
        .outerjoin(Agency, col(Agency.id) == col(Purchase.winner_id))
        .outerjoin(winner, col(winner.id) == col(Agency.company_id))
        .outerjoin(AgencyService, col(AgencyService.purchase_id) == col(Purchase.id))
        .where(Purchase.company_id == principal.company_id)
        .order_by(col(Purchase.id).desc())
        .limit(100)
    ).all()
    names = service_names(session, lang)
    return [
        PurchaseRow(
            p.id or 0,
            p.number,
            names.get(p.service_code, p.service_code),
            project,
            p.status,
            p.method,
            p.budget or 0.0,
            p.budget is not None,
            p.limit_days,
            ts(p.deadline),
            p.registrations,
            winner_name or "",
            p.winner_quote or 0.0,
            day(p.publicity_until),
            service_id or 0,
        )
        for p, project, winner_name, service_id in rows
    ]


def registrants(session: Session, *, principal: Principal, purchase_id: int) -> list[RegistrantRow]:
    """Who registered — shown to the owner only once registration has closed (before, the
    list would let an owner steer the result)."""
    purchase = session.get(Purchase, purchase_id)
    if purchase is None or principal.company_id != purchase.company_id:
        raise PermissionDenied()
    if purchase.status in (PurchaseStatus.OPEN, PurchaseStatus.CANCELLED):
        return []
    rows = session.exec(
        select(Registration, Agency, Company)
        .join(Agency, col(Agency.id) == col(Registration.agency_id))
        .join(Company, col(Company.id) == col(Agency.company_id))
        .where(Registration.purchase_id == purchase_id)
        .order_by(col(Company.uscc))
    ).all()
    return [
        RegistrantRow(
            a.id or 0,
            c.name,
            c.uscc,
            r.quote or 0.0,
            r.quote is not None,
            a.credit,
            bool(r.eligible),
            r.ineligible_reason,
        )
        for r, a, c in rows
    ]
