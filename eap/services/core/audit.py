"""The audit trail (审计日志): every state change and security event, append-only and chained.

Each entry records who, what, when, from which address and terminal. Entries are sealed into
one hash chain (防篡改): at commit, the transaction takes the chain's head row (a row lock held
only for the commit itself), numbers its entries after the head (``seq``) and stores for each
the SM3 hash of its content and of the entry before it. ``verify_chain`` walks the chain and
names the first entry that was edited, deleted or inserted out of band; on PostgreSQL a trigger
refuses UPDATE and DELETE outright (only the sealing of a fresh entry may set its hash).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from eap.models import AuditChain, AuditLog
from eap.models.common import table_of, utcnow
from eap.services.core.request_info import current_request

_AUDIT = table_of(AuditLog)
_CHAIN = table_of(AuditChain)
_INSERT = insert(_AUDIT).returning(_AUDIT.c.id)
_PENDING = "eap_audit_pending"  # session.info: ids of this transaction's unsealed entries
GENESIS = "0" * 64


def record(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    entity: str = "",
    entity_id: str | int = "",
    detail: dict[str, Any] | None = None,
) -> None:
    """Add an audit row in the caller's transaction, so it lands with the change or not at all.

    Written straight away with a prebuilt statement: an append-only row needs none of the
    session's change tracking, and every state change in the system passes here. The source
    address and terminal are the current request's (``request_info``).
    """
    origin = current_request()
    new_id = (
        session.connection()
        .execute(
            _INSERT,
            {
                "at": utcnow(),
                "actor_id": actor_id,
                "action": action,
                "entity": entity,
                "entity_id": str(entity_id),
                "detail": detail or {},
                "ip": origin.ip,
                "user_agent": origin.user_agent,
            },
        )
        .scalar_one()
    )
    session.info.setdefault(_PENDING, []).append(new_id)


def _sm3(text: str) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(text.encode())
    return digest.finalize().hex()


def _stamp(value: dt.datetime) -> str:
    """One text for a time whichever driver read it (SQLite hands stored UTC back naive)."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def entry_hash(row: Any, *, seq: int, prev_hash: str) -> str:
    """The SM3 hash of an entry's content, its place in the chain and the hash before it."""
    content = [
        seq,
        prev_hash,
        _stamp(row.at),
        row.actor_id,
        row.action,
        row.entity,
        row.entity_id,
        row.detail or {},
        row.ip,
        row.user_agent,
    ]
    return _sm3(json.dumps(content, sort_keys=True, ensure_ascii=False, default=str))


_COLUMNS = (
    _AUDIT.c.id,
    _AUDIT.c.at,
    _AUDIT.c.actor_id,
    _AUDIT.c.action,
    _AUDIT.c.entity,
    _AUDIT.c.entity_id,
    _AUDIT.c.detail,
    _AUDIT.c.ip,
    _AUDIT.c.user_agent,
)
# A no-op UPDATE takes the head: SQLite its write lock now, PostgreSQL the row's lock; RETURNING
# reads it in the same statement.
_TAKE_HEAD = (
    update(_CHAIN)
    .where(_CHAIN.c.id == 1)
    .values(seq=_CHAIN.c.seq)
    .returning(_CHAIN.c.seq, _CHAIN.c.last_hash)
)


def seal(session: Session) -> int:
    """Chain this transaction's entries after the head; called just before commit."""
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return 0
    conn = session.connection()
    head = conn.execute(_TAKE_HEAD).one()
    seq, prev = head.seq, head.last_hash
    rows = conn.execute(select(*_COLUMNS).where(_AUDIT.c.id.in_(pending)).order_by(_AUDIT.c.id))
    for row in rows.all():
        seq += 1
        digest = entry_hash(row, seq=seq, prev_hash=prev)
        conn.execute(
            update(_AUDIT).where(_AUDIT.c.id == row.id).values(seq=seq, prev_hash=prev, hash=digest)
        )
        prev = digest
    conn.execute(update(_CHAIN).where(_CHAIN.c.id == 1).values(seq=seq, last_hash=prev))
    return len(pending)


