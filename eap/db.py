"""Database engine and sessions. The schema itself is made only by Alembic migrations."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, Engine, Result, event, exc
from sqlmodel import Session, create_engine

from eap.config import get_settings
from eap.errors import DomainError


def make_engine(url: str) -> Engine:
    is_sqlite = url.startswith("sqlite")
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": 30} if is_sqlite else {}
    )
    if not is_sqlite:
        _ping_when_idle(engine)
    if is_sqlite:

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.close()

    # PostgreSQL refuses a NUL character in text and SQLite keeps it: none means anything in
    # this system's text, so it is dropped on the way in and both databases hold the same.
    event.listen(engine, "before_cursor_execute", _without_nul, retval=True)
    return engine


# A pooled connection used this recently is taken as alive without asking the server.
PING_AFTER_IDLE_SECONDS = 10.0


def _ping_when_idle(engine: Engine) -> None:
    """Ask the server whether a pooled connection still lives only when it has lain idle
    (SQLAlchemy's "pessimistic" disconnect handling, applied by age). ``pool_pre_ping`` asks
    before every use: a round trip for every session, two or three per page event, where a
    connection checked in seconds ago is alive. A dead one (server restarted, idle timeout)
    is replaced before use; one that dies within the window fails that one request, and
    SQLAlchemy then drops the pool's other connections to the same server."""

    @event.listens_for(engine.pool, "checkin")
    def _returned(_dbapi_conn: Any, record: Any) -> None:
        if record is not None:
            record.info["eap_returned_at"] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _checked_out(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get("eap_returned_at")
        if returned is None or time.monotonic() - returned < PING_AFTER_IDLE_SECONDS:
            return  # new (just connected) or used a moment ago
        try:
            if not engine.dialect.do_ping(dbapi_conn):
                raise exc.DisconnectionError("the database did not answer a ping")
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi_conn, None):
                # the pool connects afresh and retries the checkout
                raise exc.DisconnectionError(str(error)) from error
            raise


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_clean(v) for v in value)
    return value


def _without_nul(
    _conn: Connection, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
) -> tuple[str, Any]:
    return statement, _clean(parameters)


@lru_cache
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def reading(session: Session) -> Connection:
    """The session's connection for a Core read. Pending ORM changes are written first, as
    autoflush does before an ORM query, so the read sees this transaction's own changes
    (a clean session makes this a no-op)."""
    session.flush()
    return session.connection()


def rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE matched (``Session.execute`` is typed as returning a plain
    ``Result``; for DML it is a ``CursorResult``)."""
    return int(cast("CursorResult[Any]", result).rowcount or 0)


LIKE_ESCAPE = "!"


# Longer search text is refused: no one types it, and a database may refuse the pattern
# ("LIKE or GLOB pattern too complex") or spend long on it.
SEARCH_MAX = 100


def contains_pattern(text: str, *, field: str = "text", most: int = SEARCH_MAX) -> str:
    """A LIKE pattern for ``text`` anywhere, its own % and _ taken literally (escape "!");
    text longer than ``most`` is refused beside ``field``."""
    if len(text) > most:
        raise DomainError("search.too_long", field=field, most=most)
    for ch in "!%_":
        text = text.replace(ch, "!" + ch)
    return f"%{text}%"
