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
from eap.services.core.policy import Policy, current_policy
from eap.services.core.principal import ROLES, STAFF_ROLES, Principal, token_hash

_hasher = PasswordHasher()
# Activity refreshes a session's last-seen time at most this often: every page event resolves
# the session, and a write per event would cost a write transaction for nothing (the idle
# limit is thirty minutes).
TOUCH_EVERY = dt.timedelta(minutes=1)


def check_password_rules(session: Session, password: str) -> None:
    """The policy's length (at least 8) and three of four character classes."""
    length = current_policy(session).password_min_length
    classes = sum(
        bool(re.search(p, password)) for p in (r"[A-Z]", r"[a-z]", r"\d", r"[^A-Za-z0-9]")
    )
    if len(password) < length or classes < 3:
        raise DomainError("auth.password_rules", field="password", length=length)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def change_password(
    session: Session,
    *,
    principal: Principal,
    old_password: str,
    password: str,
    password2: str,
    session_key: str,
    now: dt.datetime | None = None,
) -> None:
    """A user changes their own password (修改密码): the old one is required, the policy holds,
    and every other session of the account ends (this one stays)."""
    user = session.get(User, principal.user_id)
    if user is None or not password_matches(user, old_password):
        raise DomainError("account.old_password_wrong", field="old_password")
    check_password_rules(session, password)
    if password != password2:
        raise DomainError("register.password_mismatch", field="password2")
    if password == old_password:
        raise DomainError("account.password_same", field="password")
    user.password_hash, user.must_change_password = hash_password(password), False
    session.add(user)
    end_sessions(
        session, user_id=principal.user_id, reason="password_changed", keep_key=session_key, now=now
    )
    record(
        session,
        actor_id=principal.user_id,
        action="auth.password_changed",
        entity="user",
        entity_id=principal.user_id,
    )
    session.flush()


def first_administrator(
    session: Session, *, username: str, phone: str, display_name: str = "系统管理员"
) -> str:
    """The first start (初始化): the first administrator, with a one-time password (returned,
    shown once) that must be replaced at the first sign-in. Refused once one exists."""
    if session.exec(select(User).where(User.role == "admin")).first() is not None:
        raise DomainError("init.admin_exists")
    one_time = one_time_password(session)
    create_user(
        session,
        data=UserCreate(
            username=username.strip(),
            display_name=display_name,
            role="admin",
            password=one_time,
            phone=phone.strip(),
            region_code="360000",
        ),
        actor_id=None,
        one_time=True,
    )
    return one_time


def one_time_password(session: Session) -> str:
    """12 characters (more if the policy asks) with every class the password rules ask for."""
    length = max(12, current_policy(session).password_min_length)
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    body = "".join(secrets.choice(alphabet) for _ in range(length - 3))
    return body + secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + secrets.choice("23456789") + "#"


