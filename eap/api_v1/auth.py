"""Who calls (当前调用方): the bearer token resolved once per request into an ``ApiCaller``,
metered against the client's allowance; refusals are JSON with the status they deserve."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request, Security
from fastapi.openapi.models import OAuthFlowClientCredentials, OAuthFlows
from fastapi.security import OAuth2

from eap.db import session_scope
from eap.errors import DomainError
from eap.i18n import t
from eap.middleware import request_info
from eap.services.core.request_info import bind_request
from eap.services.exchange import api_clients
from eap.services.exchange.api_clients import SCOPES, ApiCaller

# The OpenAPI document names the flow (clients and docs know where to get a token); the header
# itself is read here, so a missing token is our JSON 401, not FastAPI's default.
oauth2 = OAuth2(
    flows=OAuthFlows(
        clientCredentials=OAuthFlowClientCredentials(
            tokenUrl="oauth/token", scopes={s: t(k, "en") for s, k in SCOPES.items()}
        )
    ),
    scheme_name="client_credentials",
    auto_error=False,
)


@dataclass
class ApiRefusal(Exception):
    """An answer other than success: HTTP status, a stable error code, a translated message."""

    status: int
    error: str
    message: str
    headers: dict[str, str] | None = None


def lang_of(request: Request) -> str:
    return "en" if request.headers.get("accept-language", "").lower().startswith("en") else "zh"


# A domain refusal's key → (HTTP status, error code)
STATUS: dict[str, tuple[int, str]] = {
    "error.not_found": (404, "not_found"),
    "error.forbidden": (403, "forbidden"),
    "api.scope_missing": (403, "insufficient_scope"),
    "rate.limited": (429, "rate_limited"),
}


def refusal(exc: DomainError, lang: str) -> ApiRefusal:
    status, code = STATUS.get(exc.key, (400, "invalid_request"))
    headers = {"Retry-After": "60"} if status == 429 else None
    if exc.field:
        code = f"invalid_{exc.field}"
    return ApiRefusal(status, code, exc.translate(lang), headers)


def current_caller(request: Request, authorization: str | None = Security(oauth2)) -> ApiCaller:
    """The ``CurrentCaller`` dependency: a valid, unexpired token of an active client, within
    its allowance this minute. Runs in the thread pool (a plain ``def``)."""
    bind_request(request_info(request.scope))
    lang = lang_of(request)
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ApiRefusal(
            401, "invalid_token", t("api.token_missing", lang), {"WWW-Authenticate": "Bearer"}
        )
    with session_scope() as session:
        caller = api_clients.authenticate(session, token=token.strip())
    if caller is None:
        raise ApiRefusal(
            401,
            "invalid_token",
            t("api.token_invalid", lang),
            {"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    request.state.caller = caller
    try:
        with session_scope() as session:
            api_clients.meter(session, caller=caller)
    except DomainError as exc:
        raise refusal(exc, lang) from exc
    return caller
