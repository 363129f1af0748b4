"""HTTP routes beside the Reflex app: materials are served only after an authorisation check
(Reflex's own ``/_upload`` is public, so materials never go there)."""

from __future__ import annotations

import os
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route

from eap.api_v1 import open_api
from eap.api_v1.app import not_found as api_not_found
from eap.db import session_scope
from eap.errors import DomainError
from eap.i18n import t
from eap.middleware import SESSION_COOKIE, is_https, request_info
from eap.routes import HOME_ROUTES
from eap.services.admin import accounts, sign_in
from eap.services.core import files
from eap.services.core.audit import record
from eap.services.core.principal import Principal
from eap.services.core.request_info import RequestInfo, bind_request


def serve_material(request: Request) -> Response:
    bind_request(request_info(request.scope))
    lang = request.cookies.get("eap_lang", "zh")
    token = request.cookies.get(SESSION_COOKIE, "")
    try:
        file_id = int(request.path_params["file_id"])
    except (KeyError, ValueError):
        return PlainTextResponse(t("error.not_found", lang), status_code=404)
    with session_scope() as session:
        principal = accounts.resolve_session(session, token=token)
        if principal is None:
            return PlainTextResponse(t("login.session_ended", lang), status_code=401)
        try:
            stored, data = files.read_file(session, principal=principal, file_id=file_id)
        except DomainError as exc:
            return PlainTextResponse(exc.translate(lang), status_code=404)
        record(
            session,
            actor_id=principal.user_id,
            action="file.read",
            entity="file",
            entity_id=file_id,
        )
    return Response(
        data,
        media_type=stored.content_type,
        headers={
            "Content-Disposition": f"inline; filename*=UTF-8''{quote(stored.filename)}",
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def serve_document(request: Request) -> Response:
    """A certificate or approval document as PDF, for those entitled to the case."""
    bind_request(request_info(request.scope))
    from eap.services.approval import documents

    lang = request.cookies.get("eap_lang", "zh")
    kind = request.path_params.get("kind")
    try:
        doc_id = int(request.path_params["doc_id"])
    except (KeyError, ValueError):
        return PlainTextResponse(t("error.not_found", lang), status_code=404)
    with session_scope() as session:
        principal = accounts.resolve_session(session, token=request.cookies.get(SESSION_COOKIE, ""))
        if principal is None:
            return PlainTextResponse(t("login.session_ended", lang), status_code=401)
        try:
            if kind == "certificate":
                data = documents.certificate_pdf(
                    session,
                    principal=principal,
                    certificate_id=doc_id,
                    base_url=str(request.base_url),
                )
            elif kind == "approval":
                data = documents.approval_document_pdf(
                    session, principal=principal, document_id=doc_id
                )
            elif kind == "receipt":  # 收件回执 of a stage case
                data = documents.receipt_pdf(session, principal=principal, stage_case_id=doc_id)
            else:
                return PlainTextResponse(t("error.not_found", lang), status_code=404)
        except DomainError as exc:
            return PlainTextResponse(exc.translate(lang), status_code=404)
        record(
            session,
            actor_id=principal.user_id,
            action=f"document.{kind}",
            entity=kind,
            entity_id=doc_id,
        )
    return Response(
        data,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f"inline; filename={kind}-{doc_id}.pdf",
            "Cache-Control": "private, no-store",
        },
    )


def serve_bulletin(request: Request) -> Response:
    """The provincial centre's monthly 通报, as PDF or Excel, for the province's leaders and
    supervisors; every download is audited."""
    bind_request(request_info(request.scope))
    from eap.services.screen import bulletin, centre

    lang = request.cookies.get("eap_lang", "zh")
    fmt = request.path_params.get("fmt")
    if fmt not in ("pdf", "xlsx"):
        return PlainTextResponse(t("error.not_found", lang), status_code=404)
    month = request.query_params.get("month") or None
    with session_scope() as session:
        principal = accounts.resolve_session(session, token=request.cookies.get(SESSION_COOKIE, ""))
        if principal is None:
            return PlainTextResponse(t("login.session_ended", lang), status_code=401)
        try:
            view = centre.centre_view(session, principal=principal, month=month)
        except DomainError as exc:
            status = 403 if exc.key == "error.forbidden" else 400
            return PlainTextResponse(exc.translate(lang), status_code=status)
        record(
            session,
            actor_id=principal.user_id,
            action="centre.bulletin",
            entity="bulletin",
            entity_id=view.month,
            detail={"format": fmt},
        )
    if fmt == "pdf":
        data, media = bulletin.bulletin_pdf(view, lang=lang), "application/pdf"
    else:
        data = bulletin.bulletin_xlsx(view, lang=lang)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    name = f"bulletin-{view.month}.{fmt}"
    return Response(
        data,
        media_type=media,
        headers={
            "Content-Disposition": f"attachment; filename={name}",
            "Cache-Control": "private, no-store",
        },
    )


def serve_template(request: Request) -> Response:
    """Blank templates are public documents, like the guide they belong to."""
    from eap.services.hall import templates

    lang = request.cookies.get("eap_lang", "zh")
    code = str(request.path_params.get("code", ""))
    with session_scope() as session:
        try:
            data = templates.template_pdf(session, material_code=code)
        except DomainError as exc:
            return PlainTextResponse(exc.translate(lang), status_code=404)
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f"inline; filename={code}.pdf"},
    )


def _redeem(code: str, origin: RequestInfo) -> tuple[str, Principal] | None:
    bind_request(origin)
    with session_scope() as session:
        return sign_in.redeem_handoff(session, code=code)