def create_user(
    session: Session,
    *,
    data: UserCreate,
    actor_id: int | None,
    hashed: str | None = None,
    one_time: bool = False,
    demo: bool = False,
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
        if not dept.active:
            raise DomainError("department.inactive", field="department_id")
    if hashed is None:
        check_password_rules(session, data.password)
    user = User.model_validate(
        data.model_dump(exclude={"password"}),
        update={
            "password_hash": hashed or hash_password(data.password),
            "must_change_password": one_time,
            "is_demo": demo,
        },
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
    captcha_needed: bool = False  # the sign-in page must show a CAPTCHA next time
    # the password was right and an SMS code was sent to this (masked) phone: the page asks
    # for it next (second_factor.finish); ``sms_id`` is the message to hand to the gateway
    code_sent_to: str = ""
    sms_id: int | None = None
    must_change_password: bool = False  # a one-time password was right: the page asks for a new one


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


def _bad_credentials(policy: Policy, left: int) -> DomainError:
    """The same words for an unknown name and a wrong password (no username enumeration): both
    are counted alike, so saying how many attempts are left tells nobody who has an account."""
    return DomainError(
        "auth.bad_credentials",
        left=left,
        attempts=policy.lockout_threshold,
        minutes=policy.lockout_minutes,
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


def _count_failure(policy: Policy, counted: _Counted, now: dt.datetime) -> int:
    """One more wrong attempt: the attempts left, 0 when this one locked it."""
    counted.failed_logins += 1
    if counted.failed_logins >= policy.lockout_threshold:
        counted.locked_until = now + dt.timedelta(minutes=policy.lockout_minutes)
        counted.failed_logins = 0
        return 0
    return policy.lockout_threshold - counted.failed_logins


def _name_key(username: str) -> str:
    return hashlib.sha256(username.strip().lower().encode()).hexdigest()


def _unknown_name(session: Session, username: str, now: dt.datetime) -> DomainError:
    """A name that is no account: hash anyway (the response time does not tell) and count it
    exactly as an account's wrong password is counted."""
    _hasher.hash("x")
    policy = current_policy(session)
    key = _name_key(username)
    # Audited under the name's hash: what is typed into the name box is sometimes a password.
    record(session, actor_id=None, action="auth.login_unknown", entity="name", entity_id=key[:16])
    row = session.get(LoginAttempt, key)
    if row is None:
        row = LoginAttempt(name_key=key)
        try:
            with session.begin_nested():  # a concurrent first attempt under the same name
                session.add(row)
        except IntegrityError:
            row = session.get(LoginAttempt, key) or LoginAttempt(name_key=key)
    if _is_locked(row, now):
        return DomainError("auth.locked", minutes=policy.lockout_minutes)
    left = _count_failure(policy, row, now)
    row.updated_at = now
    session.add(row)
    session.flush()
    if left == 0:
        return DomainError("auth.locked", minutes=policy.lockout_minutes)
    return _bad_credentials(policy, left)


def purge_login_attempts(session: Session, *, now: dt.datetime | None = None) -> int:
    """Forget counts under unknown names a day after their last attempt (the scheduler's)."""
    now = now or utcnow()
    res = session.execute(
        delete(LoginAttempt).where(col(LoginAttempt.updated_at) < now - dt.timedelta(days=1))
    )
    session.flush()
    return rowcount(res)


def authenticate(session: Session, *, username: str, password: str, now: dt.datetime) -> User:
    """The account behind a name and password, or the refusal (counted for the lockout)."""
    user = session.exec(select(User).where(User.username == username.strip())).first()
    if user is None:
        raise _unknown_name(session, username, now)
    policy = current_policy(session)
    if _is_locked(user, now):
        record(
            session,
            actor_id=user.id,
            action="auth.login_locked",
            entity="user",
            entity_id=user.id or "",
        )
        raise DomainError("auth.locked", minutes=policy.lockout_minutes)
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        left = _count_failure(policy, user, now)
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
            raise DomainError("auth.locked", minutes=policy.lockout_minutes) from None
        raise _bad_credentials(policy, left) from None
    if not user.active:
        raise DomainError("auth.inactive")
    if user.is_demo and get_settings().env == "production":  # demo accounts share a known password
        record(
            session,
            actor_id=user.id,
            action="auth.demo_refused",
            entity="user",
            entity_id=user.id or "",
        )
        raise DomainError("auth.demo_account")
    user.failed_logins = 0
    user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.add(user)
    return user


def open_session(session: Session, *, user: User, now: dt.datetime) -> str:
    token = secrets.token_urlsafe(32)
    assert user.id is not None
    session.add(
        UserSession(token_hash=token_hash(token), user_id=user.id, created_at=now, last_seen_at=now)
    )
    record(session, actor_id=user.id, action="auth.login", entity="user", entity_id=user.id)
    session.flush()
    return token


def _login(
    session: Session, *, username: str, password: str, now: dt.datetime | None
) -> tuple[str, Principal]:
    now = now or utcnow()
    user = authenticate(session, username=username, password=password, now=now)
    return open_session(session, user=user, now=now), Principal.of(user)


def resolve_session(
    session: Session,
    *,
    token: str = "",
    key: str = "",
    now: dt.datetime | None = None,
    touch: bool = True,
) -> Principal | None:
    """The principal behind a session — its raw token (an HTTP route's cookie) or its key (the
    token's hash: what a page's socket carries) — or None if unknown, ended or idle too long."""
    key = key or (token_hash(token) if token else "")
    if not key:
        return None
    now = now or utcnow()
    # the session and its account in one query: this runs on every page event
    found = session.exec(
        select(UserSession, User)
        .join(User, col(User.id) == col(UserSession.user_id))
        .where(UserSession.token_hash == key)
    ).first()
    if found is None:
        return None
    row, user = found
    if row.ended_at is not None:
        return None
    policy = current_policy(session)
    idle = dt.timedelta(minutes=policy.session_idle_minutes)
    lifetime = dt.timedelta(hours=policy.session_max_hours)
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
    if not user.active:
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


def _check_key(key: str) -> str:
    return f"eap:session-check:{key}"  # the same key end_sessions drops


def resolve_session_for_refresh(session: Session, *, key: str) -> Principal | None:
    """For a page's periodic refresh of read-only figures (the big screen's timer): a full
    check at most every REFRESH_CHECK_SECONDS, in between the last one from the shared cache,
    so fifty screens on a wall do not check fifty sessions a minute. Every action, and every
    page opened, still checks in full (``resolve_session``); signing out drops the entry; a
    session ended otherwise stops refreshing within this interval. Without a shared cache it
    is ``resolve_session``."""
    if not key:
        return None
    hit = cache.get_json(_check_key(key))
    if isinstance(hit, dict):
        return Principal(**hit)
    principal = resolve_session(session, key=key)
    if principal is not None:
        cache.set_json(_check_key(key), asdict(principal), ttl_seconds=REFRESH_CHECK_SECONDS)
    return principal


def end_sessions(
    session: Session,
    *,
    user_id: int,
    reason: str,
    keep_key: str = "",
    now: dt.datetime | None = None,
) -> int:
    """End every open session of an account but ``keep_key``'s (a password reset or change:
    whoever held the old password is signed out everywhere); the shared cache's refresh
    checks go with them."""
    now = now or utcnow()
    rows = session.exec(
        select(UserSession).where(
            UserSession.user_id == user_id,
            col(UserSession.ended_at).is_(None),
            UserSession.token_hash != keep_key,
        )
    ).all()
    for row in rows:
        row.ended_at, row.end_reason = now, reason
        session.add(row)
        cache.delete(_check_key(row.token_hash))
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


def logout(
    session: Session, *, token: str = "", key: str = "", now: dt.datetime | None = None
) -> None:
    """End one session, named by its raw token (the cookie) or its key."""
    key = key or (token_hash(token) if token else "")
    row = session.get(UserSession, key) if key else None
    if key:
        cache.delete(_check_key(key))
    if row is None or row.ended_at is not None:
        return
    row.ended_at, row.end_reason = now or utcnow(), "logout"
    session.add(row)
    record(
        session, actor_id=row.user_id, action="auth.logout", entity="user", entity_id=row.user_id
    )
    session.flush()
