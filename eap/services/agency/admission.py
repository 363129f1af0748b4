"""Agency admission (中介机构入驻), qualifications (资质), staff and the blacklist.

Entry is 零门槛 (DOMAIN §9): an agency states its service types and area and is admitted unless
the reviewer names the legal reason it may not be; a qualification is asked for only where a law
requires one for the service, and then it is checked at every registration, not at admission.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlmodel import Session, col, select

from eap.errors import DomainError, PermissionDenied
from eap.models import Agency, AgencyServiceArea, AgencyStaff, Company, Qualification, Region, User
from eap.models.accounts import CreditStatus
from eap.models.market import AgencyStatus
from eap.services.agency import credit
from eap.services.agency.catalogue import service_types
from eap.services.core.audit import record
from eap.services.core.clock import local_date, now_or
from eap.services.core.notify import notify_user
from eap.services.core.principal import Principal, Role
from eap.services.exchange.adapters import credit as credit_service

REVIEWERS = (Role.ADMIN,)


def my_agency(session: Session, principal: Principal) -> Agency | None:
    """The agency of the signed-in agency user (None before it applies)."""
    principal.require_role(Role.AGENCY)
    if principal.company_id is None:
        raise PermissionDenied()
    return session.exec(select(Agency).where(Agency.company_id == principal.company_id)).first()


def require_agency(session: Session, principal: Principal) -> Agency:
    agency = my_agency(session, principal)
    if agency is None:
        raise DomainError("market.not_registered")
    return agency


def require_reviewer(principal: Principal) -> None:
    principal.require_role(*REVIEWERS)


def apply_for_admission(
    session: Session,
    *,
    principal: Principal,
    service_codes: list[str],
    city_codes: list[str],
    intro: str = "",
    now: dt.datetime | None = None,
) -> Agency:
    """Apply (申请入驻) or change the service types and area. A first application, or one after
    a refusal, waits for review; an admitted agency's changes apply at once."""
    now = now_or(now)
    known = {s.code for s in service_types(session)}
    codes = sorted(set(service_codes))
    if not codes:
        raise DomainError("market.services_empty", field="services")
    if unknown := [c for c in codes if c not in known]:
        raise DomainError("market.service_unknown", field="services", codes=", ".join(unknown))
    cities = sorted(set(city_codes))
    valid_cities = set(
        session.exec(select(Region.code).where(col(Region.level).in_(("city", "zone"))))
    )
    if not cities or any(c not in valid_cities for c in cities):
        raise DomainError("market.area_empty", field="area")
    if len(intro) > 1000:
        raise DomainError("market.intro_long", field="intro")
    agency = my_agency(session, principal)
    if principal.company_id is not None and (company := session.get(Company, principal.company_id)):
        credit_service.check(session, company=company)  # the 信用 service's word, for the reviewer
    if agency is None:
        assert principal.company_id is not None
        agency = Agency(company_id=principal.company_id, created_at=now)
    elif agency.status == AgencyStatus.REFUSED:
        agency.status = AgencyStatus.PENDING
    agency.intro = intro.strip()
    agency.version += 1 if agency.id else 0
    session.add(agency)
    session.flush()
    assert agency.id is not None
    session.execute(delete(AgencyServiceArea).where(col(AgencyServiceArea.agency_id) == agency.id))
    for code in codes:
        for city in cities:
            session.add(AgencyServiceArea(agency_id=agency.id, service_code=code, city_code=city))
    record(
        session,
        actor_id=principal.user_id,
        action="market.agency_apply",
        entity="agency",
        entity_id=agency.id,
        detail={"services": codes, "cities": cities},
    )
    session.flush()
    return agency


def offered(session: Session, agency_id: int) -> tuple[list[str], list[str]]:
    """(service codes, city codes) the agency offers."""
    rows = session.exec(
        select(AgencyServiceArea.service_code, AgencyServiceArea.city_code).where(
            AgencyServiceArea.agency_id == agency_id
        )
    ).all()
    return sorted({r[0] for r in rows}), sorted({r[1] for r in rows})


def add_qualification(
    session: Session,
    *,
    principal: Principal,
    category: str,
    certificate_no: str,
    valid_until: dt.date | None,
    grade: str = "",
    file_id: int | None = None,
    now: dt.datetime | None = None,
) -> Qualification:
    agency = require_agency(session, principal)
    category, certificate_no = category.strip(), certificate_no.strip()
    if not category:
        raise DomainError("market.qual_category", field="category")
    if not certificate_no or len(certificate_no) > 60:
        raise DomainError("market.qual_number", field="certificate_no")
    if valid_until is None:
        raise DomainError("market.qual_valid_until", field="valid_until")
    if valid_until < local_date(now_or(now)):
        raise DomainError("market.qual_expired", field="valid_until", day=valid_until.isoformat())
    assert agency.id is not None
    qual = Qualification(
        agency_id=agency.id,
        category=category[:60],
        grade=grade.strip()[:20],
        certificate_no=certificate_no,
        valid_until=valid_until,
        file_id=file_id,
    )
    session.add(qual)
    session.flush()
    record(
        session,
        actor_id=principal.user_id,
        action="market.qualification_add",
        entity="qualification",
        entity_id=qual.id or "",
        detail={"category": category, "number": certificate_no},
    )
    return qual


