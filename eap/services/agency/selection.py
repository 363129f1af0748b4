"""The selection at the deadline (选取) and the draw anyone can verify (随机抽取).

When a purchase is published its announcement carries ``seed_hash`` = SHA-256 of a secret seed
(the commitment). At the deadline the single scheduler reveals the seed and picks the winner
with :func:`pick`, a deterministic function of public data only:

* the eligible registrants, sorted by their USCC (统一社会信用代码), with the quote, credit and
  completed services each had at the deadline (published in the 中选公告);
* the draw: ``int(sha256(f"{seed}|{number}|{uscc1},{uscc2},…"), 16) % n`` over a sorted list;
* 随机抽取: the draw over all eligible; 竞价选取: the lowest quote, ties by higher credit, then
  the draw among those still tied; 综合评分: the published weights of
  price (lowest quote ÷ quote), credit (÷ 100) and experience (completed services, capped at
  10, ÷ 10), highest score wins, ties by the draw; 直接选取: the owner's pick among the eligible.

A purchase leaves OPEN through one guarded UPDATE, so the selection runs once however many
scheduler processes reach the deadline together, and nobody can run it again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from eap.config import get_settings
from eap.db import rowcount
from eap.errors import DomainError
from eap.models import Agency, AgencyService, Company, Purchase, Registration
from eap.models.market import PurchaseStatus, SelectionMethod, ServiceStatus
from eap.services.agency.admission import notify_agency
from eap.services.agency.purchases import ineligible_reason, owned_purchase, seed_hash
from eap.services.core.audit import record
from eap.services.core.changes import touch
from eap.services.core.clock import WorkCalendar, local_date, now_or
from eap.services.core.notify import notify_user
from eap.services.core.principal import Principal


@dataclass(frozen=True)
class Candidate:
    uscc: str
    name: str
    quote: float | None
    credit: float
    completed: int

    def public(self) -> dict[str, Any]:
        return {
            "uscc": self.uscc,
            "name": self.name,
            "quote": self.quote,
            "credit": self.credit,
            "completed": self.completed,
        }


def draw_index(seed: str, number: str, usccs: Sequence[str]) -> int:
    """The documented draw over a list of USCCs (sorted here, whatever order it came in)."""
    keys = sorted(usccs)
    digest = hashlib.sha256(f"{seed}|{number}|{','.join(keys)}".encode()).hexdigest()
    return int(digest, 16) % len(keys)


def _draw(seed: str, number: str, among: list[Candidate]) -> Candidate:
    ordered = sorted(among, key=lambda c: c.uscc)
    return ordered[draw_index(seed, number, [c.uscc for c in ordered])]


def scores(weights: dict[str, int], candidates: list[Candidate]) -> dict[str, float]:
    quotes = [c.quote for c in candidates if c.quote]
    low = min(quotes) if quotes else 0.0
    out = {}
    for c in candidates:
        price = low / c.quote if c.quote else 0.0
        value = (
            weights.get("price", 0) * price
            + weights.get("credit", 0) * c.credit / 100
            + weights.get("experience", 0) * min(c.completed, 10) / 10
        )
        out[c.uscc] = round(value, 2)
    return out


def pick(
    *,
    method: int,
    seed: str,
    number: str,
    weights: dict[str, int],
    candidates: list[Candidate],
) -> tuple[str | None, dict[str, float]]:
    """(the winner's USCC, scores) — None for a direct selection (the owner picks)."""
    if not candidates or method == SelectionMethod.DIRECT:
        return None, {}
    if method == SelectionMethod.RANDOM:
        return _draw(seed, number, candidates).uscc, {}
    if method == SelectionMethod.LOWEST_PRICE:
        low = min(c.quote or 0.0 for c in candidates)
        tied = [c for c in candidates if (c.quote or 0.0) == low]
        best = max(c.credit for c in tied)
        tied = [c for c in tied if c.credit == best]
        return _draw(seed, number, tied).uscc, {}
    marks = scores(weights, candidates)
    top = max(marks.values())
    return _draw(seed, number, [c for c in candidates if marks[c.uscc] == top]).uscc, marks


def _candidates(
    session: Session, purchase: Purchase
) -> tuple[list[tuple[Candidate, Registration]], list[dict[str, str]]]:
    rows = session.exec(
        select(Registration, Agency, Company)
        .join(Agency, col(Agency.id) == col(Registration.agency_id))
        .join(Company, col(Company.id) == col(Agency.company_id))
        .where(Registration.purchase_id == purchase.id)
    ).all()
    eligible, ineligible = [], []
    for reg, agency, company in rows:
        reason = ineligible_reason(session, agency=agency, purchase=purchase, quote=reg.quote)
        reg.eligible, reg.ineligible_reason = not reason, reason
        session.add(reg)
        if reason:
            ineligible.append({"uscc": company.uscc, "name": company.name, "reason": reason})
        else:
            cand = Candidate(company.uscc, company.name, reg.quote, agency.credit, agency.completed)
            eligible.append((cand, reg))
    eligible.sort(key=lambda pair: pair[0].uscc)
    ineligible.sort(key=lambda r: r["uscc"])
    return eligible, ineligible


def _claim(session: Session, purchase: Purchase, *, from_status: int, to_status: int) -> bool:
    res = session.execute(
        update(Purchase)
        .where(
            col(Purchase.id) == purchase.id,
            col(Purchase.status) == from_status,
            col(Purchase.version) == purchase.version,
        )
        .values(status=to_status, version=purchase.version + 1)
    )
    if not rowcount(res):
        return False
    touch(session, Purchase, [purchase.id])
    session.refresh(purchase)
    return True


def select_due(session: Session, *, now: dt.datetime | None = None) -> dict[str, int]:
    """The scheduler's job: close every purchase whose deadline has passed, once.

    Each purchase is claimed and decided in its own transaction (committed here, as every
    scheduler job does), so one bad row cannot hold up the others."""
    now = now_or(now)
    counts = {"selected": 0, "choosing": 0, "failed": 0}
    due = session.exec(
        select(Purchase.id).where(
            Purchase.status == PurchaseStatus.OPEN, col(Purchase.deadline) <= now
        )
    ).all()
    for purchase_id in due:
        purchase = session.get(Purchase, purchase_id)
        if purchase is None or purchase.status != PurchaseStatus.OPEN:
            continue
        outcome = close_registration(session, purchase=purchase, now=now)
        session.commit()
        if outcome:
            counts[outcome] += 1
    counts["failed"] += _expire_choices(session, now=now)
    session.commit()
    return counts


def close_registration(session: Session, *, purchase: Purchase, now: dt.datetime) -> str | None:
    """Reveal the seed and decide; None if another process got there first."""
    # OPEN -> CHOOSING first: it takes the row lock a late registration would need, so the
    # registrants read below are final.
    if not _claim(
        session, purchase, from_status=PurchaseStatus.OPEN, to_status=PurchaseStatus.CHOOSING
    ):
        return None
    eligible, ineligible = _candidates(session, purchase)
    cands = [c for c, _ in eligible]
    winner, marks = pick(
        method=purchase.method,
        seed=purchase.seed,
        number=purchase.number,
        weights=purchase.weights,
        candidates=cands,
    )
    result: dict[str, Any] = {
        "eligible": [c.public() for c in cands],
        "ineligible": ineligible,
        "scores": marks,
        "winner": winner,
    }
    for cand, reg in eligible:
        if cand.uscc in marks:
            reg.score = marks[cand.uscc]
            session.add(reg)
    purchase.result = result
    if not cands:
        purchase.status = PurchaseStatus.FAILED
        outcome = "failed"
        _tell_owner(session, purchase, key="market.note.failed", now=now)
    elif winner is None:  # direct selection: the owner picks among the eligible
        outcome = "choosing"
        _tell_owner(session, purchase, key="market.note.choose", now=now)
    else:
        reg = next(r for c, r in eligible if c.uscc == winner)
        _award(session, purchase, reg, now=now)
        outcome = "selected"
    session.add(purchase)
    record(
        session,
        actor_id=None,
        action="market.select",
        entity="purchase",
        entity_id=purchase.id or "",
        detail={"outcome": outcome, "winner": winner, "eligible": len(cands)},
    )
    session.flush()
    return outcome


def _award(session: Session, purchase: Purchase, reg: Registration, *, now: dt.datetime) -> None:
    cal = WorkCalendar.load(session)
    settings = get_settings()
    today = local_date(now)
    purchase.status = PurchaseStatus.SELECTED
    purchase.winner_id, purchase.winner_quote = reg.agency_id, reg.quote
    purchase.selected_at = now
    purchase.publicity_until = cal.add_working_days(today, settings.market_publicity_days).day
    purchase.version += 1
    assert purchase.id is not None
    session.add(
        AgencyService(
            purchase_id=purchase.id,
            agency_id=reg.agency_id,
            company_id=purchase.company_id,
            project_id=purchase.project_id,
            status=ServiceStatus.AWAITING_CONTRACT,
            contract_due=cal.add_working_days(
                purchase.publicity_until, settings.market_contract_days
            ).day,
            limit_days=purchase.limit_days,
        )
    )
    _tell_owner(session, purchase, key="market.note.selected", now=now)
    winner = session.get(Agency, reg.agency_id)
    if winner is not None:
        notify_agency(session, winner, key="market.note.won", now=now, number=purchase.number)


def _tell_owner(session: Session, purchase: Purchase, *, key: str, now: dt.datetime) -> None:
    notify_user(session, user_id=purchase.created_by, key=key, now=now, number=purchase.number)


def choose_direct(
    session: Session,
    *,
    principal: Principal,
    purchase_id: int,
    agency_id: int,
    now: dt.datetime | None = None,
) -> Purchase:
    """直接选取: the owner picks one of the eligible registrants after the deadline."""
    now = now_or(now)
    purchase = owned_purchase(session, principal, purchase_id)
    if purchase.status != PurchaseStatus.CHOOSING:
        raise DomainError("market.not_choosing")
    reg = session.exec(
        select(Registration).where(
            Registration.purchase_id == purchase_id,
            Registration.agency_id == agency_id,
            col(Registration.eligible).is_(True),
        )
    ).first()
    if reg is None:
        raise DomainError("market.choice_ineligible", field="agency")
    if not _claim(
        session, purchase, from_status=PurchaseStatus.CHOOSING, to_status=PurchaseStatus.CHOOSING
    ):
        raise DomainError("error.conflict")
    company = session.exec(
        select(Company)
        .join(Agency, col(Agency.company_id) == col(Company.id))
        .where(Agency.id == agency_id)
    ).one()
    purchase.result = {**purchase.result, "winner": company.uscc, "chosen_by": principal.user_id}
    _award(session, purchase, reg, now=now)
    session.add(purchase)
    record(
        session,
        actor_id=principal.user_id,
        action="market.choose",
        entity="purchase",
        entity_id=purchase_id,
        detail={"agency": agency_id},
    )
    session.flush()
    return purchase


def _expire_choices(session: Session, *, now: dt.datetime) -> int:
    """A direct selection the owner left past its days fails (流标), so it can be posted again."""
    cal = WorkCalendar.load(session)
    days = get_settings().market_choose_days
    failed = 0
    for purchase in session.exec(
        select(Purchase).where(Purchase.status == PurchaseStatus.CHOOSING)
    ).all():
        late = local_date(now) > cal.add_working_days(local_date(purchase.deadline), days).day
        if late and _claim(
            session, purchase, from_status=PurchaseStatus.CHOOSING, to_status=PurchaseStatus.FAILED
        ):
            failed += 1
    return failed


@dataclass(frozen=True)
class DrawCheck:
    number: str
    ok: bool
    commitment_ok: bool
    expected: str | None
    published: str | None
    method: int


def verify_draw(session: Session, *, number: str) -> DrawCheck:
    """Recompute a selection from what the 中选公告 publishes: the revealed seed against its
    commitment, then the winner from the eligible list. Nothing here reads a secret."""
    purchase = session.exec(select(Purchase).where(Purchase.number == number.strip())).first()
    if purchase is None:
        raise DomainError("market.number_unknown", field="number", number=number)
    if purchase.status in (PurchaseStatus.OPEN, PurchaseStatus.CANCELLED) or not purchase.result:
        raise DomainError("market.not_drawn", field="number", number=number)
    return check_published(
        number=purchase.number,
        method=purchase.method,
        seed=purchase.seed,
        commitment=purchase.seed_hash,
        weights=purchase.weights,
        result=purchase.result,
    )


def public_inputs(session: Session, *, number: str) -> dict[str, str]:
    """What a person needs to recompute the draw by hand: the commitment, the revealed seed
    and the eligible USCCs in the order the rule sorts them."""
    purchase = session.exec(select(Purchase).where(Purchase.number == number.strip())).first()
    if purchase is None or purchase.status in (PurchaseStatus.OPEN, PurchaseStatus.CANCELLED):
        return {"commitment": "", "seed": "", "usccs": ""}
    usccs = sorted(e["uscc"] for e in purchase.result.get("eligible", []))
    return {"commitment": purchase.seed_hash, "seed": purchase.seed, "usccs": ",".join(usccs)}


def check_published(
    *,
    number: str,
    method: int,
    seed: str,
    commitment: str,
    weights: dict[str, int],
    result: dict[str, Any],
) -> DrawCheck:
    """The verification on public fields only (the CLI, the market page and tests use it)."""
    cands = [
        Candidate(e["uscc"], e["name"], e["quote"], e["credit"], e["completed"])
        for e in result.get("eligible", [])
    ]
    commitment_ok = seed_hash(seed) == commitment
    published = result.get("winner")
    if method == SelectionMethod.DIRECT:
        expected = published if published in {c.uscc for c in cands} else None
    else:
        expected, _ = pick(
            method=method, seed=seed, number=number, weights=weights, candidates=cands
        )
    return DrawCheck(
        number, commitment_ok and expected == published, commitment_ok, expected, published, method
    )
