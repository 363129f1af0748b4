"""Accounts, roles and login sessions (DOMAIN §2).

Sessions live in the database, so every web worker agrees on who is signed in and when a
session went idle.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import asdict, dataclass, replace
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from eap.config import get_settings
from eap.db import rowcount
from eap.errors import DomainError
from eap.models import Department, LoginAttempt, User, UserSession
from eap.models.accounts import UserCreate
from eap.models.common import utcnow
from eap.services.core import cache
from eap.services.core.audit import record
from eap.services.core.principal import ROLES, STAFF_ROLES, Principal, token_hash

_hasher = PasswordHasher()
# Activity refreshes a session's last-seen time at most this often: every page event resolves
# the session, and a write per event would cost a write transaction for nothing (the idle
# limit is thirty minutes).
TOUCH_EVERY = dt.timedelta(minutes=1)


def check_password_rules(password: str) -> None:
    classes = sum(
        bool(re.search(p, password)) for p in (r"[A-Z]", r"[a-z]", r"\d", r"[^A-Za-z0-9]")
    )
    if len(password) < 8 or classes < 3:
        raise DomainError("auth.password_rules", field="password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_user(
    session: Session, *, data: UserCreate, actor_id: int | None, hashed: str | None = None
) -> User:
    """Create an account; staff accounts must name their region and department."""
    if data.role not in ROLES:
        raise DomainError("error.forbidden")
    if data.role in STAFF_ROLES and not data.region_code:
        raise DomainError("account.scope_required", field="region_code")
    if data.role in ("window", "approver") and not data.department_id:
        raise DomainError("account.scope_required", field="department_id")
    if data.department_id is not None:
        dept = session.get(Department, data.department_id)
        if dept is None or (data.region_code and dept.region_code != data.region_code):
            raise DomainError("account.scope_mismatch", field="department_id")
    if hashed is None:
        check_password_rules(data.password)
    user = User.model_validate(
        data.model_dump(exclude={"password"}),
        update={"password_hash": hashed or hash_password(data.password)},
    )
    session.add(user)
    session.flush()
    record(session, actor_id=actor_id, action="user.create", entity="user", entity_id=user.id or "")
    return user


@dataclass(frozen=True)
class LoginOutcome:
    """Success carries the raw token; failure carries the error. Commit either way: a failed
    attempt must be remembered for the lockout."""

    token: str = ""
    principal: Principal | None = None
    error: DomainError | None = None


def login(
    session: Session, *, username: str, password: str, now: dt.datetime | None = None
) -> LoginOutcome:
    """Check the password and open a session.

    Five wrong passwords lock the account for fifteen minutes; the lock is kept on the user row
    (not in memory) so it holds across workers and restarts.
    """
    try:
        token, principal = _login(session, username=username, password=password, now=now)
    except DomainError as exc:
        return LoginOutcome(error=exc)
    return LoginOutcome(token=token, principal=principal)


def _bad_credentials(left: int) -> DomainError:
    """The same words for an unknown name and a wrong password (no username enumeration): both
    are counted alike, so saying how many attempts are left tells nobody who has an account."""
    settings = get_settings()
    return DomainError(
        "auth.bad_credentials",
        left=left,
        attempts=settings.lockout_threshold,
        minutes=settings.lockout_minutes,
    )


class _Counted(Protocol):
    """What the lockout counts on: an account, or a name that is no account."""

    failed_logins: int
    locked_until: dt.datetime | None


def _is_locked(counted: _Counted, now: dt.datetime) -> bool:
    until = counted.locked_until
    if until is not None and until.tzinfo is None:  # SQLite hands stored UTC back naive
        until = until.replace(tzinfo=dt.UTC)
    return until is not None and until > now


def _count_failure(counted: _Counted, now: dt.datetime) -> int:
    """One more wrong attempt: the attempts left, 0 when this one locked it."""
    settings = get_settings()
    counted.failed_logins += 1
    if counted.failed_logins >= settings.lockout_threshold:
        counted.locked_until = now + dt.timedelta(minutes=settings.lockout_minutes)
        counted.failed_logins = 0
        return 0
    return settings.lockout_threshold - counted.failed_logins


def _name_key(username: str) -> str:
    return hashlib.sha256(username.strip().lower().encode()).hexdigest()


def _unknown_name(session: Session, username: str, now: dt.datetime) -> DomainError:
    """A name that is no account: hash anyway (the response time does not tell) and count it
    exactly as an account's wrong password is counted."""
    _hasher.hash("x")
    key = _name_key(username)
    row = session.get(LoginAttempt, key)
    if row is None:
        row = LoginAttempt(name_key=key)
        try:
            with session.begin_nested():  # a concurrent first attempt under the same name
                session.add(row)
        except IntegrityError:
            row = session.get(LoginAttempt, key) or LoginAttempt(name_key=key)
    if _is_locked(row, now):
        return DomainError("auth.locked", minutes=get_settings().lockout_minutes)
    left = _count_failure(row, now)
    row.updated_at = now
    session.add(row)
    session.flush()
    if left == 0:
        return DomainError("auth.locked", minutes=get_settings().lockout_minutes)
    return _bad_credentials(left)


def purge_login_attempts(session: Session, *, now: dt.datetime | None = None) -> int:
    """Forget counts under unknown names a day after their last attempt (the scheduler's)."""
    now = now or utcnow()
    res = session.execute(
        delete(LoginAttempt).where(col(LoginAttempt.updated_at) < now - dt.timedelta(days=1))
    )
    session.flush()
    return rowcount(res)


