"""The sign-in page's steps (登录流程): the password (with the per-address limit and the
CAPTCHA), then whatever the account still owes — a new password in place of a one-time one, an
SMS code for the roles that need a second factor — and finally a one-time handoff code that
/auth/enter turns into the HttpOnly session cookie. A step waiting on the page is a
``LoginHandoff`` row keyed by the browser tab (never a secret the page holds).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets

from sqlalchemy import delete
from sqlmodel import Session, col

from eap.db import rowcount
from eap.errors import DomainError
from eap.models import LoginHandoff, User
from eap.models.common import as_utc, utcnow
from eap.services.admin import accounts, second_factor
from eap.services.admin.accounts import LoginOutcome
from eap.services.core import captcha, limits
from eap.services.core.audit import record
from eap.services.core.policy import current_policy
from eap.services.core.principal import Principal, token_hash

# A handoff code must be redeemed this soon after the password was checked.
HANDOFF_SECONDS = 60


def login_needs_captcha(session: Session, *, now: dt.datetime | None = None) -> bool:
    """Whether the sign-in page must show a CAPTCHA to the current request's address."""
    ip = limits.from_web()
    return bool(ip) and (
        limits.seen(session, name="login.ip", subject=ip, now=now)
        >= current_policy(session).captcha_after_failures
    )


def begin_login(
    session: Session,
    *,
    username: str,
    password: str,
    captcha_id: str = "",
    captcha_answer: str = "",
    client_key: str = "",
    now: dt.datetime | None = None,
) -> LoginOutcome:
    """Check the password for the sign-in page and return a one-time handoff code (in
    ``token``) for /auth/enter, which opens the session and sets the HttpOnly cookie.

    Failures are also counted per source address, across every name tried: from
    ``captcha_after_failures`` on, a CAPTCHA must be solved first (``captcha_needed`` tells
    the page), past ``login_failures_per_ip`` the address is refused for the window."""
    now = now or utcnow()
    ip = limits.from_web()
    failures = limits.seen(session, name="login.ip", subject=ip, now=now) if ip else 0
    after = current_policy(session).captcha_after_failures
    asks = bool(ip) and failures >= after
    try:
        if ip and failures >= limits.limit("login.ip").most:
            raise DomainError("rate.limited", minutes=limits.limit("login.ip").minutes)
        if asks:
            captcha.check(session, challenge_id=captcha_id, answer=captcha_answer, now=now)
        user = accounts.authenticate(session, username=username, password=password, now=now)
    except DomainError as exc:
        if ip:
            with contextlib.suppress(DomainError):  # over the limit: the next try is refused
                failures = limits.hit(session, name="login.ip", subject=ip, now=now)
        needed = bool(ip) and failures >= after
        return LoginOutcome(error=exc, captcha_needed=needed)
    return next_step(session, user=user, client_key=client_key, now=now)


def next_step(session: Session, *, user: User, client_key: str, now: dt.datetime) -> LoginOutcome:
    """After a right password (or a step after it): what the account still owes, in order —
    a new password in place of a one-time one, the second factor — else the handoff."""
    assert user.id is not None
    if user.must_change_password:
        _wait(session, key=_password_key(client_key), user=user, now=now)
        return LoginOutcome(must_change_password=True)
    if second_factor.required_for(user.role):
        try:
            sent_to, sms_id = second_factor.start(
                session, user=user, client_key=client_key, now=now
            )
        except DomainError as exc:
            return LoginOutcome(error=exc)
        return LoginOutcome(code_sent_to=sent_to, sms_id=sms_id)
    code = secrets.token_urlsafe(32)
    session.add(LoginHandoff(code_hash=token_hash(code), user_id=user.id, created_at=now))
    session.flush()
    return LoginOutcome(token=code, principal=Principal.of(user))


def _password_key(client_key: str) -> str:
    return token_hash(f"first-password|{client_key}")


def _wait(session: Session, *, key: str, user: User, now: dt.datetime) -> None:
    session.execute(delete(LoginHandoff).where(col(LoginHandoff.code_hash) == key))
    assert user.id is not None
    session.add(
        LoginHandoff(code_hash=key, user_id=user.id, created_at=now, awaiting_password=True)
    )
    session.flush()


# A one-time password's holder has this long to choose their own after giving it.
PASSWORD_WAIT = dt.timedelta(minutes=10)


def set_first_password(
    session: Session,
    *,
    client_key: str,
    password: str,
    password2: str,
    now: dt.datetime | None = None,
) -> LoginOutcome:
    """The new password for an account signed in with a one-time password on this tab; then
    the sign-in goes on (second factor or handoff). Every other session of it ends."""
    now = now or utcnow()
    row = session.get(LoginHandoff, _password_key(client_key)) if client_key else None
    created = None if row is None else as_utc(row.created_at)
    user = session.get(User, row.user_id) if row is not None else None
    if row is None or created is None or now - created > PASSWORD_WAIT or user is None:
        return LoginOutcome(error=DomainError("auth.second_factor_expired", field="password"))
    try:
        accounts.check_password_rules(session, password)
        if password != password2:
            raise DomainError("register.password_mismatch", field="password2")
        if accounts.password_matches(user, password):
            raise DomainError("account.password_same", field="password")
    except DomainError as exc:
        return LoginOutcome(error=exc, must_change_password=True)
    session.delete(row)
    user.password_hash = accounts.hash_password(password)
    user.must_change_password = False
    session.add(user)
    accounts.end_sessions(session, user_id=user.id or 0, reason="password_changed", now=now)
    record(
        session,
        actor_id=user.id,
        action="auth.password_changed",
        entity="user",
        entity_id=user.id or "",
    )
    session.flush()
    return next_step(session, user=user, client_key=client_key, now=now)


def redeem_handoff(
    session: Session, *, code: str, now: dt.datetime | None = None
) -> tuple[str, Principal] | None:
    """Turn a handoff code into a session token, once, within HANDOFF_SECONDS; None otherwise.
    The delete is the guard: of two redemptions of one code only one deletes the row."""
    now = now or utcnow()
    if not code:
        return None
    row = session.get(LoginHandoff, token_hash(code))
    if row is None:
        return None
    created = as_utc(row.created_at)
    user_id = row.user_id
    res = session.execute(
        delete(LoginHandoff).where(col(LoginHandoff.code_hash) == token_hash(code))
    )
    if rowcount(res) != 1 or now - created > dt.timedelta(seconds=HANDOFF_SECONDS):
        session.flush()
        return None
    user = session.get(User, user_id)
    if user is None or not user.active:
        return None
    return accounts.open_session(session, user=user, now=now), Principal.of(user)


def purge_handoffs(session: Session, *, now: dt.datetime | None = None) -> int:
    """Forget handoff codes never redeemed (the scheduler's, beside the login attempts)."""
    now = now or utcnow()
    res = session.execute(
        delete(LoginHandoff).where(
            col(LoginHandoff.created_at) < now - dt.timedelta(seconds=HANDOFF_SECONDS)
        )
    )
    session.flush()
    return rowcount(res)
