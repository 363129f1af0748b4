"""Webhooks (状态变更推送): a client with the ``webhooks`` scope subscribes a URL; every status
change of an item case in its region is then posted there.

The outbox is transactional: just before a transaction commits, each item case it changed
whose (BLZT, phase) differs from its last event becomes a ``WebhookEvent`` with one
``WebhookDelivery`` per subscription covering the case's region — written in that same
transaction, so a change is announced if and only if it committed. The scheduler's
``webhooks`` job posts what is due: the JSON body signed with HMAC-SHA256 under the
subscription's signing secret (``X-EAP-Signature: sha256=<hex>``), the event's id in
``X-EAP-Event-Id`` for the receiver's de-duplication (a delivery may arrive twice: at least
once, not exactly once). A failure waits 30 s, 1 min, 2 min … at most 6 h; after
``EAP_WEBHOOK_MAX_ATTEMPTS`` the delivery is dead and the administrator sees it.

Why a signing secret per subscription rather than the client secret: the server must hold
the key it signs with, while the client secret is kept only as a hash. The signing secret is
shown once when subscribing and kept SM4-sealed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import event as sa_event, func, insert
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from eap.config import get_settings
from eap.crypto import open_sealed, seal
from eap.errors import DomainError
from eap.models import (
    ApiClient,
    CaseEvent,
    DeliveryState,
    Item,
    ItemCase,
    Project,
    StageCase,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from eap.models.common import table_of, utcnow
from eap.services.core.audit import record
from eap.services.core.authz import region_prefix
from eap.services.core.changes import KEY
from eap.services.exchange.api_clients import ApiCaller

EVENT_TYPE = "item_case.status_changed"
_T_EVENT = table_of(WebhookEvent)
_T_DELIVERY = table_of(WebhookDelivery)


@dataclass(frozen=True)
class SubscriptionOut:
    id: int
    url: str
    active: bool
    created_at: dt.datetime
    pending: int
    dead: int


@dataclass(frozen=True)
class NewSubscription:
    id: int
    url: str
    signing_secret: str  # shown once


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    # https only, but for a receiver on the same machine (the demo's and the tests' fakes)
    if (
        len(url) > 500
        or not parts.hostname
        or not (parts.scheme == "https" or (parts.scheme == "http" and loopback))
    ):
        raise DomainError("api.bad_webhook_url", field="url")
    return url


def subscribe(session: Session, *, caller: ApiCaller, url: str) -> NewSubscription:
    caller.require("webhooks")
    url = _check_url(url)
    existing = session.exec(
        select(WebhookSubscription)
        .where(WebhookSubscription.client_id == caller.client_pk)
        .where(WebhookSubscription.url == url)
    ).first()
    if existing is not None and existing.active:
        raise DomainError("api.webhook_exists", field="url")
    signing = secrets.token_hex(32)
    sub = existing or WebhookSubscription(client_id=caller.client_pk, url=url, signing_secret="")
    sub.signing_secret = seal(signing)
    sub.active = True
    session.add(sub)
    session.flush()
    assert sub.id is not None
    record(
        session,
        actor_id=None,
        action="api.webhook_subscribe",
        entity="webhook",
        entity_id=sub.id,
        detail={"client_id": caller.client_id, "url": url},
    )
    return NewSubscription(sub.id, url, signing)


def _own(session: Session, caller: ApiCaller, subscription_id: int) -> WebhookSubscription:
    caller.require("webhooks")
    sub = session.get(WebhookSubscription, subscription_id)
    if sub is None or sub.client_id != caller.client_pk or not sub.active:
        raise DomainError("error.not_found")
    return sub


def unsubscribe(session: Session, *, caller: ApiCaller, subscription_id: int) -> None:
    """Stop; what is still pending for it is dropped (marked dead) with it."""
    sub = _own(session, caller, subscription_id)
    sub.active = False
    session.add(sub)
    session.connection().execute(
        _T_DELIVERY.update()
        .where(_T_DELIVERY.c.subscription_id == subscription_id)
        .where(_T_DELIVERY.c.state == DeliveryState.PENDING)
        .values(state=DeliveryState.DEAD, last_error="unsubscribed")
    )
    record(
        session,
        actor_id=None,
        action="api.webhook_unsubscribe",
        entity="webhook",
        entity_id=subscription_id,
        detail={"client_id": caller.client_id},
    )
    session.flush()


def subscriptions(session: Session, *, caller: ApiCaller) -> list[SubscriptionOut]:
    caller.require("webhooks")
    return _rows(session, [WebhookSubscription.client_id == caller.client_pk])


def _rows(session: Session, where: list[Any]) -> list[SubscriptionOut]:
    subs = session.exec(
        select(WebhookSubscription)
        .where(col(WebhookSubscription.active).is_(True), *where)
        .order_by(col(WebhookSubscription.id))
    ).all()
    counts: dict[tuple[int, int], int] = {}
    for sid, state, n in session.exec(
        select(WebhookDelivery.subscription_id, WebhookDelivery.state, func.count())
        .where(col(WebhookDelivery.subscription_id).in_([s.id for s in subs]))
        .where(col(WebhookDelivery.state) != DeliveryState.DELIVERED)
        .group_by(col(WebhookDelivery.subscription_id), col(WebhookDelivery.state))
    ):
        counts[(sid, state)] = int(n)
    return [
        SubscriptionOut(
            s.id or 0,
            s.url,
            s.active,
            s.created_at,
            counts.get((s.id or 0, DeliveryState.PENDING), 0),
            counts.get((s.id or 0, DeliveryState.DEAD), 0),
        )
        for s in subs
    ]


# --- the outbox: events written with the change ---------------------------------------------


def _prefixes(session: Session) -> list[tuple[int, str]]:
    """(subscription id, region prefix) of every active subscription of an active client."""
    return [
        (sid, region_prefix(region) or region)
        for sid, region in session.exec(
            select(WebhookSubscription.id, ApiClient.region_code)
            .join(ApiClient, col(ApiClient.id) == WebhookSubscription.client_id)
            .where(col(WebhookSubscription.active).is_(True), col(ApiClient.active).is_(True))
        )
        if sid is not None
    ]


def record_status_changes(session: Session, case_ids: set[int]) -> int:
    """Events (and their deliveries) for the cases among ``case_ids`` whose status moved
    since their last event; called just before commit."""
    subs = _prefixes(session)
    if not subs or not case_ids:
        return 0
    ids = sorted(case_ids)
    last: dict[int, tuple[int, str]] = {}
    latest = (
        select(WebhookEvent.item_case_id, func.max(WebhookEvent.id).label("last"))
        .where(col(WebhookEvent.item_case_id).in_(ids))
        .group_by(col(WebhookEvent.item_case_id))
        .subquery()
    )
    for case_id, status, phase in session.exec(
        select(WebhookEvent.item_case_id, WebhookEvent.status, WebhookEvent.phase).join(
            latest, col(WebhookEvent.id) == latest.c.last
        )
    ):
        last[case_id] = (status, phase)
    now = utcnow()
    written = 0
    conn = session.connection()
    for case, stage_no, region, project_code, item_code in session.exec(
        select(ItemCase, StageCase.case_no, StageCase.region_code, Project.project_code, Item.code)
        .join(StageCase, col(StageCase.id) == ItemCase.stage_case_id)
        .join(Project, col(Project.id) == ItemCase.project_id)
        .join(Item, col(Item.id) == ItemCase.item_id)
        .where(col(ItemCase.id).in_(ids))
    ):
        if last.get(case.id or 0) == (case.status, case.phase):
            continue
        targets = [sid for sid, prefix in subs if region.startswith(prefix)]
        if not targets:
            continue
        event_id = str(uuid.uuid4())
        payload = {
            "event_id": event_id,
            "type": EVENT_TYPE,
            "occurred_at": now.isoformat(),
            "case_no": case.case_no,
            "stage_case_no": stage_no,
            "project_code": project_code,
            "item_code": item_code,
            "region_code": region,
            "status": case.status,
            "phase": case.phase,
        }
        new_id = conn.execute(
            insert(_T_EVENT).returning(_T_EVENT.c.id),
            {
                "event_id": event_id,
                "item_case_id": case.id,
                "region_code": region,
                "status": case.status,
                "phase": case.phase,
                "payload": payload,
                "created_at": now,
            },
        ).scalar_one()
        conn.execute(
            insert(_T_DELIVERY),
            [
                {
                    "event_id": new_id,
                    "subscription_id": sid,
                    "state": DeliveryState.PENDING,
                    "attempts": 0,
                    "next_attempt_at": now,
                    "last_error": "",
                }
                for sid in targets
            ],
        )
        written += 1
    return written


def _before_commit(session: OrmSession) -> None:
    session.flush()  # the flush names what the ORM wrote (the reporting outbox's listener)
    touched = session.info.get(KEY)
    if not touched:
        return
    ids = set(touched.get(ItemCase, ())) | set(touched.get(CaseEvent, ()))
    if ids:
        record_status_changes(session, ids)  # type: ignore[arg-type]  # SQLModel's Session


_installed = False


def install() -> None:
    """Listen on every session; installed before the reporting outbox, which consumes the
    record of what was touched."""
    global _installed
    if not _installed:
        sa_event.listen(OrmSession, "before_commit", _before_commit)
        _installed = True


# --- delivery: the scheduler's round ---------------------------------------------------------


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1, 2, 4 … minutes after each failure, at most 6 hours."""
    return dt.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


