"""Inbox page state (/inbox), for every signed-in role."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from eap.db import get_engine, session_scope
from eap.services.core import inbox
from eap.state.core.base import AppState

ROUTE = "/inbox"


class InboxState(AppState):
    rows: list[dict[str, str]] = []
    unread: int = 0
    page: int = 1
    pages: int = 1

    def _load(self) -> None:
        principal = self._require(ROUTE)
        with Session(get_engine()) as s:
            self.rows, self.unread, self.pages = inbox.inbox_page(
                s, principal=principal, lang=self.lang, page=self.page
            )

    @rx.event
    def load(self) -> EventSpec | None:
        redirect = self._guard(ROUTE)
        if redirect is not None:
            return redirect
        self.page = 1
        self._load()
        return None

    @rx.event
    def goto_page(self, delta: int) -> None:
        self.page = min(max(1, self.page + delta), self.pages)
        self._load()

    @rx.event
    def mark_read(self) -> None:
        principal = self._require(ROUTE)
        with session_scope() as s:
            inbox.mark_all_read(s, principal=principal)
        self._load()
        self.user = {**self.user, "unread": str(self.unread)}  # the bell follows
