"""The audit trail is tamper-evident (等保: audit integrity): entries are sealed into an SM3
hash chain at commit, ``python -m eap audit verify`` names the first entry edited, deleted or
inserted out of band, and on PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from eap.db import make_engine
from eap.migrate import upgrade
from eap.models import AuditChain, AuditLog
from eap.services.core.audit import purge_expired, record, verify_chain
from eap.services.core.request_info import RequestInfo, bind_request
from tests.factories import run_cli, scratch_database


def _fresh(name: str, tmp_path: Path) -> tuple[str, Engine]:
    url = scratch_database(name, tmp_path)
    upgrade(url)
    return url, make_engine(url)


def _write(engine: Engine, transactions: int, per: int = 2) -> None:
    for n in range(transactions):
        with Session(engine) as s:
            for k in range(per):
                record(
                    s,
                    actor_id=None,
                    action="auth.login",
                    entity="user",
                    entity_id=f"{n}-{k}",
                    detail={"n": n, "名": "张三"},
                )
            s.commit()


def _verify_cli(url: str) -> tuple[int, dict[str, object]]:
    done = run_cli("audit", "verify", db=url)
    return done.returncode, json.loads(done.stdout.strip().splitlines()[-1])


def _tamper(engine: Engine, sql: str) -> None:
    """What an intruder with database access does: on PostgreSQL they must first switch the
    trigger off (an owner's DDL right), which the chain still catches."""
    with engine.begin() as conn:
        pg = conn.dialect.name == "postgresql"
        if pg:
            conn.execute(text("ALTER TABLE auditlog DISABLE TRIGGER auditlog_append_only"))
        conn.execute(text(sql))
        if pg:
            conn.execute(text("ALTER TABLE auditlog ENABLE TRIGGER auditlog_append_only"))


def test_entries_are_sealed_in_commit_order_and_verify(tmp_path: Path) -> None:
    url, engine = _fresh("eap_audit_ok", tmp_path)
    bind_request(RequestInfo(ip="10.1.2.3", user_agent="Mozilla/5.0 test"))
    _write(engine, 5)
    with Session(engine) as s:
        rows = s.exec(select(AuditLog).order_by(AuditLog.seq)).all()  # type: ignore[arg-type]
        head = s.get(AuditChain, 1)
        assert head is not None
        assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
        assert all(r.hash and len(r.hash) == 64 for r in rows)
        assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
        assert head.seq == len(rows) and head.last_hash == rows[-1].hash
        assert {(r.ip, r.user_agent) for r in rows} == {("10.1.2.3", "Mozilla/5.0 test")}
        assert verify_chain(s) is None
        # a transaction that rolls back leaves no entry and no gap
        record(s, actor_id=None, action="auth.logout")
        s.rollback()
    _write(engine, 1)
    assert _verify_cli(url) == (0, {"intact": True})


@pytest.mark.parametrize(
    ("sql", "problem", "seq"),
    [
        ("UPDATE auditlog SET entity_id = 'forged' WHERE seq = 4", "edited", 4),
        ("UPDATE auditlog SET detail = '{\"n\": 9}' WHERE seq = 2", "edited", 2),
        ("DELETE FROM auditlog WHERE seq = 3", "missing", 3),
        ("DELETE FROM auditlog WHERE seq = (SELECT max(seq) FROM auditlog)", "missing", 6),
    ],
)
def test_any_change_out_of_band_is_named(tmp_path: Path, sql: str, problem: str, seq: int) -> None:
    url, engine = _fresh("eap_audit_tamper", tmp_path)
    _write(engine, 3)
    _tamper(engine, sql)
    code, out = _verify_cli(url)
    assert code == 1
    assert out["problem"] == problem and out["seq"] == seq


def test_an_entry_inserted_out_of_band_is_named(tmp_path: Path) -> None:
    url, engine = _fresh("eap_audit_insert", tmp_path)
    _write(engine, 2)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO auditlog (at, action, entity, entity_id, detail, ip, user_agent) "
                "VALUES (:at, 'case.approve', 'case', '1', '{}', '', '')"
            ),
            {"at": dt.datetime(2026, 1, 1)},
        )
        forged = conn.execute(text("SELECT max(id) FROM auditlog")).scalar_one()
    code, out = _verify_cli(url)
    assert code == 1 and out == {
        "intact": False,
        "entry_id": forged,
        "seq": None,
        "problem": "unsealed",
    }


def test_concurrent_writers_keep_one_chain(tmp_path: Path) -> None:
    _url, engine = _fresh("eap_audit_race", tmp_path)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            _write(engine, 10, per=3)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    with Session(engine) as s:
        assert verify_chain(s) is None
        assert s.get(AuditChain, 1).seq == 4 * 10 * 3  # type: ignore[union-attr]


def test_postgresql_refuses_update_delete_truncate(tmp_path: Path) -> None:
    _url, engine = _fresh("eap_audit_trigger", tmp_path)
    if engine.dialect.name != "postgresql":
        pytest.skip("the trigger is PostgreSQL's; the PostgreSQL pass of the suite runs this")
    _write(engine, 1)
    for sql in (
        "UPDATE auditlog SET action = 'x'",
        "DELETE FROM auditlog",
        "TRUNCATE auditlog",
    ):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(sql))
    with Session(engine) as s:
        assert verify_chain(s) is None


def test_purge_keeps_the_retention_and_the_chain(tmp_path: Path) -> None:
    url, engine = _fresh("eap_audit_purge", tmp_path)
    _write(engine, 2)  # four entries
    time.sleep(0.05)
    middle = dt.datetime.now(dt.UTC)
    time.sleep(0.05)
    _write(engine, 1)  # two more
    # a year and a day later, counted from between the two writes: only the first four expire
    later = middle + dt.timedelta(days=365)
    with Session(engine) as s:
        assert purge_expired(s, now=later) == 4
        s.commit()
    with Session(engine) as s:
        kept = s.exec(select(AuditLog.seq, AuditLog.action).order_by(AuditLog.seq)).all()  # type: ignore[arg-type]
        assert [tuple(r) for r in kept] == [
            (5, "auth.login"),
            (6, "auth.login"),
            (7, "audit.purged"),
        ]
        assert verify_chain(s) is None
    assert _verify_cli(url)[0] == 0


def test_retention_below_six_months_is_refused() -> None:
    from pydantic import ValidationError

    from eap.config import Settings

    with pytest.raises(ValidationError):
        Settings(audit_retention_days=90)
