"""What every SPGL table shares: its columns (name, type, required, code list), a rendered
row, and the formatting of times and dates (Beijing time, ISO dates)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from eap.services.core.clock import CHINA_TZ

# The columns every row carries besides its own (the exchange's bookkeeping).
LSH_WIDTH = 16
COMMON = ("DFSJZJ", "LSH", "SJYXBS", "SJWXYY", "SJSCZT", "SBYY")


def ts(value: dt.datetime | None) -> str | None:
    return value.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S") if value else None


def day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def lsh_text(lsh: int) -> str:
    """LSH as sent: zero-padded, so text order is number order for any reader."""
    return f"{lsh:0{LSH_WIDTH}d}"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "str"  # str | int | float | date | datetime
    required: bool = False
    codes: frozenset[int] | None = None
    label: str = ""


@dataclass(frozen=True)
class Row:
    """One rendered record: its local key (DFSJZJ), the id whose change renders it, its
    region and its own fields."""

    key: str
    anchor: int
    region: str
    fields: dict[str, Any]


Renderer = Callable[[Session, Collection[int] | None], Iterator[Row]]


@dataclass(frozen=True)
class SpglTable:
    name: str
    title: str
    columns: tuple[Column, ...]
    render: Renderer
    # what the anchor id is: the project, the item case, the process or the service
    anchor: str
    depends_on: tuple[str, ...] = field(default=())

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def fresh(session: Session, query: Any) -> Any:
    """Run a renderer's query with every row read from the database, not from objects the
    session already holds: another process may have changed them since this session loaded
    them (the caller's own changes are flushed before rendering)."""
    return session.exec(query.execution_options(populate_existing=True))


def chunks(ids: Collection[int] | None, size: int = 500) -> Iterator[list[int] | None]:
    """The anchors in bounded IN lists; None (everything) stays one pass."""
    if ids is None:
        yield None
        return
    values = sorted(ids)
    for start in range(0, len(values), size):
        yield values[start : start + size]
