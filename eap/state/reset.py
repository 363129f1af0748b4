"""Forgotten password page state (找回密码): code to the account's phone, then a new password."""

from __future__ import annotations

import asyncio

import reflex as rx

from eap.config import get_settings
from eap.db import session_scope
from eap.errors import DomainError
from eap.services import notify, registration
from eap.services.registration import PasswordReset
from eap.state.base import AppState

FIELDS = tuple(PasswordReset.model_fields)


class ResetState(AppState):
    fields: dict[str, str] = {}
    field_errors: dict[str, str] = {}
    message: str = ""
    error: str = ""
    code_wait: int = 0  # seconds until another code may be asked for

    @rx.event(background=True)
    async def count_down(self) -> None:
        """Tick the resend button down; the server enforces the wait either way."""
        while True:
            async with self:
                if self.code_wait <= 0:
                    return
                self.code_wait -= 1
            await asyncio.sleep(1)

    @rx.event
    def load(self) -> None:
        self.fields, self.field_errors, self.message, self.error = {}, {}, "", ""

    @rx.event
    def set_field(self, name: str, value: str) -> None:
        if name in FIELDS:
            self.fields = {**self.fields, name: value}

    @rx.event
    def send_code(self) -> rx.event.EventSpec | None:
        self.message, self.error, self.field_errors = "", "", {}
        try:
            with session_scope() as s:
                sms_id = registration.send_reset_code(
                    s, username=self.fields.get("username", ""), phone=self.fields.get("phone", "")
                )
            if sms_id is not None:
                with session_scope() as s:
                    notify.deliver_sms(s, ids=[sms_id])
        except DomainError as exc:
            self.field_errors = {exc.field or "form": exc.translate(self.lang)}
            return None
        except Exception as exc:
            self.error = self._error(exc)
            return None
        self.message = self._tr("reset.sent")
        self.code_wait = get_settings().sms_resend_seconds
        return ResetState.count_down

    @rx.event
    def submit(self) -> rx.event.EventSpec | None:
        self.message, self.error, self.field_errors = "", "", {}
        data = PasswordReset(**{k: v for k, v in self.fields.items() if k in FIELDS})
        try:
            with session_scope() as s:
                outcome = registration.reset_password(s, data=data)
        except Exception as exc:
            self.error = self._error(exc)
            return None
        if outcome.error is not None:
            err = outcome.error
            self.field_errors = {err.field or "form": err.translate(self.lang)}
            return None
        self.fields = {}
        self.notice = self._tr("reset.done")
        return rx.redirect("/login")
