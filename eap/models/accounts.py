"""Companies, accounts, login sessions and the audit trail."""

from __future__ import annotations

import datetime as dt
from enum import IntEnum
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from eap.models.common import sealed_column, utcnow


class CreditStatus(IntEnum):
    """The 信用 service's answer for a party, as last checked (issue 15)."""

    NOT_CHECKED = 0  # no service configured, or it was down: shown as "credit not checked"
    GOOD = 1
    DISHONEST = 2  # 严重失信: flagged to the approver, no 告知承诺


class CompanyBase(SQLModel):
    """An applicant party: a company (USCC) or a natural person (ID number in ``uscc``)."""

    kind: str = Field(default="company", max_length=10, description="company | person")
    uscc: str = Field(max_length=18, unique=True, description="统一社会信用代码 or 身份证号")
    name: str = Field(max_length=120)
    legal_rep: str = Field(default="", max_length=40)
    contact_phone: str = Field(default="", max_length=20)
    region_code: str = Field(foreign_key="region.code", index=True)


class Company(CompanyBase, table=True):
    """Personal data is sealed (SM4, models.common.Sealed): the legal representative or contact,
    the phone, and a natural person's ID number — whose ``uscc`` holds a pseudonym instead
    (crypto.person_key), so the unique party code still finds the person by ID number."""

    id: int | None = Field(default=None, primary_key=True)
    legal_rep: str = Field(default="", sa_column=sealed_column())
    contact_phone: str = Field(default="", sa_column=sealed_column())
    id_number: str = Field(default="", sa_column=sealed_column(), description="身份证号 (person)")
    created_at: dt.datetime = Field(default_factory=utcnow)
    credit_status: int = Field(default=CreditStatus.NOT_CHECKED, description="CreditStatus")
    credit_checked_at: dt.datetime | None = None


class CompanyPublic(CompanyBase):
    id: int


class UserBase(SQLModel):
    username: str = Field(max_length=40, unique=True)
    display_name: str = Field(max_length=60)
    role: str = Field(max_length=20, index=True)
    region_code: str | None = Field(default=None, foreign_key="region.code", index=True)
    department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    company_id: int | None = Field(default=None, foreign_key="company.id", index=True)
    phone: str = Field(default="", max_length=20)
    is_head: bool = Field(default=False, description="department head (signs off)")
    active: bool = True


class UserCreate(UserBase):
    password: str


