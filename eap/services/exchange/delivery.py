"""Delivering the outbox (DOMAIN §10): one round sends what is pending, table by table in LSH
order, and records what the national side answered.

Each batch is claimed first (a guarded UPDATE that also marks it SJSCZT 1, sent), so two
pushers never send the same rows at once; the claim lapses after ``spgl_claim_seconds``, so a pusher that
died between sending and recording leaves its rows to be sent again — harmless, the receiver
keys rows by LSH. A batch that fails (any answer but 200 with results, or a timeout) waits with
a growing backoff and ends the round: later tables refer to earlier ones.

Rounds take turns: a round holds the ``spgl-delivery`` lease (services/core/leases) from its
first claim to its end, renewing it batch by batch. Without it two pushers would interleave
batches, and the national side, which checks each row against what it already holds, rejects a
row whose project or earlier history is still in the other pusher's batch in flight. A round
that finds the lease held waits up to ``wait`` seconds for it, then gives up (``busy``).

A round commits as it goes (a claim, then an outcome): the caller passes a session it owns.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import httpx
from sqlalchemy import bindparam, or_, update
from sqlmodel import Session, col, func, select

from eap.config import get_settings
from eap.db import rowcount
from eap.models import SpglVersion
from eap.models.common import table_of, utcnow
from eap.models.exchange import UploadState
from eap.services.core import leases
from eap.services.exchange.fields import lsh_text
from eap.services.exchange.tables import TABLES

OPEN = (UploadState.PENDING, UploadState.SENT)
LEASE = "spgl-delivery"
_T_VERSION = table_of(SpglVersion)


@dataclass
class RoundResult:
    sent: int = 0
    accepted: int = 0
    rejected: int = 0
    pending: int = 0
    error: str = ""
    busy: str = ""  # who held the delivery lease when this round gave up waiting for it

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for optional in ("error", "busy"):
            if not out[optional]:
                del out[optional]
        return out


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4 … minutes after each failure, at most an hour."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def wire_row(v: SpglVersion) -> dict[str, Any]:
    """A version as the national side receives it: its fields and the exchange's columns."""
    return {
        **(v.payload if v.valid else {}),
        "XZQHDM": (v.payload or {}).get("XZQHDM", v.region_code) if v.valid else v.region_code,
        "DFSJZJ": v.record_key,
        "LSH": lsh_text(v.lsh),
        "SJYXBS": 1 if v.valid else 0,
        "SJWXYY": None if v.valid else "记录已删除",
        "SJSCZT": UploadState.PENDING,
    }


def _claim(
    session: Session, table: str, *, holder: str, now: dt.datetime, batch: int, after: int
) -> list[SpglVersion]:
    free = or_(col(SpglVersion.claimed_until).is_(None), col(SpglVersion.claimed_until) < now)
    # one index range per state (state, table, lsh): an IN over the states lets a planner
    # walk the table's whole history in LSH order instead
    found: list[tuple[int, int | None]] = []
    for state in OPEN:
        found += session.exec(
            select(SpglVersion.lsh, SpglVersion.id)
            .where(
                col(SpglVersion.state) == state,
                SpglVersion.table_name == table,
                col(SpglVersion.lsh) > after,  # each row at most once a round
                free,
            )
            .order_by(col(SpglVersion.lsh))
            .limit(batch)
        ).all()
    ids = [i for _lsh, i in sorted(found, key=lambda f: f[0])[:batch] if i is not None]
    if not ids:
        return []
    until = now + dt.timedelta(seconds=get_settings().spgl_claim_seconds)
    res = session.execute(
        update(SpglVersion)
        .execution_options(synchronize_session=False)
        .where(col(SpglVersion.id).in_(ids), col(SpglVersion.state).in_(OPEN), free)
        .values(
            claimed_by=holder,
            claimed_until=until,
            state=UploadState.SENT,
            sent_at=now,
            attempts=SpglVersion.attempts + 1,
        )
    )
    session.commit()
    if not rowcount(res):
        return []
    return list(
        session.exec(
            select(SpglVersion)
            .where(col(SpglVersion.id).in_(ids), SpglVersion.claimed_by == holder)
            .order_by(col(SpglVersion.lsh))
        ).all()
    )


def _release(session: Session, rows: Sequence[SpglVersion], *, holder: str, retry_at: Any) -> None:
    session.execute(
        update(SpglVersion)
        .execution_options(synchronize_session=False)
        .where(
            col(SpglVersion.id).in_([r.id for r in rows]),
            col(SpglVersion.claimed_by) == holder,
            col(SpglVersion.state) == UploadState.SENT,
        )
        .values(claimed_by="", claimed_until=None, next_attempt_at=retry_at)
    )


