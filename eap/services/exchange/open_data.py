"""What the open API reads (开放接口数据): projects, their stages and item cases with their
clocks, a case's history, documents and certificates, the catalogue, KPI roll-ups.

Every function takes the ``ApiCaller`` and answers only inside its region: a project or case
elsewhere is ``error.not_found``, exactly as one that does not exist, so a caller learns
nothing of other regions. Rows carry no personal data (no handler or contact names, no phone
or ID numbers): a system needs the case's state, not the people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from eap.errors import DomainError
from eap.models import (
    ApprovalDocument,
    CaseEvent,
    Certificate,
    Department,
    Item,
    ItemCase,
    Process,
    ProcessItem,
    ProcessStage,
    Project,
    Region,
    StageCase,
)
from eap.services.approval.documents import verify_url
from eap.services.exchange.api_clients import ApiCaller
from eap.services.supervision import kpi


@dataclass(frozen=True)
class ProjectOut:
    project_code: str
    name: str
    region_code: str
    region_name: str
    location: str
    total_investment: float
    process_type: int
    approval_type: int
    current_stage: int
    first_accepted_at: dt.datetime | None
    completed_at: dt.datetime | None
    used_days: int
    target_due: dt.date | None


@dataclass(frozen=True)
class ItemCaseOut:
    case_no: str
    item_code: str
    item_name: str
    department: str
    status: int  # BLZT
    phase: str
    promise: bool
    limit_days: int
    due_date: dt.date | None
    used_days: int
    paused: bool
    decided_at: dt.datetime | None


@dataclass(frozen=True)
class StageOut:
    case_no: str
    stage_code: int
    status: str
    channel: int  # SLFS: 1 window, 2 online
    submitted_at: dt.datetime
    accepted_at: dt.datetime | None
    closed_at: dt.datetime | None
    limit_days: int
    due_date: dt.date | None
    used_days: int
    paused_days: int
    items: list[ItemCaseOut]


@dataclass(frozen=True)
class EventOut:
    at: dt.datetime
    action: str
    status: int | None
    office: str
    opinion: str


@dataclass(frozen=True)
class DocumentOut:
    kind: str  # approval | certificate
    number: str
    title: str
    issued_on: dt.date
    valid_until: dt.date | None
    status: str
    verify_url: str


@dataclass(frozen=True)
class VerificationOut:
    genuine: bool
    valid: bool
    cert_no: str
    name: str
    issued_on: dt.date | None
    valid_until: dt.date | None
    status: str


@dataclass(frozen=True)
class ItemOut:
    code: str
    version: int
    name_zh: str
    name_en: str
    department_kind: str
    stage_code: int
    limit_days: int
    promise_allowed: bool
    result_kind: str
    fee: str
    legal_basis: str


@dataclass(frozen=True)
class ProcessItemOut:
    item_code: str
    stage_code: int
    limit_days: int
    required: bool


@dataclass(frozen=True)
class StageLimitOut:
    stage_code: int
    limit_days: int


@dataclass(frozen=True)
class ProcessOut:
    code: str
    version: int
    region_code: str
    process_type: int
    name: str
    stages: list[StageLimitOut]  # each stage's limit in working days
    items: list[ProcessItemOut]


@dataclass(frozen=True)
class KpiOut:
    key: str
    accepted: int
    completed: int
    on_time_rate: float | None
    overdue_rate: float | None
    avg_days: float | None
    p90_days: int | None
    supplement_rate: float | None
    refusal_rate: float | None
    satisfaction: float | None


def _project(session: Session, caller: ApiCaller, project_code: str) -> Project:
    caller.require("projects:read")
    project = session.exec(select(Project).where(Project.project_code == project_code[:24])).first()
    if project is None or not caller.covers(project.region_code):
        raise DomainError("error.not_found")
    return project


def project(session: Session, *, caller: ApiCaller, project_code: str) -> ProjectOut:
    p = _project(session, caller, project_code)
    region = session.get(Region, p.region_code)
    return ProjectOut(
        p.project_code,
        p.name,
        p.region_code,
        region.name if region else "",
        p.location,
        p.total_investment,
        p.process_type,
        p.approval_type,
        p.current_stage,
        p.first_accepted_at,
        p.completed_at,
        p.used_days,
        p.target_due,
    )


def _item_out(case: ItemCase, item: Item, department: Department) -> ItemCaseOut:
    return ItemCaseOut(
        case.case_no,
        item.code,
        item.name_zh,
        department.name,
        case.status,
        case.phase,
        case.promise,
        case.limit_days,
        case.due_date,
        case.used_days,
        case.paused_since is not None,
        case.decided_at,
    )


def stages(session: Session, *, caller: ApiCaller, project_code: str) -> list[StageOut]:
    p = _project(session, caller, project_code)
    stage_cases = session.exec(
        select(StageCase).where(StageCase.project_id == p.id).order_by(col(StageCase.id))
    ).all()
    items: dict[int, list[ItemCaseOut]] = {s.id or 0: [] for s in stage_cases}
    for case, item, department in session.exec(
        select(ItemCase, Item, Department)
        .join(Item, col(Item.id) == ItemCase.item_id)
        .join(Department, col(Department.id) == ItemCase.department_id)
        .where(ItemCase.project_id == p.id)
        .order_by(col(ItemCase.id))
    ):
        items[case.stage_case_id].append(_item_out(case, item, department))
    return [
        StageOut(
            s.case_no,
            s.stage_code,
            s.status,
            s.channel,
            s.submitted_at,
            s.accepted_at,
            s.closed_at,
            s.limit_days,
            s.due_date,
            s.used_days,
            s.paused_days,
            items[s.id or 0],
        )
        for s in stage_cases
    ]


def _item_case(session: Session, caller: ApiCaller, case_no: str) -> ItemCase:
    caller.require("projects:read")
    case = session.exec(select(ItemCase).where(ItemCase.case_no == case_no[:40])).first()
    stage = session.get(StageCase, case.stage_case_id) if case else None
    if case is None or stage is None or not caller.covers(stage.region_code):
        raise DomainError("error.not_found")
    return case


def history(session: Session, *, caller: ApiCaller, case_no: str) -> list[EventOut]:
    case = _item_case(session, caller, case_no)
    return [
        EventOut(e.at, e.action, e.status, e.office, e.opinion)
        for e in session.exec(
            select(CaseEvent)
            .where(CaseEvent.item_case_id == case.id)
            .order_by(col(CaseEvent.at), col(CaseEvent.id))
        )
    ]


def documents(session: Session, *, caller: ApiCaller, case_no: str) -> list[DocumentOut]:
    case = _item_case(session, caller, case_no)
    caller.require("documents:read")
    out = [
        DocumentOut("approval", d.doc_no, d.title, d.issued_on, d.valid_until, "valid", "")
        for d in session.exec(
            select(ApprovalDocument)
            .where(ApprovalDocument.item_case_id == case.id)
            .order_by(col(ApprovalDocument.id))
        )
    ]
    out += [
        DocumentOut(
            "certificate",
            c.cert_no,
            c.name,
            c.issued_on,
            c.valid_until,
            c.status,
            verify_url(c.verify_token),
        )
        for c in session.exec(
            select(Certificate)
            .where(Certificate.item_case_id == case.id)
            .order_by(col(Certificate.id))
        )
    ]
    return out


def verify_certificate(
    session: Session, *, caller: ApiCaller, cert_no: str, today: dt.date
) -> VerificationOut:
    """Is a certificate number genuine and valid today (in the caller's region)?"""
    caller.require("documents:read")
    row = session.exec(
        select(Certificate, StageCase)
        .join(ItemCase, col(ItemCase.id) == Certificate.item_case_id)
        .join(StageCase, col(StageCase.id) == ItemCase.stage_case_id)
        .where(Certificate.cert_no == cert_no[:60])
        .order_by(col(Certificate.id).desc())
    ).first()
    if row is None or not caller.covers(row[1].region_code):
        return VerificationOut(False, False, cert_no[:60], "", None, None, "")
    cert = row[0]
    valid = cert.status == "valid" and (cert.valid_until is None or cert.valid_until >= today)
    return VerificationOut(
        True, valid, cert.cert_no, cert.name, cert.issued_on, cert.valid_until, cert.status
    )


def items(session: Session, *, caller: ApiCaller) -> list[ItemOut]:
    caller.require("catalogue:read")
    return [
        ItemOut(
            i.code,
            i.version,
            i.name_zh,
            i.name_en,
            i.dept_kind,
            i.stage_code,
            i.limit_days,
            i.promise_allowed,
            i.result_kind,
            i.fee,
            i.legal_basis,
        )
        for i in session.exec(select(Item).order_by(col(Item.code), col(Item.version)))
    ]


def processes(session: Session, *, caller: ApiCaller) -> list[ProcessOut]:
    """The processes new applications get in the caller's region (the active versions)."""
    caller.require("catalogue:read")
    found = session.exec(
        select(Process)
        .where(col(Process.active).is_(True))
        .where(col(Process.region_code).startswith(caller.prefix))
        .order_by(col(Process.region_code), col(Process.process_type))
    ).all()
    ids = [p.id for p in found]
    stage_limits: dict[int, list[StageLimitOut]] = {i or 0: [] for i in ids}
    for ps in session.exec(
        select(ProcessStage)
        .where(col(ProcessStage.process_id).in_(ids))
        .order_by(col(ProcessStage.stage_code))
    ):
        stage_limits[ps.process_id].append(StageLimitOut(ps.stage_code, ps.limit_days))
    process_items: dict[int, list[ProcessItemOut]] = {i or 0: [] for i in ids}
    for pi, code in session.exec(
        select(ProcessItem, Item.code)
        .join(Item, col(Item.id) == ProcessItem.item_id)
        .where(col(ProcessItem.process_id).in_(ids))
        .order_by(col(ProcessItem.stage_code), col(Item.code))
    ):
        process_items[pi.process_id].append(
            ProcessItemOut(code, pi.stage_code, pi.limit_days, pi.required)
        )
    return [
        ProcessOut(
            p.code,
            p.version,
            p.region_code,
            p.process_type,
            p.name,
            stage_limits[p.id or 0],
            process_items[p.id or 0],
        )
        for p in found
    ]


GROUPS = ("city_code", "county_code", "department_id", "stage_code", "process_type")


def kpis(
    session: Session, *, caller: ApiCaller, start: dt.date, end: dt.date, group_by: str
) -> list[KpiOut]:
    """KPI roll-ups of the caller's region over local days ``start``..``end``."""
    caller.require("kpi:read")
    if group_by not in GROUPS:
        raise DomainError("api.bad_group", field="group_by")
    if end < start or (end - start).days > 366:
        raise DomainError("api.bad_period", field="end")
    return [
        KpiOut(
            r.key,
            r.accepted,
            r.completed,
            r.on_time_rate,
            r.overdue_rate,
            r.avg_days,
            r.p90_days,
            r.supplement_rate,
            r.refusal_rate,
            r.satisfaction,
        )
        for r in kpi.kpis(
            session, start=start, end=end, group_by=group_by, region_prefix=caller.prefix
        )
    ]