def _login(
    session: Session, *, username: str, password: str, now: dt.datetime | None
) -> tuple[str, Principal]:
    settings = get_settings()
    now = now or utcnow()
    user = session.exec(select(User).where(User.username == username.strip())).first()
    if user is None:
        raise _unknown_name(session, username, now)
    if _is_locked(user, now):
        record(
            session,
            actor_id=user.id,
            action="auth.login_locked",
            entity="user",
            entity_id=user.id or "",
        )
        raise DomainError("auth.locked", minutes=settings.lockout_minutes)
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        left = _count_failure(user, now)
        record(
            session,
            actor_id=user.id,
            action="auth.locked" if left == 0 else "auth.login_failed",
            entity="user",
            entity_id=user.id or "",
        )
        session.add(user)
        session.flush()
        if left == 0:
            raise DomainError("auth.locked", minutes=settings.lockout_minutes) from None
        raise _bad_credentials(left) from None
    if not user.active:
        raise DomainError("auth.inactive")
    user.failed_logins = 0
    user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.add(user)
    token = secrets.token_urlsafe(32)
    assert user.id is not None
    session.add(
        UserSession(token_hash=token_hash(token), user_id=user.id, created_at=now, last_seen_at=now)
    )
    record(session, actor_id=user.id, action="auth.login", entity="user", entity_id=user.id)
    session.flush()
    return token, Principal.of(user)


def resolve_session(
    session: Session, *, token: str, now: dt.datetime | None = None, touch: bool = True
) -> Principal | None:
    """The principal behind a token, or None if the session is unknown, ended or idle too long."""
    if not token:
        return None
    now = now or utcnow()
    row = session.get(UserSession, token_hash(token))
    if row is None or row.ended_at is not None:
        return None
    settings = get_settings()
    idle = dt.timedelta(minutes=settings.session_idle_minutes)
    lifetime = dt.timedelta(hours=settings.session_max_hours)
    ended = "idle" if now - row.last_seen_at > idle else ""
    ended = ended or ("expired" if now - row.created_at > lifetime else "")
    if ended:  # idle too long, or older than any session may live, however busy
        row.ended_at, row.end_reason = now, ended
        session.add(row)
        record(
            session,
            actor_id=row.user_id,
            action=f"auth.session_{ended}",
            entity="user",
            entity_id=row.user_id,
        )
        session.flush()
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    if touch and now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        session.add(row)
        session.flush()
    principal = Principal.of(user)
    if user.role == "agent" and row.acting_company_id is not None:
        from eap.services.hall.agents import grant_is_valid

        # Re-checked on every request: a revoked or expired grant ends the agent's access.
        if grant_is_valid(
            session, company_id=row.acting_company_id, agent_id=user.id or 0, now=now
        ):
            principal = replace(principal, company_id=row.acting_company_id)
    return principal


# A wall screen's periodic refresh may reuse a session check this long (shared cache only).
REFRESH_CHECK_SECONDS = 120


def _check_key(token: str) -> str:
    return f"eap:session-check:{token_hash(token)}"  # the same key end_sessions drops


def resolve_session_for_refresh(session: Session, *, token: str) -> Principal | None:
    """For a page's periodic refresh of read-only figures (the big screen's timer): a full
    check at most every REFRESH_CHECK_SECONDS, in between the last one from the shared cache,
    so fifty screens on a wall do not check fifty sessions a minute. Every action, and every
    page opened, still checks in full (``resolve_session``); signing out drops the entry; a
    session ended otherwise stops refreshing within this interval. Without a shared cache it
    is ``resolve_session``."""
    if not token:
        return None
    hit = cache.get_json(_check_key(token))
    if isinstance(hit, dict):
        return Principal(**hit)
    principal = resolve_session(session, token=token)
    if principal is not None:
        cache.set_json(_check_key(token), asdict(principal), ttl_seconds=REFRESH_CHECK_SECONDS)
    return principal


def end_sessions(
    session: Session, *, user_id: int, reason: str, now: dt.datetime | None = None
) -> int:
    """End every open session of an account (a password reset: whoever held the old password
    is signed out everywhere); the shared cache's refresh checks go with them."""
    now = now or utcnow()
    rows = session.exec(
        select(UserSession).where(
            UserSession.user_id == user_id, col(UserSession.ended_at).is_(None)
        )
    ).all()
    for row in rows:
        row.ended_at, row.end_reason = now, reason
        session.add(row)
        cache.delete(f"eap:session-check:{row.token_hash}")
    if rows:
        record(
            session,
            actor_id=user_id,
            action="auth.sessions_ended",
            entity="user",
            entity_id=user_id,
            detail={"reason": reason, "sessions": len(rows)},
        )
    session.flush()
    return len(rows)


def logout(session: Session, *, token: str, now: dt.datetime | None = None) -> None:
    row = session.get(UserSession, token_hash(token)) if token else None
    if token:
        cache.delete(_check_key(token))
    if row is None or row.ended_at is not None:
        return
    row.ended_at, row.end_reason = now or utcnow(), "logout"
    session.add(row)
    record(
        session, actor_id=row.user_id, action="auth.logout", entity="user", entity_id=row.user_id
    )
    session.flush()
