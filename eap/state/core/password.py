"""Changing one's own password (/account/password), for every signed-in role. The three
passwords come with the form's submit only (uncontrolled inputs) and are not kept."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from eap.services.admin import accounts
from eap.state.core.base import AppState

ROUTE = "/account/password"


class PasswordState(AppState):
    field_errors: dict[str, str] = {}
    message: str = ""
    error: str = ""

    @rx.event
    def load(self) -> EventSpec | None:
        self.field_errors, self.message, self.error = {}, "", ""
        _principal, redirect = self._admit(ROUTE)
        return redirect

    @rx.event
    def submit(self, form: dict[str, str] | None = None) -> None:
        form = form or {}
        key = self._session_key()
        self._perform_form(
            ROUTE,
            lambda s, p: accounts.change_password(
                s,
                principal=p,
                old_password=str(form.get("old_password", "")),
                password=str(form.get("password", "")),
                password2=str(form.get("password2", "")),
                session_key=key,
            ),
            "account.password_changed",
        )
