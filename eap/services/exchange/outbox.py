"""The reporting outbox: every committed change to a reported record adds a new version of its
SPGL row in the same transaction (DOMAIN §10).

How a change is noticed: the ORM's flushes name the rows they wrote (``after_flush``); the
engine's hand-written Core statements (guarded case updates, history appends, document
inserts, the market's guarded updates) call ``touch`` beside the statement. Noticing too much is
harmless — an unchanged rendering adds no version — so a touch errs on the wide side.

How LSH follows commit order: just before commit, each touched table's counter row is
incremented (``UPDATE … RETURNING``), which holds that row's lock until the commit. Two
transactions reporting to the same table therefore commit in the order they took their serial
numbers, and a reader that keeps "the last LSH seen" never skips a version committed later
with a smaller number. Counters are taken in table-name order, so two transactions cannot
wait on each other's counters.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Collection
from typing import Any

from sqlalchemy import bindparam, event, insert, update
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from eap.models import (
    AgencyService,
    ApprovalDocument,
    CaseEvent,
    ItemCase,
    Process,
    ProcessItem,
    ProcessStage,
    Project,
    ProjectUnit,
    Purchase,
    SpecialProcedure,
    SpglSequence,
    SpglVersion,
    StageCase,
)
from eap.models.common import table_of, utcnow
from eap.models.exchange import UploadState
from eap.services.core.changes import KEY, touched
from eap.services.exchange.fields import Row
from eap.services.exchange.tables import BY_NAME, TABLES

_PROCESS_TABLES = ("SPGL_DFXMSPLCXXB", "SPGL_DFXMSPLCJDXXB", "SPGL_DFXMSPLCJDSXXXB")
_SERVICE_TABLES = ("SPGL_ZJFWSXBLXXB", "SPGL_ZJFWSXBLGCXXB")

# model -> (tables, the attribute that is their anchor id)
ANCHORS: dict[type, tuple[tuple[str, ...], str]] = {
    Project: (("SPGL_XMJBXXB", "SPGL_XMDWXXB"), "id"),
    ProjectUnit: (("SPGL_XMDWXXB",), "project_id"),
    Process: (_PROCESS_TABLES, "id"),
    ProcessStage: (_PROCESS_TABLES, "process_id"),
    ProcessItem: (_PROCESS_TABLES, "process_id"),
    # a case's own row; its history, documents and special procedures are touched by their
    # own writes (CaseEvent, ApprovalDocument, SpecialProcedure below)
    ItemCase: (("SPGL_XMSPSXBLXXB",), "id"),
    CaseEvent: (("SPGL_XMSPSXBLXXXXB",), "item_case_id"),
    ApprovalDocument: (("SPGL_XMSPSXPFWJXXB",), "item_case_id"),
    SpecialProcedure: (("SPGL_XMSPSXBLTBCXXXB",), "item_case_id"),
    AgencyService: (_SERVICE_TABLES, "id"),
}
# Rows reported through their children: a stage case's item cases carry its number and
# channel; a purchase's services carry its method, number and winner.
CHILDREN: dict[type, tuple[Any, str, tuple[str, ...]]] = {
    StageCase: (ItemCase, "stage_case_id", ("SPGL_XMSPSXBLXXB",)),
    Purchase: (AgencyService, "purchase_id", _SERVICE_TABLES),
}

_T_VERSION = table_of(SpglVersion)
_T_SEQUENCE = table_of(SpglSequence)
_INSERT_VERSION = insert(_T_VERSION)
_TAKE_SERIALS = (
    update(_T_SEQUENCE)
    .where(_T_SEQUENCE.c.table_name == bindparam("t"))
    .values(last_lsh=_T_SEQUENCE.c.last_lsh + bindparam("n"))
    .returning(_T_SEQUENCE.c.last_lsh)
)


def _after_flush(session: OrmSession, _context: Any) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        kind = type(obj)
        if kind in ANCHORS:
            anchor = getattr(obj, ANCHORS[kind][1], None)
        elif kind in CHILDREN:
            anchor = getattr(obj, "id", None)
        else:
            continue
        if anchor:
            touched(session)[kind].add(anchor)


def _anchors(session: Session, touched: dict[type, set[int]]) -> dict[str, set[int]]:
    """Touched rows -> the anchor ids to render again, per table."""
    out: dict[str, set[int]] = defaultdict(set)
    for kind, ids in touched.items():
        if not ids:
            continue
        if kind in CHILDREN:
            child, parent_attr, tables = CHILDREN[kind]
            q = select(child.id).where(col(getattr(child, parent_attr)).in_(ids))
            children = set(session.exec(q).all())
            for table in tables:
                out[table] |= children
        else:
            for table in ANCHORS[kind][0]:
                out[table] |= ids
    return out


def payload_hash(row: Row) -> str:
    text = json.dumps(row.fields, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{row.region}|{text}".encode()).hexdigest()


_LATEST_ALL = (
    select(
        _T_VERSION.c.record_key,
        _T_VERSION.c.payload_hash,
        _T_VERSION.c.valid,
        _T_VERSION.c.anchor_id,
    )
    .where(_T_VERSION.c.table_name == bindparam("t"))
    .order_by(_T_VERSION.c.lsh)
)
# prebuilt: it runs at every commit that changes a reported record
_LATEST = _LATEST_ALL.where(
    _T_VERSION.c.anchor_id.in_(bindparam("anchors", expanding=True))
    | _T_VERSION.c.record_key.in_(bindparam("keys", expanding=True))
)


def _latest(
    session: Session, table: str, anchors: Collection[int] | None, keys: Collection[str] = ()
) -> dict[str, tuple[str, bool, int]]:
    """key -> (hash, valid, anchor) of each record's latest version under these anchors."""
    conn = session.connection()
    if anchors is None:
        rows = conn.execute(_LATEST_ALL, {"t": table})
    else:
        params = {"t": table, "anchors": list(anchors) or [0], "keys": list(keys) or [""]}
        rows = conn.execute(_LATEST, params)
    out: dict[str, tuple[str, bool, int]] = {}
    for key, digest, valid, anchor in rows:
        out[key] = (digest, bool(valid), anchor)
    return out


