"""What operations watch: /healthz (database, state manager, scheduler lease and last sweep)
and /metrics (Prometheus text: event latency by handler, events in flight, the pool, outbox
backlogs, the scheduler's runs), over HTTP through the app's own routes."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.testclient import TestClient

from eap.api import api
from eap.config import get_settings
from eap.metrics import EVENT_SECONDS, EventTimer, handler_label
from eap.models import JobRun, SchedulerLease, SmsOutbox
from eap.models.common import utcnow
from eap.services.admin import health


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    yield TestClient(api)


def test_health_names_the_database_the_state_manager_and_the_scheduler(
    client: TestClient, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REFLEX_REDIS_URL", raising=False)
    with Session(engine) as s:
        now = utcnow()
        s.merge(
            SchedulerLease(
                name="scheduler", holder="host-a:42", expires_at=now + dt.timedelta(minutes=2)
            )
        )
        s.merge(JobRun(name="sweep", last_run_at=now, last_result={}))
        s.commit()
    answer = client.get("/healthz")
    assert answer.status_code == 200
    body = answer.json()
    assert body["database"]["ok"] and body["database"]["dialect"] in ("sqlite", "postgresql")
    assert body["state_manager"] == {"kind": "disk", "shared": False}
    assert body["scheduler"]["holder"] == "host-a:42" and body["scheduler"]["lease_valid"]
    assert body["scheduler"]["last_sweep"].startswith(now.date().isoformat())
    monkeypatch.setenv("REFLEX_REDIS_URL", "redis://127.0.0.1:6379/14")
    shared = client.get("/healthz").json()["state_manager"]
    assert shared == {"kind": "redis", "shared": True, "ok": True}
    monkeypatch.setenv("REFLEX_REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    down = client.get("/healthz")
    assert down.status_code == 503 and down.json()["state_manager"]["ok"] is False


async def _event(timer: EventTimer, name: str) -> None:
    """As Reflex runs an event: in a task of its own, the middleware first."""

    async def handle() -> None:
        await timer.preprocess(None, None, SimpleNamespace(name=name))
        await asyncio.sleep(0.01)  # the handler's work

    await asyncio.create_task(handle())
    await asyncio.sleep(0)  # the task's done-callbacks run


def test_metrics_in_prometheus_text(
    client: TestClient, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = EVENT_SECONDS.labels("window_state.open_case")._sum.get()  # type: ignore[attr-defined]
    name = "reflex___state____state.eap___state___approval___window____window_state.open_case"
    assert handler_label(name) == "window_state.open_case"
    asyncio.run(_event(EventTimer(), name))
    with Session(engine) as s:
        s.add(SmsOutbox(phone="13900001111", text="x"))
        s.commit()
        pending = health.backlogs(s)["sms"]
    text = client.get("/metrics").text
    assert 'eap_event_seconds_count{handler="window_state.open_case"}' in text
    took = EVENT_SECONDS.labels("window_state.open_case")._sum.get() - before  # type: ignore[attr-defined]
    assert took >= 0.01  # the handler's own work is inside the measured time
    assert f'eap_outbox_backlog{{outbox="sms"}} {float(pending)}' in text
    assert "eap_events_in_flight" in text and "eap_db_pool_checked_out" in text
    monkeypatch.setenv("EAP_METRICS_TOKEN", "scrape-secret")
    get_settings.cache_clear()
    try:
        assert client.get("/metrics").status_code == 401
        ok = client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
        assert ok.status_code == 200 and "eap_outbox_backlog" in ok.text
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
