"""The staging database (前置库) mode of DOMAIN §10: row versions are written into a separate
database, one table per SPGL table, keyed by LSH; the exchange platform sets SJSCZT (and SBYY)
there, and the next round reads those outcomes back.

The staging database belongs to the exchange, not to this application: its tables are made
here (``ensure_schema``) only because the demo and the tests bring their own; a province's
exchange platform owns the real one. PostgreSQL in production, SQLite for the demo: the upsert
is written for both dialects."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select as sm_select

from eap.models import SpglVersion
from eap.models.common import utcnow
from eap.models.exchange import UploadState
from eap.services.exchange.delivery import RoundResult, pending_count, run_round, wire_row
from eap.services.exchange.fields import LSH_WIDTH, lsh_text
from eap.services.exchange.rules import Ledger, check_row
from eap.services.exchange.tables import TABLES

_TYPES: dict[str, Any] = {
    "int": Integer,
    "float": Float,
    "str": Text,
    "date": String(10),
    "datetime": String(19),
}
METADATA = MetaData()
STAGING: dict[str, Table] = {
    t.name: Table(
        t.name,
        METADATA,
        Column("LSH", String(LSH_WIDTH), primary_key=True),
        Column("DFSJZJ", String(40), nullable=False, index=True),
        Column("SJYXBS", Integer, nullable=False),
        Column("SJWXYY", Text),
        *(Column(c.name, _TYPES[c.kind]) for c in t.columns),
        Column("SJSCZT", Integer, nullable=False, default=0, index=True),
        Column("SBYY", Text),
        Column("RKSJ", DateTime(timezone=True), nullable=False),  # 入库时间
    )
    for t in TABLES
}
OUTCOMES = (UploadState.ACCEPTED, UploadState.REJECTED, -1)


@cache
def staging_engine(url: str) -> Engine:
    return create_engine(url, pool_pre_ping=True)


def ensure_schema(engine: Engine) -> None:
    METADATA.create_all(engine, checkfirst=True)


def _insert(engine: Engine, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert, leaving a LSH that is already there as it is (a resend after a crash)."""
    if engine.dialect.name == "postgresql":
        stmt: Any = postgresql.insert(table).on_conflict_do_nothing(index_elements=["LSH"])
    else:
        stmt = sqlite.insert(table).on_conflict_do_nothing(index_elements=["LSH"])
    with engine.begin() as conn:
        conn.execute(stmt, rows)


def _stage_row(v: SpglVersion, table: Table, now: dt.datetime) -> dict[str, Any]:
    row = wire_row(v)
    return {
        **{k: row.get(k) for k in (c.name for c in table.columns) if k not in ("RKSJ", "SBYY")},
        "SJSCZT": UploadState.PENDING,
        "RKSJ": now,
    }


def collect_outcomes(session: Session, engine: Engine, *, now: dt.datetime) -> RoundResult:
    """Read back what the exchange decided on rows sent earlier."""
    result = RoundResult()
    for name, table in STAGING.items():
        last_id = 0
        while True:
            sent = session.exec(
                sm_select(SpglVersion)
                .where(
                    SpglVersion.table_name == name,
                    col(SpglVersion.state) == UploadState.SENT,
                    col(SpglVersion.claimed_until).is_(None),
                    col(SpglVersion.id) > last_id,
                )
                .order_by(col(SpglVersion.id))
                .limit(500)
            ).all()
            if not sent:
                break
            last_id = sent[-1].id or 0
            by_lsh = {lsh_text(v.lsh): v for v in sent}
            with engine.connect() as conn:
                decided = conn.execute(
                    select(table.c.LSH, table.c.SJSCZT, table.c.SBYY).where(
                        table.c.LSH.in_(list(by_lsh)), table.c.SJSCZT.in_(OUTCOMES)
                    )
                ).all()
            for lsh, state, reason in decided:
                accepted = state == UploadState.ACCEPTED
                session.execute(
                    update(SpglVersion)
                    .execution_options(synchronize_session=False)
                    .where(col(SpglVersion.id) == by_lsh[lsh].id)
                    .values(
                        state=UploadState.ACCEPTED if accepted else UploadState.REJECTED,
                        reason="" if accepted else str(reason or "未说明原因")[:500],
                        answered_at=now,
                    )
                )
                result.accepted += accepted
                result.rejected += not accepted
            session.commit()
    return result


def push_staging(
    session: Session,
    *,
    staging_url: str,
    now: dt.datetime | None = None,
    retry_now: bool = False,
    wait: float = 0.0,
) -> RoundResult:
    """One round: read back outcomes, then write what is pending into the staging tables."""
    engine = staging_engine(staging_url)
    ensure_schema(engine)
    now = now or utcnow()
    outcomes = collect_outcomes(session, engine, now=now)

    def send(table: str, rows: list[SpglVersion]) -> dict[str, dict[str, Any]]:
        staged = STAGING[table]
        _insert(engine, staged, [_stage_row(v, staged, now) for v in rows])
        return {}  # no answer yet: the rows stay sent until the exchange decides

    result = run_round(session, send, now=now, retry_now=retry_now, wait=wait)
    result.accepted += outcomes.accepted
    result.rejected += outcomes.rejected
    result.pending = pending_count(session)
    return result


def run_fake_exchange(staging_url: str) -> dict[str, int]:
    """The exchange platform's part, for the demo and the tests: judge every row still at
    SJSCZT 0 by the standard's rules, in table and LSH order, and write the outcome."""
    engine = staging_engine(staging_url)
    ensure_schema(engine)
    ledger = Ledger()
    counts = {"accepted": 0, "rejected": 0}
    with engine.begin() as conn:
        for name, table in STAGING.items():
            keep = [c.name for c in table.columns if c.name not in ("SJSCZT", "SBYY", "RKSJ")]
            for row in conn.execute(
                select(table).where(table.c.SJSCZT == UploadState.ACCEPTED).order_by(table.c.LSH)
            ).mappings():
                ledger.add(name, {k: row[k] for k in keep})
            waiting = conn.execute(
                select(table).where(table.c.SJSCZT == UploadState.PENDING).order_by(table.c.LSH)
            ).mappings()
            for row in list(waiting):
                values = {k: row[k] for k in keep}
                reason = check_row(name, values, ledger)
                if reason is None:
                    ledger.add(name, values)
                conn.execute(
                    update(table)
                    .where(table.c["LSH"] == row["LSH"])
                    .values(SJSCZT=3 if reason is None else 2, SBYY=reason)
                )
                counts["accepted" if reason is None else "rejected"] += 1
    return counts
