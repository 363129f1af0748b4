"""Who may act on what (权限): region, department and company scope, checked in every service."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlmodel import Session

from eap.db import reading
from eap.errors import PermissionDenied
from eap.models import ItemCase, Project, Region, StageCase
from eap.models.common import table_of
from eap.services.core.principal import Principal

PROVINCE = "360000"


_T_REGION = table_of(Region)
_REGION_LEVEL = select(_T_REGION.c.level, _T_REGION.c.parent_code).where(
    _T_REGION.c.code == bindparam("code")
)


def city_of(session: Session, region_code: str) -> str:
    """The city (or zone) a region belongs to; approvals are handled at that level."""
    conn = reading(session)
    code: str | None = region_code
    while code is not None:
        row = conn.execute(_REGION_LEVEL, {"code": code}).first()
        if row is None:
            break
        if row.level in ("city", "zone", "province"):
            return code
        code = row.parent_code
    return region_code


def region_names(session: Session) -> dict[str, str]:
    """GB/T 2260 code -> name for every region (113 rows), for lists that show names."""
    rows = reading(session).execute(select(_T_REGION.c.code, _T_REGION.c.name))
    return {code: name for code, name in rows}


def in_region(principal: Principal, region_code: str) -> bool:
    """Province-level staff see the whole province; city staff their city and its counties."""
    prefix = region_prefix(principal.region_code or "")
    return prefix is not None and region_code.startswith(prefix)


def region_prefix(scope: str) -> str | None:
    """GB/T 2260 prefix covering a region: 36 for the province, 3601 for 南昌 and its counties."""
    if len(scope) != 6:
        return None
    if scope.endswith("0000"):
        return scope[:2]
    if scope.endswith("00"):
        return scope[:4]
    return scope


def require_applicant(principal: Principal, project: Project) -> None:
    if principal.role not in ("applicant", "agent") or principal.company_id != project.company_id:
        raise PermissionDenied("error.not_found")


def require_window(principal: Principal, stage_case: StageCase) -> None:
    if principal.role != "window" or principal.region_code != stage_case.window_region_code:
        raise PermissionDenied("error.not_found")


def require_department(principal: Principal, item_case: ItemCase, *, head: bool = False) -> None:
    if principal.role != "approver" or principal.department_id != item_case.department_id:
        raise PermissionDenied("error.not_found")
    if head and not principal.is_head:
        raise PermissionDenied()


def require_assignee(principal: Principal, item_case: ItemCase) -> None:
    """Four eyes (双人复核): a case handed to a person (转办) is handled by that person only,
    until it is explicitly handed on again."""
    if item_case.assignee_id is not None and item_case.assignee_id != principal.user_id:
        raise PermissionDenied("case.assigned_to_other")


def require_lead(principal: Principal, stage_case: StageCase) -> None:
    """The lead department's staff (the window leads the parallel stage 5)."""
    if principal.role not in ("approver", "window") or (
        principal.department_id != stage_case.lead_department_id
    ):
        raise PermissionDenied("error.not_found")


def can_view_stage_case(
    session: Session, principal: Principal, stage_case: StageCase, project: Project
) -> bool:
    role = principal.role
    if role in ("applicant", "agent"):
        return principal.company_id == project.company_id
    if role == "window":
        return principal.region_code == stage_case.window_region_code
    if role == "approver":
        if principal.department_id == stage_case.lead_department_id:
            return True
        from sqlmodel import select

        return (
            session.exec(
                select(ItemCase.id).where(
                    ItemCase.stage_case_id == stage_case.id,
                    ItemCase.department_id == principal.department_id,
                )
            ).first()
            is not None
        )
    if role in ("supervisor", "leader"):
        return in_region(principal, stage_case.region_code)
    return False
