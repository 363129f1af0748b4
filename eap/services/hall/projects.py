"""Project registration (项目登记), keyed by a valid, unique 项目代码 and owned by a company."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from eap.errors import DomainError, PermissionDenied
from eap.models import ProcessType, Project, ProjectUnit, Region
from eap.models.common import utcnow
from eap.models.projects import UNIT_ROLES, ProjectCreate
from eap.services.core.audit import record
from eap.services.core.identifiers import validate_project_code, validate_uscc
from eap.services.core.principal import Principal


def _check(session: Session, data: ProjectCreate) -> None:
    if not data.name.strip():
        raise DomainError("project.name_required", field="name")
    region = session.get(Region, data.region_code)
    if region is None or not region.code.startswith("36"):
        raise DomainError("project.region_unknown", field="region_code")
    if session.get(ProcessType, data.process_type) is None:
        raise DomainError("project.type_unknown", field="process_type")
    if data.total_investment < 0 or data.land_area < 0 or data.floor_area < 0:
        raise DomainError("project.negative", field="total_investment")
    if data.planned_start and data.planned_finish and data.planned_finish < data.planned_start:
        raise DomainError("project.dates", field="planned_finish")


def register_project(
    session: Session,
    *,
    principal: Principal,
    data: ProjectCreate,
    units: list[dict[str, str]] | None = None,
) -> Project:
    """Register a project for the principal's company; the 项目代码 must be valid and unused."""
    if principal.role not in ("applicant", "agent") or principal.company_id is None:
        raise PermissionDenied()
    code = validate_project_code(data.project_code)
    if session.exec(select(Project.id).where(Project.project_code == code)).first():
        raise DomainError("project.code_taken", field="project_code", code=code)
    _check(session, data)
    project = Project.model_validate(
        data.model_dump(),
        update={
            "project_code": code,
            "company_id": principal.company_id,
            "created_by": principal.user_id,
        },
    )
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
    data = ProjectCreate.model_validate(
        {**project.model_dump(), **{k: v for k, v in changes.items() if k in allowed}}
    )
    _check(session, data)
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
