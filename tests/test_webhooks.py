"""Webhooks: a status change is announced if and only if it committed (the transactional
outbox), to the subscriptions whose region covers the case, signed, retried with backoff,
at least once, each with an id to de-duplicate on; a dead receiver costs one try a round."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from eap.config import get_settings
from eap.models import DeliveryState, ItemCase, WebhookDelivery, WebhookEvent
from eap.models.common import utcnow
from eap.services.exchange import api_clients, webhooks
from tests.factories import _user, applicant, city_staff, file_and_accept, file_stage, project
from tests.fakes import WebhookReceiver

DAY = dt.date(2025, 7, 7)  # a city and a year no other committing test uses


def _token(http: TestClient, issued: api_clients.IssuedSecret) -> dict[str, str]:
    basic = base64.b64encode(f"{issued.client_id}:{issued.secret}".encode()).decode()
    answer = http.post(
        "/api/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@pytest.fixture
def subscribed(engine: Engine, webhook_receiver: str) -> Iterator[dict[str, object]]:
    """Ji'an's platform and Ganzhou's, each subscribed through the API; unsubscribed after,
    so later tests' changes are announced to no one."""
    from eap.api import api

    http = TestClient(api)
    with Session(engine) as s:
        admin = _user(s, "admin", region_code="360000")
        nc = api_clients.create_client(
            s, principal=admin, name="吉安订阅", scopes="webhooks", region_code="360800"
        )
        gz = api_clients.create_client(
            s, principal=admin, name="赣州订阅", scopes="webhooks", region_code="360700"
        )
        s.commit()
    nc_auth, gz_auth = _token(http, nc), _token(http, gz)
    made = http.post("/api/v1/webhooks", json={"url": webhook_receiver}, headers=nc_auth)
    assert made.status_code == 201, made.text
    gz_made = http.post("/api/v1/webhooks", json={"url": webhook_receiver + "?gz"}, headers=gz_auth)
    assert gz_made.status_code == 201
    again = http.post("/api/v1/webhooks", json={"url": webhook_receiver}, headers=nc_auth)
    assert again.status_code == 400 and again.json()["error"] == "invalid_url"
    plain = http.post("/api/v1/webhooks", json={"url": "http://10.0.0.8/x"}, headers=nc_auth)
    assert plain.status_code == 400  # http only to this machine: https elsewhere
    try:
        yield {"http": http, "nc": made.json(), "gz": gz_made.json(), "nc_auth": nc_auth}
    finally:
        for auth, sub in ((nc_auth, made.json()), (gz_auth, gz_made.json())):
            gone = http.delete(f"/api/v1/webhooks/{sub['id']}", headers=auth)
            assert gone.status_code == 204
        get_settings.cache_clear()


def _events_of(session: Session, stage_case_id: int) -> list[WebhookEvent]:
    return list(
        session.exec(
            select(WebhookEvent)
            .join(ItemCase, col(ItemCase.id) == WebhookEvent.item_case_id)
            .where(ItemCase.stage_case_id == stage_case_id)
            .order_by(col(WebhookEvent.id))
        )
    )


def test_a_change_is_announced_only_when_it_commits(
    engine: Engine, subscribed: dict[str, object]
) -> None:
    with Session(engine) as s:
        nc = city_staff(s, "360800")
        owner = applicant(s, "360802")
        pid = project(s, owner, region="360802")
        s.commit()
        before = len(s.exec(select(WebhookEvent.id)).all())
        file_stage(s, owner, pid, 1, day=DAY)
        s.flush()
        s.rollback()  # the filing never happened: nothing may be announced
        assert len(s.exec(select(WebhookEvent.id)).all()) == before
        sc = file_and_accept(s, nc, owner, pid, 1, day=DAY)
        s.commit()
        events = _events_of(s, sc.id or 0)
        cases = s.exec(select(ItemCase).where(ItemCase.stage_case_id == sc.id)).all()
        # filed, received and accepted in one transaction: one event per case, its state now
        assert {e.item_case_id for e in events} == {c.id for c in cases}
        assert {(e.status, e.phase) for e in events} == {(c.status, c.phase) for c in cases}
        deliveries = s.exec(
            select(WebhookDelivery).where(col(WebhookDelivery.event_id).in_([e.id for e in events]))
        ).all()
        nc_sub = subscribed["nc"]["id"]  # type: ignore[index]
        # only Ji'an's subscription covers a Ji'an case
        assert {d.subscription_id for d in deliveries} == {nc_sub}
        assert len(deliveries) == len(events)
        # a commit that changes nothing of a case's state announces nothing new
        s.commit()
        assert len(_events_of(s, sc.id or 0)) == len(events)


