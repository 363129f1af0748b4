"""A local 统一身份认证 (OpenID Connect provider) for the demo and the tests: discovery,
JWKS, an authorization endpoint with a sign-in form, a token endpoint that checks the PKCE
verifier and answers an RS256-signed ID token, and userinfo.

Its people (``users``: username → password and claims) are a legal person's agent of a
company (``uscc`` and ``org_name`` claims), a natural person (``id_number``) and a member of
staff (``preferred_username`` equal to the account's). Not for production: a province points
``EAP_SSO_ISSUER`` at its identity provider."""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

from eap.fakes.http import JsonHandler

DEMO_USERS: dict[str, dict[str, Any]] = {
    "zhangsan": {
        "password": "Idp@2026",
        "claims": {
            "name": "张三",
            "uscc": "913601003AGYGLUY2P",
            "org_name": "江西统一认证建设有限公司",
            "phone_number": "13907910001",
        },
    },
    "lisi": {
        "password": "Idp@2026",
        "claims": {"name": "李四", "id_number": "36010219900101123X"},
    },
    "nc_window": {
        "password": "Idp@2026",
        "claims": {"name": "南昌窗口", "preferred_username": "nc_window"},
    },
}


class Provider:
    def __init__(self, *, client_id: str = "eap", client_secret: str = "eap-secret") -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.key = RSAKey.generate_key(
            2048, parameters={"kid": "fake-1", "use": "sig", "alg": "RS256"}
        )
        self.users: dict[str, dict[str, Any]] = {k: dict(v) for k, v in DEMO_USERS.items()}
        self.codes: dict[str, dict[str, Any]] = {}
        self.issuer = ""
        self.lock = threading.Lock()


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


_FORM = """<!doctype html><html lang="zh"><head><meta charset="utf-8">
<title>江西省统一身份认证平台（模拟）</title>
<style>body{{font-family:"Noto Sans CJK SC",sans-serif;background:#eef3f8;display:flex;
justify-content:center;padding-top:8em}}form{{background:#fff;padding:2em 2.5em;border-radius:8px;
box-shadow:0 2px 12px #0002;width:22em}}input{{width:100%;padding:.5em;margin:.3em 0 1em;
box-sizing:border-box}}button{{width:100%;padding:.6em;background:#1a5fb4;color:#fff;border:0;
border-radius:4px}}.err{{color:#c01c28}}</style></head><body><form method="post" action="authorize">
<h2>江西省统一身份认证平台</h2><p style="color:#666">（本地模拟，仅供演示与测试）</p>{error}
<label>账号<input id="idp-username" name="username" autocomplete="username"></label>
<label>密码<input id="idp-password" name="password" type="password"></label>
{hidden}<button id="idp-submit" type="submit">登录并授权</button></form></body></html>"""


def _handler(p: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(JsonHandler):
        json_headers: ClassVar[dict[str, str]] = {"Cache-Control": "no-store"}

        def _html(self, text: str) -> None:
            data = text.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _form(self) -> dict[str, str]:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
            return {k: v[0] for k, v in parse_qs(raw).items()}

        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                self._json(
                    200,
                    {
                        "issuer": p.issuer,
                        "authorization_endpoint": p.issuer + "/authorize",
                        "token_endpoint": p.issuer + "/token",
                        "userinfo_endpoint": p.issuer + "/userinfo",
                        "jwks_uri": p.issuer + "/jwks",
                        "response_types_supported": ["code"],
                        "subject_types_supported": ["public"],
                        "id_token_signing_alg_values_supported": ["RS256"],
                        "code_challenge_methods_supported": ["S256"],
                        "token_endpoint_auth_methods_supported": [
                            "client_secret_basic",
                            "client_secret_post",
                        ],
                    },
                )
            elif url.path == "/jwks":
                self._json(200, {"keys": [p.key.as_dict(private=False)]})
            elif url.path == "/authorize":
                if query.get("client_id") != p.client_id or query.get("response_type") != "code":
                    self._json(400, {"error": "invalid_request"})
                    return
                if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
                    self._json(400, {"error": "invalid_request", "error_description": "PKCE"})
                    return
                self._html(_page(query))
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:  # noqa: N802
            url = urlsplit(self.path)
            form = self._form()
            if url.path == "/authorize":
                user = p.users.get(form.get("username", ""))
                if user is None or user["password"] != form.get("password"):
                    self._html(_page(form, error="账号或密码不正确"))
                    return
                code = secrets.token_urlsafe(24)
                with p.lock:
                    p.codes[code] = {**form, "at": time.time()}
                target = (
                    form["redirect_uri"] + "?" + urlencode({"code": code, "state": form["state"]})
                )
                self.send_response(302)
                self.send_header("Location", target)
                self.end_headers()
            elif url.path == "/token":
                self._token(form)
            else:
                self._json(404, {"error": "not_found"})

        def _client_ok(self, form: dict[str, str]) -> bool:
            auth = self.headers.get("Authorization", "")
            if auth.startswith("Basic "):
                cid, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
            else:
                cid, secret = form.get("client_id", ""), form.get("client_secret", "")
            return cid == p.client_id and secret == p.client_secret

        def _token(self, form: dict[str, str]) -> None:
            if not self._client_ok(form):
                self._json(401, {"error": "invalid_client"})
                return
            with p.lock:
                grant = p.codes.pop(form.get("code", ""), None)
            if (
                grant is None
                or time.time() - grant["at"] > 60
                or form.get("redirect_uri") != grant["redirect_uri"]
                or _s256(form.get("code_verifier", "")) != grant["code_challenge"]
            ):
                self._json(400, {"error": "invalid_grant"})
                return
            username = grant["username"]
            now = int(time.time())
            claims = {
                "iss": p.issuer,
                "sub": "u-" + hashlib.sha256(username.encode()).hexdigest()[:16],
                "aud": p.client_id,
                "iat": now,
                "exp": now + 300,
                "nonce": grant["nonce"],
                **p.users[username]["claims"],
            }
            access = secrets.token_urlsafe(24)
            id_token = jwt.encode({"alg": "RS256", "kid": "fake-1"}, claims, p.key)
            self._json(
                200,
                {
                    "access_token": access,
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "id_token": id_token,
                },
            )

    return Handler


def _page(fields: dict[str, str], error: str = "") -> str:
    keep = ("client_id", "redirect_uri", "state", "nonce", "code_challenge", "scope")
    hidden = "".join(
        f'<input type="hidden" name="{k}" value="{html.escape(fields.get(k, ""))}">' for k in keep
    )
    return _FORM.format(error=f'<p class="err">{error}</p>' if error else "", hidden=hidden)


def start(provider: Provider, port: int = 0) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(provider))
    provider.issuer = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def serve(port: int, client_id: str, client_secret: str) -> None:
    provider = Provider(client_id=client_id, client_secret=client_secret)
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(provider))
    provider.issuer = f"http://127.0.0.1:{server.server_address[1]}"
    print(provider.issuer, flush=True, file=sys.stderr)
    server.serve_forever()
