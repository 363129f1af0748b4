"""Typed rows of the online service hall's read models (网上办事大厅): the applicant's project
cards with every stage, item, clock and result. Statuses are the engine's (``Blzt`` for items),
booleans are booleans, ids and counts are numbers."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class HallItem:
    """An item case as the applicant sees it: its clock and, once decided, its results."""

    id: int = 0
    case_no: str = ""
    item_zh: str = ""
    item_en: str = ""
    status: int = 0  # Blzt
    clock: str = ""
    used_days: int = 0
    paused_days: int = 0
    left: int | None = None
    due: str = ""
    doc: str = ""  # approval document number (批文号)
    doc_title: str = ""  # its title (批复文件标题), what the link reads
    doc_id: int | None = None
    cert: str = ""  # certificate number (证照编号)
    cert_name: str = ""  # what the certificate is, e.g. 建设工程规划许可证
    cert_id: int | None = None
    cert_status: str = ""
    # 好差评, one per item case (一事一评)
    can_rate: bool = False
    rate_until: str = ""  # the last day it may be rated, while it may
    rated: int = 0  # the grade given (1-5), 0 when not rated
    bad_grade: bool = False  # 1 or 2: the item's department owes a rectification and call-back
    rectify_by: str = ""
    rectification: str = ""
    callback: str = ""


@dataclass(frozen=True)
class HallStage:
    """One application (stage case) of the project, with what the applicant may do with it."""

    id: int = 0
    case_no: str = ""
    stage: int = 0
    status: str = ""
    project_id: int = 0
    # not "items": a row is an object Var in a page, whose .items() is taken
    item_cases: list[HallItem] = field(default_factory=list)
    open_notices: int = 0  # 一次性告知 / 补正 notices awaiting the applicant
    owed_materials: int = 0  # 容缺 materials still to hand in (/hall/owed)
    can_withdraw: bool = False
    window: str = ""  # the window that takes it (事权: a county's or the city's) and its address


@dataclass(frozen=True)
class Milestone:
    """A main-line stage on the project's timeline."""

    stage: int = 0
    state: str = ""  # done current todo
    status: str = ""  # the stage case's status, when one was filed


@dataclass(frozen=True)
class ProjectCard:
    id: int = 0
    code: str = ""
    name: str = ""
    current_stage: int = 0
    used_days: int = 0
    target: int | None = None  # the process type's full-process target in working days
    completed: bool = False
    editable: bool = False  # registration may be changed until the first acceptance
    stages: list[HallStage] = field(default_factory=list)
    timeline: list[Milestone] = field(default_factory=list)


@dataclass(frozen=True)
class ProjectChoice:
    """A project the one form may apply for, as its chooser lists it."""

    id: int = 0
    name: str = ""
    stage: int = 0  # its current main-line stage


@dataclass(frozen=True)
class Question:
    """A yes/no question of the guided questionnaire (引导式问答) and its current answer."""

    key: str = ""
    value: bool = False


@dataclass(frozen=True)
class FormItem:
    """An item the one form (一张表单) applies for, given the answers."""

    code: str = ""
    name_zh: str = ""
    name_en: str = ""
    limit: int = 0  # promised working days


@dataclass(frozen=True)
class FormMaterial:
    """A material the form asks for once, with where it may already be on file."""

    code: str = ""
    name_zh: str = ""
    name_en: str = ""
    key: bool = False  # 关键材料: never owed under 容缺
    deferrable: bool = False  # may be owed (容缺) and supplied later
    satisfied_by: str = ""  # library or certificate: already on file, not asked again
    template: str = ""  # the blank template's URL, where the catalogue has one
    valid_until: str = ""  # ISO date the copy on file is valid to ("" open-ended or none)
    expired_on: str = ""  # ISO date the library's copy ended: upload a new one


@dataclass(frozen=True)
class ApplyForm:
    questions: list[Question] = field(default_factory=list)
    form_items: list[FormItem] = field(default_factory=list)
    materials: list[FormMaterial] = field(default_factory=list)


@dataclass(frozen=True)
class NoticeMaterial:
    code: str = ""
    name_zh: str = ""
    name_en: str = ""
    remark: str = ""


@dataclass(frozen=True)
class OpenNotice:
    """A supplement notice (一次性告知 / 补正) waiting for the applicant's materials."""

    id: int = 0
    remarks: str = ""
    materials: list[NoticeMaterial] = field(default_factory=list)
    stage: int = 0  # the stage of the application it belongs to


@dataclass(frozen=True)
class GuideMaterial:
    code: str = ""
    name_zh: str = ""
    name_en: str = ""
    key: bool = False
    deferrable: bool = False
    template: str = ""


@dataclass(frozen=True)
class GuideItem:
    """An item of the public service guide (办事指南): basis, limit, fee, office, materials."""

    code: str = ""
    name_zh: str = ""
    name_en: str = ""
    stage: int = 0
    limit: int = 0
    basis: str = ""
    fee: str = ""
    conditions: str = ""
    promise: bool = False  # 告知承诺 is allowed
    department: str = ""
    address: str = ""
    hours: str = ""
    materials: list[GuideMaterial] = field(default_factory=list)


@dataclass(frozen=True)
class AppointmentRow:
    """A booking at an office (预约办事); ``company`` is filled in for the clerk's list."""

    id: int = 0
    ticket: str = ""
    day: str = ""
    start: str = ""
    end: str = ""
    office: str = ""
    address: str = ""
    topic: str = ""
    status: str = ""  # booked checked_in cancelled
    company: str = ""


@dataclass(frozen=True)
class InquiryRow:
    """A consultation or complaint (咨询投诉) in a list."""

    id: int = 0
    kind: str = ""  # question complaint
    subject: str = ""
    status: str = ""  # open answered closed
    department: str = ""
    updated: str = ""


@dataclass(frozen=True)
class ThreadMessage:
    author: str = ""
    staff: bool = False  # written by the department, not the applicant
    body: str = ""
    at: str = ""


@dataclass(frozen=True)
class CaseChoice:
    """One of the company's item cases, to name the one a complaint is about."""

    id: int = 0
    label: str = ""
    label_en: str = ""
