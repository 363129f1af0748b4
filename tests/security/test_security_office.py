"""The security officer (三员分立): sees and unlocks locked accounts, sees open sessions and
ends one, reads the policy; nobody else may, and every act is audited."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from eap.errors import PermissionDenied
from eap.models import AuditLog, User
from eap.services.admin import accounts, security_office
from tests.factories import _user


def _with_password(session: Session, role: str) -> User:
    p = _user(session, role, region_code="360000")
    user = session.get(User, p.user_id)
    assert user is not None
    user.password_hash = accounts.hash_password("Pass#word1")
    session.add(user)
    session.flush()
    return user


def test_unlock_and_force_out(session: Session) -> None:
    officer = _user(session, "security", region_code="360000")
    victim = _with_password(session, "leader")
    for _ in range(5):
        accounts.login(session, username=victim.username, password="wrong")
    assert victim.username in [
        r.username for r in security_office.locked_accounts(session, principal=officer)
    ]
    security_office.unlock(session, principal=officer, user_id=victim.id or 0)
    still = security_office.locked_accounts(session, principal=officer)
    assert all(r.user_id != victim.id for r in still)
    token = accounts.login(session, username=victim.username, password="Pass#word1").token
    rows = [
        r
        for r in security_office.open_sessions(session, principal=officer)
        if r.user_id == victim.id
    ]
    assert len(rows) == 1 and len(rows[0].ref) == 12 and rows[0].ref not in token
    security_office.end_session(session, principal=officer, user_id=victim.id or 0, ref=rows[0].ref)
    assert accounts.resolve_session(session, token=token) is None
    actions = set(
        session.exec(select(AuditLog.action).where(AuditLog.actor_id == officer.user_id)).all()
    )
    assert {"user.unlock", "auth.session_forced_out"} <= actions
    assert security_office.policy_values(session, principal=officer)["lockout_threshold"] == 5
    assert {p.key for p in security_office.deployment_policy(principal=officer)} >= {
        "security.policy.second_factor",
        "security.policy.retention",
    }


def test_the_officer_sets_the_policy_and_it_applies(session: Session) -> None:
    """A tighter policy: a longer password, a lockout after 3 failures, a 10-minute idle
    limit; out-of-range values are refused beside their field and change nothing."""
    import datetime as dt

    from eap.errors import DomainError
    from eap.models import SecurityPolicy

    officer = _user(session, "security", region_code="360000")
    with pytest.raises(DomainError) as loose:
        security_office.set_policy(session, principal=officer, values={"password_min_length": "6"})
    assert (loose.value.field, loose.value.params) == (
        "password_min_length",
        {"low": 8, "high": 32},
    )
    with pytest.raises(DomainError) as idle:
        security_office.set_policy(session, principal=officer, values={"session_idle_minutes": "x"})
    assert idle.value.field == "session_idle_minutes"
    assert session.get(SecurityPolicy, 1) is None
    security_office.set_policy(
        session,
        principal=officer,
        values={
            "password_min_length": "12",
            "lockout_threshold": "3",
            "session_idle_minutes": "10",
        },
    )
    assert security_office.policy_values(session, principal=officer)["password_min_length"] == 12
    # passwords: 11 characters of three classes no longer do
    with pytest.raises(DomainError) as short:
        accounts.check_password_rules(session, "Abcdefgh#12")
    assert short.value.params == {"length": 12}
    accounts.check_password_rules(session, "Abcdefgh#123")
    assert len(accounts.one_time_password(session)) >= 12
    # the lockout: three failures lock
    victim = _with_password(session, "leader")
    for _ in range(2):
        with pytest.raises(DomainError) as wrong:
            accounts.authenticate(
                session, username=victim.username, password="bad", now=dt.datetime.now(dt.UTC)
            )
        assert wrong.value.key == "auth.bad_credentials" and wrong.value.params["attempts"] == 3
    with pytest.raises(DomainError) as locked:
        accounts.authenticate(
            session, username=victim.username, password="bad", now=dt.datetime.now(dt.UTC)
        )
    assert locked.value.key == "auth.locked"
    # the idle limit: 11 minutes without an action ends a session
    other = _with_password(session, "supervisor")
    token = accounts.login(session, username=other.username, password="Pass#word1").token
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=11)
    assert accounts.resolve_session(session, token=token, now=later) is None
    audit = session.exec(select(AuditLog).where(AuditLog.action == "security.policy")).one()
    assert audit.detail["after"] == {
        "password_min_length": 12,
        "lockout_threshold": 3,
        "session_idle_minutes": 10,
    }
    assert audit.detail["before"]["lockout_threshold"] == 5
    with pytest.raises(PermissionDenied):
        security_office.set_policy(
            session,
            principal=_user(session, "admin", region_code="360000"),
            values={"lockout_threshold": "10"},
        )


def test_only_the_security_officer(session: Session) -> None:
    for role in ("admin", "auditor", "supervisor"):
        other = _user(session, role, region_code="360000")
        with pytest.raises(PermissionDenied):
            security_office.open_sessions(session, principal=other)
        with pytest.raises(PermissionDenied):
            security_office.unlock(session, principal=other, user_id=other.user_id)
