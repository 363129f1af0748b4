"""Forgotten password page state (找回密码): code to the account's phone, then a new password."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from eap.services.hall import registration
from eap.services.hall.registration import PasswordReset
from eap.state.core.base import AppState
from eap.state.hall.phone_code import SECRET_FIELDS, PhoneCodeMixin, secrets_of

FIELDS = tuple(PasswordReset.model_fields)


class ResetState(PhoneCodeMixin, AppState):
    fields: dict[str, str] = {}

    @rx.event
    def load(self) -> None:
        self.fields, self.field_errors, self.message, self.error = {}, {}, "", ""

    @rx.event
    def set_field(self, name: str, value: str) -> None:
        if name in FIELDS and name not in SECRET_FIELDS:
            self.fields = {**self.fields, name: value}

    @rx.event
    def send_code(self) -> EventSpec | None:
        self.field_errors = {}
        username, phone = self.fields.get("username", ""), self.fields.get("phone", "")
        if self._send(
            lambda s: registration.send_reset_code(s, username=username, phone=phone),
            "reset.sent",
        ):
            return ResetState.count_down
        return None

    @rx.event
    def submit(self, form: dict[str, str] | None = None) -> EventSpec | None:
        typed = {k: v for k, v in self.fields.items() if k in FIELDS and k not in SECRET_FIELDS}
        data = PasswordReset(**typed, **secrets_of(form))
        if not self._settle(lambda s: registration.reset_password(s, data=data)):
            return None
        self.fields = {}
        self.notice = self._tr("reset.done")
        return rx.redirect("/login")
