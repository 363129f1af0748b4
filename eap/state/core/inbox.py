"""Inbox page state (/inbox), for every signed-in role."""

from __future__ import annotations

from dataclasses import replace

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from eap.db import get_engine, session_scope
from eap.errors import PermissionDenied
from eap.services.core import inbox
from eap.services.core.inbox import Message
from eap.services.core.principal import Principal
from eap.state.core.base import AppState

ROUTE = "/inbox"


class InboxState(AppState):
    rows: list[Message] = []
    unread: int = 0
    page: int = 1
    pages: int = 1

    def _load(self, principal: Principal | None = None) -> None:
        principal = principal or self._require(ROUTE)
        with Session(get_engine()) as s:
            self.rows, self.unread, self.pages = inbox.inbox_page(
                s, principal=principal, lang=self.lang, page=self.page
            )

    @rx.event
    def load(self) -> EventSpec | None:
        principal, redirect = self._admit(ROUTE)
        if principal is None:
            return redirect
        self.page = 1
        self._load(principal)
        return None

    @rx.event
    def goto_page(self, delta: int) -> None:
        self.page = min(max(1, self.page + delta), self.pages)
        self._load()

    @rx.event
    def mark_read(self) -> EventSpec | None:
        try:
            principal = self._require(ROUTE)
        except PermissionDenied:  # the session ended meanwhile: sign in again, no traceback
            return rx.redirect("/login")
        with session_scope() as s:
            inbox.mark_all_read(s, principal=principal)
        self._load(principal)
        self.user = replace(self.user, unread=self.unread)  # the bell follows
        return None
