"""The security layer (eap/middleware.py) as an ASGI app in front of a route that reads its
whole body: a body streamed past the limit without a declared length is cut off with 413."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from eap.config import get_settings
from eap.middleware import SESSION_HEADER, SecurityMiddleware, _socket_headers


async def _echo(request: Request) -> JSONResponse:
    body = await request.body()
    return JSONResponse({"bytes": len(body)})


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("EAP_REQUEST_MAX_MB", "1")
    get_settings.cache_clear()
    yield TestClient(
        SecurityMiddleware(Starlette(routes=[Route("/echo", _echo, methods=["POST"])]))
    )
    monkeypatch.undo()
    get_settings.cache_clear()


def test_streamed_bodies_are_cut_at_the_limit(client: TestClient) -> None:
    def chunks(n: int):  # type: ignore[no-untyped-def]
        for _ in range(n):
            yield b"a" * 256 * 1024

    assert client.post("/echo", content=chunks(3)).json() == {"bytes": 3 * 256 * 1024}
    cut = client.post("/echo", content=chunks(8))
    assert cut.status_code == 413 and cut.json() == {"error": "request_too_large"}


def test_the_socket_sees_the_session_key_never_the_token() -> None:
    scope = {
        "type": "websocket",
        "headers": [
            (b"cookie", b"eap_lang=en; eap_session=secret-token; other=1"),
            (SESSION_HEADER.encode(), b"forged-by-the-client"),
            (b"user-agent", b"UA"),
        ],
    }
    headers = dict(_socket_headers(scope))
    assert b"secret-token" not in b"".join(headers.values())
    assert headers[b"cookie"] == b"eap_lang=en; other=1"
    from eap.services.core.principal import token_hash

    assert headers[SESSION_HEADER.encode()] == token_hash("secret-token").encode()
    # without a session cookie, a header the client sent itself is dropped, not believed
    bare = dict(_socket_headers({"headers": [(SESSION_HEADER.encode(), b"forged")]}))
    assert SESSION_HEADER.encode() not in bare
