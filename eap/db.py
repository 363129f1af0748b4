"""Database engine and sessions. The schema itself is made only by Alembic migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, Engine, Result, event
from sqlmodel import Session, create_engine

from eap.config import get_settings
from eap.errors import DomainError


def make_engine(url: str) -> Engine:
    is_sqlite = url.startswith("sqlite")
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30} if is_sqlite else {},
        pool_pre_ping=not is_sqlite,
    )
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
