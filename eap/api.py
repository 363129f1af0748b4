"""HTTP routes beside the Reflex app: materials are served only after an authorisation check
(Reflex's own ``/_upload`` is public, so materials never go there)."""

from __future__ import annotations

from urllib.parse import quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from eap.db import session_scope
from eap.errors import DomainError
from eap.i18n import t
from eap.services.admin import accounts
from eap.services.core import files
from eap.services.core.audit import record


def serve_material(request: Request) -> Response:
    lang = request.cookies.get("eap_lang", "zh")
    token = request.cookies.get("eap_session", "")
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
    from eap.services.approval import documents

    lang = request.cookies.get("eap_lang", "zh")
    kind = request.path_params.get("kind")
    try:
        doc_id = int(request.path_params["doc_id"])
    except (KeyError, ValueError):
        return PlainTextResponse(t("error.not_found", lang), status_code=404)
    with session_scope() as session:
        principal = accounts.resolve_session(session, token=request.cookies.get("eap_session", ""))
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
    from eap.services.screen import bulletin, centre

    lang = request.cookies.get("eap_lang", "zh")
    fmt = request.path_params.get("fmt")
    if fmt not in ("pdf", "xlsx"):
        return PlainTextResponse(t("error.not_found", lang), status_code=404)
    month = request.query_params.get("month") or None
    with session_scope() as session:
        principal = accounts.resolve_session(session, token=request.cookies.get("eap_session", ""))
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


api = Starlette(
    routes=[
        Route("/files/{file_id}", serve_material),
        Route("/documents/{kind}/{doc_id}.pdf", serve_document),
        Route("/templates/{code}.pdf", serve_template),
        Route("/centre/bulletin.{fmt}", serve_bulletin),
    ]
)
