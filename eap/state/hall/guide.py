"""办事指南 page state (/guide): public, no sign-in needed."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from eap.db import get_engine
from eap.services.hall import guide_public
from eap.services.hall.rows import GuideItem
from eap.state.core.base import AppState, SignedInUser


class GuideState(AppState):
    stage: str = "0"
    kind: str = ""
    ptype: str = "0"
    text: str = ""
    items: list[GuideItem] = []

    def _load(self) -> None:
        with Session(get_engine()) as s:
            self.items = guide_public.browse(
                s,
                stage=int(self.stage) or None,
                dept_kind=self.kind,
                process_type=int(self.ptype) or None,
                text=self.text[:50],
            )

    @rx.event
    def load(self) -> None:
        """Public; a signed-in visitor sees it inside the hall (their menu and name)."""
        principal = self._principal() if self._session_key() else None
        if principal is not None:
            self._set_user(principal)
        else:  # nobody signed in (or the session ended): the public page, no stale name
            self.user = SignedInUser()
        self._load()

    @rx.event
    def set_stage(self, value: str) -> None:
        self.stage = value
        self._load()

    @rx.event
    def set_kind(self, value: str) -> None:
        self.kind = "" if value == "all" else value
        self._load()

    @rx.event
    def set_ptype(self, value: str) -> None:
        self.ptype = value
        self._load()

    @rx.event
    def set_text(self, value: str) -> None:
        self.text = value

    @rx.event
    def search(self) -> None:
        self._load()
