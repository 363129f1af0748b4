"""Data-key rotation (密钥轮换): every sealed column of every table re-encrypted under the
current key; values already under it are left alone, so a rotation can be resumed."""

from __future__ import annotations

from sqlalchemy import Text, select, type_coerce, update
from sqlmodel import Session, SQLModel

from eap.crypto import keys, open_sealed, sealed_key_id
from eap.models.common import Sealed
from eap.services.core.audit import record


def rotate(session: Session, *, batch: int = 1000) -> dict[str, int]:
    current = keys().key_id
    counts: dict[str, int] = {}
    conn = session.connection()
    for table in SQLModel.metadata.sorted_tables:
        sealed = [c for c in table.columns if isinstance(c.type, Sealed)]
        if not sealed:
            continue
        pk = next(iter(table.primary_key.columns))
        raw = [type_coerce(c, Text).label(c.name) for c in sealed]
        done = 0
        last = None
        while True:
            query = select(pk, *raw).order_by(pk).limit(batch)
            if last is not None:
                query = query.where(pk > last)
            rows = conn.execute(query).all()
            if not rows:
                break
            for row in rows:
                stale = {
                    c.name: open_sealed(getattr(row, c.name))
                    for c in sealed
                    if getattr(row, c.name) and sealed_key_id(getattr(row, c.name)) != current
                }
                if stale:
                    conn.execute(
                        update(table)
                        .where(pk == row[0])
                        .values(stale)  # the column seals them again, under the current key
                    )
                    done += 1
            last = rows[-1][0]
        if done:
            counts[table.name] = done
    record(
        session,
        actor_id=None,
        action="keys.rotated",
        entity="key",
        entity_id=current,
        detail=counts,
    )
    return counts
