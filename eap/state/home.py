"""Role home pages' state: figures and the first tables for each role (server-paginated)."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from eap.db import get_engine, session_scope
from eap.errors import PermissionDenied
from eap.services import overview, supervision
from eap.state.base import AppState


class HomeState(AppState):
    stats: list[dict[str, str]] = []
    rows: list[dict[str, str]] = []
    page: int = 1
    pages: int = 1
    route: str = ""
    dept_alerts: list[dict[str, str]] = []
    reply_text: str = ""
    message: str = ""

    def _load(self) -> None:
        principal = self._require(self.route)
        with Session(get_engine()) as session:
            stats: list[tuple[str, int]] = []
            self.rows = []
            if principal.role == "admin":
                stats = overview.admin_stats(session, principal=principal)
                result = overview.catalogue_page(session, principal=principal, page=self.page)
                self.rows, self.page, self.pages = result.rows, result.page, result.pages
            elif principal.role == "auditor":
                result = overview.audit_page(session, principal=principal, page=self.page)
                self.rows, self.page, self.pages = result.rows, result.page, result.pages
            elif principal.role == "security":
                stats = overview.security_stats(session, principal=principal)
            elif principal.role == "approver":
                rows, _total = supervision.list_alerts(
                    session, principal=principal, page=1, size=50
                )
                self.dept_alerts = [
                    {k: str(v) for k, v in r.__dict__.items()} for r in rows if r.status != "closed"
                ]
        self.stats = [{"key": k, "value": str(v)} for k, v in stats]

    @rx.event
    def load(self) -> rx.event.EventSpec | None:
        self.route = self.router.page.path.rstrip("/") or "/"
        self.page = 1
        redirect = self._guard(self.route)
        if redirect is not None:
            return redirect
        self._load()
        return None

    @rx.event
    def set_reply_text(self, value: str) -> None:
        self.reply_text = value

    @rx.event
    def reply(self, alert_id: str) -> None:
        """The department answers a 督办 notice; re-authorised in the service."""
        try:
            principal = self._require(self.route)
            with session_scope() as session:
                supervision.act_on_alert(
                    session,
                    principal=principal,
                    alert_id=int(alert_id),
                    kind="reply",
                    text=self.reply_text,
                )
            self.reply_text, self.message = "", self._tr("supervision.done")
            self._load()
        except Exception as exc:
            self.message = self._error(exc)

    @rx.event
    def goto_page(self, delta: int) -> rx.event.EventSpec | None:
        try:
            self.page = max(1, self.page + delta)
            self._load()
        except PermissionDenied:
            return rx.redirect("/login")
        return None