class User(UserBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    display_name: str = Field(sa_column=sealed_column())  # a contact's name: sealed
    phone: str = Field(default="", sa_column=sealed_column())
    password_hash: str = Field(max_length=200)
    # a one-time password (first administrator, a reset by the administrator): replaced at the
    # next sign-in before anything else
    must_change_password: bool = False
    is_demo: bool = False  # made by `seed demo`: refused at sign-in when EAP_ENV=production
    failed_logins: int = 0
    locked_until: dt.datetime | None = None
    created_at: dt.datetime = Field(default_factory=utcnow)


class UserPublic(UserBase):
    id: int


class UserSession(SQLModel, table=True):
    """A login session kept in the database so every web worker agrees on it."""

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: dt.datetime = Field(default_factory=utcnow)
    last_seen_at: dt.datetime = Field(default_factory=utcnow)
    ended_at: dt.datetime | None = None
    end_reason: str = Field(default="", max_length=20)
    acting_company_id: int | None = Field(
        default=None, foreign_key="company.id", description="an agent acting for this company"
    )


class LoginHandoff(SQLModel, table=True):
    """A password checked over the page's socket, waiting to become a session (登录交接). The
    socket cannot set an HttpOnly cookie, so the page posts this one-time code to /auth/enter,
    which opens the session and sets the cookie; the raw token never passes through page state.
    Only the code's hash is kept; a code lives a minute and is redeemed once."""

    code_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: dt.datetime = Field(default_factory=utcnow)
    # a password checked for a role that needs a second factor: keyed by the page's client
    # (not a code it holds), it waits for the SMS code before it becomes a handoff
    awaiting_code: bool = False
    awaiting_password: bool = False  # a one-time password was right: a new one comes first


class RateCounter(SQLModel, table=True):
    """One fixed window of an abuse limit (services/core/limits): hits by one subject (an
    address, a phone, "all") under one limit name."""

    name: str = Field(primary_key=True, max_length=20)
    subject: str = Field(primary_key=True, max_length=64)
    window_start: dt.datetime = Field(primary_key=True)
    count: int = 0


class CaptchaChallenge(SQLModel, table=True):
    """A CAPTCHA picture handed out (services/core/captcha): only a keyed hash of its answer."""

    id: str = Field(primary_key=True, max_length=32)
    answer_hash: str = Field(max_length=64)
    expires_at: dt.datetime = Field(index=True)


class LoginAttempt(SQLModel, table=True):
    """Failed sign-ins under a name that is no account (登录失败计数). Counted and locked exactly
    like an account's own ``failed_logins``/``locked_until``, so the sign-in page can say how
    many attempts are left without telling who has an account. Keyed by a hash: what people
    type into the username box is sometimes their password."""

    name_key: str = Field(primary_key=True, max_length=64, description="sha256 of the name")
    failed_logins: int = 0
    locked_until: dt.datetime | None = None
    updated_at: dt.datetime = Field(default_factory=utcnow, index=True)


class AuditLog(SQLModel, table=True):
    """Append-only record of every state change and security event."""

    id: int | None = Field(default=None, primary_key=True)
    # Read newest first by id; the auditor's page filters by date, hence the one index on
    # ``at``. Action and entity are searched within that range, so they carry none that every
    # state change in the system would have to write.
    at: dt.datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    action: str = Field(max_length=60)
    entity: str = Field(default="", max_length=40)
    entity_id: str = Field(default="", max_length=60)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    ip: str = Field(default="", max_length=45, description="source address")
    user_agent: str = Field(default="", max_length=200, description="the terminal's browser")
    # The hash chain (services/core/audit): set once, at the commit that wrote the entry.
    seq: int | None = Field(default=None, unique=True, description="place in the chain")
    prev_hash: str | None = Field(default=None, max_length=64)
    hash: str | None = Field(default=None, max_length=64, description="SM3, hex")


class AuditChain(SQLModel, table=True):
    """The head of the audit hash chain (one row): the last sealed entry's number and hash;
    ``base_*`` is where verification starts (the genesis, or the last entry purged after the
    retention period)."""

    id: int = Field(default=1, primary_key=True)
    seq: int = 0
    last_hash: str = Field(default="0" * 64, max_length=64)
    base_seq: int = 0
    base_hash: str = Field(default="0" * 64, max_length=64)


class Notice(SQLModel, table=True):
    """通知公告, published by administrators, readable by everyone."""

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    body: str = Field(max_length=20000)
    published_by: int | None = Field(default=None, foreign_key="user.id")
    published_at: dt.datetime = Field(default_factory=utcnow, index=True)
    active: bool = True


class SecurityPolicy(SQLModel, table=True):
    """The password and session policy the security officer sets (one row; without it the
    deployment's settings apply)."""

    id: int = Field(default=1, primary_key=True)
    password_min_length: int = 8
    lockout_threshold: int = 5
    lockout_minutes: int = 15
    session_idle_minutes: int = 30
    session_max_hours: int = 12
    captcha_after_failures: int = 3
    updated_at: dt.datetime = Field(default_factory=utcnow)
    updated_by: int | None = Field(default=None, foreign_key="user.id")


class UserIdentity(SQLModel, table=True):
    """An account's identity at the province's 统一身份认证 (OIDC issuer + subject)."""

    __table_args__ = (UniqueConstraint("issuer", "subject"),)
    id: int | None = Field(default=None, primary_key=True)
    issuer: str = Field(max_length=200)
    subject: str = Field(max_length=200)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: dt.datetime = Field(default_factory=utcnow)


class SsoLogin(SQLModel, table=True):
    """A sign-in sent to the identity provider, waiting for its answer: the state (hashed),
    the nonce the ID token must carry and the PKCE verifier (sealed). Kept in the database so
    whichever worker takes the answer finds it; used once, and only for ten minutes."""

    state_hash: str = Field(primary_key=True, max_length=64)
    nonce: str = Field(max_length=100)
    code_verifier: str = Field(sa_column=sealed_column())
    created_at: dt.datetime = Field(default_factory=utcnow)
