"""Case rows on disk: loading a case for a move (with the facts it reads), the one-statement guarded write of a changed case (optimistic lock and
change together) and the append of its immutable history rows.

Prebuilt statements: the hot path issues them with plain parameters, so SQLAlchemy compiles
each once per dialect and the per-transition cost stays near the driver's own.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, Update, bindparam, exists, insert
from sqlalchemy.orm.attributes import instance_state
from sqlmodel import Session, col, select

from eap.db import reading
from eap.errors import ConflictError, DomainError
from eap.models import CaseEvent, Department, Item, ItemCase, ItemDependency, Project, StageCase
from eap.models.common import table_of
from eap.services.core.changes import touch
from eap.services.core.principal import Principal

_CASE = table_of(ItemCase)
_INSERT_EVENT = insert(table_of(CaseEvent))


_VERSIONED = {
    ItemCase: _CASE,
    StageCase: table_of(StageCase),
}


# What an applicant's own move records as its 办理人 (their name stays on their account).
APPLICANT_HANDLER = "申请人"


@functools.cache
def _guarded_update(table: Table, columns: tuple[str, ...]) -> Update:
    """One statement per set of changed columns (a handful per move), built once."""
    return (
        table.update()
        .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
        .values({name: bindparam(name) for name in columns})
    )


def save_versioned(session: Session, row: ItemCase | StageCase, *, read_version: int) -> None:
    """Write the row's changed columns in one UPDATE guarded by the version it was read at.

    This is the optimistic lock and the change in a single statement: it lands only if
    nobody changed the row since, and bumps the version. The in-memory object is then marked
    clean (what a flush itself does afterwards), so the session does not write it again.
    """
    save_versioned_all(session, [(row, read_version)])


def save_versioned_all(session: Session, rows: Sequence[tuple[ItemCase | StageCase, int]]) -> None:
    """save_versioned for several rows: one batch UPDATE per table and set of changed columns.
    Any row changed by someone else since it was read makes the whole batch a conflict."""
    batches: dict[tuple[Table, tuple[str, ...]], list[dict[str, object]]] = {}
    for row, read_version in rows:
        state = instance_state(row)
        # committed_state holds exactly the attributes set since the row was loaded or saved.
        values = {name: state.dict[name] for name in state.committed_state if name != "version"}
        values["version"] = read_version + 1
        key = (_VERSIONED[type(row)], tuple(sorted(values)))
        batches.setdefault(key, []).append({"b_id": row.id, "b_version": read_version, **values})
    conn = session.connection()
    for (table, columns), params in batches.items():
        if len(params) > 1 and not conn.dialect.supports_sane_multi_rowcount:
            matched = sum(conn.execute(_guarded_update(table, columns), p).rowcount for p in params)
        else:
            matched = conn.execute(_guarded_update(table, columns), params).rowcount
        if matched != len(params):
            raise ConflictError("error.conflict")
    for row, _read in rows:
        touch(session, type(row), [row.id])
    for row, read_version in rows:
        row.version = read_version + 1
        state = instance_state(row)
        state._commit_all(state.dict, session.identity_map)


def update_stage(session: Session, stage_case: StageCase, **changes: object) -> None:
    """Change a stage case under its optimistic lock, in one statement."""
    read_version = stage_case.version
    for name, value in changes.items():
        setattr(stage_case, name, value)
    save_versioned(session, stage_case, read_version=read_version)


def event_row(
    *,
    stage_case_id: int | None,
    item_case: ItemCase | None,
    action: str,
    principal: Principal | None,
    opinion: str,
    office: str,
    now: dt.datetime,
    detail: dict | None,
    reported: bool = True,
) -> dict[str, object]:
    """``reported=False``: a step that changes no 办理状态 (a waiting item released or
    blocked by its prerequisite's decision) is kept in our history without a BLZT, so the
    national history never shows the case accepted a second time."""
    assert stage_case_id is not None
    return {
        "stage_case_id": stage_case_id,
        "item_case_id": item_case.id if item_case else None,
        "status": item_case.status if item_case and reported else None,
        "action": action,
        "office": office,
        "handler_id": principal.user_id if principal else None,
        # an official's name is part of the record (办理人, reported nationally); an applicant's
        # is personal data, kept sealed on the account: the record names the role (BLR is
        # required of every history row)
        "handler_name": ""
        if principal is None
        else APPLICANT_HANDLER
        if principal.role in ("applicant", "agent")
        else principal.display_name,
        "opinion": opinion,
        "at": now,
        "detail": detail or {},
    }


def write_event(
    session: Session,
    *,
    stage_case_id: int | None,
    item_case: ItemCase | None,
    action: str,
    principal: Principal | None,
    opinion: str = "",
    office: str = "",
    now: dt.datetime,
    detail: dict | None = None,
    reported: bool = True,
) -> None:
    """Append one immutable history row, in the caller's transaction."""
    append_events(
        session,
        [
            event_row(
                stage_case_id=stage_case_id,
                item_case=item_case,
                action=action,
                principal=principal,
                opinion=opinion,
                office=office,
                now=now,
                detail=detail,
                reported=reported,
            )
        ],
    )


def append_events(session: Session, rows: list[dict[str, object]]) -> None:
    """Append history rows built by event_row, in one statement."""
    if rows:
        session.connection().execute(_INSERT_EVENT, rows)
        touch(session, CaseEvent, (cast(int | None, r.get("item_case_id")) for r in rows))


_T_DEPARTMENT = table_of(Department)
_DEPARTMENT_NAME = select(_T_DEPARTMENT.c.name).where(_T_DEPARTMENT.c.id == bindparam("id"))


def _office_names(session: Session) -> dict[int, str]:
    return session.info.setdefault("eap.office_names", {})


def office_name(session: Session, department_id: int) -> str:
    """Department name for history rows, memoised for the life of this session only."""
    names = _office_names(session)
    if department_id not in names:
        name = reading(session).execute(_DEPARTMENT_NAME, {"id": department_id}).scalar()
        names[department_id] = name or ""
    return names[department_id]


_T_ITEM = table_of(Item)
_T_DEP = table_of(ItemDependency)
_LOAD_CASE = (
    select(ItemCase, StageCase, Project)
    .join(StageCase, col(StageCase.id) == col(ItemCase.stage_case_id))
    .join(Project, col(Project.id) == col(ItemCase.project_id))
    .where(col(ItemCase.id) == bindparam("id"))
)


@dataclass(frozen=True)
class ProjectFacts:
    """What a department's move reads of the project: it never changes the project."""

    id: int
    name: str
    region_code: str
    company_id: int


@dataclass(frozen=True)
class ItemFacts:
    """What a department's move reads of the catalogue item."""

    id: int
    code: str
    name_zh: str
    result_kind: str
    promise_allowed: bool
    certificate_name: str
    has_dependents: bool  # some catalogue item waits for this one's approval


_T_PROJECT = table_of(Project)
_CASE_FACTS = (
    select(
        _T_PROJECT.c.id,
        _T_PROJECT.c.name,
        _T_PROJECT.c.region_code,
        _T_PROJECT.c.company_id,
        _T_ITEM.c.id,
        _T_ITEM.c.code,
        _T_ITEM.c.name_zh,
        _T_ITEM.c.result_kind,
        _T_ITEM.c.promise_allowed,
        _T_ITEM.c.certificate_name,
        exists().where(_T_DEP.c.requires_code == _T_ITEM.c.code),
    )
    .select_from(
        _CASE.join(_T_PROJECT, _T_PROJECT.c.id == _CASE.c.project_id).join(
            _T_ITEM, _T_ITEM.c.id == _CASE.c.item_id
        )
    )
    .where(_CASE.c.id == bindparam("id"))
)
# The case with its department's name, which its history rows carry as the office (BLCS).
_CASE_BY_ID = (
    select(ItemCase, _T_DEPARTMENT.c.name)
    .join(_T_DEPARTMENT, _T_DEPARTMENT.c.id == col(ItemCase.department_id))
    .where(col(ItemCase.id) == bindparam("id"))
)


def load_case(session: Session, item_case_id: int) -> tuple[ItemCase, StageCase, Project]:
    """An item case with its stage case and project, in one query."""
    row = session.execute(_LOAD_CASE, {"id": item_case_id}).first()
    if row is None:
        raise DomainError("error.not_found")
    return row[0], row[1], row[2]


def load_item_case(session: Session, item_case_id: int) -> ItemCase:
    row = session.execute(_CASE_BY_ID, {"id": item_case_id}).first()
    if row is None:
        raise DomainError("error.not_found")
    case, office = row
    _office_names(session)[case.department_id] = office
    return case


def load_case_and_facts(
    session: Session, item_case_id: int
) -> tuple[ItemCase, ProjectFacts, ItemFacts]:
    """An item case to change, with the project and item facts the move reads (two queries:
    only the case is a tracked object)."""
    case = load_item_case(session, item_case_id)
    row = reading(session).execute(_CASE_FACTS, {"id": item_case_id}).one()
    return case, ProjectFacts(*row[:4]), ItemFacts(*row[4:])


_LOAD_STAGE = (
    select(StageCase, Project)
    .join(Project, col(Project.id) == col(StageCase.project_id))
    .where(col(StageCase.id) == bindparam("id"))
)


def load_stage(session: Session, stage_case_id: int) -> tuple[StageCase, Project]:
    """A stage case with its project, in one query."""
    row = session.execute(_LOAD_STAGE, {"id": stage_case_id}).first()
    if row is None:
        raise DomainError("error.not_found")
    return row[0], row[1]


def item_cases(session: Session, stage_case_id: int) -> list[ItemCase]:
    return list(
        session.exec(
            select(ItemCase)
            .where(ItemCase.stage_case_id == stage_case_id)
            .order_by(col(ItemCase.id))
        )
    )
