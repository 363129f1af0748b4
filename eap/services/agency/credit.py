"""Agency credit (信用评价): a published formula, recomputed on every event that feeds it.

    T = share of accepted results delivered on time          (1.0 while there are none)
    R = mean of all ratings (owners' and departments') ÷ 5    (0.8 while there are none)
    credit = 50·T + 50·R − 5·(objections upheld) − 3·(results returned) − 20·(violations)

clamped to 0–100 and rounded to one decimal. A new agency starts at 90. The formula is shown
on the public market page (``FORMULA`` keys the message catalogue).
"""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from eap.models import Agency, AgencyService, Objection, Purchase
from eap.models.market import ObjectionStatus, ServiceStatus

FORMULA = "market.credit_formula"
NEW_AGENCY_CREDIT = 90.0


def score(
    *, on_time: int, accepted: int, ratings: list[int], upheld: int, returned: int, violations: int
) -> float:
    """The formula itself, a pure function (tests and the public page use it)."""
    t = on_time / accepted if accepted else 1.0
    r = (sum(ratings) / len(ratings)) / 5 if ratings else 0.8
    value = 50 * t + 50 * r - 5 * upheld - 3 * returned - 20 * violations
    return round(min(100.0, max(0.0, value)), 1)


def recompute(session: Session, *, agency_id: int) -> float:
    agency = session.get(Agency, agency_id)
    if agency is None:
        return 0.0
    services = session.exec(
        select(
            AgencyService.status,
            AgencyService.on_time,
            AgencyService.owner_rating,
            AgencyService.quality_rating,
            AgencyService.returns,
        ).where(AgencyService.agency_id == agency_id)
    ).all()
    accepted = [s for s in services if s[0] == ServiceStatus.ACCEPTED]
    ratings = [r for s in services for r in (s[2], s[3]) if r is not None]
    upheld = session.exec(
        select(func.count())
        .select_from(Objection)
        .join(Purchase, col(Purchase.id) == col(Objection.purchase_id))
        .where(Purchase.winner_id == agency_id, Objection.status == ObjectionStatus.UPHELD)
    ).one()
    agency.credit = score(
        on_time=sum(1 for s in accepted if s[1]),
        accepted=len(accepted),
        ratings=ratings,
        upheld=upheld,
        returned=sum(s[4] for s in services),
        violations=agency.violations,
    )
    agency.completed = len(accepted)
    session.add(agency)
    session.flush()
    return agency.credit
