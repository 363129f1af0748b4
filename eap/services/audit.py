"""The audit trail (审计日志): every state change and security event, append-only."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from eap.models import AuditLog


def record(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    entity: str = "",
    entity_id: str | int = "",
    detail: dict[str, Any] | None = None,
) -> AuditLog:
    """Add an audit row in the caller's transaction, so it lands with the change or not at all."""
    row = AuditLog(
        actor_id=actor_id,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        detail=detail or {},
    )
    session.add(row)
    return row