def _versions(
    session: Session, table: str, anchors: Collection[int] | None, *, force: Collection[str] = ()
) -> list[dict[str, Any]]:
    """The new versions of one table's records under ``anchors`` (None: all records): those
    whose rendering differs from their latest version, those in ``force``, and a 'no longer
    valid' version for each record that no longer renders."""
    rows = list(BY_NAME[table].render(session, anchors))
    latest = _latest(session, table, anchors, [r.key for r in rows])
    now = utcnow()
    out: list[dict[str, Any]] = []
    for row in rows:
        digest = payload_hash(row)
        before = latest.get(row.key)
        if before is None or before[0] != digest or not before[1] or row.key in force:
            out.append(_version(table, row, digest, valid=True, now=now))
    rendered = {r.key for r in rows}
    for key, (digest, valid, anchor) in latest.items():
        if valid and key not in rendered:
            gone = Row(key, anchor, "", {})
            out.append(_version(table, gone, digest, valid=False, now=now))
    return out


def _version(table: str, row: Row, digest: str, *, valid: bool, now: Any) -> dict[str, Any]:
    return {
        "table_name": table,
        "record_key": row.key,
        "anchor_id": row.anchor,
        "region_code": row.region,
        "valid": valid,
        "payload": row.fields,
        "payload_hash": digest,
        "state": UploadState.PENDING,
        "reason": "",
        "created_at": now,
        "attempts": 0,
        "claimed_by": "",
    }


def _write(session: Session, versions: dict[str, list[dict[str, Any]]]) -> int:
    """Give the versions their serial numbers (holding each table's counter to commit) and
    insert them."""
    conn = session.connection()
    written = 0
    for table in sorted(versions):
        rows = versions[table]
        if not rows:
            continue
        last = conn.execute(_TAKE_SERIALS, {"t": table, "n": len(rows)}).scalar_one()
        for n, row in enumerate(rows):
            row["lsh"] = last - len(rows) + 1 + n
            if not row["valid"]:
                region = session.exec(
                    select(SpglVersion.region_code)
                    .where(SpglVersion.table_name == table)
                    .where(SpglVersion.record_key == row["record_key"])
                    .limit(1)
                ).first()
                row["region_code"] = region or ""
        conn.execute(_INSERT_VERSION, rows)
        written += len(rows)
    return written


def record_changes(session: Session) -> int:
    """Version every record this transaction touched; called just before commit."""
    session.flush()
    touched = session.info.pop(KEY, None)
    if not touched:
        return 0
    anchors = _anchors(session, touched)
    versions = {t: _versions(session, t, ids) for t, ids in anchors.items() if ids}
    return _write(session, versions)


def resync(session: Session, *, tables: Collection[str] | None = None) -> dict[str, int]:
    """Render every record and version whatever differs from its latest version (a new
    deployment's first versions, or a repair after codes were corrected)."""
    versions = {
        t.name: _versions(session, t.name, None)
        for t in TABLES
        if tables is None or t.name in tables
    }
    _write(session, versions)
    return {t: len(v) for t, v in versions.items() if v}


def new_version(session: Session, *, table: str, keys: Collection[str]) -> int:
    """A fresh version of these records now, changed or not: 'resend after correction'."""
    anchors = set(
        session.exec(
            select(SpglVersion.anchor_id)
            .where(SpglVersion.table_name == table)
            .where(col(SpglVersion.record_key).in_(keys))
        ).all()
    )
    versions = [v for v in _versions(session, table, anchors, force=keys)]
    return _write(session, {table: [v for v in versions if v["record_key"] in keys]})


def _before_commit(session: OrmSession) -> None:
    # commit flushes anyway: flushing here first lets the flush name what it wrote
    record_changes(session)  # type: ignore[arg-type]  # every Session here is SQLModel's


def _forget(session: OrmSession, *_args: Any) -> None:
    session.info.pop(KEY, None)


_installed = False


def install() -> None:
    """Listen on every session of the process (idempotent)."""
    global _installed
    if _installed:
        return
    event.listen(OrmSession, "after_flush", _after_flush)
    event.listen(OrmSession, "before_commit", _before_commit)
    event.listen(OrmSession, "after_rollback", _forget)
    _installed = True