@dataclass(frozen=True)
class ChainBreak:
    """The first place the chain does not hold: the entry and what is wrong with it."""

    entry_id: int | None
    seq: int | None
    problem: str  # edited | missing | unsealed | head


def _walk(session: Session, batch: int = 5000) -> Iterator[Any]:
    last = 0
    conn = session.connection()
    cols = (*_COLUMNS, _AUDIT.c.seq, _AUDIT.c.prev_hash, _AUDIT.c.hash)
    while True:
        rows = conn.execute(
            select(*cols).where(_AUDIT.c.seq > last).order_by(_AUDIT.c.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify_chain(session: Session) -> ChainBreak | None:
    """None when every entry is sealed, in an unbroken sequence, each hash right and linked to
    the one before; else the first break."""
    head = session.connection().execute(select(_CHAIN.c.seq, _CHAIN.c.last_hash)).one()
    base = session.connection().execute(select(_CHAIN.c.base_seq, _CHAIN.c.base_hash)).one()
    expected_seq, prev = base.base_seq, base.base_hash
    for row in _walk(session):
        expected_seq += 1
        if row.seq != expected_seq:
            return ChainBreak(row.id, expected_seq, "missing")
        if row.prev_hash != prev or entry_hash(row, seq=row.seq, prev_hash=prev) != row.hash:
            return ChainBreak(row.id, row.seq, "edited")
        prev = row.hash
    if expected_seq != head.seq or prev != head.last_hash:
        return ChainBreak(None, expected_seq + 1, "missing" if expected_seq < head.seq else "head")
    unsealed = (
        session.connection()
        .execute(select(_AUDIT.c.id).where(_AUDIT.c.seq.is_(None)).order_by(_AUDIT.c.id).limit(1))
        .first()
    )
    if unsealed is not None:
        return ChainBreak(unsealed.id, None, "unsealed")
    return None


def purge_expired(session: Session, *, now: dt.datetime | None = None) -> int:
    """Remove the oldest entries past the retention period (EAP_AUDIT_RETENTION_DAYS, which
    settings refuse below 183), as one prefix of the chain: verification then starts after
    the last one removed. The removal is itself audited."""
    from eap.config import get_settings

    cutoff = (now or utcnow()) - dt.timedelta(days=get_settings().audit_retention_days)
    conn = session.connection()
    first_kept = conn.execute(
        select(_AUDIT.c.seq).where(_AUDIT.c.at >= cutoff).order_by(_AUDIT.c.seq).limit(1)
    ).scalar()
    last = conn.execute(
        select(_AUDIT.c.seq, _AUDIT.c.hash)
        .where(_AUDIT.c.seq.is_not(None))
        .where(_AUDIT.c.seq < first_kept if first_kept is not None else _AUDIT.c.at < cutoff)
        .order_by(_AUDIT.c.seq.desc())
        .limit(1)
    ).first()
    if last is None:
        return 0
    if conn.dialect.name == "postgresql":  # the trigger lets only this purge delete
        conn.exec_driver_sql("SET LOCAL eap.audit_purge = 'on'")
    removed = conn.execute(_AUDIT.delete().where(_AUDIT.c.seq <= last.seq)).rowcount
    conn.execute(
        update(_CHAIN).where(_CHAIN.c.id == 1).values(base_seq=last.seq, base_hash=last.hash)
    )
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL eap.audit_purge = 'off'")
    record(
        session,
        actor_id=None,
        action="audit.purged",
        entity="audit",
        entity_id=last.seq,
        detail={"entries": removed, "before": cutoff.isoformat()},
    )
    return int(removed)


def _before_commit(session: OrmSession) -> None:
    seal(session)  # type: ignore[arg-type]  # every Session here is SQLModel's


def _forget(session: OrmSession, *_args: Any) -> None:
    session.info.pop(_PENDING, None)


_installed = False


def install() -> None:
    """Seal at every commit of the process (idempotent); installed after the outbox's own
    before-commit work, which may audit too."""
    global _installed
    if _installed:
        return
    event.listen(OrmSession, "before_commit", _before_commit)
    event.listen(OrmSession, "after_rollback", _forget)
    _installed = True
