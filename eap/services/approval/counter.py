"""Counter intake (窗口代录, SLFS = 1): a walk-in applicant's application, entered by the window.

The clerk finds the company by its USCC or registers it (a company registered here may later
sign up online: the first sign-up whose verified phone is the one given at the counter takes
it over), picks or registers its project in the window's city, scans the materials in, and
files the one form on the company's behalf. The application is received at once — the
applicant stands at the counter — and from then on flows like an online one: the window
accepts it (受理) or asks for more, the departments approve. Its SPGL rows carry SLFS = 1
(``StageCase.channel``). The receipt (收件回执, ``documents.receipt_pdf``) lists what was
taken in, for the applicant to sign.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from eap.errors import DomainError, PermissionDenied
from eap.models import Company, Project, Region, StageCase, StoredFile
from eap.models.projects import ProjectCreate
from eap.services.approval import filing, intake
from eap.services.core import files
from eap.services.core.audit import record
from eap.services.core.authz import in_region
from eap.services.core.clock import local_date, now_or
from eap.services.core.identifiers import mask_phone, validate_uscc
from eap.services.core.phone_codes import check_phone
from eap.services.core.principal import Principal
from eap.services.exchange.adapters import credit
from eap.services.hall import hall, projects
from eap.services.hall.rows import ApplyForm

COUNTER = 1  # SLFS: 1 window (窗口), 2 online (网上)


@dataclass(frozen=True)
class CounterProject:
    id: int
    code: str
    name: str
    region: str
    stage: int  # the main-line stage open for an application


@dataclass(frozen=True)
class WalkIn:
    """The company at the counter, with its projects in the window's city."""

    company_id: int
    uscc: str
    name: str
    phone: str  # masked
    projects: list[CounterProject]


def _require_counter(principal: Principal) -> str:
    if principal.role != "window" or not principal.region_code:
        raise PermissionDenied()
    return principal.region_code


def _in_area(principal: Principal, region_code: str) -> bool:
    """A city's window serves its city and counties; a county's window its county."""
    return in_region(principal, region_code)


def _walk_in(session: Session, principal: Principal, company: Company) -> WalkIn:
    rows = session.exec(
        select(Project, Region)
        .join(Region, col(Region.code) == Project.region_code)
        .where(Project.company_id == company.id, col(Project.completed_at).is_(None))
        .order_by(col(Project.id).desc())
    ).all()
    return WalkIn(
        company_id=company.id or 0,
        uscc=company.uscc,
        name=company.name,
        phone=mask_phone(company.contact_phone),
        projects=[
            CounterProject(p.id or 0, p.project_code, p.name, r.name, p.current_stage)
            for p, r in rows
            if _in_area(principal, p.region_code)
        ],
    )


def find_walk_in(session: Session, *, principal: Principal, uscc: str) -> WalkIn | None:
    """The company with this USCC, or None when it is new to the system."""
    _require_counter(principal)
    code = validate_uscc(uscc)
    company = session.exec(
        select(Company).where(Company.uscc == code, Company.kind == "company")
    ).first()
    return _walk_in(session, principal, company) if company else None


def register_walk_in(
    session: Session,
    *,
    principal: Principal,
    uscc: str,
    name: str,
    legal_rep: str,
    phone: str,
    region_code: str,
) -> WalkIn:
    """A company new to the system, from its licence at the counter (in the window's city)."""
    _require_counter(principal)
    code = validate_uscc(uscc)
    if not name.strip():
        raise DomainError("register.name_required", field="name")
    if not legal_rep.strip():
        raise DomainError("register.legal_rep_required", field="legal_rep")
    phone = check_phone(phone)
    region = session.get(Region, region_code)
    if region is None or not _in_area(principal, region_code):
        raise DomainError("counter.region", field="region_code")
    if session.exec(select(Company.id).where(Company.uscc == code)).first():
        raise DomainError("register.uscc_taken", field="uscc")
    company = Company(
        kind="company",
        uscc=code,
        name=name.strip()[:120],
        legal_rep=legal_rep.strip()[:40],
        contact_phone=phone,
        region_code=region_code,
    )
    session.add(company)
    session.flush()
    credit.check(session, company=company)  # the 信用 service, when one is configured
    record(
        session,
        actor_id=principal.user_id,
        action="company.register_at_counter",
        entity="company",
        entity_id=company.id or 0,
        detail={"uscc": code},
    )
    return _walk_in(session, principal, company)


def _company(session: Session, company_id: int) -> Company:
    company = session.get(Company, company_id)
    if company is None or company.kind != "company":
        raise DomainError("error.not_found")
    return company


def register_walk_in_project(
    session: Session, *, principal: Principal, company_id: int, data: ProjectCreate
) -> Project:
    """The walk-in company's project, registered by the window: sited in the window's city."""
    _require_counter(principal)
    _company(session, company_id)
    if session.get(Region, data.region_code) is not None and not _in_area(
        principal, data.region_code
    ):
        raise DomainError("counter.region", field="region_code")
    return projects.register_project(session, principal=principal, data=data, company_id=company_id)


def _project(session: Session, principal: Principal, project_id: int) -> Project:
    _require_counter(principal)
    project = session.get(Project, project_id)
    if project is None or not _in_area(principal, project.region_code):
        raise PermissionDenied("error.not_found")
    return project


def counter_form(
    session: Session,
    *,
    principal: Principal,
    project_id: int,
    stage_code: int,
    answers: dict[str, Any] | None = None,
) -> ApplyForm:
    """The stage's one form as the applicant would see it online: the questionnaire, the
    items that apply and the materials, with what the company's library already covers."""
    project = _project(session, principal, project_id)
    return hall.form_for_project(session, project=project, stage_code=stage_code, answers=answers)


def scan_material(
    session: Session, *, principal: Principal, project_id: int, filename: str, content: bytes
) -> StoredFile:
    """A scanned material, kept as the company's file (its library takes it on acceptance)."""
    project = _project(session, principal, project_id)
    return files.store_file(
        session,
        principal=principal,
        filename=filename,
        content=content,
        company_id=project.company_id,
    )


def file_at_counter(
    session: Session,
    *,
    principal: Principal,
    project_id: int,
    stage_code: int,
    answers: dict[str, Any] | None = None,
    uploads: dict[str, int] | None = None,
    owed: Collection[str] = (),
    now: dt.datetime | None = None,
) -> StageCase:
    """File the one form for the walk-in applicant (SLFS = 1) and receive it (接件) at once."""
    now = now_or(now)
    project = _project(session, principal, project_id)
    stage_case = filing.file_for_project(
        session,
        principal=principal,
        project=project,
        stage_code=stage_code,
        answers=answers,
        uploads=uploads,
        owed=owed,
        channel=COUNTER,
        now=now,
    )
    if stage_case.window_region_code != principal.region_code:
        # 事权: the stage belongs to another level's window (e.g. the county's); nothing is
        # kept — the caller's transaction ends with this refusal.
        window = session.get(Region, stage_case.window_region_code)
        raise DomainError("counter.other_window", window=window.name if window else "")
    intake.receive_case(session, principal=principal, stage_case_id=stage_case.id or 0, now=now)
    record(
        session,
        actor_id=principal.user_id,
        action="case.counter_intake",
        entity="stagecase",
        entity_id=stage_case.id or 0,
        detail={"company_id": project.company_id, "day": local_date(now).isoformat()},
    )
    return stage_case
