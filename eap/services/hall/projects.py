"""Project registration (项目登记), keyed by a valid, unique 项目代码 and owned by a company."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from eap.errors import DomainError, FieldErrors, PermissionDenied
from eap.models import ProcessType, Project, ProjectUnit, Region
from eap.models.common import utcnow
from eap.models.projects import (
    INDUSTRY_CODES,
    UNIT_ROLES,
    ApprovalType,
    ConstructionNature,
    EngineeringCategory,
    LandAcquisition,
    ProjectCreate,
    SourceState,
)
from eap.services.approval import generation
from eap.services.core import geo
from eap.services.core.audit import record
from eap.services.core.identifiers import validate_project_code, validate_uscc
from eap.services.core.principal import Principal
from eap.services.exchange.adapters import investment
from eap.services.exchange.adapters.breaker import AdapterDown

# The form's fields in the order they are shown; a problem is reported under its own field.
REQUIRED = (
    "project_code",
    "name",
    "region_code",
    "location",
    "total_investment",
    "process_type",
)
NUMBERS = ("total_investment", "land_area", "floor_area")
# The facts reported to the national system (SPGL_XMJBXXB): a choice from each code list.
CHOICES: dict[str, frozenset[int]] = {
    "approval_type": frozenset(ApprovalType),
    "construction_nature": frozenset(ConstructionNature),
    "engineering_category": frozenset(EngineeringCategory),
    "land_acquisition": frozenset(LandAcquisition),
}
GOVERNMENT_TYPES = (1, 2)


def default_approval_type(process_type: int) -> ApprovalType:
    """Government investment is examined (审批); a company's project is usually filed (备案)."""
    return ApprovalType.EXAMINED if process_type in GOVERNMENT_TYPES else ApprovalType.FILED


def _small_int(raw: str) -> int | None:
    """A code typed or chosen on the form: plain ASCII digits, a handful of them (not "²",
    not a number too large for any column)."""
    raw = raw.strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 else None


def _reported_facts(
    fields: dict[str, str], process_type: int, problems: list[DomainError]
) -> dict[str, Any]:
    """The national-report fields of the form, each checked against its code list."""
    out: dict[str, Any] = {}
    defaults = {
        "approval_type": default_approval_type(process_type),
        "construction_nature": ConstructionNature.NEW,
        "engineering_category": EngineeringCategory.BUILDING,
        "land_acquisition": LandAcquisition.AUCTION,
    }
    for name, allowed in CHOICES.items():
        raw = fields.get(name, "").strip()
        if not raw:
            out[name] = int(defaults[name])
        elif _small_int(raw) in allowed:
            out[name] = int(raw)
        else:
            problems.append(DomainError("project.code_list", field=name))
    industry = fields.get("industry_code", "").strip() or "E4790"
    if industry not in INDUSTRY_CODES:
        problems.append(DomainError("project.code_list", field="industry_code"))
    out["industry_code"] = industry
    assessed = fields.get("regional_assessment", "no")
    if assessed not in ("yes", "no"):
        problems.append(DomainError("project.code_list", field="regional_assessment"))
    out["regional_assessment"] = assessed == "yes"
    out["engineering_code"] = fields.get("engineering_code", "").strip()
    out["scale"] = fields.get("scale", "").strip()[:500]
    return out


def _problems(session: Session, data: ProjectCreate) -> list[DomainError]:
    problems: list[DomainError] = []
    if not data.name.strip():
        problems.append(DomainError("project.name_required", field="name"))
    if not data.location.strip():  # 建设地点 (JSDD): the national system requires it
        problems.append(DomainError("project.location_required", field="location"))
    region = session.get(Region, data.region_code)
    if region is None or not region.code.startswith("36") or region.level == "province":
        problems.append(DomainError("project.region_unknown", field="region_code"))
    if session.get(ProcessType, data.process_type) is None:
        problems.append(DomainError("project.type_unknown", field="process_type"))
    for name in NUMBERS:
        if getattr(data, name) < 0:
            problems.append(DomainError("project.negative", field=name))
    if data.planned_start and data.planned_finish and data.planned_finish < data.planned_start:
        problems.append(DomainError("project.dates", field="planned_finish"))
    if data.engineering_code and data.engineering_code == data.project_code:
        problems.append(DomainError("project.gcdm_is_xmdm", field="engineering_code"))
    if (data.longitude is None) != (data.latitude is None):
        problems.append(DomainError("project.coordinate_pair", field="longitude"))
    elif data.longitude is not None and data.latitude is not None and region is not None:
        outside = geo.check_in_region(data.region_code, data.longitude, data.latitude)
        if outside is not None:
            problems.append(outside)
    return problems


