"""The ASGI layer in front of every page, socket and route (等保: intrusion prevention).

- Origins: a request or socket that carries an ``Origin`` header is served only when that origin
  is this site itself or one of ``EAP_ALLOWED_ORIGINS``; another site's page cannot drive a
  signed-in user's socket (cross-site WebSocket hijacking) or read a route's answer.
- The session cookie is HttpOnly (set by /auth/enter), so page scripts never see it. For the
  page socket its value is swapped for its hash, the session key, in a header of our own before
  Reflex sees the handshake: Reflex keeps the handshake's headers in the page state, which is
  persisted, and a raw token must never be persisted there. A client-sent copy of that header
  is dropped.
- Security headers on every HTTP answer, HSTS when the request came over HTTPS.
- A request body above ``EAP_REQUEST_MAX_MB`` (Reflex's ``/_upload`` included) is refused
  with 413 before it is read into memory, by its declared length or as it streams in.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any

from eap.config import get_settings
from eap.services.core.principal import token_hash
from eap.services.core.request_info import RequestInfo
from eap.web_tabs import release_orphaned_tab, tab_token

log = logging.getLogger(__name__)
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SESSION_COOKIE = "eap_session"
SESSION_HEADER = "x-eap-session"  # the session key on the page socket (set here only)
EVENT_PATH = "/_event"

# Reflex's pages use inline styles (Emotion) and one inline bootstrap script; Plotly compiles
# functions at run time. Everything is loaded from this site only; nothing may frame it.
CSP = (
    "default-src 'self'; "
    "script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; "
    "font-src 'self' data:; "
    "connect-src 'self' ws: wss:; "
    "object-src 'none'; "
    "base-uri 'self'; "
    "form-action 'self'; "
    "frame-ancestors 'self'"
)
_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"referrer-policy", b"same-origin"),
    (b"x-content-type-options", b"nosniff"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(self)"),
)
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def request_scheme(scope: Scope) -> str:
    """http or https as the browser sees it: behind a trusted proxy, its forwarded scheme."""
    forwarded = _header(scope, b"x-forwarded-proto") if get_settings().trust_proxy else ""
    scheme = forwarded.split(",")[0].strip() or scope.get("scheme", "http")
    return {"ws": "http", "wss": "https"}.get(scheme, scheme)


def is_https(scope: Scope) -> bool:
    return get_settings().https_only or request_scheme(scope) == "https"


def request_info(scope: Scope) -> RequestInfo:
    """The address and terminal of an HTTP request, for the audit trail (behind a trusted
    proxy, the client address it forwarded)."""
    client = scope.get("client") or ("", 0)
    ip = str(client[0])
    if get_settings().trust_proxy and (forwarded := _header(scope, b"x-forwarded-for")):
        ip = forwarded.split(",")[-1].strip() or ip
    return RequestInfo(ip=ip, user_agent=_header(scope, b"user-agent"))


def allowed_origins() -> frozenset[str]:
    return frozenset(
        o.strip().rstrip("/") for o in get_settings().allowed_origins.split(",") if o.strip()
    )


def origin_allowed(scope: Scope) -> bool:
    origin = _header(scope, b"origin").rstrip("/")
    if not origin:  # not a browser's cross-origin-capable request (or the same origin's GET)
        return True
    host = _header(scope, b"x-forwarded-host") if get_settings().trust_proxy else ""
    host = host or _header(scope, b"host")
    return origin == f"{request_scheme(scope)}://{host}" or origin in allowed_origins()


def _socket_headers(scope: Scope) -> list[tuple[bytes, bytes]]:
    """The handshake's headers with the session cookie swapped for its key."""
    kept: list[tuple[bytes, bytes]] = []
    key = ""
    for name, value in scope.get("headers", []):
        low = name.lower()
        if low == SESSION_HEADER.encode():
            continue  # only this layer says which session a socket carries
        if low == b"cookie":
            jar = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # an unparsable cookie header carries no session
                jar = SimpleCookie()
            if SESSION_COOKIE in jar:
                token = jar[SESSION_COOKIE].value
                key = token_hash(token) if token else ""
                del jar[SESSION_COOKIE]
            rest = "; ".join(f"{k}={m.value}" for k, m in jar.items())
            if rest:
                kept.append((name, rest.encode("latin-1")))
            continue
        kept.append((name, value))
    if key:
        kept.append((SESSION_HEADER.encode(), key.encode()))
    return kept


class SecurityMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope.get("type")
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if not origin_allowed(scope):
            await _refuse(scope, receive, send)
            return
        if kind == "websocket":
            if str(scope.get("path", "")).startswith(EVENT_PATH):
                # which worker holds a tab's socket: with several workers, a tab stays on one
                log.info("page socket opened in worker %d", os.getpid())
                await release_orphaned_tab(tab_token(scope.get("query_string", b"")))
                scope = dict(scope)
                scope["headers"] = _socket_headers(scope)
            await self.app(scope, receive, send)
            return
        extra = _HEADERS + ((HSTS,) if is_https(scope) else ())
        limit = get_settings().request_max_mb * 2**20
        declared = _header(scope, b"content-length")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(send, extra)  # refused before a byte of the body is read
            return
        refused = False
        seen = 0

        async def capped() -> Message:
            """Count the body as it arrives; past the limit answer 413 at once and tell the
            app the client went away, so nothing more is read or answered."""
            nonlocal refused, seen
            message = await receive()
            if message.get("type") == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit and not refused:
                    refused = True
                    await _too_large(send, extra)
                    return {"type": "http.disconnect"}
            return message

        async def send_with_headers(message: Message) -> None:
            if refused:  # the 413 has been sent; whatever the app says after is dropped
                return
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *(h for h in extra if h[0] not in present),
                ]
            await send(message)

        try:
            await self.app(scope, capped, send_with_headers)
        except Exception:
            if not refused:
                raise


async def _too_large(send: Send, extra: tuple[tuple[bytes, bytes], ...]) -> None:
    body = json.dumps({"error": "request_too_large"}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
                *extra,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _refuse(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "websocket":
        await receive()  # the connect message; closing before accept answers 403
        await send({"type": "websocket.close", "code": 1008})
        return
    body = json.dumps({"error": "origin_not_allowed"}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *_HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
