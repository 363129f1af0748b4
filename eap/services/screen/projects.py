"""A project on the big screen (项目全景): found by its code or name, shown whole — every stage,
every item with its clock and pauses, the documents issued and the history — for the leaders
and province supervisors whose region holds it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import or_
from sqlmodel import Session, col, select

from eap.db import contains_pattern
from eap.errors import DomainError
from eap.models import (
    ApprovalDocument,
    Company,
    Department,
    Item,
    ItemCase,
    Project,
    StageCase,
    StageDef,
)
from eap.services.approval.rows import HistoryRow
from eap.services.approval.workbench import case_history
from eap.services.core.authz import region_names, region_prefix
from eap.services.core.clock import local_date
from eap.services.core.principal import Principal
from eap.services.screen.figures import allowed_scope

FOUND_MAX = 20


@dataclass(frozen=True)
class FoundProject:
    code: str = ""
    name: str = ""
    region: str = ""
    company: str = ""


@dataclass(frozen=True)
class TimelineItem:
    """One item of a stage with its clock (办理时限, used, paused) and what came of it."""

    case_no: str = ""
    item: str = ""
    department: str = ""
    status: int = 0  # Blzt
    limit: int = 0
    used: int = 0
    paused: int = 0
    supplements: int = 0
    due: str = ""
    decided: str = ""
    late: bool = False
    document: str = ""  # the 批复's title and number, when one was issued
    history: list[HistoryRow] = field(default_factory=list)


@dataclass(frozen=True)
class TimelineStage:
    stage: int = 0
    name_zh: str = ""
    name_en: str = ""
    case_no: str = ""
    status: str = ""
    submitted: str = ""
    accepted: str = ""
    closed: str = ""
    limit: int = 0
    used: int = 0
    item_cases: list[TimelineItem] = field(default_factory=list)


@dataclass(frozen=True)
class ProjectTimeline:
    code: str = ""
    name: str = ""
    company: str = ""
    region: str = ""
    used_days: int = 0
    target_due: str = ""
    stages: list[TimelineStage] = field(default_factory=list)


def find_projects(session: Session, *, principal: Principal, text: str) -> list[FoundProject]:
    """Projects in the viewer's region whose code or name contains ``text``."""
    scope = allowed_scope(principal, None)
    text = text.strip()
    if len(text) < 2:
        raise DomainError("screen.search_short", field="search")
    prefix = region_prefix(scope) or scope
    pattern = contains_pattern(text, field="search")
    names = region_names(session)
    rows = session.exec(
        select(Project, Company.name)
        .join(Company, col(Company.id) == col(Project.company_id))
        .where(
            col(Project.region_code).startswith(prefix),
            or_(
                col(Project.project_code).like(pattern, escape="!"),
                col(Project.name).like(pattern, escape="!"),
            ),
        )
        .order_by(col(Project.id).desc())
        .limit(FOUND_MAX)
    ).all()
    return [
        FoundProject(p.project_code, p.name, names.get(p.region_code, p.region_code), company)
        for p, company in rows
    ]


def _day(value: dt.date | dt.datetime | None) -> str:
    """A day as people in Jiangxi read it (a stored instant is UTC)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return local_date(value).isoformat()
    return value.isoformat()


def project_timeline(session: Session, *, principal: Principal, code: str) -> ProjectTimeline:
    """The project's whole approval, or "not found" outside the viewer's region (no leak)."""
    scope = allowed_scope(principal, None)
    project = session.exec(select(Project).where(Project.project_code == code.strip())).first()
    prefix = region_prefix(scope) or scope
    if project is None or not project.region_code.startswith(prefix):
        raise DomainError("screen.project_unknown", field="search")
    company = session.get(Company, project.company_id)
    stage_names = {s.code: s for s in session.exec(select(StageDef))}
    docs = {
        d.item_case_id: d
        for d in session.exec(
            select(ApprovalDocument)
            .join(ItemCase, col(ItemCase.id) == col(ApprovalDocument.item_case_id))
            .where(ItemCase.project_id == project.id)
        )
    }
    stages = []
    for sc in session.exec(
        select(StageCase).where(StageCase.project_id == project.id).order_by(col(StageCase.id))
    ):
        items = []
        for case, item, dept in session.exec(
            select(ItemCase, Item, Department)
            .join(Item, col(Item.id) == col(ItemCase.item_id))
            .join(Department, col(Department.id) == col(ItemCase.department_id))
            .where(ItemCase.stage_case_id == sc.id)
            .order_by(col(ItemCase.id))
        ):
            doc = docs.get(case.id or 0)
            decided = case.decided_at
            items.append(
                TimelineItem(
                    case_no=case.case_no,
                    item=item.name_zh,
                    department=dept.name,
                    status=case.status,
                    limit=case.limit_days,
                    used=case.used_days,
                    paused=case.paused_days,
                    supplements=case.supplements,
                    due=_day(case.due_date),
                    decided=_day(decided),
                    late=bool(case.due_date and decided and local_date(decided) > case.due_date),
                    document=f"{doc.title}（{doc.doc_no}）" if doc else "",
                    history=case_history(session, item_case_id=case.id or 0),
                )
            )
        sd = stage_names.get(sc.stage_code)
        stages.append(
            TimelineStage(
                stage=sc.stage_code,
                name_zh=sd.name_zh if sd else "",
                name_en=sd.name_en if sd else "",
                case_no=sc.case_no,
                status=sc.status,
                submitted=_day(sc.submitted_at),
                accepted=_day(sc.accepted_at),
                closed=_day(sc.closed_at),
                limit=sc.limit_days,
                used=sc.used_days,
                item_cases=items,
            )
        )
    return ProjectTimeline(
        code=project.project_code,
        name=project.name,
        company=company.name if company else "",
        region=region_names(session).get(project.region_code, project.region_code),
        used_days=project.used_days,
        target_due=_day(project.target_due),
        stages=stages,
    )