def test_deliveries_are_signed_retried_and_at_least_once(
    engine: Engine, subscribed: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    with Session(engine) as s:
        nc = city_staff(s, "360800")
        owner = applicant(s, "360802")
        pid = project(s, owner, region="360802")
        sc = file_and_accept(s, nc, owner, pid, 1, day=DAY)
        s.commit()
        expected = {e.event_id for e in _events_of(s, sc.id or 0)}
        now = utcnow()
        WebhookReceiver.fail_next = 1
        first = webhooks.deliver(s, now=now)
        # the receiver failed once: that delivery waits 30 s, the rest of the round skips it
        assert (first.delivered, first.failed) == (0, 1) and WebhookReceiver.received == []
        waiting = s.exec(select(WebhookDelivery).where(WebhookDelivery.attempts == 1)).one()
        assert waiting.last_error == "HTTP 503"
        assert waiting.next_attempt_at - now == dt.timedelta(seconds=30)
        # the next round sends the others; the failed one only once its wait is over
        assert (
            webhooks.deliver(s, now=now + dt.timedelta(seconds=10)).delivered == len(expected) - 1
        )
        s.refresh(waiting)
        assert waiting.state == DeliveryState.PENDING
        later = webhooks.deliver(s, now=now + dt.timedelta(seconds=31))
        assert later.delivered == 1
    secret = subscribed["nc"]["signing_secret"]  # type: ignore[index]
    got = set()
    for headers, body in WebhookReceiver.received:
        mac = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        assert headers["x-eap-signature"] == f"sha256={mac}"
        payload = json.loads(body)
        assert headers["x-eap-event-id"] == payload["event_id"]
        assert payload["type"] == "item_case.status_changed" and payload["region_code"] == "360800"
        got.add(payload["event_id"])
    assert got == expected
    # a receiver that is slow past the timeout is a failure like any other
    monkeypatch.setenv("EAP_WEBHOOK_TIMEOUT_SECONDS", "0.3")
    monkeypatch.setenv("EAP_WEBHOOK_MAX_ATTEMPTS", "2")
    get_settings.cache_clear()
    with Session(engine) as s:
        sc2 = file_and_accept(s, nc, owner, project(s, owner, region="360802"), 1, day=DAY)
        s.commit()
        n = len(_events_of(s, sc2.id or 0))
        WebhookReceiver.slow_next = 1.0
        assert webhooks.deliver(s, now=utcnow()).failed == 1
        slow = s.exec(
            select(WebhookDelivery).where(WebhookDelivery.last_error == "ReadTimeout")
        ).one()
        # the second failure is the last allowed: dead, and counted for the administrator
        WebhookReceiver.fail_next = 1
        dead = webhooks.deliver(s, now=utcnow() + dt.timedelta(hours=1))
        assert dead.dead == 1
        s.refresh(slow)
        assert slow.state == DeliveryState.DEAD
        assert webhooks.backlog(s)["dead"] >= 1
        rest = webhooks.deliver(s, now=utcnow() + dt.timedelta(hours=1))
        assert rest.delivered == n - 1
    listed = (
        subscribed["http"]
        .get(  # type: ignore[attr-defined]
            "/api/v1/webhooks", headers=subscribed["nc_auth"]
        )
        .json()
    )
    assert listed[0]["dead"] == 1 and listed[0]["pending"] == 0
