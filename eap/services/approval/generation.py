"""策划生成 (project generation, 多规合一 coordination): before anyone registers it, a project
planned in the city's one blueprint (一张蓝图) is circulated by its lead department (自然资源 or
发改) to the departments concerned; each gives its opinion and the conditions it sets; when every
one agrees the plan is generated and its builder may register it, and the agreed conditions
follow the project into stage 1, where every department of the stage sees them. A plan some
department does not agree to goes back to the blueprint (returned)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, col, func, select

from eap.errors import DomainError, FieldErrors, PermissionDenied
from eap.models import Company, Department, PlannedProject, PlanningOpinion, Project, Region
from eap.models.projects import PlanStatus
from eap.services.approval import jurisdiction
from eap.services.approval.rows import ConditionRow
from eap.services.core.audit import record
from eap.services.core.authz import city_of, region_prefix
from eap.services.core.clock import local_date, now_or
from eap.services.core.identifiers import validate_uscc
from eap.services.core.principal import Principal

LEAD_KINDS = ("zrzy", "fgw")  # 自然资源 (the blueprint's keeper) or 发改 lead a plan
CIRCULATED = ("zrzy", "fgw", "zj", "sthj", "sl", "jt", "rf", "szgy", "cg", "qx")


@dataclass(frozen=True)
class OpinionRow:
    id: int = 0
    department: str = ""
    mine: bool = False  # the viewer's department gives this one
    recorded: bool = False
    agreed: bool = False
    opinion: str = ""
    conditions: str = ""


@dataclass(frozen=True)
class PlanRow:
    """A planned project as a department's list shows it."""

    id: int = 0
    code: str = ""
    name: str = ""
    region: str = ""
    total_investment: float = 0
    status: int = PlanStatus.CIRCULATING  # PlanStatus
    leading: bool = False  # the viewer's department leads it
    waiting_on_me: bool = False  # the viewer's department has not given its opinion
    opinions: list[OpinionRow] = field(default_factory=list)
    conclusion: str = ""


@dataclass(frozen=True)
class PlanChoice:
    """An agreed plan its builder may register as a project: what the form takes from it."""

    id: int = 0
    code: str = ""
    name: str = ""
    region_code: str = ""
    location: str = ""
    total_investment: float = 0
    land_area: float = 0


def _approver(principal: Principal) -> int:
    if principal.role != "approver" or principal.department_id is None:
        raise PermissionDenied()
    return principal.department_id


def can_lead(session: Session, *, principal: Principal) -> bool:
    """Whether the viewer's department may start a plan (a city's 自然资源 or 发改)."""
    if principal.role != "approver" or principal.department_id is None:
        return False
    dept = session.get(Department, principal.department_id)
    return (
        dept is not None
        and dept.kind in LEAD_KINDS
        and city_of(session, dept.region_code) == dept.region_code
    )


def site_choices(session: Session, *, principal: Principal) -> list[tuple[str, str]]:
    """Where the viewer's department may site a plan: its city and the city's counties."""
    dept = session.get(Department, _approver(principal))
    if dept is None:
        return []
    prefix = region_prefix(dept.region_code) or dept.region_code
    rows = session.exec(
        select(Region.code, Region.name)
        .where(col(Region.code).startswith(prefix), Region.level != "province")
        .order_by(col(Region.code))
    )
    return [(code, name) for code, name in rows]


