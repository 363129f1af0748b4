"""Service-hall entities (网上办事大厅): phone codes, agent authorisations, application drafts,
window appointments, consultations and complaints."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from eap.models.common import utcnow


class PhoneCode(SQLModel, table=True):
    """An SMS verification code (短信验证码); only its keyed hash is kept, and the phone only
    as a blind index (crypto.blind_index)."""

    id: int | None = Field(default=None, primary_key=True)
    phone_index: str = Field(max_length=64, index=True)
    purpose: str = Field(max_length=20, description="register | reset")
    code_hash: str = Field(max_length=64)
    sent_at: dt.datetime = Field(default_factory=utcnow, index=True)
    expires_at: dt.datetime
    attempts: int = 0
    used_at: dt.datetime | None = None


class AgentGrant(SQLModel, table=True):
    """A company's authorisation of an agent (帮办代办授权) to act for it until a date."""

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    agent_id: int = Field(foreign_key="user.id", index=True)
    granted_by: int = Field(foreign_key="user.id")
    granted_at: dt.datetime = Field(default_factory=utcnow)
    valid_until: dt.date
    scope_note: str = Field(default="", max_length=200)
    revoked_at: dt.datetime | None = None


class ApplicationDraft(SQLModel, table=True):
    """A stage application saved before submission (草稿): answers and uploaded files."""

    __table_args__ = (UniqueConstraint("project_id", "stage_code"),)
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    stage_code: int
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    uploads: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON))
    saved_by: int = Field(foreign_key="user.id")
    saved_at: dt.datetime = Field(default_factory=utcnow)


class AppointmentSlot(SQLModel, table=True):
    """One bookable window time slot; ``booked`` is raised with a guarded UPDATE, so two
    workers can never overbook it."""

    __table_args__ = (UniqueConstraint("department_id", "day", "start"),)
    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    day: dt.date = Field(index=True)
    start: str = Field(max_length=5, description="HH:MM, Beijing time")
    end: str = Field(max_length=5)
    capacity: int
    booked: int = 0


class Appointment(SQLModel, table=True):
    """A booking (预约) of a window slot by an applicant."""

    id: int | None = Field(default=None, primary_key=True)
    slot_id: int = Field(foreign_key="appointmentslot.id", index=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    user_id: int = Field(foreign_key="user.id")
    project_id: int | None = Field(default=None, foreign_key="project.id")
    topic: str = Field(default="", max_length=200)
    ticket: str = Field(max_length=20, unique=True)
    status: str = Field(default="booked", max_length=12, description="booked|cancelled|checked_in")
    created_at: dt.datetime = Field(default_factory=utcnow)
    cancelled_at: dt.datetime | None = None
    checked_in_at: dt.datetime | None = None
    checked_in_by: int | None = Field(default=None, foreign_key="user.id")


class Inquiry(SQLModel, table=True):
    """A consultation (咨询) about an item or a complaint (投诉) about a case, routed to the
    department that owns it."""

    __table_args__ = (
        # The department's list (by status, newest first) and the applicant's list stay
        # index reads however many matters pile up.
        Index("ix_inquiry_dept_status_updated", "department_id", "status", "updated_at"),
        Index("ix_inquiry_company_updated", "company_id", "updated_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=12, description="consult | complaint")
    company_id: int = Field(foreign_key="company.id", index=True)
    user_id: int = Field(foreign_key="user.id")
    department_id: int = Field(foreign_key="department.id", index=True)
    item_id: int | None = Field(default=None, foreign_key="item.id")
    item_case_id: int | None = Field(default=None, foreign_key="itemcase.id")
    subject: str = Field(max_length=200)
    status: str = Field(default="open", max_length=12, description="open | answered | closed")
    created_at: dt.datetime = Field(default_factory=utcnow, index=True)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class InquiryMessage(SQLModel, table=True):
    """One message of an inquiry's thread, from the applicant or the department."""

    id: int | None = Field(default=None, primary_key=True)
    inquiry_id: int = Field(foreign_key="inquiry.id", index=True)
    author_id: int = Field(foreign_key="user.id")
    from_staff: bool = False
    body: str = Field(max_length=2000)
    at: dt.datetime = Field(default_factory=utcnow)
