"""The web edge of the running app (等保: intrusion prevention), over real HTTP and WebSocket
on 127.0.0.1: security headers on every page, another site's origin refused on routes and
on the page socket, oversized bodies refused before they are read, the sign-in handoff
redeemable once, and the session cookie HttpOnly."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlparse

import httpx
import pytest
import websocket

EVIL = "http://evil.example"


def test_every_answer_carries_the_security_headers(app_url: str) -> None:
    for path in ("/login", "/guide", "/ping", "/files/1"):
        headers = httpx.get(app_url + path).headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'self'" in csp and "object-src 'none'" in csp, path
        assert headers["x-frame-options"] == "SAMEORIGIN"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in headers  # plain HTTP here
    https = httpx.get(app_url + "/login", headers={"X-Forwarded-Proto": "https"}).headers
    assert "strict-transport-security" not in https  # a forwarded scheme is not trusted by default


def test_another_origin_is_refused_and_never_echoed(app_url: str) -> None:
    ours = httpx.get(app_url + "/ping", headers={"Origin": app_url})
    assert ours.status_code == 200
    theirs = httpx.get(app_url + "/ping", headers={"Origin": EVIL})
    assert theirs.status_code == 403 and theirs.json() == {"error": "origin_not_allowed"}
    assert "access-control-allow-origin" not in theirs.headers
    preflight = httpx.options(
        app_url + "/auth/enter",
        headers={"Origin": EVIL, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code in (400, 403)  # Reflex's own CORS layer answers first
    assert "access-control-allow-origin" not in preflight.headers


def _socket_url(app_url: str) -> str:
    return app_url.replace("http://", "ws://") + "/_event/?EIO=4&transport=websocket&token=x"


def test_the_page_socket_refuses_another_origin(app_url: str) -> None:
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(_socket_url(app_url), origin=EVIL, timeout=10)
    assert refused.value.status_code == 403
    ok = websocket.create_connection(_socket_url(app_url), origin=app_url, timeout=10)
    assert ok.recv().startswith("0")  # engine.io's open packet
    ok.close()


def _raw(app_url: str, head: bytes, chunks: int = 0) -> bytes:
    """Speak HTTP by hand (no client library lets a body disagree with its length)."""
    host = urlparse(app_url)
    with socket.create_connection((host.hostname, host.port), timeout=30) as conn:
        conn.sendall(head)
        try:
            for _ in range(chunks):
                conn.sendall(f"{2**20:x}\r\n".encode() + b"a" * 2**20 + b"\r\n")
        except OSError:
            pass  # the server stopped reading: that is the refusal
        conn.settimeout(15)
        try:
            return conn.recv(4096)
        except OSError:
            return b""


def test_an_oversized_body_is_refused_before_it_is_read(app_url: str) -> None:
    declared = _raw(
        app_url,
        b"POST /_upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data\r\n"
        b"Content-Length: 209715200\r\n\r\nxxxx",
    )
    assert declared.startswith(b"HTTP/1.1 413"), declared[:200]
    streamed = _raw(
        app_url,
        b"POST /auth/enter HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n\r\n",
        chunks=60,
    )
    # refused while streaming: by our cap (413) or by the form parser's own field limit (400)
    assert streamed[:12] in (b"HTTP/1.1 413", b"HTTP/1.1 400") or streamed == b"", streamed[:200]


def test_a_handoff_code_is_good_once_and_the_cookie_is_httponly(app_url: str) -> None:
    from sqlmodel import Session

    from eap.db import make_engine
    from eap.services.admin import accounts, sign_in
    from tests.browser.helpers import APP_DB

    with Session(make_engine(APP_DB["url"])) as s:
        code = sign_in.begin_login(s, username="sheng_duban", password="Demo@2026").token
        s.commit()
    first = httpx.post(app_url + "/auth/enter", data={"code": code})
    assert first.status_code == 200 and first.json()["home"]
    cookie = first.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/" in cookie
    again = httpx.post(app_url + "/auth/enter", data={"code": code})
    assert again.status_code == 400 and "set-cookie" not in again.headers
    token = first.cookies["eap_session"]
    left = httpx.post(app_url + "/auth/leave", cookies={"eap_session": token})
    assert left.status_code == 200
    with Session(make_engine(APP_DB["url"])) as s:
        assert accounts.resolve_session(s, token=token) is None
        # the routes' audit entries name where the request came from and with what
        from sqlmodel import col, select

        from eap.models import AuditLog

        last = s.exec(
            select(AuditLog)
            .where(AuditLog.action == "auth.logout")
            .order_by(col(AuditLog.id).desc())
        ).first()
        assert last is not None and last.ip == "127.0.0.1"
        assert last.user_agent.startswith("python-httpx/")


def test_health_and_metrics_of_the_running_app(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from tests.browser.helpers import wait_text

    browser.delete_all_cookies()  # signed out, whatever the test before left
    browser.get(app_url + "/login")  # a page opened: its on-load event is timed
    wait_text(browser, "login-title", "")
    health = httpx.get(app_url + "/healthz")
    assert health.status_code == 200, health.text
    body = health.json()
    assert body["database"]["ok"] and body["state_manager"]["kind"] == "disk", body
    # the pages the other browser tests opened were timed, by handler (an event is counted
    # when its task ends, a moment after the page showed)
    for _ in range(20):
        text = httpx.get(app_url + "/metrics").text
        timed = [line for line in text.splitlines() if line.startswith("eap_event_seconds_count")]
        if any('{handler="login_state.on_load"}' in line for line in timed):
            break
        time.sleep(0.25)
    assert any('{handler="login_state.on_load"}' in line for line in timed), timed
    assert 'eap_outbox_backlog{outbox="spgl"}' in text