def _check(session: Session, data: ProjectCreate) -> None:
    problems = _problems(session, data)
    if problems:
        raise FieldErrors(problems)


def _code_problem(session: Session, raw: str) -> DomainError | None:
    if not raw.strip():
        return DomainError("project.code_required", field="project_code")
    try:
        code = validate_project_code(raw)
    except DomainError as exc:
        return exc
    if session.exec(select(Project.id).where(Project.project_code == code)).first():
        return DomainError("project.code_taken", field="project_code", code=code)
    return None


def project_from_form(
    session: Session, *, fields: dict[str, str], flags: list[str], new: bool
) -> ProjectCreate:
    """The project a registration form describes, or FieldErrors naming every field that is
    wrong — a bad code and a negative area are both reported, each under its own field."""
    problems: list[DomainError] = []
    if new:
        code_problem = _code_problem(session, fields.get("project_code", ""))
        if code_problem is not None:
            problems.append(code_problem)
    numbers: dict[str, float] = {}
    for name in NUMBERS:
        raw = fields.get(name, "").strip().replace(",", "")
        if not raw:
            if name in REQUIRED:
                problems.append(DomainError("project.required", field=name))
            numbers[name] = 0
            continue
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            problems.append(DomainError("project.not_number", field=name))
            value = 0
        numbers[name] = value
    try:
        longitude, latitude = geo.parse_coordinates(
            fields.get("longitude", ""), fields.get("latitude", "")
        )
    except FieldErrors as exc:
        problems += exc.errors
        longitude = latitude = None
    ptype = _small_int(fields.get("process_type", "")) or 0
    facts = _reported_facts(fields, ptype, problems)
    values: dict[str, Any] = {
        "project_code": fields.get("project_code", "").strip(),
        "name": fields.get("name", "").strip(),
        "region_code": fields.get("region_code", ""),
        "location": fields.get("location", "").strip(),
        "process_type": ptype,
        "longitude": longitude,
        "latitude": latitude,
        "attributes": {
            **dict.fromkeys(flags, True),
            "needs_core_approval": "filing_only" not in flags,
        },
        **numbers,
        **facts,
    }
    data = ProjectCreate.model_construct(**values)  # checked below, field by field
    problems += _problems(session, data)
    if problems:
        raise FieldErrors(problems)
    return ProjectCreate.model_validate(data.model_dump())


@dataclass(frozen=True)
class RegionChoice:
    """A place a project may be registered in: a city (or 赣江新区) and its counties."""

    code: str
    name: str
    counties: tuple[tuple[str, str], ...]  # (code, name); the city's own level first


def region_choices(session: Session) -> list[RegionChoice]:
    """Every city of the province with its counties, for the city → county picker."""
    rows = session.exec(
        select(Region)
        .where(col(Region.level).in_(("city", "zone", "county")))
        .order_by(col(Region.code))
    ).all()
    counties: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in rows:
        if r.level == "county" and r.parent_code:
            counties[r.parent_code].append((r.code, r.name))
    return [
        RegionChoice(r.code, r.name, ((r.code, r.name), *counties[r.code]))
        for r in rows
        if r.level in ("city", "zone")
    ]


def register_project(
    session: Session,
    *,
    principal: Principal,
    data: ProjectCreate,
    units: list[dict[str, str]] | None = None,
    company_id: int | None = None,
    planned_id: int | None = None,
) -> Project:
    """Register a project for the principal's company; the 项目代码 must be valid and unused.
    The window registers one for a walk-in company (``company_id``; the project in its city,
    which ``counter.register_walk_in_project`` checks before calling)."""
    if principal.role == "window" and company_id is not None:
        owner_id = company_id
    elif principal.role in ("applicant", "agent") and principal.company_id is not None:
        owner_id = principal.company_id
    else:
        raise PermissionDenied()
    code_problem = _code_problem(session, data.project_code)
    problems = ([code_problem] if code_problem else []) + _problems(session, data)
    if problems:
        raise FieldErrors(problems)
    code = validate_project_code(data.project_code)
    found, source = _platform_record(session, code)
    project = Project.model_validate(
        data.model_dump(),
        update={
            "project_code": code,
            "company_id": owner_id,
            "created_by": principal.user_id,
        },
    )
    if source == SourceState.VERIFIED:
        investment.vouch(project, found, now=utcnow())
    project.source_state = source
    if planned_id:  # 策划生成: the plan's conditions follow the project into stage 1
        generation.attach(session, project=project, planned_id=planned_id)
    session.add(project)
    session.flush()
    set_units(session, principal=principal, project=project, units=units or [])
    record(
        session,
        actor_id=principal.user_id,
        action="project.register",
        entity="project",
        entity_id=project.id or "",
        detail={"code": code},
    )
    return project


