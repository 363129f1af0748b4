"""The open API's callers and their webhooks (互联互通, seed §5.7).

A caller is another system, not a person: an ``ApiClient`` issued by an administrator with
scopes and a region, which trades its secret for short-lived ``ApiToken``s (OAuth2 client
credentials). A client may subscribe to its region's case status changes; each change is an
``WebhookEvent`` written in the transaction that made it, delivered to each subscription as a
``WebhookDelivery`` (the transactional outbox).
"""

from __future__ import annotations

import datetime as dt
from enum import IntEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from eap.models.common import utcnow


class ApiClient(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    client_id: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=100)
    secret_hash: str = Field(max_length=64, description="keyed hash; the secret is shown once")
    scopes: str = Field(max_length=200, description="space-separated, OAuth2 style")
    region_code: str = Field(foreign_key="region.code", max_length=6)
    per_minute: int = Field(default=120, ge=1, description="calls allowed per minute")
    active: bool = True
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class ApiToken(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, description="keyed hash of the token")
    client_id: int = Field(foreign_key="apiclient.id", index=True)
    scopes: str = Field(max_length=200)
    issued_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime = Field(index=True)


class WebhookSubscription(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("client_id", "url"),)
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="apiclient.id", index=True)
    url: str = Field(max_length=500)
    signing_secret: str = Field(max_length=200, description="SM4-sealed; the server signs with it")
    active: bool = True
    created_at: dt.datetime = Field(default_factory=utcnow)


class WebhookEvent(SQLModel, table=True):
    """One status change of one item case, as its subscribers receive it."""

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=36, unique=True, description="for the receiver's de-dup")
    item_case_id: int = Field(foreign_key="itemcase.id", index=True)
    region_code: str = Field(max_length=6, index=True)
    status: int = Field(description="BLZT after the change")
    phase: str = Field(max_length=10)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    created_at: dt.datetime = Field(default_factory=utcnow)


class DeliveryState(IntEnum):
    PENDING = 0
    DELIVERED = 1
    DEAD = 2  # gave up after the last retry; the administrator sees it


class WebhookDelivery(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("event_id", "subscription_id"),
        Index("ix_webhookdelivery_state_next", "state", "next_attempt_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="webhookevent.id")
    subscription_id: int = Field(foreign_key="webhooksubscription.id", index=True)
    state: int = Field(default=DeliveryState.PENDING, description="DeliveryState")
    attempts: int = 0
    next_attempt_at: dt.datetime = Field(default_factory=utcnow)
    claimed_until: dt.datetime | None = None
    last_error: str = Field(default="", max_length=300)
    delivered_at: dt.datetime | None = None


class AdapterState(IntEnum):
    UP = 0
    DEGRADED = 1  # the last call failed; calls still go out
    OPEN = 2  # the circuit is open: calls fail fast until ``open_until``


class AdapterStatus(SQLModel, table=True):
    """One outside system's health as every worker sees it (the circuit breaker's state is
    kept here, not in a process, so several workers agree)."""

    name: str = Field(primary_key=True, max_length=20)
    state: int = Field(default=AdapterState.UP, description="AdapterState")
    failures: int = Field(default=0, description="consecutive failures")
    open_until: dt.datetime | None = None
    last_ok_at: dt.datetime | None = None
    last_error_at: dt.datetime | None = None
    last_error: str = Field(default="", max_length=200, description="never personal data")
    calls: int = 0
