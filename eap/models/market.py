"""The intermediary-services market (统一中介服务 / 中介超市, DOMAIN §9): agencies and their
qualifications, owners' purchases (采购公告), registrations, the selection and its publicity,
the service with its clock, results, evaluations and objections."""

from __future__ import annotations

import datetime as dt
from enum import IntEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from eap.models.common import utcnow


class AgencyStatus(IntEnum):
    """入驻 admission of an agency."""

    PENDING = 1  # 待审核
    ADMITTED = 2  # 已入驻
    REFUSED = 3  # 不予入驻 (with a legal reason)


class SelectionMethod(IntEnum):
    DIRECT = 1  # 直接选取: the owner picks, only under the budget threshold
    RANDOM = 2  # 随机抽取: the committed draw
    LOWEST_PRICE = 3  # 竞价选取: lowest quote, ties by credit, then the draw
    SCORED = 4  # 综合评分: published weights of price, credit and experience


class PurchaseStatus(IntEnum):
    OPEN = 1  # 报名中
    CHOOSING = 2  # deadline passed, a direct selection waits for the owner's pick
    SELECTED = 3  # 已选定: 中选公告 published, publicity running, then the contract
    FAILED = 4  # 流标: nobody eligible registered
    ANNULLED = 5  # selection set aside after an upheld objection
    CANCELLED = 6  # withdrawn by the owner before the deadline


class ServiceStatus(IntEnum):
    """The agency's engagement (中介服务), from selection to accepted result."""

    AWAITING_CONTRACT = 1  # 待签合同
    IN_PROGRESS = 2  # 服务中 (clock running)
    PAUSED = 3  # 暂停 (clock stopped, with a reason)
    RESULT_SUBMITTED = 4  # 成果待确认
    ACCEPTED = 5  # 成果已确认
    LAPSED = 6  # the contract window passed without both signatures
    ANNULLED = 7  # the selection behind it was set aside


OPEN_SERVICE = (ServiceStatus.IN_PROGRESS, ServiceStatus.PAUSED, ServiceStatus.RESULT_SUBMITTED)


class ObjectionStatus(IntEnum):
    OPEN = 1
    UPHELD = 2
    DISMISSED = 3


class ServiceType(SQLModel, table=True):
    """A kind of intermediary service from ``data/intermediary.toml`` and the approval item
    whose material its result is."""

    code: str = Field(primary_key=True, max_length=16)
    name_zh: str = Field(max_length=60)
    name_en: str = Field(max_length=120)
    item_code: str | None = Field(default=None, max_length=32, description="item it feeds")
    material_code: str | None = Field(default=None, max_length=32, description="its result")
    qualification: str = Field(default="", max_length=60, description="legally required 资质")
    legal_basis: str = Field(default="", max_length=300)


class Agency(SQLModel, table=True):
    """An intermediary agency (中介机构): a company admitted to the market."""

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", unique=True)
    status: int = Field(default=AgencyStatus.PENDING, index=True)
    intro: str = Field(default="", max_length=1000)
    review_note: str = Field(default="", max_length=300)
    reviewed_by: int | None = Field(default=None, foreign_key="user.id")
    reviewed_at: dt.datetime | None = None
    blacklisted_until: dt.date | None = None
    blacklist_reason: str = Field(default="", max_length=300)
    credit: float = Field(
        default=90.0, index=True, description="信用分, see services.agency.credit"
    )
    completed: int = Field(default=0, description="services with an accepted result")
    violations: int = Field(default=0, description="blacklistings (违规), a credit penalty")
    created_at: dt.datetime = Field(default_factory=utcnow)
    version: int = 1


class AgencyServiceArea(SQLModel, table=True):
    """One (service type, city) an admitted agency offers; the opportunities page joins it."""

    __table_args__ = (UniqueConstraint("agency_id", "service_code", "city_code"),)
    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    service_code: str = Field(foreign_key="servicetype.code", max_length=16)
    city_code: str = Field(max_length=6)


class Qualification(SQLModel, table=True):
    """A 资质 certificate an agency holds, checked by the reviewing administrator."""

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    category: str = Field(max_length=60)
    grade: str = Field(default="", max_length=20)
    certificate_no: str = Field(max_length=60)
    valid_until: dt.date
    file_id: int | None = Field(default=None, foreign_key="storedfile.id")
    checked: bool = Field(default=False, description="seen against the issuing register")
    rejected: bool = False
    check_note: str = Field(default="", max_length=200)


