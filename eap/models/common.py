"""Shared column helpers."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import Column, Dialect, Table, Text, inspect as sa_inspect
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

from eap.crypto import open_sealed, seal


def utcnow() -> dt.datetime:
    """Server time, timezone-aware UTC: the only clock any row is stamped with."""
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime) -> dt.datetime:
    """A stored time as aware UTC (SQLite hands stored UTC back naive)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def table_of(model: type[SQLModel]) -> Table:
    """The Core table behind a table model, for prebuilt statements (SQLModel leaves
    ``__table__`` untyped; the mapper's table is the same object)."""
    return cast(Table, sa_inspect(model).local_table)


class Sealed(TypeDecorator[str]):
    """A personal-data column (ID number, phone, contact name): SM4-encrypted on the way in,
    opened on the way out (eap/crypto.py), so services read and write clear text while the
    database holds none. Not searchable: exact lookups use a blind-index column beside it."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else seal(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else open_sealed(value)


def sealed_column(**kwargs: Any) -> Any:
    """``Field(sa_column=...)`` for a Sealed column (not null, empty by default)."""
    return Column(Sealed(), nullable=False, default="", server_default="", **kwargs)
