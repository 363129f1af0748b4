"""Self-registration of applicants (注册) with a phone verified by SMS code (短信验证码).

A company registers with its USCC, a person with an ID number; an agent (帮办代办) registers
as a person without a company and acts only under a company's authorisation (see agents).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from eap.crypto import person_key
from eap.errors import DomainError
from eap.models import Company, Region, User
from eap.models.accounts import UserCreate
from eap.models.common import utcnow
from eap.services.admin import accounts
from eap.services.core import limits
from eap.services.core.audit import record
from eap.services.core.clock import local_date
from eap.services.core.identifiers import mask_name, validate_id_number, validate_uscc
from eap.services.core.phone_codes import check_phone, send_code, use_code, verify_code
from eap.services.exchange.adapters import credit

__all__ = ["Registration", "check_phone", "register_applicant", "send_code", "send_reset_code"]

USERNAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{3,39}$")
KINDS = ("company", "person", "agent")


class Registration(BaseModel):
    """What the sign-up form sends; every field is checked on the server."""

    kind: str = "company"
    uscc: str = ""
    id_number: str = ""
    name: str = ""
    legal_rep: str = ""
    region_code: str = ""
    display_name: str = ""
    phone: str = ""
    code: str = ""
    username: str = ""
    password: str = ""
    password2: str = ""


@dataclass(frozen=True)
class RegistrationOutcome:
    user: User | None = None
    error: DomainError | None = None


def _validate(session: Session, data: Registration, today: dt.date) -> Registration:
    if data.kind not in KINDS:
        raise DomainError("register.kind", field="kind")
    fields = data.model_copy()
    if data.kind == "company":
        fields.uscc = validate_uscc(data.uscc)
        if not data.name.strip():
            raise DomainError("register.name_required", field="name")
        if not data.legal_rep.strip():
            raise DomainError("register.legal_rep_required", field="legal_rep")
    else:
        try:
            fields.id_number = validate_id_number(data.id_number, today=today)
        except DomainError as exc:
            raise DomainError(exc.key, field="id_number", **exc.params) from None
    if data.kind != "agent":
        region = session.get(Region, data.region_code)
        if region is None:
            raise DomainError("register.region", field="region_code")
    if not data.display_name.strip():
        raise DomainError("register.contact_required", field="display_name")
    fields.phone = check_phone(data.phone)
    if not USERNAME_RE.match(data.username.strip()):
        raise DomainError("register.username_format", field="username")
    accounts.check_password_rules(session, data.password)
    if data.password != data.password2:
        raise DomainError("register.password_mismatch", field="password2")
    return fields


def _check_free(session: Session, fields: Registration) -> None:
    """Whether the USCC, the ID number or the username is taken: told only to whoever has
    proved the phone (after the code), so the form cannot be used to probe who is
    registered."""
    party = {
        "company": lambda: (fields.uscc, "register.uscc_taken", "uscc"),
        "person": lambda: (person_key(fields.id_number), "register.id_taken", "id_number"),
    }.get(fields.kind)
    if party is not None:
        code, key, field = party()
        if session.exec(select(Company).where(Company.uscc == code)).first() and not _walk_in(
            session, fields
        ):
            raise DomainError(key, field=field)
    if session.exec(select(User).where(User.username == fields.username.strip())).first():
        raise DomainError("register.username_taken", field="username")


def register_applicant(
    session: Session, *, data: Registration, now: dt.datetime | None = None
) -> RegistrationOutcome:
    """Create the applicant party and its first account once the phone code matches.

    Every field is validated before the code is tried, so a typo elsewhere never burns an
    attempt; whether the USCC, ID number or username is taken is said only after the code
    matched (no probing), and the code is used up only when the account is made. Errors are
    returned, not raised: a wrong code must be counted, so commit anyway.
    """
    now = now or utcnow()
    try:
        if ip := limits.from_web():
            limits.hit(session, name="signup.ip", subject=ip, now=now)
        fields = _validate(session, data, local_date(now))
        code = verify_code(session, phone=fields.phone, purpose="register", code=data.code, now=now)
        _check_free(session, fields)  # after the code: no probing who is registered
        use_code(session, code, now)
    except DomainError as exc:
        return RegistrationOutcome(error=exc)
    try:
        with session.begin_nested():  # a lost race on the username or USCC undoes only this
            user = _create(session, fields)
    except IntegrityError:
        taken = session.exec(select(User).where(User.username == fields.username.strip())).first()
        key, field = (
            ("register.username_taken", "username")
            if taken
            else ("register.uscc_taken", "uscc")
            if fields.kind == "company"
            else ("register.id_taken", "id_number")
        )
        return RegistrationOutcome(error=DomainError(key, field=field))
    return RegistrationOutcome(user=user)


class PasswordReset(BaseModel):
    username: str = ""
    phone: str = ""
    code: str = ""
    password: str = ""
    password2: str = ""


def send_reset_code(
    session: Session, *, username: str, phone: str, now: dt.datetime | None = None
) -> int | None:
    """找回密码: a code goes only to the phone on the account. Whether the pair matched is not
    told to the caller's user (the page says the same either way), so nobody can probe
    which usernames or phones exist."""
    phone = check_phone(phone)
    user = session.exec(select(User).where(User.username == username.strip())).first()
    if user is None or user.phone != phone or not user.active:
        record(
            session,
            actor_id=None,
            action="auth.reset_mismatch",
            entity="phone",
            entity_id=phone[-4:],
        )
        return None
    return send_code(session, phone=phone, purpose="reset", now=now)


def reset_password(
    session: Session, *, data: PasswordReset, now: dt.datetime | None = None
) -> RegistrationOutcome:
    """Set a new password with the code; also lifts a lockout. Errors are returned, not
    raised, so a wrong code is counted when the caller commits."""
    now = now or utcnow()
    try:
        phone = check_phone(data.phone)
        accounts.check_password_rules(session, data.password)
        if data.password != data.password2:
            raise DomainError("register.password_mismatch", field="password2")
        user = session.exec(select(User).where(User.username == data.username.strip())).first()
        if user is None or user.phone != phone:
            raise DomainError("sms.code_missing", field="code")  # same answer as no code sent
        use_code(
            session,
            verify_code(session, phone=phone, purpose="reset", code=data.code, now=now),
            now,
        )
    except DomainError as exc:
        return RegistrationOutcome(error=exc)
    user.password_hash = accounts.hash_password(data.password)
    user.failed_logins, user.locked_until = 0, None
    session.add(user)
    accounts.end_sessions(session, user_id=user.id or 0, reason="password_reset", now=now)
    record(
        session,
        actor_id=user.id,
        action="auth.password_reset",
        entity="user",
        entity_id=user.id or "",
    )
    session.flush()
    return RegistrationOutcome(user=user)


def _walk_in(session: Session, fields: Registration) -> Company | None:
    """A company the window registered at the counter (窗口代录) that has no account yet: the
    first sign-up whose verified phone is the one given at the counter takes it over."""
    if fields.kind != "company":
        return None
    company = session.exec(select(Company).where(Company.uscc == fields.uscc)).first()
    if company is None or company.contact_phone != fields.phone:
        return None
    has_account = session.exec(select(User.id).where(User.company_id == company.id)).first()
    return None if has_account else company


def _create(session: Session, fields: Registration) -> User:
    company_id: int | None = None
    if (walk_in := _walk_in(session, fields)) is not None:
        company_id = walk_in.id
        record(
            session,
            actor_id=None,
            action="company.claim",
            entity="company",
            entity_id=walk_in.id or "",
            detail={"kind": fields.kind},
        )
    elif fields.kind != "agent":
        company = Company(
            kind=fields.kind,
            uscc=fields.uscc if fields.kind == "company" else person_key(fields.id_number),
            id_number="" if fields.kind == "company" else fields.id_number,
            # a person's party name is masked; the full name is the sealed legal_rep
            name=fields.name.strip()
            if fields.kind == "company"
            else mask_name(fields.display_name),
            legal_rep=fields.legal_rep.strip() or fields.display_name.strip(),
            contact_phone=fields.phone,
            region_code=fields.region_code,
        )
        session.add(company)
        session.flush()
        company_id = company.id
        credit.check(session, company=company)  # the 信用 service, when one is configured
        record(
            session,
            actor_id=None,
            action="company.register",
            entity="company",
            entity_id=company.id or "",
            detail={"kind": fields.kind},
        )
    user = accounts.create_user(
        session,
        data=UserCreate(
            username=fields.username.strip(),
            display_name=fields.display_name.strip(),
            role="agent" if fields.kind == "agent" else "applicant",
            company_id=company_id,
            region_code=None,
            phone=fields.phone,
            password=fields.password,
        ),
        actor_id=None,
    )
    record(
        session,
        actor_id=user.id,
        action="auth.register",
        entity="user",
        entity_id=user.id or "",
        detail={"kind": fields.kind},
    )
    return user
