"""Typed rows of the approval workbenches' read models (审批工作台): what the window's queue,
a department's inbox and the case views show. Statuses are the engine's own (``Blzt`` for
items), booleans are booleans, counts and ids are numbers; a page reads a row's fields and never
re-derives an engine rule from raw codes (``active`` says whether the department may act).

Every field has a default, so an empty row stands for "nothing open" in a page's state.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class QueueRow:
    """An application in the window's queue (综合窗口)."""

    id: int = 0
    case_no: str = ""
    project: str = ""
    project_code: str = ""
    stage: int = 0
    status: str = ""  # the stage case's: submitted, received, supplement
    returned: bool = False  # back from a 一次性告知 with its materials
    submitted: str = ""


@dataclass(frozen=True)
class InboxRow:
    """An item case in a department's inbox, with its clock."""

    id: int = 0
    case_no: str = ""
    project: str = ""
    item_zh: str = ""
    item_en: str = ""
    stage: int = 0
    ptype: int = 0
    status: int = 0  # Blzt
    due: str = ""
    left: int | None = None  # working days left; negative when overdue; None without a clock
    clock: str = ""  # normal warning due overdue paused done waiting
    waiting: str = ""  # prerequisite item codes still awaited


@dataclass(frozen=True)
class StageHeader:
    """The application (stage case) around the items: project facts and its own progress."""

    id: int = 0
    case_no: str = ""
    status: str = ""  # submitted received supplement accepted closed refused withdrawn
    stage: int = 0
    stage_zh: str = ""
    stage_en: str = ""
    submitted: str = ""
    accepted: str = ""
    due: str = ""
    lead_department_id: int = 0
    project: str = ""
    project_code: str = ""
    location: str = ""
    investment: float = 0.0
    floor_area: float = 0.0
    ptype: int = 0
    # the applicant party, ID and phone masked (services/core/personal)
    applicant: str = ""
    contact: str = ""
    phone: str = ""
    id_number: str = ""
    # the 信用 service's last word on the party: CreditStatus; checked only when configured
    credit: int = 0
    credit_checked: bool = False  # a credit service is configured (else nothing is shown)
    code_check: int = 0  # SourceState: what the investment platform said of the project code


@dataclass(frozen=True)
class MaterialRow:
    """A material of the application beside the checklist: present, owed (容缺) or missing."""

    code: str = ""
    name_zh: str = ""
    name_en: str = ""
    key: bool = False  # a 关键材料 of some item of the application
    source: str = ""
    file_id: int | None = None
    filename: str = ""
    size: int | None = None
    owed: str = ""  # the date it is owed until, when accepted under 容缺
    present: bool = False


@dataclass(frozen=True)
class ItemRow:
    """An item of the application with its department and clock."""

    id: int = 0
    case_no: str = ""
    item_zh: str = ""
    item_en: str = ""
    department: str = ""
    status: int = 0  # Blzt
    active: bool = False  # the department is handling it (may decide, pause, ask 补正)
    finished: bool = False  # a terminal status: decided, withdrawn, revoked
    paused: bool = False  # 补正 or a special procedure stops its clock
    clock: str = ""
    due: str = ""
    used_days: int = 0
    paused_days: int = 0
    left: int | None = None
    waiting: str = ""
    blocked: str = ""


@dataclass(frozen=True)
class OpenItem(ItemRow):
    """The item case in a department's hands, with what its action bar needs."""

    promise_allowed: bool = False  # 告知承诺 is allowed for this item
    limit: int = 0
    chain_len: int = 1  # steps inside the department; 1: the handler decides alone
    step_name: str = ""  # handle review sign
    proposal: str = ""  # the outcome proposed at the 经办 step, if any


@dataclass(frozen=True)
class NoticeRow:
    """A supplement notice (一次性告知 / 补正) of the application."""

    id: int = 0
    issued: str = ""
    answered: str = ""
    materials: str = ""
    remarks: str = ""


@dataclass(frozen=True)
class HistoryRow:
    """One immutable history row (办理过程) of an item case."""

    at: str = ""
    status: int | None = None  # Blzt after the step; None for a step that moves no status
    action: str = ""
    office: str = ""
    handler: str = ""
    opinion: str = ""


@dataclass(frozen=True)
class ConditionRow:
    """A condition a department set in 策划生成 (approval/generation), as it follows the
    project into stage 1."""

    department: str = ""
    conditions: str = ""


@dataclass(frozen=True)
class StageView:
    """The whole application: header, materials, items, notices; ``item`` and ``history`` only
    in a department's view of one item case."""

    case: StageHeader = field(default_factory=StageHeader)
    materials: list[MaterialRow] = field(default_factory=list)
    item_cases: list[ItemRow] = field(default_factory=list)
    notices: list[NoticeRow] = field(default_factory=list)
    conditions: list[ConditionRow] = field(default_factory=list)  # 策划生成's, in stage 1
    item: OpenItem = field(default_factory=OpenItem)
    history: list[HistoryRow] = field(default_factory=list)


@dataclass(frozen=True)
class LeadStageRow:
    """A stage case the department leads: how many of its items are finished."""

    id: int = 0
    case_no: str = ""
    project: str = ""
    stage: int = 0
    due: str = ""
    paused: bool = False  # every running item paused: the due date moves on (stage_clock)
    done: int = 0
    total_items: int = 0  # not "items": a row is an object Var in a page (.items() is taken)


@dataclass(frozen=True)
class PostCheckRow:
    """A 告知承诺 post-check task (事后核查)."""

    id: int = 0
    item_case_id: int = 0
    case_no: str = ""
    item_zh: str = ""
    item_en: str = ""
    project: str = ""
    due: str = ""
    status: str = ""
    note: str = ""


@dataclass(frozen=True)
class BadGradeRow:
    """A bad grade (差评) awaiting rectification."""

    id: int = 0
    case_no: str = ""
    project: str = ""
    grade: int = 0
    comment: str = ""
    rectify_by: str = ""
    overdue: bool = False  # past its rectification date


@dataclass(frozen=True)
class InspectionRow:
    """One department's part in a joint acceptance (联合验收)."""

    id: int = 0
    department: str = ""
    item_zh: str = ""
    item_en: str = ""
    mine: bool = False  # the viewer's department records this one
    visited_on: str = ""
    passed: bool = False
    recorded: bool = False  # the department has recorded its inspection (passed is meaningful)
    opinion: str = ""


@dataclass(frozen=True)
class JointView:
    id: int = 0
    kind: str = "acceptance"  # JointKind: acceptance 联合验收, drawings 联合审图
    site_visit_on: str = ""
    status: str = ""  # open concluded
    passed: bool | None = None
    conclusion: str = ""
    inspections: list[InspectionRow] = field(default_factory=list)


@dataclass(frozen=True)
class Verification:
    """What the public verification page (证照核验) shows: no personal data."""

    genuine: bool = False  # a certificate with this token exists
    valid: bool = False  # genuine, not revoked, and not expired today
    status: str = ""
    cert_no: str = ""
    name: str = ""
    project: str = ""
    issued_on: str = ""
    valid_until: str = ""  # "" : long-term (长期)


@dataclass(frozen=True)
class DeliveryRow:
    """A closed stage whose results the window has yet to hand over (待出件)."""

    id: int = 0
    case_no: str = ""
    stage: int = 0
    project: str = ""
    company: str = ""
    closed: str = ""
