"""The big screen's snapshot (数据展示): what the scheduler last computed for each scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from eap.models.common import utcnow


class ScreenSnapshot(SQLModel, table=True):
    """One row per scope (the province, each city): the screen's figures for today, this month
    and this year, and the "now" figures no roll-up holds (overdue now, the latest events).
    Written every minute by the one scheduler; every open screen reads its one row, so fifty
    screens cost fifty primary-key reads, not fifty computations."""

    scope: str = Field(primary_key=True, max_length=6, description="region code: 360000, 3601..")
    computed_at: dt.datetime = Field(default_factory=utcnow)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
