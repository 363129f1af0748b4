"""The administrator's departments (部门管理): per region down to the counties, add one, rename
one and set its organisation code (统一社会信用代码, reported nationally as SPBMBM), deactivate
one after an institutional reform (机构改革) and set each one's review chain (科室流转).

The catalogue makes one department of every kind in every region; the kind decides which items
it handles. New cases go to the region's *active* department of the item's kind, so a region has
at most one active department per kind: a successor is added once its predecessor is
deactivated, and a department is deactivated only when no open case and no active staff account
is left with it (nothing is stranded). Every change is audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from eap.errors import DomainError
from eap.models import Department, Item, ItemCase, Region, StepChain, User
from eap.models.cases import TERMINAL
from eap.services.admin.catalogue import department_kinds, latest_items
from eap.services.approval import steps
from eap.services.approval.step_chains import DEFAULT_CHAIN
from eap.services.core.audit import record
from eap.services.core.identifiers import validate_uscc
from eap.services.core.principal import Principal, Role

# The chains an administrator can choose: 经办 alone, 经办 → 签发, 经办 → 审核 → 签发.
CHAINS: dict[str, list[str]] = {
    "handle": ["handle"],
    "handle-sign": ["handle", "sign"],
    "handle-review-sign": ["handle", "review", "sign"],
}


@dataclass(frozen=True)
class DepartmentRow:
    id: int = 0
    code: str = ""
    name: str = ""
    kind: str = ""
    org_code: str = ""
    active: bool = True
    open_cases: int = 0
    staff: int = 0
    chain: str = "handle"  # a key of CHAINS: the department-wide chain


@dataclass(frozen=True)
class ChainRow:
    """One item the department handles and its own chain ("" when it follows the department's)."""

    item_id: int = 0
    code: str = ""
    name: str = ""
    chain: str = ""


def _chain_key(chain: Sequence[str]) -> str:
    return "-".join(chain)


def departments_of(
    session: Session, *, principal: Principal, region_code: str
) -> list[DepartmentRow]:
    principal.require_role(Role.ADMIN)
    rows = session.exec(
        select(Department)
        .where(Department.region_code == region_code)
        .order_by(col(Department.active).desc(), col(Department.code))
    ).all()
    ids = [d.id for d in rows]
    open_cases = dict(
        session.exec(
            select(ItemCase.department_id, func.count())
            .where(col(ItemCase.department_id).in_(ids), col(ItemCase.status).not_in(TERMINAL))
            .group_by(col(ItemCase.department_id))
        ).all()
    )
    staff = dict(
        session.exec(
            select(User.department_id, func.count())
            .where(col(User.department_id).in_(ids), col(User.active).is_(True))
            .group_by(col(User.department_id))
        ).all()
    )
    chains = dict(
        session.exec(
            select(StepChain.department_id, StepChain.steps).where(
                col(StepChain.department_id).in_(ids), col(StepChain.item_id).is_(None)
            )
        ).all()
    )
    return [
        DepartmentRow(
            d.id or 0,
            d.code,
            d.name,
            d.kind,
            d.org_code,
            d.active,
            open_cases.get(d.id or 0, 0),
            staff.get(d.id or 0, 0),
            _chain_key(chains.get(d.id or 0) or DEFAULT_CHAIN),
        )
        for d in rows
    ]


def _org_code(raw: str) -> str:
    if not raw.strip():
        return ""
    try:
        return validate_uscc(raw)
    except DomainError as exc:
        raise DomainError(exc.key, field="org_code", **exc.params) from None


def _department(session: Session, department_id: int) -> Department:
    dept = session.get(Department, department_id)
    if dept is None:
        raise DomainError("error.not_found")
    return dept


def _active_of_kind(session: Session, region_code: str, kind: str) -> Department | None:
    return session.exec(
        select(Department).where(
            Department.region_code == region_code,
            Department.kind == kind,
            col(Department.active).is_(True),
        )
    ).first()


def create_department(
    session: Session,
    *,
    principal: Principal,
    region_code: str,
    kind: str,
    name: str,
    org_code: str,
) -> Department:
    """Add a department of a kind to a region, e.g. the successor after a reform."""
    principal.require_role(Role.ADMIN)
    region = session.get(Region, region_code)
    if region is None:
        raise DomainError("department.region_required", field="region_code")
    if kind not in {k["kind"] for k in department_kinds()}:
        raise DomainError("department.kind_required", field="kind")
    if not name.strip():
        raise DomainError("staff.name_required", field="name")
    org = _org_code(org_code)
    existing = _active_of_kind(session, region_code, kind)
    if existing is not None:
        raise DomainError("department.kind_taken", field="kind", name=existing.name)
    # the code stays region + kind; a successor gets the next free suffix (-2, -3, …)
    taken = set(
        session.exec(
            select(Department.code).where(col(Department.code).startswith(f"{region_code}-{kind}"))
        )
    )
    code, n = f"{region_code}-{kind}", 1
    while code in taken:
        n += 1
        code = f"{region_code}-{kind}-{n}"
    dept = Department(
        code=code,
        name=name.strip()[:64],
        kind=kind,
        region_code=region_code,
        org_code=org,
        address=f"{region.name}政务服务中心",
        office_hours="周一至周五 9:00-12:00, 13:30-17:00",
    )
    session.add(dept)
    session.flush()
    record(
        session,
        actor_id=principal.user_id,
        action="department.create",
        entity="department",
        entity_id=dept.id or 0,
        detail={"code": code, "kind": kind, "region": region_code},
    )
    return dept


def update_department(
    session: Session, *, principal: Principal, department_id: int, name: str, org_code: str
) -> Department:
    principal.require_role(Role.ADMIN)
    dept = _department(session, department_id)
    if not name.strip():
        raise DomainError("staff.name_required", field="name")
    before = {"name": dept.name, "org_code": dept.org_code}
    dept.name, dept.org_code = name.strip()[:64], _org_code(org_code)
    session.add(dept)
    record(
        session,
        actor_id=principal.user_id,
        action="department.update",
        entity="department",
        entity_id=department_id,
        detail={"before": before},
    )
    session.flush()
    return dept


def set_department_active(
    session: Session, *, principal: Principal, department_id: int, active: bool
) -> Department:
    """Deactivate a department that has nothing left, or bring one back when its kind is free."""
    principal.require_role(Role.ADMIN)
    dept = _department(session, department_id)
    if dept.active == active:
        return dept
    if active:
        other = _active_of_kind(session, dept.region_code, dept.kind)
        if other is not None:
            raise DomainError("department.kind_taken", name=other.name)
    else:
        cases = session.exec(
            select(func.count()).where(
                ItemCase.department_id == department_id, col(ItemCase.status).not_in(TERMINAL)
            )
        ).one()
        people = session.exec(
            select(func.count()).where(
                User.department_id == department_id, col(User.active).is_(True)
            )
        ).one()
        if cases or people:
            raise DomainError("department.busy", cases=cases, staff=people)
    dept.active = active
    session.add(dept)
    record(
        session,
        actor_id=principal.user_id,
        action="department.activate" if active else "department.deactivate",
        entity="department",
        entity_id=department_id,
    )
    session.flush()
    return dept


def chains_of(session: Session, *, principal: Principal, department_id: int) -> list[ChainRow]:
    """The items of the department's kind and each one's own chain, if it has one."""
    principal.require_role(Role.ADMIN)
    dept = _department(session, department_id)
    own = dict(
        session.exec(
            select(StepChain.item_id, StepChain.steps).where(
                StepChain.department_id == department_id, col(StepChain.item_id).is_not(None)
            )
        ).all()
    )
    items = sorted(
        (i for i in latest_items(session).values() if i.dept_kind == dept.kind),
        key=lambda i: i.code,
    )
    return [
        ChainRow(i.id or 0, i.code, i.name_zh, _chain_key(own[i.id]) if i.id in own else "")
        for i in items
    ]


def set_department_chain(
    session: Session, *, principal: Principal, department_id: int, item_id: int | None, chain: str
) -> None:
    """Set the department's chain, or one item's ("" for an item: follow the department's)."""
    principal.require_role(Role.ADMIN)
    dept = _department(session, department_id)
    if item_id is not None and chain == "":
        row = session.exec(
            select(StepChain).where(
                StepChain.department_id == department_id, StepChain.item_id == item_id
            )
        ).first()
        if row is not None:
            session.delete(row)
            record(
                session,
                actor_id=principal.user_id,
                action="steps.configure",
                entity="department",
                entity_id=department_id,
                detail={"item_id": item_id, "steps": None},
            )
            session.flush()
        return
    if chain not in CHAINS:
        raise DomainError("steps.bad_chain", field="chain")
    if item_id is not None:
        item = session.get(Item, item_id)
        if item is None or item.dept_kind != dept.kind:
            raise DomainError("error.not_found")
    steps.set_chain(
        session,
        principal=principal,
        department_id=department_id,
        item_id=item_id,
        steps=CHAINS[chain],
    )
