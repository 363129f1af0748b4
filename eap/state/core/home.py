"""Role home pages' state: figures and the first tables for each role (server-paginated)."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from eap.db import get_engine
from eap.errors import PermissionDenied
from eap.services.core import overview
from eap.services.core.principal import Principal
from eap.state.core.base import AppState


class HomeState(AppState):
    stats: list[dict[str, str]] = []
    rows: list[dict[str, str]] = []
    page: int = 1
    pages: int = 1
    route: str = ""

    def _load(self, principal: Principal | None = None) -> None:
        principal = principal or self._require(self.route)
        with Session(get_engine()) as session:
            stats: list[tuple[str, int]] = []
            self.rows = []
            if principal.role == "admin":
                stats = overview.admin_stats(session, principal=principal)
                result = overview.catalogue_page(session, principal=principal, page=self.page)
                self.rows, self.page, self.pages = result.rows, result.page, result.pages
            elif principal.role == "security":
                stats = overview.security_stats(session, principal=principal)
        self.stats = [{"key": k, "value": str(v)} for k, v in stats]

    @rx.event
    def load(self) -> EventSpec | None:
        self.route = self.router.page.path.rstrip("/") or "/"
        self.page = 1
        principal, redirect = self._admit(self.route)
        if principal is None:
            return redirect
        self._load(principal)
        return None

    @rx.event
    def goto_page(self, delta: int) -> EventSpec | None:
        try:
            self.page = max(1, self.page + delta)
            self._load()
        except PermissionDenied:
            return rx.redirect("/login")
        return None
