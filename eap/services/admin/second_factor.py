"""The second sign-in factor (双因素认证): for the roles that administer, audit and secure the
system (and any other role a province adds by policy), a correct password only sends an SMS
code to the account's phone; the sign-in completes when that code is entered.

The waiting sign-in is a ``LoginHandoff`` row with ``awaiting_code``, keyed by the page's
client key (the browser tab's Reflex token, hashed) — the page holds nothing it could leak.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import Session, col

from eap.config import get_settings
from eap.db import rowcount
from eap.errors import DomainError
from eap.models import LoginHandoff, User
from eap.models.common import as_utc, utcnow
from eap.services.core import phone_codes
from eap.services.core.audit import record
from eap.services.core.identifiers import mask_phone
from eap.services.core.principal import Principal, token_hash

WAIT = dt.timedelta(minutes=10)
PURPOSE = "login"


def required_for(role: str) -> bool:
    return role in {r.strip() for r in get_settings().second_factor_roles.split(",")}


def _key(client_key: str) -> str:
    return token_hash(f"second-factor|{client_key}")


def start(
    session: Session, *, user: User, client_key: str, now: dt.datetime
) -> tuple[str, int | None]:
    """After the password: send the code, remember the waiting sign-in. Returns the masked
    phone the code went to, and the queued SMS's id (to hand to the gateway after commit)."""
    if not user.phone:
        raise DomainError("auth.second_factor_no_phone")
    assert user.id is not None
    session.execute(delete(LoginHandoff).where(col(LoginHandoff.code_hash) == _key(client_key)))
    session.add(
        LoginHandoff(
            code_hash=_key(client_key), user_id=user.id, created_at=now, awaiting_code=True
        )
    )
    sms_id = phone_codes.send_code(session, phone=user.phone, purpose=PURPOSE, now=now)
    record(
        session,
        actor_id=user.id,
        action="auth.second_factor_sent",
        entity="user",
        entity_id=user.id,
    )
    session.flush()
    return mask_phone(user.phone), sms_id


@dataclass(frozen=True)
class Finished:
    """A one-time handoff code for /auth/enter, or the refusal. Returned, not raised: a wrong
    code is counted, so the caller commits either way."""

    handoff: str = ""
    principal: Principal | None = None
    error: DomainError | None = None


def finish(
    session: Session, *, client_key: str, code: str, now: dt.datetime | None = None
) -> Finished:
    """The SMS code for the sign-in waiting on this page."""
    try:
        handoff, principal = _finish(session, client_key=client_key, code=code, now=now)
    except DomainError as exc:
        return Finished(error=exc)
    return Finished(handoff=handoff, principal=principal)


def _finish(
    session: Session, *, client_key: str, code: str, now: dt.datetime | None
) -> tuple[str, Principal]:
    now = now or utcnow()
    row = session.get(LoginHandoff, _key(client_key)) if client_key else None
    created = None if row is None else as_utc(row.created_at)
    if row is None or not row.awaiting_code or created is None or now - created > WAIT:
        raise DomainError("auth.second_factor_expired", field="otp")
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise DomainError("auth.second_factor_expired", field="otp")
    try:
        found = phone_codes.verify_code(
            session, phone=user.phone, purpose=PURPOSE, code=code, now=now
        )
    except DomainError as exc:
        raise DomainError(exc.key, field="otp", **exc.params) from None
    if (
        rowcount(
            session.execute(
                delete(LoginHandoff).where(col(LoginHandoff.code_hash) == _key(client_key))
            )
        )
        != 1
    ):
        raise DomainError("auth.second_factor_expired", field="otp")
    phone_codes.use_code(session, found, now)
    handoff = secrets.token_urlsafe(32)
    assert user.id is not None
    session.add(LoginHandoff(code_hash=token_hash(handoff), user_id=user.id, created_at=now))
    record(
        session,
        actor_id=user.id,
        action="auth.second_factor_passed",
        entity="user",
        entity_id=user.id,
    )
    session.flush()
    return handoff, Principal.of(user)
