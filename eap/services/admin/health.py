"""What operations watch (运行监控): the health answer of /healthz and the figures /metrics
serves, read from the database at the moment they are asked for, so every worker gives the
same answer."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from eap.models import (
    DeliveryState,
    JobRun,
    SchedulerLease,
    SmsOutbox,
    SpglVersion,
    WebhookDelivery,
)
from eap.models.common import as_utc, utcnow
from eap.models.exchange import UploadState


@dataclass(frozen=True)
class Health:
    ok: bool
    database: dict[str, object]
    state_manager: dict[str, object]
    scheduler: dict[str, object]
    checked_at: str = field(default_factory=lambda: utcnow().isoformat(timespec="seconds"))


def state_manager() -> dict[str, object]:
    """Where Reflex keeps page state in this process: Redis (shared by the workers) or the
    process's own disk/memory (one worker only)."""
    url = os.environ.get("REFLEX_REDIS_URL", "")
    if not url:
        return {"kind": "disk", "shared": False}
    try:
        import redis

        redis.Redis.from_url(url, socket_timeout=2).ping()
    except Exception as exc:  # reported, not raised: the health answer says what is wrong
        return {"kind": "redis", "shared": True, "ok": False, "error": type(exc).__name__}
    return {"kind": "redis", "shared": True, "ok": True}


def health(session: Session) -> Health:
    started = time.perf_counter()
    try:
        session.connection().execute(text("SELECT 1"))
        database: dict[str, object] = {
            "ok": True,
            "dialect": session.connection().dialect.name,
            "latency_ms": round((time.perf_counter() - started) * 1000, 1),
        }
    except Exception as exc:
        return Health(
            ok=False,
            database={"ok": False, "error": type(exc).__name__},
            state_manager=state_manager(),
            scheduler={},
        )
    lease = session.get(SchedulerLease, "scheduler")
    sweep = session.get(JobRun, "sweep")
    now = utcnow()
    scheduler: dict[str, object] = {
        "holder": lease.holder if lease else None,
        "lease_valid": bool(lease and as_utc(lease.expires_at) > now),
        "last_sweep": as_utc(sweep.last_run_at).isoformat(timespec="seconds") if sweep else None,
    }
    manager = state_manager()
    return Health(
        ok=bool(manager.get("ok", True)),
        database=database,
        state_manager=manager,
        scheduler=scheduler,
    )


def backlogs(session: Session) -> dict[str, int]:
    """Work waiting in the outboxes: texts not yet handed to the gateway, national-report
    versions not yet accepted, webhook deliveries not yet made."""
    sms = session.exec(
        select(func.count()).select_from(SmsOutbox).where(col(SmsOutbox.status) == "pending")
    ).one()
    spgl = session.exec(
        select(func.count())
        .select_from(SpglVersion)
        .where(col(SpglVersion.state).in_((UploadState.PENDING, UploadState.SENT)))
    ).one()
    hooks = session.exec(
        select(func.count())
        .select_from(WebhookDelivery)
        .where(col(WebhookDelivery.state) == DeliveryState.PENDING)
    ).one()
    return {"sms": int(sms), "spgl": int(spgl), "webhooks": int(hooks)}


def job_runs(session: Session) -> dict[str, float]:
    """Each scheduler job's last completed run, as a Unix time."""
    return {
        row.name: as_utc(row.last_run_at).timestamp() for row in session.exec(select(JobRun)).all()
    }