def propose(
    session: Session,
    *,
    principal: Principal,
    name: str,
    region_code: str,
    total_investment: float,
    land_area: float = 0,
    location: str = "",
    description: str = "",
    builder_uscc: str = "",
    kinds: Sequence[str] = (),
    now: dt.datetime | None = None,
) -> PlannedProject:
    """The lead department (自然资源 or 发改 of a city) circulates a planned project to the
    departments of the kinds named (its own takes part too)."""
    now = now_or(now)
    lead = session.get(Department, _approver(principal))
    if lead is None or lead.kind not in LEAD_KINDS:
        raise PermissionDenied("generation.not_lead")
    city = lead.region_code
    errors: list[DomainError] = []
    if not name.strip() or len(name) > 200:
        errors.append(DomainError("generation.name", field="name"))
    region = session.get(Region, region_code)
    if region is None or city_of(session, region_code) != city:
        errors.append(DomainError("generation.region", field="region_code"))
    if total_investment < 0:
        errors.append(DomainError("generation.investment", field="total_investment"))
    uscc = ""
    if builder_uscc.strip():
        try:
            uscc = validate_uscc(builder_uscc)
        except DomainError as exc:
            errors.append(DomainError(exc.key, field="builder_uscc", **exc.params))
    others = sorted({k for k in kinds if k in CIRCULATED} - {lead.kind})
    if not others or len(others) != len(set(kinds) - {lead.kind}):
        errors.append(DomainError("generation.kinds", field="kinds"))
    if errors:
        raise FieldErrors(errors)
    year = local_date(now).year
    made = session.exec(
        select(func.count())
        .select_from(PlannedProject)
        .where(
            PlannedProject.city_code == city, col(PlannedProject.code).startswith(f"CH{city}{year}")
        )
    ).one()
    plan = PlannedProject(
        code=f"CH{city}{year}{made + 1:04d}",
        name=name.strip(),
        region_code=region_code,
        city_code=city,
        location=location.strip()[:200],
        total_investment=total_investment,
        land_area=max(land_area, 0),
        description=description.strip()[:1000],
        builder_uscc=uscc,
        lead_department_id=lead.id or 0,
        created_by=principal.user_id,
        created_at=now,
    )
    session.add(plan)
    session.flush()
    for kind in (lead.kind, *others):
        dept_id = jurisdiction.department_for(session, region_code=city, kind=kind)
        session.add(PlanningOpinion(planned_id=plan.id or 0, department_id=dept_id))
    session.flush()
    record(
        session,
        actor_id=principal.user_id,
        action="generation.propose",
        entity="plannedproject",
        entity_id=plan.id or 0,
        detail={"code": plan.code, "kinds": [lead.kind, *others]},
    )
    return plan


def record_opinion(
    session: Session,
    *,
    principal: Principal,
    opinion_id: int,
    agreed: bool,
    opinion: str,
    conditions: str = "",
    now: dt.datetime | None = None,
) -> PlanningOpinion:
    """A department gives its own opinion and conditions; it may change them until the plan
    is concluded."""
    now = now_or(now)
    row = session.get(PlanningOpinion, opinion_id)
    if row is None or row.department_id != _approver(principal):
        raise PermissionDenied("error.not_found")
    plan = session.get(PlannedProject, row.planned_id)
    assert plan is not None
    if plan.status != PlanStatus.CIRCULATING:
        raise DomainError("generation.concluded")
    if not opinion.strip():
        raise DomainError("case.opinion_required", field="opinion")
    row.agreed, row.opinion = agreed, opinion.strip()[:1000]
    row.conditions = conditions.strip()[:2000]
    row.recorded_by, row.recorded_at = principal.user_id, now
    session.add(row)
    session.flush()
    record(
        session,
        actor_id=principal.user_id,
        action="generation.opinion",
        entity="plannedproject",
        entity_id=plan.id or 0,
        detail={"agreed": agreed},
    )
    return row


def conclude(
    session: Session,
    *,
    principal: Principal,
    planned_id: int,
    conclusion: str,
    now: dt.datetime | None = None,
) -> PlannedProject:
    """The lead concludes once every department has spoken: generated (agreed) when all
    agreed, else returned to the blueprint."""
    now = now_or(now)
    plan = session.get(PlannedProject, planned_id)
    if plan is None or plan.lead_department_id != _approver(principal):
        raise PermissionDenied("error.not_found")
    if plan.status != PlanStatus.CIRCULATING:
        raise DomainError("generation.concluded")
    rows = session.exec(
        select(PlanningOpinion, Department.name)
        .join(Department, col(Department.id) == col(PlanningOpinion.department_id))
        .where(PlanningOpinion.planned_id == planned_id)
    ).all()
    if missing := [name for row, name in rows if row.agreed is None]:
        raise DomainError("generation.opinions_missing", names="、".join(missing))
    if not conclusion.strip():
        raise DomainError("case.opinion_required", field="conclusion")
    agreed = all(row.agreed for row, _name in rows)
    plan.status = PlanStatus.AGREED if agreed else PlanStatus.RETURNED
    plan.conclusion, plan.concluded_at = conclusion.strip()[:1000], now
    session.add(plan)
    session.flush()
    record(
        session,
        actor_id=principal.user_id,
        action="generation.conclude",
        entity="plannedproject",
        entity_id=planned_id,
        detail={"agreed": agreed},
    )
    return plan


