"""Sign-in page state."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from eap.db import session_scope
from eap.routes import HOME_ROUTES
from eap.services.admin import accounts
from eap.state.core.base import AppState


class LoginState(AppState):
    username: str = ""
    password: str = ""
    error: str = ""

    @rx.event
    def set_username(self, value: str) -> None:
        self.username = value

    @rx.event
    def set_password(self, value: str) -> None:
        self.password = value

    @rx.event
    def on_load(self) -> EventSpec | None:
        self.username, self.password, self.error = "", "", ""
        principal = self._principal()
        if principal is not None:
            return rx.redirect(HOME_ROUTES[principal.role])
        return None

    @rx.event
    def submit(self, form: dict[str, str] | None = None) -> EventSpec | None:
        if form:
            self.username = form.get("username", self.username)
            self.password = form.get("password", self.password)
        missing = [f for f in ("username", "password") if not getattr(self, f).strip()]
        if missing:  # say what is missing; an empty form never reaches the lockout count
            self.error = self._tr(
                "login.missing" if len(missing) == 2 else f"login.missing_{missing[0]}"
            )
            return None
        try:
            with session_scope() as session:
                outcome = accounts.login(session, username=self.username, password=self.password)
        except Exception as exc:
            self.error = self._error(exc)
            return None
        self.password = ""
        if outcome.error is not None or outcome.principal is None:
            self.error = self._error(outcome.error or Exception())
            return None
        self.error = ""
        self.notice = ""
        self.token = outcome.token
        self._set_user(outcome.principal)
        return rx.redirect(HOME_ROUTES[outcome.principal.role])