def _platform_record(
    session: Session, code: str
) -> tuple[investment.PlatformRecord | None, SourceState]:
    """Ask the investment platform about the code (when one is configured): unknown there is
    refused; the platform down lets the project in as "not yet verified"."""
    if not investment.enabled():
        return None, SourceState.NOT_CHECKED
    try:
        found = investment.lookup(session, project_code=code)
    except AdapterDown:
        return None, SourceState.PENDING
    if found is None:
        raise FieldErrors(
            [DomainError("project.code_not_on_platform", field="project_code", code=code)]
        )
    return found, SourceState.VERIFIED


def platform_enabled() -> bool:
    return investment.enabled()


def platform_prefill(session: Session, *, project_code: str) -> dict[str, str]:
    """The form's fields as the investment platform knows the project ({} when it is off);
    a code it does not know, or the platform down, is a refusal beside the code."""
    try:
        code = validate_project_code(project_code)
    except DomainError as exc:
        raise FieldErrors([exc]) from exc
    if not investment.enabled():
        return {}
    try:
        found = investment.lookup(session, project_code=code)
    except AdapterDown as exc:
        raise FieldErrors([DomainError("project.platform_down", field="project_code")]) from exc
    if found is None:
        raise FieldErrors(
            [DomainError("project.code_not_on_platform", field="project_code", code=code)]
        )
    return found.prefill()


def set_units(
    session: Session, *, principal: Principal, project: Project, units: list[dict[str, str]]
) -> None:
    """Responsible units (建设/设计/施工/监理/勘察单位), each with a valid USCC."""
    for unit in units:
        if unit.get("role") not in UNIT_ROLES:
            raise DomainError("project.unit_role", field="units")
        uscc = validate_uscc(unit.get("uscc", ""))
        existing = session.exec(
            select(ProjectUnit).where(
                ProjectUnit.project_id == project.id, ProjectUnit.role == unit["role"]
            )
        ).first()
        row = existing or ProjectUnit(
            project_id=project.id or 0, role=unit["role"], uscc=uscc, name=""
        )
        row.uscc, row.name = uscc, unit.get("name", "").strip()
        row.contact, row.phone = unit.get("contact", ""), unit.get("phone", "")
        if not row.name:
            raise DomainError("project.unit_name", field="units")
        session.add(row)
    session.flush()


def update_project(
    session: Session, *, principal: Principal, project_id: int, changes: dict[str, Any]
) -> Project:
    """Edit a project until its first application is accepted; the code never changes."""
    project = get_project(session, principal=principal, project_id=project_id)
    if principal.role not in ("applicant", "agent"):
        raise PermissionDenied()
    if project.locked:
        raise DomainError("project.locked")
    allowed = set(ProjectCreate.model_fields) - {"project_code"}
    merged = {**project.model_dump(), **{k: v for k, v in changes.items() if k in allowed}}
    _check(session, ProjectCreate.model_construct(**merged))  # every problem, each by field
    data = ProjectCreate.model_validate(merged)
    for key in allowed & set(changes):
        setattr(project, key, getattr(data, key))
    project.updated_at = utcnow()
    session.add(project)
    record(
        session,
        actor_id=principal.user_id,
        action="project.update",
        entity="project",
        entity_id=project_id,
        detail={"fields": sorted(allowed & set(changes))},
    )
    session.flush()
    return project


def get_project(session: Session, *, principal: Principal, project_id: int) -> Project:
    """A project the principal may see; otherwise "not found" (no existence leak)."""
    project = session.get(Project, project_id)
    if project is None:
        raise DomainError("error.not_found")
    if principal.role in ("applicant", "agent"):
        if principal.company_id != project.company_id:
            raise PermissionDenied("error.not_found")
        return project
    from eap.services.core.authz import in_region

    if principal.role in ("window", "approver", "supervisor", "leader") and in_region(
        principal, project.region_code
    ):
        return project
    raise PermissionDenied("error.not_found")
