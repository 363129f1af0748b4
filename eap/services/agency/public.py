"""What anyone may see without signing in (/market): open announcements, selection results
with their publicity and the data to re-check the draw, the agency directory and the credit
ranking. Nothing here reads a secret: the seed is shown only once it has been revealed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select

from eap.db import contains_pattern
from eap.models import Agency, AgencyServiceArea, Company, Project, Purchase
from eap.models.market import AgencyStatus, PurchaseStatus
from eap.services.agency.rows import AnnouncementRow, DirectoryRow, ResultRow
from eap.services.agency.views import day, offers_by_agency, region_names, service_names, ts
from eap.services.core.clock import local_date, now_or

PAGE = 20


def announcements(
    session: Session,
    *,
    lang: str,
    service_code: str = "",
    city_code: str = "",
    page: int = 1,
    now: dt.datetime | None = None,
) -> tuple[list[AnnouncementRow], int]:
    now = now_or(now)
    where: list[ColumnElement[bool]] = [
        col(Purchase.status) == PurchaseStatus.OPEN,
        col(Purchase.deadline) > now,
    ]
    if service_code:
        where.append(col(Purchase.service_code) == service_code)
    if city_code:
        where.append(col(Purchase.city_code) == city_code)
    total = session.exec(select(func.count()).select_from(Purchase).where(*where)).one()
    rows = session.exec(
        select(Purchase, Company.name, Project.name)
        .join(Company, col(Company.id) == col(Purchase.company_id))
        .join(Project, col(Project.id) == col(Purchase.project_id))
        .where(*where)
        .order_by(col(Purchase.deadline), col(Purchase.id))
        .offset((max(page, 1) - 1) * PAGE)
        .limit(PAGE)
    ).all()
    names, regions = service_names(session, lang), region_names(session)
    return [
        AnnouncementRow(
            p.number,
            names.get(p.service_code, p.service_code),
            regions.get(p.city_code, p.city_code),
            owner,
            project,
            p.budget or 0.0,
            p.budget is not None,
            p.limit_days,
            p.method,
            ts(p.published_at),
            ts(p.deadline),
            p.registrations,
            p.seed_hash,
            int(p.weights.get("price", 0)),
            int(p.weights.get("credit", 0)),
            int(p.weights.get("experience", 0)),
        )
        for p, owner, project in rows
    ], total


def results(
    session: Session, *, lang: str, number: str = "", page: int = 1, now: dt.datetime | None = None
) -> tuple[list[ResultRow], int]:
    """中选公告 and 流标 notices, newest first; with ``number`` just that one."""
    today = local_date(now_or(now))
    where: list[ColumnElement[bool]] = [
        col(Purchase.status).in_(
            (PurchaseStatus.SELECTED, PurchaseStatus.FAILED, PurchaseStatus.ANNULLED)
        )
    ]
    if number.strip():
        where.append(col(Purchase.number) == number.strip())
    total = session.exec(select(func.count()).select_from(Purchase).where(*where)).one()
    winner = select(Company.name, Company.uscc).join(
        Agency, col(Agency.company_id) == col(Company.id)
    )
    rows = session.exec(
        select(Purchase, Company.name)
        .join(Company, col(Company.id) == col(Purchase.company_id))
        .where(*where)
        .order_by(col(Purchase.id).desc())
        .offset((max(page, 1) - 1) * PAGE)
        .limit(PAGE)
    ).all()
    names, regions = service_names(session, lang), region_names(session)
    out = []
    for p, owner in rows:
        won = session.exec(winner.where(Agency.id == p.winner_id)).first() if p.winner_id else None
        out.append(
            ResultRow(
                p.id or 0,
                p.number,
                names.get(p.service_code, p.service_code),
                regions.get(p.city_code, p.city_code),
                owner,
                p.method,
                p.status,
                won[0] if won else "",
                won[1] if won else "",
                p.winner_quote or 0.0,
                p.winner_quote is not None,
                ts(p.selected_at),
                day(p.publicity_until),
                p.publicity_until is not None and today <= p.publicity_until,
                len(p.result.get("eligible", [])),
                p.seed,
                p.seed_hash,
            )
        )
    return out, total


def directory(
    session: Session,
    *,
    lang: str,
    query: str = "",
    service_code: str = "",
    page: int = 1,
    now: dt.datetime | None = None,
) -> tuple[list[DirectoryRow], int]:
    """Admitted agencies by credit, highest first (the public credit ranking), searchable by
    name or USCC and filterable by service."""
    today = local_date(now_or(now))
    where: list[ColumnElement[bool]] = [col(Agency.status) == AgencyStatus.ADMITTED]
    if query.strip():
        like = contains_pattern(query.strip(), field="query")
        where.append(
            or_(
                col(Company.name).like(like, escape="!"),
                col(Company.uscc).like(like, escape="!"),
            )
        )
    if service_code:
        where.append(
            col(Agency.id).in_(
                select(AgencyServiceArea.agency_id).where(
                    AgencyServiceArea.service_code == service_code
                )
            )
        )
    base = select(Agency, Company).join(Company, col(Company.id) == col(Agency.company_id))
    total = session.exec(
        select(func.count())
        .select_from(Agency)
        .join(Company, col(Company.id) == col(Agency.company_id))
        .where(*where)
    ).one()
    start = (max(page, 1) - 1) * PAGE
    rows = session.exec(
        base.where(*where)
        .order_by(col(Agency.credit).desc(), col(Company.uscc))
        .offset(start)
        .limit(PAGE)
    ).all()
    offers = offers_by_agency(session, [a.id or 0 for a, _ in rows], lang)
    out = []
    for n, (a, c) in enumerate(rows, start=start + 1):
        services, cities = offers.get(a.id or 0, ("", ""))
        out.append(
            DirectoryRow(
                a.id or 0,
                n,
                c.name,
                c.uscc,
                services,
                cities,
                a.credit,
                a.completed,
                a.blacklisted_until is not None and a.blacklisted_until >= today,
            )
        )
    return out, total
