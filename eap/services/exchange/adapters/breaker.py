"""Calling an outside system safely (熔断与重试): a timeout on every request, a few retries
with exponential backoff (tenacity) for failures that may pass (connection trouble, 5xx), and
a circuit breaker per adapter: after ``EAP_ADAPTER_FAILURES`` consecutive failed calls the
circuit opens and calls fail at once for ``EAP_ADAPTER_COOLDOWN_SECONDS``, then one call is let
through (half-open) and its outcome closes or re-opens the circuit.

The breaker's state lives in ``AdapterStatus`` rows written in the caller's transaction, so
every worker of the deployment agrees on it, and the administrator sees each adapter's state,
last success and last error (an error's class and status only: never a request's personal
data)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import httpx
from sqlmodel import Session, select
from tenacity import (
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from eap.config import get_settings
from eap.models import AdapterState, AdapterStatus
from eap.models.common import utcnow
from eap.services.core.clock import CHINA_TZ

T = TypeVar("T")

# The adapters there are, and the setting that turns each on.
ADAPTERS: dict[str, str] = {
    "investment": "investment_url",
    "credit": "credit_url",
    "certificates": "cert_library_url",
    "sso": "sso_issuer",  # 统一身份认证 (services/admin/sso): its discovery document
}


class AdapterDown(Exception):
    """The outside system did not answer usefully (or its circuit is open)."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


class Unexpected(Exception):
    """An answer that is neither the data nor a known refusal (a 5xx, bad JSON)."""


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, httpx.TransportError | Unexpected)


def url_of(name: str) -> str | None:
    return getattr(get_settings(), ADAPTERS[name]) or None


def _status(session: Session, name: str) -> AdapterStatus:
    row = session.get(AdapterStatus, name)
    if row is None:
        row = AdapterStatus(name=name)
        session.add(row)
    return row


def call(session: Session, name: str, request: Callable[[httpx.Client], T]) -> T:
    """Run ``request`` with the adapter's client under retries and the circuit breaker.
    ``request`` raises ``Unexpected`` for an answer it cannot use; any other exception it
    raises (a known refusal) passes through and counts as the system being up."""
    settings = get_settings()
    base = url_of(name)
    if base is None:
        raise AdapterDown(name, "not configured")
    now = utcnow()
    status = _status(session, name)
    status.calls += 1
    if status.state == AdapterState.OPEN and status.open_until and status.open_until > now:
        session.add(status)
        raise AdapterDown(name, "circuit open")
    try:
        with httpx.Client(base_url=base, timeout=settings.adapter_timeout_seconds) as http:
            for attempt in Retrying(
                stop=stop_after_attempt(settings.adapter_attempts),
                wait=wait_exponential(multiplier=settings.adapter_backoff_seconds, max=2),
                retry=retry_if_exception(_transient),
                reraise=True,
            ):
                with attempt:
                    result = request(http)
    except (httpx.HTTPError, Unexpected) as exc:
        status.failures += 1
        status.last_error_at = utcnow()
        status.last_error = (
            f"HTTP {exc.response.status_code}"
            if isinstance(exc, httpx.HTTPStatusError)
            else type(exc).__name__ + (f": {exc}" if isinstance(exc, Unexpected) else "")
        )[:200]
        if status.failures >= settings.adapter_failures:
            status.state = AdapterState.OPEN
            status.open_until = utcnow() + dt.timedelta(seconds=settings.adapter_cooldown_seconds)
        else:
            status.state = AdapterState.DEGRADED
        session.add(status)
        session.flush()
        raise AdapterDown(name, status.last_error) from exc
    status.state, status.failures, status.open_until = AdapterState.UP, 0, None
    status.last_ok_at = utcnow()
    session.add(status)
    session.flush()
    return result


@dataclass(frozen=True)
class AdapterRow:
    name: str
    configured: bool
    state: int  # AdapterState
    failures: int
    open_until: dt.datetime | None
    last_ok_at: dt.datetime | None
    last_error_at: dt.datetime | None
    last_error: str
    calls: int
    last_ok_text: str  # Beijing time, for the page
    last_error_text: str


def _china(at: dt.datetime | None) -> str:
    if at is None:
        return ""
    at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    return at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S")


def statuses(session: Session) -> list[AdapterRow]:
    """Every adapter, configured or not, with its last known health."""
    rows = {r.name: r for r in session.exec(select(AdapterStatus))}
    out = []
    for name in ADAPTERS:
        r = rows.get(name) or AdapterStatus(name=name)
        out.append(
            AdapterRow(
                name,
                url_of(name) is not None,
                r.state,
                r.failures,
                r.open_until,
                r.last_ok_at,
                r.last_error_at,
                r.last_error,
                r.calls,
                _china(r.last_ok_at),
                _china(r.last_error_at),
            )
        )
    return out
