"""National reporting (数据共享交换, DOMAIN §10): the outbox of SPGL row versions, the serial
counter per table, and the city 实施清单 item codes the rows carry."""

from __future__ import annotations

import datetime as dt
from enum import IntEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from eap.models.common import utcnow


class UploadState(IntEnum):
    """SJSCZT, the upload state of one row version."""

    PENDING = 0
    SENT = 1
    REJECTED = 2
    ACCEPTED = 3


class SpglVersion(SQLModel, table=True):
    """One version of one reported record, written in the transaction that changed the record.

    ``lsh`` is unique per table and increases in commit order (see services/exchange/outbox);
    ``record_key`` (DFSJZJ) stays the same across a record's versions."""

    __table_args__ = (
        UniqueConstraint("table_name", "lsh"),
        # the pusher reads what is still to go, per table, in LSH order
        Index("ix_spglversion_state_table_lsh", "state", "table_name", "lsh"),
        # the recorder reads a record's latest version; anchors find a record's rows
        Index("ix_spglversion_table_anchor", "table_name", "anchor_id"),
        Index("ix_spglversion_table_key", "table_name", "record_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    table_name: str = Field(max_length=30)
    lsh: int = Field(sa_column=Column(BigInteger, nullable=False))
    record_key: str = Field(max_length=40, description="DFSJZJ")
    anchor_id: int = Field(description="the id whose change renders this record")
    region_code: str = Field(max_length=6)
    valid: bool = Field(default=True, description="SJYXBS; False when the record is gone")
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    payload_hash: str = Field(max_length=64)
    state: int = Field(default=UploadState.PENDING, description="SJSCZT, UploadState")
    reason: str = Field(default="", max_length=500, description="SBYY when rejected")
    created_at: dt.datetime = Field(default_factory=utcnow)
    sent_at: dt.datetime | None = None
    answered_at: dt.datetime | None = None
    attempts: int = 0
    next_attempt_at: dt.datetime | None = None
    claimed_by: str = Field(default="", max_length=60)
    claimed_until: dt.datetime | None = None


class SpglSequence(SQLModel, table=True):
    """The last LSH given out per table; its row lock orders concurrent commits."""

    table_name: str = Field(primary_key=True, max_length=30)
    last_lsh: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))


class ItemCode(SQLModel, table=True):
    """实施清单编码: the code a city's implementing department lists an item under (SPSXBM)."""

    __table_args__ = (UniqueConstraint("item_code", "region_code"),)
    id: int | None = Field(default=None, primary_key=True)
    item_code: str = Field(max_length=32, description="our catalogue code")
    region_code: str = Field(foreign_key="region.code", max_length=6)
    listed_code: str = Field(max_length=40, description="the 实施清单 code")
