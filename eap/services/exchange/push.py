"""The delivery round the scheduler runs (every ``EAP_SPGL_PUSH_MINUTES``) and ``python -m eap
spgl push`` runs now: HTTP push or the staging database, as the settings choose."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from eap.config import get_settings
from eap.models import JobRun
from eap.models.common import utcnow
from eap.services.exchange import delivery, staging


def _round(session: Session, *, url: str | None, retry_now: bool, wait: float) -> dict[str, Any]:
    settings = get_settings()
    if url or settings.spgl_mode == "http":
        target = url or settings.spgl_url
        if target:
            return delivery.push_http(session, url=target, retry_now=retry_now, wait=wait).as_dict()
    elif settings.spgl_staging_url:
        return staging.push_staging(
            session, staging_url=settings.spgl_staging_url, retry_now=retry_now, wait=wait
        ).as_dict()
    return {
        **delivery.RoundResult(pending=delivery.pending_count(session)).as_dict(),
        "mode": "off",
    }


def push(
    session: Session, *, url: str | None = None, retry_now: bool = False, wait: float = 0.0
) -> dict[str, Any]:
    """One round, in the mode the settings choose (an explicit URL means HTTP). Its figures are
    kept as the ``spgl`` job's last run, whoever ran it, for the reporting tab to show. A round
    already running elsewhere is waited for up to ``wait`` seconds (the scheduler does not wait:
    its next round comes soon; an operator's push does)."""
    result = _round(session, url=url, retry_now=retry_now, wait=wait)
    run = session.get(JobRun, "spgl") or JobRun(name="spgl", last_run_at=utcnow())
    run.last_run_at, run.last_result = utcnow(), result
    session.add(run)
    session.commit()
    return result