def attach_scan(
    session: Session, *, principal: Principal, qualification_id: int, file_id: int | None
) -> Qualification:
    """The certificate's scan (扫描件) for the reviewer to check; a new scan asks for a new
    check."""
    agency = require_agency(session, principal)
    qual = session.get(Qualification, qualification_id)
    if qual is None or qual.agency_id != agency.id:
        raise PermissionDenied()
    if file_id is None:
        raise DomainError("market.file_missing", field="scan")
    qual.file_id, qual.checked, qual.rejected, qual.check_note = file_id, False, False, ""
    session.add(qual)
    record(
        session,
        actor_id=principal.user_id,
        action="market.qualification_scan",
        entity="qualification",
        entity_id=qualification_id,
        detail={"file": file_id},
    )
    session.flush()
    return qual


def add_staff(
    session: Session, *, principal: Principal, name: str, title: str = "", certificate_no: str = ""
) -> AgencyStaff:
    agency = require_agency(session, principal)
    name = name.strip()
    if not name or len(name) > 40:
        raise DomainError("market.staff_name", field="staff_name")
    assert agency.id is not None
    staff = AgencyStaff(
        agency_id=agency.id, name=name, title=title.strip()[:60], certificate_no=certificate_no[:60]
    )
    session.add(staff)
    session.flush()
    record(
        session,
        actor_id=principal.user_id,
        action="market.staff_add",
        entity="agency",
        entity_id=agency.id,
        detail={"name": name},
    )
    return staff


def _agency_users(session: Session, agency: Agency) -> list[int]:
    return [
        uid
        for uid in session.exec(
            select(User.id).where(User.company_id == agency.company_id, User.role == Role.AGENCY)
        )
        if uid is not None
    ]


def notify_agency(
    session: Session, agency: Agency, *, key: str, now: dt.datetime, **params: object
) -> None:
    for uid in _agency_users(session, agency):
        notify_user(session, user_id=uid, key=key, now=now, **params)


def review_agency(
    session: Session,
    *,
    principal: Principal,
    agency_id: int,
    admit: bool,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Agency:
    """Admit, or refuse with the legal reason (不予入驻须说明法定理由)."""
    require_reviewer(principal)
    now = now_or(now)
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise DomainError("error.not_found")
    if agency.status != AgencyStatus.PENDING:
        raise DomainError("market.not_pending")
    reason = reason.strip()
    if not admit and len(reason) < 4:
        raise DomainError("market.refuse_reason", field="reason")
    company = session.get(Company, agency.company_id)
    # checked again before the decision: a 严重失信 agency is not admitted to the market
    if (
        admit
        and company
        and credit_service.check(session, company=company) == CreditStatus.DISHONEST
    ):
        raise DomainError("market.dishonest")
    agency.status = AgencyStatus.ADMITTED if admit else AgencyStatus.REFUSED
    agency.review_note, agency.reviewed_by, agency.reviewed_at = (
        reason[:300],
        principal.user_id,
        now,
    )
    agency.version += 1
    session.add(agency)
    record(
        session,
        actor_id=principal.user_id,
        action="market.agency_admit" if admit else "market.agency_refuse",
        entity="agency",
        entity_id=agency_id,
        detail={"reason": reason},
    )
    notify_agency(
        session,
        agency,
        key="market.note.admitted" if admit else "market.note.refused",
        now=now,
        reason=reason,
    )
    session.flush()
    return agency


def check_qualification(
    session: Session, *, principal: Principal, qualification_id: int, valid: bool, note: str = ""
) -> Qualification:
    """The reviewer's check of a certificate against the issuing register; a rejected one
    counts for nothing at registration."""
    require_reviewer(principal)
    qual = session.get(Qualification, qualification_id)
    if qual is None:
        raise DomainError("error.not_found")
    if not valid and not note.strip():
        raise DomainError("market.check_note", field="note")
    qual.checked, qual.rejected, qual.check_note = True, not valid, note.strip()[:200]
    session.add(qual)
    record(
        session,
        actor_id=principal.user_id,
        action="market.qualification_check",
        entity="qualification",
        entity_id=qualification_id,
        detail={"valid": valid, "note": note},
    )
    session.flush()
    return qual


def blacklist(
    session: Session,
    *,
    principal: Principal,
    agency_id: int,
    until: dt.date | None,
    reason: str,
    now: dt.datetime | None = None,
) -> Agency:
    """列入黑名单 until a day, with the reason; a violation lowers the credit score."""
    require_reviewer(principal)
    now = now_or(now)
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise DomainError("error.not_found")
    reason = reason.strip()
    if len(reason) < 4:
        raise DomainError("market.blacklist_reason", field="reason")
    if until is None or until <= local_date(now):
        raise DomainError("market.blacklist_until", field="until")
    agency.blacklisted_until, agency.blacklist_reason = until, reason[:300]
    agency.violations += 1
    agency.version += 1
    session.add(agency)
    record(
        session,
        actor_id=principal.user_id,
        action="market.blacklist",
        entity="agency",
        entity_id=agency_id,
        detail={"until": until.isoformat(), "reason": reason},
    )
    notify_agency(session, agency, key="market.note.blacklisted", now=now, until=until.isoformat())
    credit.recompute(session, agency_id=agency_id)
    session.flush()
    return agency


def lift_blacklist(session: Session, *, principal: Principal, agency_id: int) -> Agency:
    require_reviewer(principal)
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise DomainError("error.not_found")
    agency.blacklisted_until, agency.blacklist_reason = None, ""
    agency.version += 1
    session.add(agency)
    record(
        session,
        actor_id=principal.user_id,
        action="market.blacklist_lift",
        entity="agency",
        entity_id=agency_id,
    )
    session.flush()
    return agency


def is_blacklisted(agency: Agency, day: dt.date) -> bool:
    return agency.blacklisted_until is not None and agency.blacklisted_until >= day


def company_of(session: Session, agency: Agency) -> Company:
    company = session.get(Company, agency.company_id)
    assert company is not None
    return company
