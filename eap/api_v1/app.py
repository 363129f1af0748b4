"""The ``/api/v1`` application: the token endpoint, the operations, JSON errors, one audit
entry per call, and the browsable reference at ``/api/v1/docs``."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from fastapi import FastAPI, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from eap.api_v1.auth import ApiRefusal, lang_of
from eap.api_v1.docs import render_docs
from eap.api_v1.endpoints import ErrorOut, router
from eap.db import session_scope
from eap.errors import DomainError
from eap.i18n import t
from eap.middleware import request_info
from eap.services.core.request_info import bind_request
from eap.services.exchange import api_clients

DESCRIPTION = """Read access for other systems of the province (互联互通): projects, stage and
item cases with their clocks, case history, approval documents and certificates, the item
catalogue and processes, KPI roll-ups; webhooks for case status changes.

Authenticate with OAuth2 client credentials: POST `oauth/token` with `grant_type=client_credentials`,
`client_id` and `client_secret` (form fields or HTTP Basic), then send
`Authorization: Bearer <access_token>`. A client sees only its own region."""

open_api = FastAPI(
    title="EAP open API",
    version="1",
    description=DESCRIPTION,
    openapi_url="/openapi.json",
    docs_url=None,  # Swagger UI loads its script from a CDN; /docs is rendered here instead
    redoc_url=None,
)
open_api.include_router(router)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    scope: str


class TokenError(BaseModel):
    """RFC 6749 §5.2."""

    error: str
    error_description: str


def _token_error(status: int, error: str, description: str) -> JSONResponse:
    headers = {"WWW-Authenticate": "Basic"} if status == 401 else None
    return JSONResponse(
        {"error": error, "error_description": description},
        status_code=status,
        headers={**(headers or {}), "Cache-Control": "no-store"},
    )


def _basic(request: Request) -> tuple[str, str] | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, _, password = base64.b64decode(value, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user, password


def _issue(request: Request, client_id: str, secret: str, scope: str | None) -> Any:
    bind_request(request_info(request.scope))
    try:
        with session_scope() as session:
            return api_clients.issue_token(session, client_id=client_id, secret=secret, scope=scope)
    except DomainError as exc:
        # the refusal of a wrong secret is audited: that transaction must still commit
        if exc.key == "api.invalid_client":
            with session_scope() as session:
                api_clients.audit_call(
                    session, caller=None, method="POST", path="/oauth/token", status=401
                )
        return exc


@open_api.post(
    "/oauth/token",
    tags=["auth"],
    summary="An access token for client credentials (RFC 6749 §4.4)",
    responses={400: {"model": TokenError}, 401: {"model": TokenError}},
)
def token(
    request: Request,
    grant_type: Annotated[str, Form(max_length=40)],
    client_id: Annotated[str | None, Form(max_length=40)] = None,
    client_secret: Annotated[str | None, Form(max_length=200)] = None,
    scope: Annotated[str | None, Form(max_length=200)] = None,
) -> TokenOut:
    lang = lang_of(request)
    if grant_type != "client_credentials":
        raise _Answer(_token_error(400, "unsupported_grant_type", t("api.grant_type", lang)))
    basic = _basic(request)
    cid, secret = basic if basic else (client_id or "", client_secret or "")
    if not cid or not secret:
        raise _Answer(_token_error(401, "invalid_client", t("api.invalid_client", lang)))
    issued = _issue(request, cid, secret, scope)
    if isinstance(issued, DomainError):
        if issued.key == "api.invalid_client":
            raise _Answer(_token_error(401, "invalid_client", issued.translate(lang)))
        raise _Answer(_token_error(400, "invalid_scope", issued.translate(lang)))
    return TokenOut(
        access_token=issued.access_token, expires_in=issued.expires_in, scope=issued.scope
    )


class _Answer(Exception):
    """A finished response to send as is (the token endpoint's RFC-shaped errors)."""

    def __init__(self, response: Response) -> None:
        self.response = response


@open_api.exception_handler(_Answer)
async def _answer(_request: Request, exc: _Answer) -> Response:
    return exc.response


@open_api.exception_handler(ApiRefusal)
async def _refused(_request: Request, exc: ApiRefusal) -> Response:
    return JSONResponse(
        ErrorOut(error=exc.error, message=exc.message).model_dump(),
        status_code=exc.status,
        headers=exc.headers,
    )


def _allowed(scope: dict[str, Any]) -> str:
    """Every method the path answers (Starlette's 405 names only the first route's)."""
    methods: set[str] = set()
    for route in open_api.routes:
        if isinstance(route, APIRoute) and route.path_regex.match(scope.get("path", "")):
            methods |= route.methods or set()
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))


def not_found(request: Request) -> JSONResponse:
    return JSONResponse(
        ErrorOut(error="not_found", message=t("error.not_found", lang_of(request))).model_dump(),
        status_code=404,
    )


@open_api.exception_handler(StarletteHTTPException)
async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if exc.status_code == 404:
        return not_found(request)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed({"path": request.scope.get("path", "")})
    error = "method_not_allowed" if exc.status_code == 405 else "invalid_request"
    return JSONResponse(
        ErrorOut(error=error, message=t("api.bad_request", lang_of(request))).model_dump(),
        status_code=exc.status_code,
        headers=headers,
    )


@open_api.exception_handler(RequestValidationError)
async def _invalid(request: Request, exc: RequestValidationError) -> Response:
    # FastAPI's shape (detail: [...]), as the OpenAPI document declares for 422
    return JSONResponse({"detail": _plain(exc.errors())}, status_code=422)


def _plain(errors: Any) -> list[dict[str, Any]]:
    """Validation errors as JSON can carry them (the input echoed back may be bytes)."""
    out = []
    for e in errors:
        out.append(
            {
                "loc": [str(x) for x in e.get("loc", ())],
                "msg": str(e.get("msg", "")),
                "type": str(e.get("type", "")),
            }
        )
    return out


@open_api.middleware("http")
async def _audit(request: Request, call_next: Any) -> Response:
    """Every operation is audited with its answer's status (refusals too)."""
    response: Response = await call_next(request)
    path = request.url.path
    if path.endswith(("/docs", "/openapi.json", "/oauth/token")):
        return response
    caller = getattr(request.state, "caller", None)
    info = request_info(request.scope)

    def write() -> None:
        bind_request(info)
        with session_scope() as session:
            api_clients.audit_call(
                session,
                caller=caller,
                method=request.method,
                path=path,
                status=response.status_code,
            )

    await run_in_threadpool(write)
    return response


@open_api.get("/docs", include_in_schema=False)
def docs(request: Request) -> HTMLResponse:
    return HTMLResponse(
        render_docs(open_api.openapi(), base=str(request.scope.get("root_path", "")))
    )