class AgencyStaff(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    name: str = Field(max_length=40)
    title: str = Field(default="", max_length=60, description="职称 / 执业资格")
    certificate_no: str = Field(default="", max_length=60)


class Purchase(SQLModel, table=True):
    """An owner's purchase of a service (采购公告) and its selection (中选公告)."""

    __table_args__ = (
        # The agencies' opportunities: open announcements of a service in a city, soonest first.
        Index("ix_purchase_open", "status", "service_code", "city_code", "deadline"),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=24, unique=True, description="公告编号")
    project_id: int = Field(foreign_key="project.id", index=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    service_code: str = Field(foreign_key="servicetype.code", max_length=16)
    city_code: str = Field(max_length=6)
    region_code: str = Field(max_length=6)
    scope: str = Field(max_length=1000)
    budget: float | None = Field(default=None, description="元; None: undisclosed")
    limit_days: int = Field(description="promised service time, working days")
    method: int
    weights: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    qualification: str = Field(default="", max_length=60)
    published_at: dt.datetime = Field(default_factory=utcnow)
    deadline: dt.datetime = Field(description="registration closes (报名截止)")
    seed_hash: str = Field(max_length=64, description="sha256 of the draw seed, published")
    seed: str = Field(default="", max_length=64, description="revealed at the deadline")
    status: int = Field(default=PurchaseStatus.OPEN)
    registrations: int = 0
    winner_id: int | None = Field(default=None, foreign_key="agency.id", index=True)
    winner_quote: float | None = None
    result: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    selected_at: dt.datetime | None = Field(default=None, index=True)
    publicity_until: dt.date | None = None
    created_by: int = Field(foreign_key="user.id")
    version: int = 1


class Registration(SQLModel, table=True):
    """An agency's registration (报名) for a purchase, with its quote."""

    __table_args__ = (UniqueConstraint("purchase_id", "agency_id"),)
    id: int | None = Field(default=None, primary_key=True)
    purchase_id: int = Field(foreign_key="purchase.id", index=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    quote: float | None = Field(default=None, description="元")
    registered_at: dt.datetime = Field(default_factory=utcnow)
    registered_by: int = Field(foreign_key="user.id")
    eligible: bool | None = Field(default=None, description="decided at the deadline")
    ineligible_reason: str = Field(default="", max_length=40)
    score: float | None = None


class Objection(SQLModel, table=True):
    """An objection (异议) to a selection during its publicity."""

    id: int | None = Field(default=None, primary_key=True)
    purchase_id: int = Field(foreign_key="purchase.id", index=True)
    raised_by: int = Field(foreign_key="user.id")
    body: str = Field(max_length=2000)
    status: int = Field(default=ObjectionStatus.OPEN, index=True)
    answer: str = Field(default="", max_length=2000)
    answered_by: int | None = Field(default=None, foreign_key="user.id")
    raised_at: dt.datetime = Field(default_factory=utcnow)
    answered_at: dt.datetime | None = None


class AgencyService(SQLModel, table=True):
    """The engagement behind a selection: contract, clock, result, evaluation."""

    __table_args__ = (Index("ix_agencyservice_status_due", "status", "due_date"),)
    id: int | None = Field(default=None, primary_key=True)
    purchase_id: int = Field(foreign_key="purchase.id", unique=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    project_id: int = Field(foreign_key="project.id")
    status: int = Field(default=ServiceStatus.AWAITING_CONTRACT)
    contract_due: dt.date = Field(description="both sides confirm the contract by this day")
    contract_file_id: int | None = Field(default=None, foreign_key="storedfile.id")
    owner_confirmed_at: dt.datetime | None = None
    agency_confirmed_at: dt.datetime | None = None
    limit_days: int
    started_on: dt.date | None = None
    due_date: dt.date | None = None
    paused_since: dt.datetime | None = None
    pause_reason: str = Field(default="", max_length=200)
    paused_days: int = 0
    result_file_id: int | None = Field(default=None, foreign_key="storedfile.id")
    result_submitted_at: dt.datetime | None = None
    returns: int = Field(default=0, description="results the owner sent back")
    return_reason: str = Field(default="", max_length=500)
    accepted_at: dt.datetime | None = None
    on_time: bool | None = None
    owner_rating: int | None = Field(default=None, ge=1, le=5)
    owner_comment: str = Field(default="", max_length=500)
    quality_rating: int | None = Field(default=None, ge=1, le=5, description="by the department")
    quality_by: int | None = Field(default=None, foreign_key="user.id")
    version: int = 1
