"""The connection pool asks PostgreSQL whether a connection lives only after it lay idle
(eap/db.py): a connection the server dropped meanwhile is replaced before use, one used a
moment ago is used without the extra round trip. On the machine's PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine, exc, text

from eap import db

PG_ADMIN = os.environ.get("EAP_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def engine() -> Iterator[Engine]:
    try:
        psycopg.connect(PG_ADMIN, connect_timeout=3).close()
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL answers")
    made = db.make_engine(PG_ADMIN.replace("postgresql://", "postgresql+psycopg://", 1))
    yield made
    made.dispose()


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _kill(pid: int) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_a_dropped_connection_idle_long_enough_is_replaced_before_use(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _backend_pid(engine)
    _kill(first)
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)  # every returned one counts as idle
    second = _backend_pid(engine)  # no error reaches the caller
    assert second != first


def test_a_connection_used_a_moment_ago_is_not_pinged(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 3600.0)
    pings: list[object] = []
    real_ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda c: pings.append(c) or real_ping(c))
    first = _backend_pid(engine)
    assert _backend_pid(engine) == first and not pings  # the same connection, no ping
    # Dropped within the window, the next use fails once; the pool then starts afresh.
    _kill(first)
    with pytest.raises(exc.OperationalError):
        _backend_pid(engine)
    assert _backend_pid(engine) != first