@dataclass
class DeliveryRound:
    delivered: int = 0
    failed: int = 0
    dead: int = 0


def deliver(session: Session, *, now: dt.datetime | None = None, batch: int = 200) -> DeliveryRound:
    """Post what is due, oldest first; commits as it goes (the caller owns the session).

    A receiver that fails once is skipped for the rest of the round, so a down endpoint
    costs one timeout a round, not one per pending event."""
    settings = get_settings()
    now = now or utcnow()
    result = DeliveryRound()
    due = session.exec(
        select(WebhookDelivery, WebhookEvent, WebhookSubscription)
        .join(WebhookEvent, col(WebhookEvent.id) == WebhookDelivery.event_id)
        .join(WebhookSubscription, col(WebhookSubscription.id) == WebhookDelivery.subscription_id)
        .where(WebhookDelivery.state == DeliveryState.PENDING)
        .where(col(WebhookDelivery.next_attempt_at) <= now)
        .order_by(col(WebhookDelivery.id))
        .limit(batch)
    ).all()
    failing: set[int] = set()
    keys: dict[int, str] = {}
    with httpx.Client(timeout=settings.webhook_timeout_seconds) as http:
        for delivery, ev, sub in due:
            sid = sub.id or 0
            if sid in failing:
                continue
            if sid not in keys:
                keys[sid] = open_sealed(sub.signing_secret)
            body = json.dumps(ev.payload, ensure_ascii=False, sort_keys=True).encode()
            error = ""
            try:
                answer = http.post(
                    sub.url,
                    content=body,
                    headers={
                        "Content-Type": "application/json; charset=utf-8",
                        "X-EAP-Event": EVENT_TYPE,
                        "X-EAP-Event-Id": ev.event_id,
                        "X-EAP-Signature": sign(keys[sid], body),
                    },
                )
                if not 200 <= answer.status_code < 300:
                    error = f"HTTP {answer.status_code}"
            except httpx.HTTPError as exc:
                error = type(exc).__name__
            delivery.attempts += 1
            if not error:
                delivery.state = DeliveryState.DELIVERED
                delivery.delivered_at = utcnow()
                result.delivered += 1
            else:
                failing.add(sid)
                delivery.last_error = error[:300]
                if delivery.attempts >= settings.webhook_max_attempts:
                    delivery.state = DeliveryState.DEAD
                    result.dead += 1
                else:
                    delivery.next_attempt_at = now + backoff(delivery.attempts)
                    result.failed += 1
            session.add(delivery)
            session.commit()
    return result


def backlog(session: Session) -> dict[str, int]:
    """Pending and dead deliveries (for /metrics and the administrator)."""
    rows = session.exec(
        select(WebhookDelivery.state, func.count())
        .where(col(WebhookDelivery.state) != DeliveryState.DELIVERED)
        .group_by(col(WebhookDelivery.state))
    ).all()
    counts = {int(s): int(n) for s, n in rows}
    return {
        "pending": counts.get(DeliveryState.PENDING, 0),
        "dead": counts.get(DeliveryState.DEAD, 0),
    }
