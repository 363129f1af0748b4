"""Prerequisites between items of one project (前置事项): what an item still waits for, and
releasing or blocking the waiting items when a prerequisite is decided."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam
from sqlmodel import Session, select

from eap.db import reading
from eap.models import Item, ItemCase, ItemDependency
from eap.models.cases import APPROVED_STATES, TERMINAL
from eap.models.common import table_of
from eap.services.approval.case_clock import start_clock
from eap.services.approval.case_store import office_name, save_versioned, write_event
from eap.services.core.clock import WorkCalendar

_CASE = table_of(ItemCase)
_T_DEP = table_of(ItemDependency)
_T_ITEM = table_of(Item)
_PREREQUISITES = (
    select(_T_DEP.c.item_id, _T_DEP.c.requires_code)
    .where(_T_DEP.c.item_id.in_(bindparam("item_ids", expanding=True)))
    .order_by(_T_DEP.c.id)
)
_STATUSES_OF_CODES = (
    select(_T_ITEM.c.code, _CASE.c.status)
    .join(_T_ITEM, _T_ITEM.c.id == _CASE.c.item_id)
    .where(
        _CASE.c.project_id == bindparam("project_id"),
        _T_ITEM.c.code.in_(bindparam("codes", expanding=True)),
    )
)
_WAITING_ON_CODE = (
    select(_CASE.c.id)
    .where(
        _CASE.c.project_id == bindparam("project_id"),
        _CASE.c.waiting_on.contains(bindparam("code")),
    )
    .order_by(_CASE.c.id)
)


def unmet_prerequisites(session: Session, *, case: ItemCase) -> tuple[list[str], list[str]]:
    """(codes still awaited, codes refused) among the prerequisites within the same project.

    A prerequisite that is not part of this project's cases is not required for it. Case rows
    are written as they change (see save_versioned), so reading the table directly is current.
    """
    assert case.id is not None
    return unmet_prerequisites_all(session, cases=[case])[case.id]


def unmet_prerequisites_all(
    session: Session, *, cases: list[ItemCase]
) -> dict[int, tuple[list[str], list[str]]]:
    """unmet_prerequisites for several cases of one project, in two queries."""
    if not cases:
        return {}
    conn = reading(session)
    needs: dict[int, list[str]] = {}
    for item_id, code in conn.execute(
        _PREREQUISITES, {"item_ids": sorted({c.item_id for c in cases})}
    ):
        needs.setdefault(item_id, []).append(code)
    statuses: dict[str, list[int]] = {}
    codes = sorted({code for codes in needs.values() for code in codes})
    if codes:
        for code, status in conn.execute(
            _STATUSES_OF_CODES, {"project_id": cases[0].project_id, "codes": codes}
        ):
            statuses.setdefault(code, []).append(status)
    out: dict[int, tuple[list[str], list[str]]] = {}
    for case in cases:
        assert case.project_id == cases[0].project_id and case.id is not None
        waiting, refused = [], []
        for code in needs.get(case.item_id, []):
            rows = statuses.get(code, [])
            if not rows or any(s in APPROVED_STATES for s in rows):
                continue
            if all(s in TERMINAL for s in rows):
                refused.append(code)
            else:
                waiting.append(code)
        out[case.id] = (waiting, refused)
    return out


def release_dependents(
    session: Session,
    *,
    decided: ItemCase,
    item_code: str,
    now: dt.datetime,
    cal: WorkCalendar,
) -> list[ItemCase]:
    """After a decision: start waiting items whose prerequisites are now met, block the rest."""
    touched = []
    ids = (
        reading(session)
        .execute(_WAITING_ON_CODE, {"project_id": decided.project_id, "code": item_code})
        .scalars()
        .all()
    )
    for dep_id in ids:
        dep = session.get(ItemCase, dep_id)
        assert dep is not None
        waiting, refused = unmet_prerequisites(session, case=dep)
        read_version = dep.version
        dep.waiting_on = ",".join(waiting)
        if refused:
            dep.blocked_reason = ",".join(refused)
            action = "dependency_blocked"
        elif not waiting:
            start_clock(dep, now=now, cal=cal)
            action = "dependency_met"
        else:
            save_versioned(session, dep, read_version=read_version)
            continue
        save_versioned(session, dep, read_version=read_version)
        # not a new 受理: kept without a BLZT, in the name of the office that holds the case
        write_event(
            session,
            stage_case_id=dep.stage_case_id,
            item_case=dep,
            action=action,
            principal=None,
            office=office_name(session, dep.department_id),
            now=now,
            detail={"prerequisite": item_code},
            reported=False,
        )
        touched.append(dep)
    return touched