def plans_for_department(session: Session, *, principal: Principal) -> list[PlanRow]:
    """The plans the viewer's department leads or gives an opinion on, newest first."""
    mine = _approver(principal)
    ids = select(PlanningOpinion.planned_id).where(PlanningOpinion.department_id == mine)
    plans = session.exec(
        select(PlannedProject, Region.name)
        .join(Region, col(Region.code) == col(PlannedProject.region_code))
        .where(col(PlannedProject.id).in_(ids) | (PlannedProject.lead_department_id == mine))
        .order_by(col(PlannedProject.id).desc())
        .limit(50)
    ).all()
    opinions: dict[int, list[OpinionRow]] = {}
    for row, dept in session.exec(
        select(PlanningOpinion, Department.name)
        .join(Department, col(Department.id) == col(PlanningOpinion.department_id))
        .where(col(PlanningOpinion.planned_id).in_([p.id for p, _ in plans]))
        .order_by(col(PlanningOpinion.id))
    ):
        opinions.setdefault(row.planned_id, []).append(
            OpinionRow(
                id=row.id or 0,
                department=dept,
                mine=row.department_id == mine,
                recorded=row.agreed is not None,
                agreed=bool(row.agreed),
                opinion=row.opinion,
                conditions=row.conditions,
            )
        )
    return [
        PlanRow(
            id=p.id or 0,
            code=p.code,
            name=p.name,
            region=region,
            total_investment=p.total_investment,
            status=p.status,
            leading=p.lead_department_id == mine,
            waiting_on_me=p.status == PlanStatus.CIRCULATING
            and any(o.mine and not o.recorded for o in opinions.get(p.id or 0, [])),
            opinions=opinions.get(p.id or 0, []),
            conclusion=p.conclusion,
        )
        for p, region in plans
    ]


def plans_to_register(session: Session, *, principal: Principal) -> list[PlanChoice]:
    """The agreed plans naming the applicant's company as builder, not yet registered."""
    if principal.company_id is None:
        return []
    company = session.get(Company, principal.company_id)
    if company is None:
        return []
    taken = select(Project.planned_id).where(col(Project.planned_id).is_not(None))
    rows = session.exec(
        select(PlannedProject).where(
            PlannedProject.builder_uscc == company.uscc,
            PlannedProject.status == PlanStatus.AGREED,
            col(PlannedProject.id).not_in(taken),
        )
    )
    return [
        PlanChoice(
            id=p.id or 0,
            code=p.code,
            name=p.name,
            region_code=p.region_code,
            location=p.location,
            total_investment=p.total_investment,
            land_area=p.land_area,
        )
        for p in rows
    ]


def attach(session: Session, *, project: Project, planned_id: int) -> None:
    """Registration from a plan (called by ``hall/projects.register_project`` before the new
    project is written): only an agreed plan naming the project's company, once; the project
    must lie where the plan does."""
    plan = session.get(PlannedProject, planned_id)
    company = session.get(Company, project.company_id)
    if (
        plan is None
        or company is None
        or plan.builder_uscc != company.uscc
        or plan.status != PlanStatus.AGREED
    ):
        raise DomainError("generation.not_registrable", field="planned_id")
    if not project.region_code.startswith(region_prefix(plan.region_code) or plan.region_code):
        raise DomainError("generation.elsewhere", field="region_code")
    project.planned_id = plan.id
    plan.status = PlanStatus.REGISTERED
    session.add(plan)


def conditions_for(session: Session, *, project_id: int) -> list[ConditionRow]:
    """The conditions agreed in 策划生成 that the project carries (none without a plan)."""
    planned_id = session.exec(select(Project.planned_id).where(Project.id == project_id)).first()
    if planned_id is None:
        return []
    rows = session.exec(
        select(Department.name, PlanningOpinion.conditions)
        .join(Department, col(Department.id) == col(PlanningOpinion.department_id))
        .where(PlanningOpinion.planned_id == planned_id, PlanningOpinion.conditions != "")
        .order_by(col(PlanningOpinion.id))
    )
    return [ConditionRow(department=name, conditions=text) for name, text in rows]
