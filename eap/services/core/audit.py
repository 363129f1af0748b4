"""The audit trail (审计日志): every state change and security event, append-only."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from eap.models import AuditLog
from eap.models.common import table_of, utcnow

_INSERT = insert(table_of(AuditLog))


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
    session's change tracking, and every state change in the system passes here.
    """
    session.connection().execute(
        _INSERT,
        {
            "at": utcnow(),
            "actor_id": actor_id,
            "action": action,
            "entity": entity,
            "entity_id": str(entity_id),
            "detail": detail or {},
        },
    )