def _record(
    session: Session,
    rows: Sequence[SpglVersion],
    answers: dict[str, dict[str, Any]],
    *,
    holder: str,
    now: dt.datetime,
    result: RoundResult,
) -> None:
    """Store the national side's answers; a row it did not answer stays sent, to go again."""
    accepted: list[int] = []
    rejected: list[dict[str, Any]] = []
    for v in rows:
        answer = answers.get(lsh_text(v.lsh))
        if answer is None:
            continue
        if answer.get("SJSCZT") == UploadState.ACCEPTED:
            accepted.append(v.id or 0)
        elif answer.get("SJSCZT") in (UploadState.REJECTED, -1):
            reason = str(answer.get("SBYY") or "未说明原因")[:500]
            rejected.append({"v_id": v.id, "v_reason": reason})
    answered = {
        "answered_at": now,
        "claimed_by": "",
        "claimed_until": None,
        "next_attempt_at": None,
    }
    if accepted:
        session.execute(
            update(SpglVersion)
            .execution_options(synchronize_session=False)
            .where(col(SpglVersion.id).in_(accepted), col(SpglVersion.claimed_by) == holder)
            .values(state=UploadState.ACCEPTED, reason="", **answered)
        )
    if rejected:
        session.connection().execute(
            update(_T_VERSION)
            .where(_T_VERSION.c.id == bindparam("v_id"), _T_VERSION.c.claimed_by == holder)
            .values(state=UploadState.REJECTED, reason=bindparam("v_reason"), **answered),
            rejected,
        )
    result.accepted += len(accepted)
    result.rejected += len(rejected)
    _release(session, rows, holder=holder, retry_at=None)
    session.commit()


Sender = Callable[[str, list[SpglVersion]], dict[str, dict[str, Any]]]


def run_round(
    session: Session,
    send: Sender,
    *,
    holder: str | None = None,
    now: dt.datetime | None = None,
    batch: int | None = None,
    retry_now: bool = False,
    wait: float = 0.0,
) -> RoundResult:
    """Claim, send and record batch after batch, table after table, until nothing is due or a
    send fails. ``send`` returns the answers by LSH, or raises to say the batch did not land.
    Another round in progress is waited for up to ``wait`` seconds (see the module's note)."""
    holder = holder or f"push-{uuid.uuid4().hex[:12]}"
    now = now or utcnow()
    batch = batch or get_settings().spgl_batch
    result = RoundResult()
    if not retry_now and _backing_off(session, now):
        # the receiver failed lately: the whole round waits (later tables refer to earlier)
        result.pending = pending_count(session)
        return result
    if not _take_turn(session, holder=holder, wait=wait):
        result.busy = leases.holder_of(session, name=LEASE) or "?"
        result.pending = pending_count(session)
        return result
    try:
        for table in TABLES:
            after = 0
            while _take_turn(session, holder=holder) and (
                rows := _claim(
                    session, table.name, holder=holder, now=now, batch=batch, after=after
                )
            ):
                after = rows[-1].lsh
                result.sent += len(rows)
                try:
                    answers = send(table.name, rows)
                except (httpx.HTTPError, ValueError, KeyError, TypeError, OSError) as exc:
                    attempts = max(r.attempts for r in rows)
                    _release(session, rows, holder=holder, retry_at=now + backoff(attempts))
                    session.commit()
                    result.error = f"{type(exc).__name__}: {exc}"[:300]
                    return result
                _record(session, rows, answers, holder=holder, now=now, result=result)
    finally:
        session.rollback()  # whatever a failure left half-done is not ours to keep
        leases.release(session, name=LEASE, holder=holder)
        result.pending = pending_count(session)
    return result


def _take_turn(session: Session, *, holder: str, wait: float = 0.0) -> bool:
    """Take (or renew, before each batch) the delivery lease, for as long as a claim lasts;
    when another round holds it, poll for up to ``wait`` seconds."""
    ttl = dt.timedelta(seconds=get_settings().spgl_claim_seconds)
    deadline = time.monotonic() + wait
    while not leases.acquire(session, name=LEASE, holder=holder, ttl=ttl):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.2)
    return True


def _backing_off(session: Session, now: dt.datetime) -> bool:
    return (
        session.exec(
            select(SpglVersion.id)
            .where(col(SpglVersion.state).in_(OPEN), col(SpglVersion.next_attempt_at) > now)
            .limit(1)
        ).first()
        is not None
    )


def pending_count(session: Session) -> int:
    return session.exec(
        select(func.count()).select_from(SpglVersion).where(col(SpglVersion.state).in_(OPEN))
    ).one()


def http_sender(url: str, *, client: httpx.Client) -> Sender:
    def send(table: str, rows: list[SpglVersion]) -> dict[str, dict[str, Any]]:
        resp = client.post(url, json={"table": table, "rows": [wire_row(v) for v in rows]})
        if resp.status_code != 200:
            raise httpx.HTTPStatusError(
                f"receiver answered {resp.status_code}", request=resp.request, response=resp
            )
        results = resp.json()["results"]
        return {str(r["LSH"]): r for r in results if isinstance(r, dict) and "LSH" in r}

    return send


def push_http(
    session: Session,
    *,
    url: str,
    now: dt.datetime | None = None,
    retry_now: bool = False,
    timeout: float | None = None,
    wait: float = 0.0,
) -> RoundResult:
    """One delivery round to an HTTP receiver."""
    timeout = timeout or get_settings().spgl_timeout_seconds
    with httpx.Client(timeout=timeout) as client:
        return run_round(
            session, http_sender(url, client=client), now=now, retry_now=retry_now, wait=wait
        )
