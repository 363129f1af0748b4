"""The one scheduler per deployment (定时任务). Run ``python -m eap scheduler``.

Never started at import or in a web worker. Several scheduler processes may run (for
fail-over); only the holder of the database lease runs jobs. Every job is idempotent and works
"as of now", so after downtime the first run catches up once, not once per missed interval.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from eap.config import get_settings
from eap.db import get_engine
from eap.models import JobRun
from eap.models.common import utcnow
from eap.services.core import leases

log = logging.getLogger("eap.scheduler")
LEASE = "scheduler"
HOLDER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire_lease(
    session: Session, *, holder: str, ttl: dt.timedelta, now: dt.datetime | None = None
) -> bool:
    """Take or renew the leader lease; True if ``holder`` now holds it."""
    return leases.acquire(session, name=LEASE, holder=holder, ttl=ttl, now=now)


def run_job(
    name: str,
    fn: Callable[[Session], Any],
    *,
    holder: str = HOLDER,
    ttl: dt.timedelta = dt.timedelta(minutes=3),
) -> Any:
    with Session(get_engine()) as session:
        if not acquire_lease(session, holder=holder, ttl=ttl):
            log.info("%s: another scheduler holds the lease; skipped", name)
            return None
        result = fn(session)
        run = session.get(JobRun, name) or JobRun(name=name, last_run_at=utcnow())
        run.last_run_at = utcnow()
        if name != "kpi":
            run.last_result = result if isinstance(result, dict) else {"result": str(result)}
        session.add(run)
        session.commit()
        log.info("%s: %s", name, result)
        return result


def jobs() -> dict[str, tuple[Callable[[Session], Any], int]]:
    """name -> (job, interval in seconds)."""
    from eap.services.agency import selection
    from eap.services.approval import owed
    from eap.services.core import notify
    from eap.services.exchange import push as spgl_push, webhooks
    from eap.services.exchange.adapters import certificates, investment
    from eap.services.screen import snapshot as screen
    from eap.services.supervision import alerts as supervision, anomalies, kpi

    minutes = get_settings().sweep_minutes
    return {
        "sweep": (lambda s: supervision.sweep_deadlines(s).__dict__, minutes * 60),
        # 容缺: reminders before the promised dates, the departments told once one passes
        "owed": (lambda s: owed.sweep_owed(s), minutes * 60),
        "sms": (lambda s: notify.deliver_sms(s), 60),
        # 中介超市: registrations close and selections run at their deadlines, once
        "market": (lambda s: selection.select_due(s), 60),
        "anomalies": (lambda s: anomalies.detect(s), 3600),
        # forgotten sign-in counts, handoffs never redeemed, old limit windows and pictures
        "login_attempts": (lambda s: _housekeeping(s), 3600),
        "kpi": (lambda s: kpi.maintain(s), 1800),
        # the big screens read these rows: one computation a minute, however many screens
        "screen": (lambda s: screen.refresh(s), get_settings().screen_refresh_seconds),
        # the national system's staging database is read every 5 minutes: deliver as often
        "spgl": (lambda s: spgl_push.push(s), get_settings().spgl_push_minutes * 60),
        # projects registered while the investment platform was down: their codes checked
        "verify_projects": (lambda s: investment.verify_projects(s), minutes * 60),
        # 电子证照库: every certificate issued (or revoked) pushed, with retries
        "push_certificates": (lambda s: certificates.push_certificates(s), minutes * 60),
        # the open API's subscribers: case status changes posted, failures retried with backoff
        "webhooks": (
            lambda s: webhooks.deliver(s).__dict__,
            get_settings().webhook_round_seconds,
        ),
    }


def _housekeeping(session: Any) -> dict[str, int]:
    from eap.services.admin import accounts, sign_in, sso
    from eap.services.core import captcha, limits
    from eap.services.exchange import api_clients

    return {
        "login_attempts": accounts.purge_login_attempts(session),
        "handoffs": sign_in.purge_handoffs(session),
        "rate_windows": limits.purge(session),
        "captchas": captcha.purge(session),
        "api_tokens": api_clients.purge_tokens(session),
        "sso_logins": sso.purge(session),
    }


def serve() -> None:
    """Block and run the jobs; each runs once at start (catch-up), then on its interval."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = BlockingScheduler(
        timezone="Asia/Shanghai",
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )
    start = dt.datetime.now(dt.UTC)
    for name, (fn, seconds) in jobs().items():
        scheduler.add_job(
            run_job, "interval", seconds=seconds, args=[name, fn], id=name, next_run_time=start
        )
    log.info("scheduler %s starting", HOLDER)
    scheduler.start()
