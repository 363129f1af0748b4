"""Holiday overrides (法定节假日 / 调休) kept in the database, editable by an administrator."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from eap.models.common import utcnow


class HolidayOverride(SQLModel, table=True):
    day: dt.date = Field(primary_key=True)
    kind: str = Field(max_length=8, description="holiday | workday")
    name: str = Field(default="", max_length=64)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class CalendarYear(SQLModel, table=True):
    """A year whose arrangement an administrator imported: its dates are no longer provisional."""

    year: int = Field(primary_key=True)
    source: str = Field(default="", max_length=200)
    imported_at: dt.datetime = Field(default_factory=utcnow)
