"""Stage cases (并联审批实例, BLSPSLBM), item cases (事项实例, SPSXSLBM) and their history."""

from __future__ import annotations

import datetime as dt
from enum import IntEnum, StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint, event
from sqlmodel import Field, SQLModel

from eap.models.common import sealed_column, utcnow


class Blzt(IntEnum):
    """An item case's status: the national 办理状态 (BLZT) codes of DOMAIN §5; 0 is ours
    (submitted online, not yet received at the window)."""

    SUBMITTED = 0
    RECEIVED = 1
    WITHDRAWN_BEFORE = 2
    ACCEPTED = 3
    NOT_TAKEN = 4
    REFUSED_INTAKE = 5
    SUPPLEMENT_REQUESTED = 6
    SUPPLEMENT_SUPPLIED = 7
    HANDLING = 8
    SPECIAL_START = 9
    SPECIAL_END = 10
    APPROVED = 11
    APPROVED_OWED = 12
    REFUSED = 13
    WITHDRAWN = 14
    REVOKED = 15


TERMINAL: frozenset[int] = frozenset(
    {
        Blzt.WITHDRAWN_BEFORE,
        Blzt.NOT_TAKEN,
        Blzt.REFUSED_INTAKE,
        Blzt.APPROVED,
        Blzt.APPROVED_OWED,
        Blzt.REFUSED,
        Blzt.WITHDRAWN,
        Blzt.REVOKED,
    }
)
APPROVED_STATES: frozenset[int] = frozenset({Blzt.APPROVED, Blzt.APPROVED_OWED})
# States in which the department is actively handling the case.
ACTIVE: frozenset[int] = frozenset({Blzt.HANDLING, Blzt.SUPPLEMENT_SUPPLIED, Blzt.SPECIAL_END})


