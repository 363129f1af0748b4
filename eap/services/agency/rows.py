"""What the market's pages show: typed rows, built by ``views`` and ``public``. Statuses stay
their ``IntEnum`` values (pages translate ``market.status.*``); amounts and days are numbers;
dates are ISO strings in Beijing time."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Choice:
    code: str
    name: str


@dataclass(frozen=True)
class AgencyProfile:
    registered: bool = False
    status: int = 0
    name: str = ""
    uscc: str = ""
    intro: str = ""
    service_codes: tuple[str, ...] = ()
    city_codes: tuple[str, ...] = ()
    review_note: str = ""
    credit: float = 0.0
    completed: int = 0
    blacklisted_until: str = ""


@dataclass(frozen=True)
class QualificationRow:
    id: int
    agency: str
    category: str
    grade: str
    certificate_no: str
    valid_until: str
    file_id: int
    checked: bool
    rejected: bool
    note: str


@dataclass(frozen=True)
class StaffRow:
    name: str
    title: str
    certificate_no: str


@dataclass(frozen=True)
class OpportunityRow:
    id: int
    number: str
    service: str
    project: str
    owner: str
    city: str
    budget: float
    budget_disclosed: bool
    limit_days: int
    method: int
    deadline: str
    registrations: int
    qualification: str
    registered: bool
    weights: str = ""  # 综合评分: "price/credit/experience", e.g. "40/40/20"


@dataclass(frozen=True)
class BidRow:
    purchase_id: int
    number: str
    service: str
    owner: str
    quote: float
    quoted: bool
    registered_at: str
    status: int
    eligible: int  # -1 not decided yet, 0 no, 1 yes
    reason: str
    won: bool
    publicity_until: str
    in_publicity: bool  # an objection may still be raised


@dataclass(frozen=True)
class ServiceRow:
    id: int
    number: str
    service: str
    project: str
    owner: str
    agency: str
    status: int
    contract_due: str
    due_date: str
    days_left: int
    overdue: bool
    pause_reason: str
    contract_file_id: int
    result_file_id: int
    owner_confirmed: bool
    agency_confirmed: bool
    returns: int
    return_reason: str
    owner_rating: int
    quality_rating: int
    material: str


@dataclass(frozen=True)
class PurchaseRow:
    id: int
    number: str
    service: str
    project: str
    status: int
    method: int
    budget: float
    budget_disclosed: bool
    limit_days: int
    deadline: str
    registrations: int
    winner: str
    winner_quote: float
    publicity_until: str
    service_id: int


@dataclass(frozen=True)
class RegistrantRow:
    agency_id: int
    name: str
    uscc: str
    quote: float
    quoted: bool
    credit: float
    eligible: bool
    reason: str


@dataclass(frozen=True)
class AnnouncementRow:
    number: str
    service: str
    city: str
    owner: str
    project: str
    budget: float
    budget_disclosed: bool
    limit_days: int
    method: int
    published: str
    deadline: str
    registrations: int
    seed_hash: str
    weight_price: int = 0  # 综合评分's published weights (0 for other methods)
    weight_credit: int = 0
    weight_experience: int = 0


@dataclass(frozen=True)
class ResultRow:
    id: int
    number: str
    service: str
    city: str
    owner: str
    method: int
    status: int
    winner: str
    winner_uscc: str
    quote: float
    quoted: bool
    selected_at: str
    publicity_until: str
    in_publicity: bool
    eligible: int
    seed: str
    seed_hash: str


@dataclass(frozen=True)
class DirectoryRow:
    id: int
    rank: int
    name: str
    uscc: str
    services: str
    cities: str
    credit: float
    completed: int
    blacklisted: bool


@dataclass(frozen=True)
class PendingAgencyRow:
    id: int
    name: str
    uscc: str
    services: str
    cities: str
    applied_at: str
    qualifications: int
    credit: int = 0  # CreditStatus as the 信用 service last said
    credit_checked: bool = False  # a credit service is configured


@dataclass(frozen=True)
class ObjectionRow:
    id: int
    number: str
    body: str
    raised_at: str
    status: int
    answer: str
