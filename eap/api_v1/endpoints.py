"""The open API's operations: each a plain ``def`` (FastAPI runs it in the thread pool, off
the event loop), each naming the scope it needs, each answering only inside the caller's
region (services/exchange/open_data)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Path, Query, Request, Security
from pydantic import BaseModel, Field

from eap.api_v1.auth import ApiRefusal, current_caller, lang_of, refusal
from eap.db import session_scope
from eap.errors import DomainError
from eap.services.core.clock import today_in_china
from eap.services.exchange import open_data, webhooks
from eap.services.exchange.api_clients import ApiCaller


class ErrorOut(BaseModel):
    error: str = Field(description="a stable code: invalid_token, not_found, rate_limited…")
    message: str = Field(description="for a person, in the language asked (Accept-Language)")


_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "the request is not valid"},
    401: {"model": ErrorOut, "description": "no valid token"},
    403: {"model": ErrorOut, "description": "the token lacks the scope"},
    404: {"model": ErrorOut, "description": "not found in the caller's region"},
    429: {"model": ErrorOut, "description": "over the client's calls a minute"},
}

router = APIRouter(responses=_ERRORS)

R = TypeVar("R")


def _run(request: Request, work: Callable[[Any], R]) -> R:
    """One transaction for the operation; a domain refusal becomes its JSON answer."""
    try:
        with session_scope() as session:
            return work(session)
    except DomainError as exc:
        raise refusal(exc, lang_of(request)) from exc


def _scoped(scope: str) -> Any:
    # the OpenAPI document lists the scope an operation needs; current_caller enforces it
    return Security(current_caller, scopes=[scope])


ProjectCode = Annotated[str, Path(max_length=24, description="项目代码")]
CaseNo = Annotated[str, Path(max_length=40, description="办件编号 (SPSXSLBM)")]


@router.get("/projects/{project_code}", tags=["projects"], summary="A project")
def get_project(
    request: Request, project_code: ProjectCode, caller: ApiCaller = _scoped("projects:read")
) -> open_data.ProjectOut:
    return _run(request, lambda s: open_data.project(s, caller=caller, project_code=project_code))


@router.get(
    "/projects/{project_code}/stages",
    tags=["projects"],
    summary="A project's stage cases and item cases with their clocks",
)
def get_stages(
    request: Request, project_code: ProjectCode, caller: ApiCaller = _scoped("projects:read")
) -> list[open_data.StageOut]:
    return _run(request, lambda s: open_data.stages(s, caller=caller, project_code=project_code))


@router.get("/cases/{case_no}/history", tags=["cases"], summary="An item case's history")
def get_history(
    request: Request, case_no: CaseNo, caller: ApiCaller = _scoped("projects:read")
) -> list[open_data.EventOut]:
    return _run(request, lambda s: open_data.history(s, caller=caller, case_no=case_no))


@router.get(
    "/cases/{case_no}/documents",
    tags=["cases"],
    summary="An item case's approval documents and certificates",
)
def get_documents(
    request: Request, case_no: CaseNo, caller: ApiCaller = _scoped("documents:read")
) -> list[open_data.DocumentOut]:
    return _run(request, lambda s: open_data.documents(s, caller=caller, case_no=case_no))


@router.get(
    "/certificates/{cert_no}/verification",
    tags=["cases"],
    summary="Is a certificate genuine and valid today",
)
def verify_certificate(
    request: Request,
    cert_no: Annotated[str, Path(max_length=60)],
    caller: ApiCaller = _scoped("documents:read"),
) -> open_data.VerificationOut:
    return _run(
        request,
        lambda s: open_data.verify_certificate(
            s, caller=caller, cert_no=cert_no, today=today_in_china()
        ),
    )


@router.get("/catalogue/items", tags=["catalogue"], summary="The item catalogue")
def get_items(
    request: Request, caller: ApiCaller = _scoped("catalogue:read")
) -> list[open_data.ItemOut]:
    return _run(request, lambda s: open_data.items(s, caller=caller))


@router.get(
    "/catalogue/processes",
    tags=["catalogue"],
    summary="The approval processes offered in the caller's region",
)
def get_processes(
    request: Request, caller: ApiCaller = _scoped("catalogue:read")
) -> list[open_data.ProcessOut]:
    return _run(request, lambda s: open_data.processes(s, caller=caller))


@router.get("/kpi", tags=["kpi"], summary="KPI roll-ups of the caller's region")
def get_kpi(
    request: Request,
    start: Annotated[dt.date, Query(description="first local day")],
    end: Annotated[dt.date, Query(description="last local day, at most 366 days on")],
    group_by: Annotated[
        str, Query(pattern="^(city_code|county_code|department_id|stage_code|process_type)$")
    ] = "city_code",
    caller: ApiCaller = _scoped("kpi:read"),
) -> list[open_data.KpiOut]:
    return _run(
        request,
        lambda s: open_data.kpis(s, caller=caller, start=start, end=end, group_by=group_by),
    )


class SubscribeIn(BaseModel):
    url: str = Field(max_length=500, description="https, or http to this machine only")


@router.get("/webhooks", tags=["webhooks"], summary="The client's subscriptions")
def list_webhooks(
    request: Request, caller: ApiCaller = _scoped("webhooks")
) -> list[webhooks.SubscriptionOut]:
    return _run(request, lambda s: webhooks.subscriptions(s, caller=caller))


@router.post(
    "/webhooks",
    tags=["webhooks"],
    status_code=201,
    summary="Subscribe to status changes of the region's item cases",
    description=(
        "Each change is POSTed as JSON with X-EAP-Event-Id (de-duplicate on it: delivery is "
        "at least once) and X-EAP-Signature: sha256=HMAC-SHA256(signing_secret, body). The "
        "signing secret is answered here once."
    ),
)
def subscribe(
    request: Request, body: SubscribeIn, caller: ApiCaller = _scoped("webhooks")
) -> webhooks.NewSubscription:
    return _run(request, lambda s: webhooks.subscribe(s, caller=caller, url=body.url))


@router.delete(
    "/webhooks/{subscription_id}", tags=["webhooks"], status_code=204, summary="Unsubscribe"
)
def unsubscribe(
    request: Request,
    subscription_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    caller: ApiCaller = _scoped("webhooks"),
) -> None:
    _run(
        request,
        lambda s: webhooks.unsubscribe(s, caller=caller, subscription_id=subscription_id),
    )


__all__ = ["ApiRefusal", "ErrorOut", "router"]
