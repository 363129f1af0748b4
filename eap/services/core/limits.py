"""Abuse limits (防暴力破解与短信轰炸): counters per source address, per account and overall,
kept in the database so every worker enforces the same ones.

A counter is a fixed window: ``(limit, subject, window start) → count``. ``hit`` adds one and
refuses once the limit is passed; ``seen`` only reads (for "has this address failed often
enough to be asked a CAPTCHA?").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from eap.config import get_settings
from eap.errors import DomainError
from eap.models import RateCounter
from eap.models.common import table_of, utcnow
from eap.services.core.request_info import current_request

_T = table_of(RateCounter)


@dataclass(frozen=True)
class Limit:
    name: str
    most: int  # hits allowed in a window
    minutes: int  # the window


def limit(name: str) -> Limit:
    s = get_settings()
    table = {
        # sign-in failures from one address, across every name tried (credential stuffing);
        # from ``captcha_after_failures`` of them on, a CAPTCHA is asked too
        "login.ip": Limit("login.ip", s.login_failures_per_ip, 15),
        "sms.ip": Limit("sms.ip", s.sms_per_ip_hourly, 60),
        "sms.all": Limit("sms.all", s.sms_hourly_cap, 60),  # against SMS pumping
        "signup.ip": Limit("signup.ip", s.signups_per_ip_hourly, 60),
        # an open-API client's calls a minute; its own allowance is passed as ``most``
        "api.client": Limit("api.client", 120, 1),
    }
    return table[name]


def _window(now: dt.datetime, minutes: int) -> dt.datetime:
    epoch = int(now.timestamp()) // (minutes * 60) * (minutes * 60)
    return dt.datetime.fromtimestamp(epoch, dt.UTC)


def seen(session: Session, *, name: str, subject: str, now: dt.datetime | None = None) -> int:
    lim = limit(name)
    start = _window(now or utcnow(), lim.minutes)
    found = (
        session.connection()
        .execute(
            select(func.coalesce(func.sum(_T.c.count), 0)).where(
                _T.c.name == lim.name, _T.c.subject == subject[:64], _T.c.window_start == start
            )
        )
        .scalar_one()
    )
    return int(found)


def from_web() -> str:
    """The current request's source address, or "" for work that came from no request (the
    command line, the scheduler): per-address limits apply to the web only."""
    return current_request().ip


def hit(
    session: Session,
    *,
    name: str,
    subject: str,
    field: str | None = None,
    now: dt.datetime | None = None,
    most: int | None = None,
) -> int:
    """Count one more; past the limit (``most`` when the subject has its own), refuse (the
    refusal names ``field``). The count is an atomic UPDATE (or the window's first INSERT), so
    concurrent workers never lose a hit."""
    lim = limit(name)
    if most is not None:
        lim = Limit(lim.name, most, lim.minutes)
    start = _window(now or utcnow(), lim.minutes)
    key = {"name": lim.name, "subject": subject[:64], "window_start": start}
    conn = session.connection()
    bumped = conn.execute(
        update(_T)
        .where(_T.c.name == lim.name, _T.c.subject == key["subject"], _T.c.window_start == start)
        .values(count=_T.c.count + 1)
    ).rowcount
    if not bumped:
        try:
            with session.begin_nested():
                session.connection().execute(_T.insert().values(**key, count=1))
        except IntegrityError:  # another worker opened the window first
            conn.execute(
                update(_T)
                .where(
                    _T.c.name == lim.name,
                    _T.c.subject == key["subject"],
                    _T.c.window_start == start,
                )
                .values(count=_T.c.count + 1)
            )
    count = seen(session, name=name, subject=subject, now=now)
    if count > lim.most:
        raise DomainError("rate.limited", field=field, minutes=lim.minutes)
    return count


def purge(session: Session, *, now: dt.datetime | None = None) -> int:
    """Forget windows older than a day (the scheduler's housekeeping)."""
    cutoff = (now or utcnow()) - dt.timedelta(days=1)
    res = session.connection().execute(_T.delete().where(_T.c.window_start < cutoff))
    return int(res.rowcount or 0)
