"""Prometheus metrics (运行指标) with the official ``prometheus-client``.

Per process: the latency of every page event by handler and the events in flight (a Reflex
middleware times them), the database pool. At scrape time, from the database, the same for
every worker: outbox backlogs and each scheduler job's last run. Several web workers share
their per-process figures through ``PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's
multiprocess mode; ``scripts/serve.sh`` sets it), so a scrape that lands on any worker sees all.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from reflex.middleware import Middleware
from sqlmodel import Session

from eap.db import get_engine

EVENT_SECONDS = Histogram(
    "eap_event_seconds",
    "Time a page event takes, from its start to its end, by handler",
    ["handler"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
IN_FLIGHT = Gauge(
    "eap_events_in_flight", "Page events being processed", multiprocess_mode="livesum"
)
POOL_CHECKED_OUT = Gauge(
    "eap_db_pool_checked_out", "Database connections in use", multiprocess_mode="livesum"
)


def handler_label(event_name: str) -> str:
    """``reflex___state____state.eap___state___core___login____login_state.on_load`` →
    ``login_state.on_load``: the state's own name and the handler, short enough to read."""
    path, _, handler = event_name.rpartition(".")
    state = path.rpartition(".")[2].rpartition("____")[2]
    return f"{state}.{handler}" if state else handler or "?"


class EventTimer(Middleware):
    """Times each page event from its start to its end. Reflex 0.10 calls a middleware's
    ``preprocess`` inside the event's own task (and no longer calls ``postprocess``), so the
    end is that task's completion."""

    async def preprocess(self, app: Any, state: Any, event: Any) -> None:
        task = asyncio.current_task()
        if task is None:
            return None
        handler = handler_label(str(getattr(event, "name", "")))
        started = time.perf_counter()
        IN_FLIGHT.inc()

        def done(_task: asyncio.Task[Any]) -> None:
            IN_FLIGHT.dec()
            EVENT_SECONDS.labels(handler).observe(time.perf_counter() - started)

        task.add_done_callback(done)
        return None


class _DatabaseFigures:
    """Figures read from the database at scrape time (the same on every worker)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from eap.services.admin import health

        with Session(get_engine()) as session:
            waiting = health.backlogs(session)
            runs = health.job_runs(session)
        backlog = GaugeMetricFamily(
            "eap_outbox_backlog", "Rows waiting in an outbox", labels=["outbox"]
        )
        for name, count in waiting.items():
            backlog.add_metric([name], count)
        yield backlog
        last = GaugeMetricFamily(
            "eap_scheduler_last_run_timestamp_seconds",
            "When each scheduler job last completed",
            labels=["job"],
        )
        for name, at in runs.items():
            last.add_metric([name], at)
        yield last


def exposition() -> tuple[bytes, str]:
    """The text a Prometheus scrape gets."""
    pool = getattr(get_engine().pool, "checkedout", None)
    if callable(pool):
        POOL_CHECKED_OUT.set(pool())
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        MultiProcessCollector(processes)
        body = generate_latest(processes)
    else:
        from prometheus_client import REGISTRY

        body = generate_latest(REGISTRY)
    database = CollectorRegistry()
    database.register(_DatabaseFigures())
    return body + generate_latest(database), CONTENT_TYPE_LATEST
