"""The delivery round the scheduler runs (every ``EAP_SPGL_PUSH_MINUTES``) and ``python -m eap
spgl push`` runs now: HTTP push or the staging database, as the settings choose."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from eap.config import get_settings
from eap.services.exchange import delivery, staging


def push(session: Session, *, url: str | None = None, retry_now: bool = False) -> dict[str, Any]:
    """The scheduler's round, in the mode the settings choose (an explicit URL means HTTP)."""
    settings = get_settings()
    if url or settings.spgl_mode == "http":
        target = url or settings.spgl_url
        if not target:
            return {
                **delivery.RoundResult(pending=delivery.pending_count(session)).as_dict(),
                "mode": "off",
            }
        return delivery.push_http(session, url=target, retry_now=retry_now).as_dict()
    if not settings.spgl_staging_url:
        return {
            **delivery.RoundResult(pending=delivery.pending_count(session)).as_dict(),
            "mode": "off",
        }
    return staging.push_staging(
        session, staging_url=settings.spgl_staging_url, retry_now=retry_now
    ).as_dict()
