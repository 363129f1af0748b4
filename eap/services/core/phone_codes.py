"""Phone codes (短信验证码): issued with their SMS in one transaction, limited per phone, per
address and overall, kept only as a keyed hash beside a blind index of the phone, and checked
with a count of wrong entries. Sign-up, password reset and the second sign-in factor use them.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from sqlmodel import Session, col, func, select

from eap.config import get_settings
from eap.crypto import blind_index
from eap.errors import DomainError
from eap.i18n import t
from eap.models import PhoneCode, SmsOutbox
from eap.models.common import utcnow
from eap.services.core import limits
from eap.services.core.audit import record

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


def _hash(phone: str, purpose: str, code: str) -> str:
    """Keyed (HMAC-SM3): a six-digit code under a plain hash falls to a million guesses."""
    return blind_index(f"{phone}|{purpose}|{code}", purpose="sms_code")


def _phone_key(phone: str) -> str:
    return blind_index(phone, purpose="phone")


def check_phone(phone: str) -> str:
    phone = phone.strip()
    if not PHONE_RE.match(phone):
        raise DomainError("sms.phone_format", field="phone")
    return phone


# Codes anyone may ask for by typing a phone number; a sign-in code ("login") is sent only
# after the account's right password, so only the overall cap applies to it.
ANONYMOUS_PURPOSES = ("register", "reset")


def _limit_anonymous(session: Session, *, phone: str, purpose: str, now: dt.datetime) -> None:
    settings = get_settings()
    last = session.exec(
        select(PhoneCode)
        .where(PhoneCode.phone_index == _phone_key(phone), PhoneCode.purpose == purpose)
        .order_by(col(PhoneCode.sent_at).desc())
    ).first()
    if last is not None:
        wait = settings.sms_resend_seconds - int((now - last.sent_at).total_seconds())
        if wait > 0:
            raise DomainError("sms.wait", field="phone", seconds=wait)
    today_count = session.exec(
        select(func.count())
        .select_from(PhoneCode)
        .where(
            PhoneCode.phone_index == _phone_key(phone),
            PhoneCode.purpose.in_(ANONYMOUS_PURPOSES),  # type: ignore[attr-defined]
            PhoneCode.sent_at > now - dt.timedelta(days=1),
        )
    ).one()
    if today_count >= settings.sms_daily_limit:
        raise DomainError("sms.daily_limit", field="phone")
    if ip := limits.from_web():  # one address asking for many phones
        limits.hit(session, name="sms.ip", subject=ip, field="phone", now=now)


def send_code(
    session: Session, *, phone: str, purpose: str = "register", now: dt.datetime | None = None
) -> int:
    """Issue a six-digit code and queue its SMS in the same transaction.

    Limits live in the database so every worker enforces them: for codes anyone may ask for,
    one a minute and ten a day per phone and a number per address; for all, an overall hourly
    cap. A new code replaces the old one. Returns the queued SMS's id, so the caller can
    hand exactly that message to the gateway after commit.
    """
    settings = get_settings()
    now = now or utcnow()
    phone = check_phone(phone)
    if purpose in ANONYMOUS_PURPOSES:
        _limit_anonymous(session, phone=phone, purpose=purpose, now=now)
    limits.hit(session, name="sms.all", subject="all", field="phone", now=now)
    code = f"{secrets.randbelow(10**6):06d}"
    row = PhoneCode(
        phone_index=_phone_key(phone),
        purpose=purpose,
        code_hash=_hash(phone, purpose, code),
        sent_at=now,
        expires_at=now + dt.timedelta(minutes=settings.sms_code_minutes),
    )
    session.add(row)
    sms = SmsOutbox(
        phone=phone,
        text=t("sms.code_text", "zh", code=code, minutes=settings.sms_code_minutes),
        created_at=now,
    )
    session.add(sms)
    record(session, actor_id=None, action="sms.code_sent", entity="phone", entity_id=phone[-4:])
    session.flush()
    assert sms.id is not None
    return sms.id


def verify_code(
    session: Session, *, phone: str, purpose: str, code: str, now: dt.datetime
) -> PhoneCode:
    """Check the newest code; a wrong entry is counted (the caller commits either way). The
    caller marks it used once everything else holds too (``use_code``)."""
    settings = get_settings()
    row = session.exec(
        select(PhoneCode)
        .where(PhoneCode.phone_index == _phone_key(phone), PhoneCode.purpose == purpose)
        .order_by(col(PhoneCode.sent_at).desc())
    ).first()
    if row is None or row.used_at is not None:
        raise DomainError("sms.code_missing", field="code")
    if row.expires_at < now:
        raise DomainError("sms.code_expired", field="code")
    if row.attempts >= settings.sms_code_attempts:
        raise DomainError("sms.code_exhausted", field="code")
    if not secrets.compare_digest(row.code_hash, _hash(phone, purpose, code.strip())):
        row.attempts += 1
        session.add(row)
        session.flush()
        left = settings.sms_code_attempts - row.attempts
        if left <= 0:
            raise DomainError("sms.code_exhausted", field="code")
        raise DomainError("sms.code_wrong", field="code", left=left)
    return row


def use_code(session: Session, row: PhoneCode, now: dt.datetime) -> None:
    row.used_at = now
    session.add(row)
