"""Accounts: argon2 passwords, lockout, idle sessions, scope rules, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from eap.errors import DomainError
from eap.models import AuditLog, Department, LoginAttempt, User, UserSession
from eap.models.accounts import UserCreate
from eap.models.common import utcnow
from eap.services.admin import accounts
from eap.services.core.principal import token_hash

PW = "Strong#Pass1"


def make_user(session: Session, username: str = "tester", **kw: object) -> User:
    dept = session.exec(select(Department).where(Department.code == "360100-zj")).one()
    data = dict(
        username=username,
        display_name="测试",
        role="approver",
        password=PW,
        region_code="360100",
        department_id=dept.id,
    )
    data.update(kw)
    return accounts.create_user(session, data=UserCreate(**data), actor_id=None)  # type: ignore[arg-type]


def test_password_is_hashed_with_argon2(session: Session) -> None:
    user = make_user(session)
    assert user.password_hash.startswith("$argon2")
    assert PW not in user.password_hash


@pytest.mark.parametrize("bad", ["short1A!", "alllowercase", "NoDigitsHere", "1234567890"])
def test_password_rules(session: Session, bad: str) -> None:
    if bad == "short1A!":
        bad = "sh1A!"
    with pytest.raises(DomainError) as err:
        make_user(session, password=bad)
    assert err.value.key == "auth.password_rules"


def test_staff_need_scope(session: Session) -> None:
    with pytest.raises(DomainError) as err:
        make_user(session, region_code=None, department_id=None)
    assert err.value.key == "account.scope_required"
    other = session.exec(select(Department).where(Department.code == "360700-zj")).one()
    with pytest.raises(DomainError) as err:
        make_user(session, department_id=other.id)
    assert err.value.key == "account.scope_mismatch"


def test_login_and_resolve(session: Session) -> None:
    user = make_user(session)
    outcome = accounts.login(session, username="tester", password=PW)
    assert outcome.error is None and outcome.principal is not None
    assert outcome.principal.user_id == user.id
    principal = accounts.resolve_session(session, token=outcome.token)
    assert principal is not None and principal.role == "approver"
    assert accounts.resolve_session(session, token=outcome.token + "x") is None
    actions = session.exec(select(AuditLog.action).where(AuditLog.actor_id == user.id)).all()
    assert "auth.login" in actions


def test_wrong_password_and_unknown_user(session: Session) -> None:
    make_user(session)
    assert accounts.login(session, username="tester", password="nope").error.key == (
        "auth.bad_credentials"
    )
    assert accounts.login(session, username="ghost", password=PW).error.key == (
        "auth.bad_credentials"
    )


def test_lockout_after_five_failures_for_fifteen_minutes(session: Session) -> None:
    make_user(session)
    t0 = utcnow()
    for i in range(4):
        out = accounts.login(session, username="tester", password="wrong", now=t0)
        assert out.error.key == "auth.bad_credentials", i
    out = accounts.login(session, username="tester", password="wrong", now=t0)
    assert out.error.key == "auth.locked"
    # Even the right password is refused while locked.
    out = accounts.login(session, username="tester", password=PW, now=t0 + dt.timedelta(minutes=14))
    assert out.error.key == "auth.locked"
    out = accounts.login(
        session, username="tester", password=PW, now=t0 + dt.timedelta(minutes=15, seconds=1)
    )
    assert out.error is None
    user = session.exec(select(User).where(User.username == "tester")).one()
    assert user.failed_logins == 0 and user.locked_until is None


def test_attempts_left_are_said_alike_for_an_account_and_a_name_that_is_none(
    session: Session,
) -> None:
    """The sign-in page says how many attempts remain (issue 18, item 8); an unknown name is
    counted and locked the same way, so the answers do not tell who has an account."""
    make_user(session)
    t0 = utcnow()

    def answers(username: str) -> list[tuple[str, object]]:
        out = []
        for _ in range(6):
            err = accounts.login(session, username=username, password="wrong", now=t0).error
            assert err is not None
            out.append((err.key, err.params.get("left")))
        return out

    expected = [("auth.bad_credentials", n) for n in (4, 3, 2, 1)] + [("auth.locked", None)] * 2
    assert answers("tester") == expected
    assert answers("nobody-here") == expected
    assert answers("Nobody-Here ") == [("auth.locked", None)] * 6  # the same name, retyped
    message = accounts.login(session, username="someone-else", password="x", now=t0).error
    assert message is not None and "还可尝试 4 次" in message.translate("zh")
    assert "4 attempts left" in message.translate("en")
    # the name is kept only as a hash: a password typed into the username box is not stored
    keys = session.exec(select(LoginAttempt.name_key)).all()
    assert keys and all(len(k) == 64 and "nobody" not in k for k in keys)
    # the lock on an unknown name lapses like an account's, and old counts are purged
    later = t0 + dt.timedelta(minutes=15, seconds=1)
    err = accounts.login(session, username="nobody-here", password="x", now=later).error
    assert err is not None and (err.key, err.params.get("left")) == ("auth.bad_credentials", 4)
    assert accounts.purge_login_attempts(session, now=later + dt.timedelta(days=2)) >= 2
    assert session.exec(select(LoginAttempt)).all() == []


def test_idle_session_ends_after_thirty_minutes(session: Session) -> None:
    make_user(session)
    t0 = utcnow()
    token = accounts.login(session, username="tester", password=PW, now=t0).token
    assert accounts.resolve_session(session, token=token, now=t0 + dt.timedelta(minutes=29))
    # Activity at minute 29 keeps it alive until minute 59.
    assert accounts.resolve_session(session, token=token, now=t0 + dt.timedelta(minutes=58))
    assert accounts.resolve_session(session, token=token, now=t0 + dt.timedelta(minutes=89)) is None
    # Once ended it stays ended.
    assert accounts.resolve_session(session, token=token, now=t0 + dt.timedelta(minutes=90)) is None


def test_a_busy_session_still_ends_twelve_hours_after_sign_in(session: Session) -> None:
    """An absolute lifetime besides the idle limit (等保): activity every 20 minutes keeps a
    session alive for twelve hours, not longer."""
    make_user(session)
    t0 = utcnow()
    token = accounts.login(session, username="tester", password=PW, now=t0).token
    at = t0
    while at < t0 + dt.timedelta(hours=11, minutes=50):
        at += dt.timedelta(minutes=20)
        assert accounts.resolve_session(session, token=token, now=at), at - t0
    assert (
        accounts.resolve_session(session, token=token, now=t0 + dt.timedelta(hours=12, minutes=5))
        is None
    )
    row = session.get(UserSession, token_hash(token))
    assert row is not None and row.end_reason == "expired"


def test_activity_is_written_at_most_once_a_minute(session: Session) -> None:
    make_user(session)
    t0 = utcnow()
    token = accounts.login(session, username="tester", password=PW, now=t0).token
    row = session.get(UserSession, token_hash(token))
    assert row is not None
    for seconds in (1, 20, 59):  # events within the minute write nothing
        assert accounts.resolve_session(
            session, token=token, now=t0 + dt.timedelta(seconds=seconds)
        )
        assert row.last_seen_at == t0
        assert not session.dirty
    at = t0 + dt.timedelta(seconds=61)
    assert accounts.resolve_session(session, token=token, now=at)
    assert row.last_seen_at == at
    # The idle limit still counts from the last write, which is at most a minute stale.
    assert accounts.resolve_session(session, token=token, now=at + dt.timedelta(minutes=29))
    assert accounts.resolve_session(session, token=token, now=at + dt.timedelta(minutes=60)) is None


def test_logout_ends_session(session: Session) -> None:
    make_user(session)
    token = accounts.login(session, username="tester", password=PW).token
    accounts.logout(session, token=token)
    assert accounts.resolve_session(session, token=token) is None


def test_failed_attempts_persist_across_transactions(engine) -> None:  # type: ignore[no-untyped-def]
    """The lockout lives in the database, so a second worker (connection) sees it."""
    username = "persist_lock"
    with Session(engine) as s:
        make_user(s, username=username)
        s.commit()
    try:
        for _ in range(5):
            with Session(engine) as s:
                accounts.login(s, username=username, password="wrong")
                s.commit()
        with Session(engine) as s:
            assert accounts.login(s, username=username, password=PW).error.key == "auth.locked"
    finally:  # the audit entries stay (append-only): the account is only switched off
        with Session(engine) as s:
            user = s.exec(select(User).where(User.username == username)).one()
            user.active = False
            s.add(user)
            s.commit()