def _logout(token: str, origin: RequestInfo) -> None:
    bind_request(origin)
    with session_scope() as session:
        accounts.logout(session, token=token)


async def enter(request: Request) -> Response:
    """POST code=…: the sign-in page's one-time handoff code becomes a session whose token is
    set as an HttpOnly cookie; the answer names the user's home page."""
    form = await request.form()
    code = str(form.get("code", ""))
    opened = await run_in_threadpool(_redeem, code, request_info(request.scope))
    if opened is None:
        return JSONResponse({"error": "handoff_invalid"}, status_code=400)
    token, principal = opened
    response = JSONResponse({"home": HOME_ROUTES[principal.role]})
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=is_https(request.scope),
        path="/",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


SSO_COOKIE = "eap_sso_state"


def _sso_redirect_uri(request: Request) -> str:
    from eap.config import get_settings

    base = get_settings().public_base_url or str(request.base_url)
    return base.rstrip("/") + "/auth/sso/callback"


def _back_to_login(key: str) -> Response:
    return RedirectResponse(f"/login?sso={key.removeprefix('sso.')}", status_code=303)


def sso_start(request: Request) -> Response:
    """统一身份认证: off to the identity provider, the state also kept in a cookie so the answer
    is taken only in this browser."""
    from eap.services.admin import sso

    bind_request(request_info(request.scope))
    try:
        with session_scope() as session:
            begun = sso.begin(session, redirect_uri=_sso_redirect_uri(request))
    except DomainError as exc:
        return _back_to_login(exc.key)
    response = RedirectResponse(begun.url, status_code=302)
    response.set_cookie(
        SSO_COOKIE,
        begun.state,
        max_age=600,
        httponly=True,
        samesite="lax",  # it must come back with the provider's redirect
        secure=is_https(request.scope),
        path="/auth/sso",
    )
    return response


def sso_callback(request: Request) -> Response:
    """The provider's answer: a session for the account the identity is, then home."""
    from eap.services.admin import sso

    bind_request(request_info(request.scope))
    query = request.query_params
    if query.get("error") or not query.get("code"):
        return _back_to_login("refused")
    try:
        with session_scope() as session:
            token, principal = sso.complete(
                session,
                state=query.get("state", ""),
                cookie_state=request.cookies.get(SSO_COOKIE, ""),
                code=query.get("code", ""),
                redirect_uri=_sso_redirect_uri(request),
            )
    except DomainError as exc:
        with session_scope() as session:  # a refused sign-in is audited on its own
            record(session, actor_id=None, action="sso.refused", detail={"reason": exc.key})
        response = _back_to_login(exc.key)
        response.delete_cookie(SSO_COOKIE, path="/auth/sso")
        return response
    home = HOME_ROUTES[principal.role]
    # A page of our own that moves on: the session cookie (SameSite=Strict) then travels
    # with a navigation this site started, not the provider's cross-site redirect.
    response = HTMLResponse(
        f'<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={home}">'
        f'<a href="{home}">→</a>'
    )
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=is_https(request.scope),
        path="/",
    )
    response.delete_cookie(SSO_COOKIE, path="/auth/sso")
    response.headers["Cache-Control"] = "no-store"
    return response


async def leave(request: Request) -> Response:
    """POST: end the cookie's session (if still open) and remove the cookie."""
    token = request.cookies.get(SESSION_COOKIE, "")
    if token:
        await run_in_threadpool(_logout, token, request_info(request.scope))
    response = JSONResponse({"home": "/login"})
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="strict", secure=is_https(request.scope)
    )
    return response


def healthz(_request: Request) -> Response:
    """The process, its database, its state manager and the scheduler, as JSON: 200 when
    this worker can serve, 503 when it cannot (a load balancer takes it out)."""
    from dataclasses import asdict

    from eap.services.admin.health import health

    with session_scope() as session:
        state = health(session)
    body = asdict(state)
    body["pid"] = os.getpid()
    return JSONResponse(body, status_code=200 if state.ok else 503)


def metrics(request: Request) -> Response:
    """Prometheus's scrape. With EAP_METRICS_TOKEN set, only a scraper that sends it as a
    bearer token is answered."""
    from eap.config import get_settings
    from eap.metrics import exposition

    token = get_settings().metrics_token
    if token and request.headers.get("authorization", "") != f"Bearer {token}":
        return JSONResponse({"error": "unauthorised"}, status_code=401)
    body, media = exposition()
    return Response(body, media_type=media)


def _not_found(request: Request, _exc: Exception) -> Response:
    """A path no route takes: the open API's callers get its JSON error, others plain text."""
    if request.url.path.startswith("/api/"):
        return api_not_found(request)
    return PlainTextResponse("Not Found", status_code=404)


api = Starlette(
    exception_handlers={404: _not_found},
    routes=[
        Route("/healthz", healthz),
        Route("/metrics", metrics),
        Route("/auth/enter", enter, methods=["POST"]),
        Route("/auth/leave", leave, methods=["POST"]),
        Route("/auth/sso/start", sso_start),
        Route("/auth/sso/callback", sso_callback),
        Route("/files/{file_id}", serve_material),
        Route("/documents/{kind}/{doc_id}.pdf", serve_document),
        Route("/templates/{code}.pdf", serve_template),
        Route("/centre/bulletin.{fmt}", serve_bulletin),
        # the open API for other systems (eap/api_v1): its own tokens, never the cookie
        Mount("/api/v1", app=open_api),
    ],
)