class StageCase(SQLModel, table=True):
    """One application for one stage of one project: the one form (一张表单)."""

    # The deadline sweep reads open cases by due date; finished history stays out of its path.
    __table_args__ = (
        Index("ix_stagecase_status_due", "status", "due_date"),
        # The window's queue: its region's waiting applications, oldest first.
        Index(
            "ix_stagecase_window_status_submitted", "window_region_code", "status", "submitted_at"
        ),
        # Supervision's and the screen's reads by the project's city.
        Index("ix_stagecase_region_status_submitted", "region_code", "status", "submitted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_no: str = Field(default="", max_length=40, index=True, description="BLSPSLBM")
    project_id: int = Field(foreign_key="project.id", index=True)
    process_id: int = Field(foreign_key="process.id")
    stage_code: int = Field(foreign_key="stagedef.code")
    region_code: str = Field(foreign_key="region.code", description="the project's city")
    # 一窗受理 at the level that handles the stage (see approval/jurisdiction): the county's
    # window for a county project whose stage has county items, else the city's.
    window_region_code: str = Field(default="", max_length=6)
    lead_department_id: int = Field(foreign_key="department.id")
    # Status lookups use ix_stagecase_status_due (its leading column).
    status: str = Field(
        default="submitted",
        max_length=16,
        description="submitted received supplement accepted closed refused withdrawn",
    )
    channel: int = Field(default=2, description="SLFS: 1 window, 2 online")
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    submitted_by: int | None = Field(default=None, foreign_key="user.id")
    submitted_at: dt.datetime = Field(default_factory=utcnow)
    received_at: dt.datetime | None = None
    accepted_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    due_date: dt.date | None = None
    limit_days: int = 0
    used_days: int = 0
    paused_since: dt.datetime | None = Field(
        default=None, description="every open item of the stage paused since (see stage_clock)"
    )
    paused_days: int = Field(default=0, description="working days the stage stood paused")
    version: int = Field(
        default=1, description="optimistic lock, see services/case_store.save_versioned"
    )


class ItemCase(SQLModel, table=True):
    __table_args__ = (
        Index("ix_itemcase_status_due", "status", "due_date"),
        # A department's inbox: its open cases by deadline, one index range per status.
        Index("ix_itemcase_dept_status_due", "department_id", "status", "due_date"),
    )
    id: int | None = Field(default=None, primary_key=True)
    case_no: str = Field(default="", max_length=40, index=True, description="SPSXSLBM")
    stage_case_id: int = Field(foreign_key="stagecase.id", index=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    item_id: int = Field(foreign_key="item.id")
    # Both served by the leading columns of the composite indexes above; a separate index on
    # each would only add pages to every status change.
    department_id: int = Field(foreign_key="department.id")
    status: int = Field(default=0, description="BLZT; 0 = submitted, not yet received")
    phase: str = Field(default="intake", max_length=10, description="intake | handling | done")
    limit_days: int = Field(description="SXBLSX snapshot at acceptance")
    promise: bool = Field(default=False, description="approved on commitment (告知承诺)")
    waiting_on: str = Field(default="", max_length=100, description="unmet prerequisite codes")
    blocked_reason: str = Field(default="", max_length=200)
    clock_started_at: dt.datetime | None = Field(default=None, index=True)
    due_date: dt.date | None = Field(default=None, index=True)
    due_provisional: bool = False
    paused_since: dt.datetime | None = None
    pause_kind: str = Field(default="", max_length=12, description="supplement | special")
    paused_days: int = 0
    supplements: int = 0
    handler_id: int | None = Field(default=None, foreign_key="user.id")
    decided_at: dt.datetime | None = Field(default=None, index=True)
    used_days: int = 0
    updated_at: dt.datetime = Field(default_factory=utcnow)
    step: int = Field(default=0, description="position in the department's chain of steps")
    proposal: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    assignee_id: int | None = Field(default=None, foreign_key="user.id")
    version: int = Field(
        default=1, description="optimistic lock, see services/case_store.save_versioned"
    )


class CaseEvent(SQLModel, table=True):
    """Immutable history (SPGL_XMSPSXBLXXXXB): written with the change, never edited."""

    id: int | None = Field(default=None, primary_key=True)
    stage_case_id: int = Field(foreign_key="stagecase.id", index=True)
    item_case_id: int | None = Field(default=None, foreign_key="itemcase.id", index=True)
    status: int | None = Field(default=None, description="BLZT after the event, item events")
    action: str = Field(max_length=40)
    office: str = Field(default="", max_length=100, description="BLCS")
    handler_id: int | None = Field(default=None, foreign_key="user.id")
    handler_name: str = Field(default="", max_length=60, description="BLR")
    opinion: str = Field(default="", max_length=1000, description="BLYJ")
    # History is read per case in id order; the big screen's live feed reads the latest by time.
    at: dt.datetime = Field(default_factory=utcnow, index=True, description="BLSJ, server time")
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


class StageMaterial(SQLModel, table=True):
    """A material of the one form, as supplied (or owed) for a stage case."""

    __table_args__ = (UniqueConstraint("stage_case_id", "material_id"),)
    id: int | None = Field(default=None, primary_key=True)
    stage_case_id: int = Field(foreign_key="stagecase.id", index=True)
    material_id: int = Field(foreign_key="material.id")
    file_id: int | None = Field(default=None, foreign_key="storedfile.id")
    certificate_id: int | None = Field(default=None, foreign_key="certificate.id")
    source: str = Field(default="upload", max_length=12, description="upload library certificate")
    owed: bool = Field(default=False, description="容缺: to be supplied later")
    owed_until: dt.date | None = Field(default=None, description="the applicant's promised date")
    reminded_at: dt.datetime | None = Field(default=None, description="reminded before the date")
    late_noticed_at: dt.datetime | None = Field(
        default=None, description="the departments told the promised date passed"
    )


class SupplementNotice(SQLModel, table=True):
    """一次性告知: everything missing, listed at once."""

    id: int | None = Field(default=None, primary_key=True)
    stage_case_id: int = Field(foreign_key="stagecase.id", index=True)
    item_case_id: int | None = Field(default=None, foreign_key="itemcase.id", index=True)
    materials: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    remarks: str = Field(default="", max_length=1000)
    issued_by: int | None = Field(default=None, foreign_key="user.id")
    issued_at: dt.datetime = Field(default_factory=utcnow)
    answered_at: dt.datetime | None = None


class SpecialProcedure(SQLModel, table=True):
    """特别程序 (SPGL_XMSPSXBLTBCXXXB): not counted in the item's limit; has its own."""

    id: int | None = Field(default=None, primary_key=True)
    item_case_id: int = Field(foreign_key="itemcase.id", index=True)
    kind: str = Field(max_length=20, description="expert hearing survey notice testing other")
    reason: str = Field(max_length=500)
    limit_days: int = Field(ge=1)
    started_at: dt.datetime = Field(default_factory=utcnow)
    due_date: dt.date
    ended_at: dt.datetime | None = None
    result: str = Field(default="", max_length=500)


class ApprovalDocument(SQLModel, table=True):
    """批复文件 (SPGL_XMSPSXPFWJXXB)."""

    id: int | None = Field(default=None, primary_key=True)
    item_case_id: int = Field(foreign_key="itemcase.id", index=True)
    doc_no: str = Field(max_length=60, unique=True, description="PFWH")
    title: str = Field(max_length=200, description="PFWJBT")
    issued_on: dt.date = Field(description="PFRQ")
    valid_until: dt.date | None = Field(default=None, description="PFWJYXQX")
    file_id: int | None = Field(default=None, foreign_key="storedfile.id")


class Certificate(SQLModel, table=True):
    """电子证照: reused by later stages as the material it is."""

    __table_args__ = (UniqueConstraint("cert_no"),)
    id: int | None = Field(default=None, primary_key=True)
    cert_no: str = Field(max_length=60)
    item_case_id: int = Field(foreign_key="itemcase.id", index=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    material_id: int | None = Field(default=None, foreign_key="material.id")
    name: str = Field(max_length=100)
    issued_on: dt.date
    valid_until: dt.date | None = None
    status: str = Field(default="valid", max_length=10, description="valid | revoked")
    verify_token: str = Field(max_length=40, unique=True)
    # 电子证照库 outbox: pending until the library has this version (issue, then revocation)
    library_pending: bool = Field(default=True, index=True)
    library_attempts: int = 0
    library_next_at: dt.datetime | None = None
    library_error: str = Field(default="", max_length=200)


class PostCheckTask(SQLModel, table=True):
    """告知承诺 post-approval verification task for the department."""

    id: int | None = Field(default=None, primary_key=True)
    item_case_id: int = Field(foreign_key="itemcase.id", index=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    due_date: dt.date
    status: str = Field(default="open", max_length=10, description="open verified false")
    note: str = Field(default="", max_length=500)
    checked_by: int | None = Field(default=None, foreign_key="user.id")
    checked_at: dt.datetime | None = None


class Notification(SQLModel, table=True):
    """In-app inbox; its SMS copy goes through the outbox below."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    company_id: int | None = Field(default=None, foreign_key="company.id", index=True)
    key: str = Field(max_length=60, description="message-catalogue key")
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    stage_case_id: int | None = Field(default=None, foreign_key="stagecase.id")
    item_case_id: int | None = Field(default=None, foreign_key="itemcase.id")
    # The inbox reads by recipient, newest first by id: time needs no index of its own.
    created_at: dt.datetime = Field(default_factory=utcnow)
    read_at: dt.datetime | None = None


class SmsOutbox(SQLModel, table=True):
    """Transactional outbox: written with the decision, delivered after commit. The phone and
    the text (which may carry a code) are sealed."""

    id: int | None = Field(default=None, primary_key=True)
    phone: str = Field(sa_column=sealed_column())
    text: str = Field(sa_column=sealed_column())
    status: str = Field(
        default="pending", max_length=10, index=True, description="pending sent failed"
    )
    attempts: int = 0
    created_at: dt.datetime = Field(default_factory=utcnow)
    sent_at: dt.datetime | None = None
    error: str = Field(default="", max_length=200)


@event.listens_for(CaseEvent, "before_update")
@event.listens_for(CaseEvent, "before_delete")
def _history_is_immutable(_mapper, _connection, target: CaseEvent) -> None:
    raise PermissionError(f"case history row {target.id} is immutable")


class Evaluation(SQLModel, table=True):
    """好差评: one evaluation per finished item case (一事一评: one per 办件, as the national
    rules count them), rectified by that item's department when the grade is bad."""

    __table_args__ = (Index("uq_evaluation_item_case", "item_case_id", unique=True),)
    id: int | None = Field(default=None, primary_key=True)
    item_case_id: int = Field(foreign_key="itemcase.id")
    # Denormalised from the item case: the applicant's page groups by stage, the department's
    # worklist and the KPI roll-up filter by department.
    stage_case_id: int = Field(foreign_key="stagecase.id", index=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    grade: int = Field(ge=1, le=5, description="5 非常满意 … 1 非常不满意")
    comment: str = Field(default="", max_length=500)
    at: dt.datetime = Field(default_factory=utcnow, index=True)
    rectify_by: dt.date | None = Field(
        default=None, description="bad grades: EAP_EVALUATION_RECTIFY_DAYS working days"
    )
    rectified_at: dt.datetime | None = None
    rectification: str = Field(default="", max_length=1000)
    callback_at: dt.datetime | None = None
    callback_note: str = Field(default="", max_length=500)


class StepChain(SQLModel, table=True):
    """A department's chain of steps (经办 → 审核 → 签发) for one item, or for all its items."""

    __table_args__ = (UniqueConstraint("department_id", "item_id"),)
    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    item_id: int | None = Field(default=None, foreign_key="item.id")
    steps: list[str] = Field(default_factory=list, sa_column=Column(JSON))


class JointKind(StrEnum):
    ACCEPTANCE = "acceptance"  # 联合验收 (stage 4): requested by the lead, with a site visit
    DRAWINGS = "drawings"  # 联合审图 (stage 3): opened at acceptance where the city runs it


class JointAcceptance(SQLModel, table=True):
    """A joint review of one stage case: 联合验收 of a completion-acceptance stage or 联合审图
    of the construction drawings — the departments' opinions in parallel, one combined result."""

    __table_args__ = (UniqueConstraint("stage_case_id"),)
    id: int | None = Field(default=None, primary_key=True)
    stage_case_id: int = Field(foreign_key="stagecase.id")
    kind: str = Field(default=JointKind.ACCEPTANCE, max_length=12, description="JointKind")
    site_visit_on: dt.date | None = None
    requested_by: int | None = Field(default=None, foreign_key="user.id")
    requested_at: dt.datetime = Field(default_factory=utcnow)
    status: str = Field(default="open", max_length=10, description="open | concluded")
    passed: bool | None = None
    conclusion: str = Field(default="", max_length=1000)
    concluded_at: dt.datetime | None = None


class JointInspection(SQLModel, table=True):
    """Each department's inspection within a joint acceptance."""

    __table_args__ = (UniqueConstraint("joint_id", "item_case_id"),)
    id: int | None = Field(default=None, primary_key=True)
    joint_id: int = Field(foreign_key="jointacceptance.id", index=True)
    item_case_id: int = Field(foreign_key="itemcase.id")
    department_id: int = Field(foreign_key="department.id")
    visited_on: dt.date | None = None
    passed: bool | None = None
    opinion: str = Field(default="", max_length=1000)
    recorded_by: int | None = Field(default=None, foreign_key="user.id")
    recorded_at: dt.datetime | None = None
