"""The password and session policy in force (密码与会话策略): the security officer's values
where set (``SecurityPolicy``), else the deployment's settings. Read on every sign-in and
session check, so it is cached in Redis for a short while and the cache is dropped on change;
every worker sees a change at once."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from sqlmodel import Session

from eap.config import get_settings
from eap.models import SecurityPolicy
from eap.services.core import cache

CACHE_KEY = "eap:security-policy"


@dataclass(frozen=True)
class Policy:
    password_min_length: int
    lockout_threshold: int
    lockout_minutes: int
    session_idle_minutes: int
    session_max_hours: int
    captcha_after_failures: int


# What a security officer may set, within 等保 level 3's bounds (e.g. passwords of at least 8
# characters, a lockout after at most 10 failures, no session idle longer than 30 minutes).
BOUNDS: dict[str, tuple[int, int]] = {
    "password_min_length": (8, 32),
    "lockout_threshold": (3, 10),
    "lockout_minutes": (5, 1440),
    "session_idle_minutes": (5, 30),
    "session_max_hours": (1, 24),
    "captcha_after_failures": (0, 10),
}
NAMES = tuple(f.name for f in fields(Policy))


def from_settings() -> Policy:
    s = get_settings()
    return Policy(
        password_min_length=8,
        lockout_threshold=s.lockout_threshold,
        lockout_minutes=s.lockout_minutes,
        session_idle_minutes=s.session_idle_minutes,
        session_max_hours=s.session_max_hours,
        captcha_after_failures=s.captcha_after_failures,
    )


def current_policy(session: Session) -> Policy:
    cached = cache.get_json(CACHE_KEY)
    if isinstance(cached, dict) and set(cached) == set(NAMES):
        return Policy(**cached)
    row = session.get(SecurityPolicy, 1)
    policy = Policy(**{name: getattr(row, name) for name in NAMES}) if row else from_settings()
    cache.set_json(CACHE_KEY, asdict(policy), ttl_seconds=30)
    return policy
