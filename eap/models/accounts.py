"""Companies, accounts, login sessions and the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from eap.models.common import utcnow


class CompanyBase(SQLModel):
    """An applicant party: a company (USCC) or a natural person (ID number in ``uscc``)."""

    kind: str = Field(default="company", max_length=10, description="company | person")
    uscc: str = Field(max_length=18, unique=True, description="统一社会信用代码 or 身份证号")
    name: str = Field(max_length=120)
    legal_rep: str = Field(default="", max_length=40)
    contact_phone: str = Field(default="", max_length=20)
    region_code: str = Field(foreign_key="region.code", index=True)


class Company(CompanyBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime = Field(default_factory=utcnow)


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
    password_hash: str = Field(max_length=200)
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


class Notice(SQLModel, table=True):
    """通知公告, published by administrators, readable by everyone."""

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    body: str = Field(max_length=20000)
    published_by: int | None = Field(default=None, foreign_key="user.id")
    published_at: dt.datetime = Field(default_factory=utcnow, index=True)
    active: bool = True
