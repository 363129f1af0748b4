"""Case rows on disk: the one-statement guarded write of a changed case (optimistic lock and
change together) and the append of its immutable history rows.

Prebuilt statements: the hot path issues them with plain parameters, so SQLAlchemy compiles
each once per dialect and the per-transition cost stays near the driver's own.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence

from sqlalchemy import Table, Update, bindparam, insert
from sqlalchemy.orm.attributes import instance_state
from sqlmodel import Session

from eap.errors import ConflictError
from eap.models import CaseEvent, ItemCase, StageCase
from eap.services.accounts import Principal

_CASE = ItemCase.__table__  # type: ignore[attr-defined]
_INSERT_EVENT = insert(CaseEvent.__table__)  # type: ignore[attr-defined]


_VERSIONED = {
    ItemCase: _CASE,
    StageCase: StageCase.__table__,  # type: ignore[attr-defined]
}


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
) -> dict[str, object]:
    assert stage_case_id is not None
    return {
        "stage_case_id": stage_case_id,
        "item_case_id": item_case.id if item_case else None,
        "status": item_case.status if item_case else None,
        "action": action,
        "office": office,
        "handler_id": principal.user_id if principal else None,
        "handler_name": principal.display_name if principal else "",
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
            )
        ],
    )


def append_events(session: Session, rows: list[dict[str, object]]) -> None:
    """Append history rows built by event_row, in one statement."""
    if rows:
        session.connection().execute(_INSERT_EVENT, rows)
