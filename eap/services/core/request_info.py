"""Where the current request came from (来源地址与终端), for the audit trail.

Bound once per request by the edge that received it (a page event's handler or an HTTP route)
and read by ``audit.record``, so no service has to pass it along. A context variable: each
event and each request runs in its own context, so one user's address never lands on
another's entry.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInfo:
    ip: str = ""
    user_agent: str = ""


# A frozen dataclass: the shared default cannot be changed in place.
_CURRENT: ContextVar[RequestInfo] = ContextVar("eap_request_info", default=RequestInfo())  # noqa: B039


def bind_request(info: RequestInfo) -> None:
    _CURRENT.set(RequestInfo(ip=info.ip[:45], user_agent=info.user_agent[:200]))


def current_request() -> RequestInfo:
    return _CURRENT.get()
