"""Shared column helpers."""

from __future__ import annotations

import datetime as dt
from typing import cast

from sqlalchemy import Table, inspect as sa_inspect
from sqlmodel import SQLModel


def utcnow() -> dt.datetime:
    """Server time, timezone-aware UTC: the only clock any row is stamped with."""
    return dt.datetime.now(dt.UTC)


def table_of(model: type[SQLModel]) -> Table:
    """The Core table behind a table model, for prebuilt statements (SQLModel leaves
    ``__table__`` untyped; the mapper's table is the same object)."""
    return cast(Table, sa_inspect(model).local_table)
