"""Named leases (租约) in the database: at most one holder at a time across every process and
machine of a deployment, lapsing on their own when the holder dies. The scheduler's leader
lease and the national-reporting delivery round both take one.

A lease is a row of ``SchedulerLease``; taking it is one guarded UPDATE (or the first INSERT),
so two processes racing for it cannot both win on SQLite or PostgreSQL. Leases live on the
real clock, not a simulated "now": they are about processes being alive.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from eap.db import rowcount
from eap.models import SchedulerLease
from eap.models.common import as_utc, utcnow


def acquire(
    session: Session,
    *,
    name: str,
    holder: str,
    ttl: dt.timedelta,
    now: dt.datetime | None = None,
) -> bool:
    """Take or renew lease ``name`` for ``ttl``; True if ``holder`` now holds it. Commits."""
    now = now or utcnow()
    res = session.execute(
        update(SchedulerLease)
        .where(
            col(SchedulerLease.name) == name,
            (col(SchedulerLease.holder) == holder) | (col(SchedulerLease.expires_at) < now),
        )
        .values(holder=holder, expires_at=now + ttl)
    )
    if rowcount(res):
        session.commit()
        return True
    if session.get(SchedulerLease, name) is None:
        try:
            session.add(SchedulerLease(name=name, holder=holder, expires_at=now + ttl))
            session.commit()
            return True
        except IntegrityError:
            session.rollback()
    session.rollback()
    return False


def release(session: Session, *, name: str, holder: str) -> None:
    """Give lease ``name`` up at once if ``holder`` still holds it (a no-op otherwise). Commits."""
    session.execute(
        update(SchedulerLease)
        .where(col(SchedulerLease.name) == name, col(SchedulerLease.holder) == holder)
        .values(holder="", expires_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    )
    session.commit()


def holder_of(session: Session, *, name: str, now: dt.datetime | None = None) -> str:
    """Who holds lease ``name`` now ('' when nobody does or it lapsed)."""
    now = now or utcnow()
    lease = session.get(SchedulerLease, name, populate_existing=True)
    if lease is None or as_utc(lease.expires_at) < now:
        return ""
    return lease.holder
