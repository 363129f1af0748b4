"""The security officer's desk (安全管理员, 三员分立): locked accounts and unlocking them,
the sessions open now and ending one (强制下线), and the password and session policy in force.
Only the security role may read or act here; every act is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from sqlmodel import Session, col, select

from eap.config import get_settings
from eap.errors import DomainError
from eap.models import SecurityPolicy, User, UserSession
from eap.models.common import as_utc, utcnow
from eap.services.core import cache
from eap.services.core.audit import record
from eap.services.core.clock import CHINA_TZ
from eap.services.core.policy import BOUNDS, CACHE_KEY, NAMES, Policy, current_policy
from eap.services.core.principal import Principal, Role


@dataclass(frozen=True)
class LockedRow:
    user_id: int = 0
    username: str = ""
    name: str = ""
    role: str = ""
    locked_until: str = ""  # Beijing time


@dataclass(frozen=True)
class SessionRow:
    ref: str = ""  # the first characters of the session's key: enough to name it, not to use it
    user_id: int = 0
    username: str = ""
    name: str = ""
    role: str = ""
    started: str = ""
    last_seen: str = ""


@dataclass(frozen=True)
class PolicyRow:
    key: str = ""  # message key of the setting's name
    value: str = ""


def _beijing(at: dt.datetime) -> str:
    return as_utc(at).astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")


def locked_accounts(
    session: Session, *, principal: Principal, now: dt.datetime | None = None
) -> list[LockedRow]:
    principal.require_role(Role.SECURITY)
    now = now or utcnow()
    rows = session.exec(
        select(User)
        .where(col(User.locked_until).is_not(None))
        .order_by(col(User.locked_until).desc())
    ).all()
    return [
        LockedRow(u.id or 0, u.username, u.display_name, u.role, _beijing(u.locked_until))
        for u in rows
        if u.locked_until is not None and as_utc(u.locked_until) > now
    ]


def unlock(session: Session, *, principal: Principal, user_id: int) -> None:
    principal.require_role(Role.SECURITY)
    user = session.get(User, user_id)
    if user is None:
        raise DomainError("error.not_found")
    user.locked_until, user.failed_logins = None, 0
    session.add(user)
    record(
        session, actor_id=principal.user_id, action="user.unlock", entity="user", entity_id=user_id
    )
    session.flush()


def open_sessions(
    session: Session, *, principal: Principal, now: dt.datetime | None = None, limit: int = 200
) -> list[SessionRow]:
    """Sessions not ended and not idle past the limit, most recently active first."""
    principal.require_role(Role.SECURITY)
    now = now or utcnow()
    idle_since = now - dt.timedelta(minutes=current_policy(session).session_idle_minutes)
    rows = session.exec(
        select(UserSession, User)
        .join(User, col(User.id) == col(UserSession.user_id))
        .where(col(UserSession.ended_at).is_(None), col(UserSession.last_seen_at) > idle_since)
        .order_by(col(UserSession.last_seen_at).desc())
        .limit(limit)
    ).all()
    return [
        SessionRow(
            ref=s.token_hash[:12],
            user_id=u.id or 0,
            username=u.username,
            name=u.display_name,
            role=u.role,
            started=_beijing(s.created_at),
            last_seen=_beijing(s.last_seen_at),
        )
        for s, u in rows
    ]


def end_session(
    session: Session,
    *,
    principal: Principal,
    user_id: int,
    ref: str,
    now: dt.datetime | None = None,
) -> None:
    """强制下线: end the user's open session whose key begins with ``ref``."""
    principal.require_role(Role.SECURITY)
    if len(ref) < 12:
        raise DomainError("error.not_found")
    row = session.exec(
        select(UserSession).where(
            UserSession.user_id == user_id,
            col(UserSession.token_hash).startswith(ref),
            col(UserSession.ended_at).is_(None),
        )
    ).first()
    if row is None:
        raise DomainError("error.not_found")
    row.ended_at, row.end_reason = now or utcnow(), "forced"
    session.add(row)
    cache.delete(f"eap:session-check:{row.token_hash}")
    record(
        session,
        actor_id=principal.user_id,
        action="auth.session_forced_out",
        entity="user",
        entity_id=user_id,
    )
    session.flush()


def policy_values(session: Session, *, principal: Principal) -> dict[str, int]:
    """The password and session rules in force that the security officer sets."""
    principal.require_role(Role.SECURITY)
    return asdict(current_policy(session))


def deployment_policy(*, principal: Principal) -> list[PolicyRow]:
    """The rules the deployment's settings fix (shown, changed only by the operators)."""
    principal.require_role(Role.SECURITY)
    s = get_settings()
    return [
        PolicyRow("security.policy.ip_limit", str(s.login_failures_per_ip)),
        PolicyRow("security.policy.second_factor", s.second_factor_roles),
        PolicyRow("security.policy.retention", str(s.audit_retention_days)),
    ]


def set_policy(
    session: Session,
    *,
    principal: Principal,
    values: dict[str, str],
    now: dt.datetime | None = None,
) -> Policy:
    """Change the password and session policy, each value within its bounds; it applies to
    every worker at once (the cached copy is dropped) and the change is audited."""
    principal.require_role(Role.SECURITY)
    before = current_policy(session)
    chosen: dict[str, int] = {}
    for name in NAMES:
        raw = str(values.get(name, getattr(before, name))).strip()
        low, high = BOUNDS[name]
        if not raw.isdigit() or not low <= int(raw) <= high:
            raise DomainError("security.policy_range", field=name, low=low, high=high)
        chosen[name] = int(raw)
    after = Policy(**chosen)
    if after == before:
        return after
    row = session.get(SecurityPolicy, 1) or SecurityPolicy(id=1)
    for name, value in chosen.items():
        setattr(row, name, value)
    row.updated_at, row.updated_by = now or utcnow(), principal.user_id
    session.add(row)
    record(
        session,
        actor_id=principal.user_id,
        action="security.policy",
        entity="policy",
        entity_id=1,
        detail={
            "before": {k: v for k, v in asdict(before).items() if chosen[k] != v},
            "after": {k: v for k, v in chosen.items() if getattr(before, k) != v},
        },
    )
    session.flush()
    cache.delete(CACHE_KEY)
    return after
