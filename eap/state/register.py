"""Sign-up page state (注册): SMS code first, then the account; errors beside their fields."""

from __future__ import annotations

import asyncio

import reflex as rx
from sqlmodel import Session, col, select

from eap.config import get_settings
from eap.db import get_engine, session_scope
from eap.errors import DomainError
from eap.models import Region
from eap.services import notify, registration
from eap.services.registration import Registration
from eap.state.base import AppState

FIELDS = tuple(Registration.model_fields)


class RegisterState(AppState):
    fields: dict[str, str] = {"kind": "company", "region_code": "360102"}
    field_errors: dict[str, str] = {}
    regions: list[dict[str, str]] = []
    message: str = ""
    error: str = ""
    done: bool = False
    code_wait: int = 0  # seconds until another code may be asked for

    @rx.event
    def load(self) -> None:
        self.field_errors, self.message, self.error, self.done = {}, "", "", False
        if self.regions:
            return
        with Session(get_engine()) as s:
            rows = s.exec(
                select(Region)
                .where(col(Region.level).in_(("city", "county", "zone")))
                .order_by(col(Region.code))
            ).all()
            names = {r.code: r.name for r in rows}
        self.regions = [
            {
                "code": r.code,
                "name": r.name
                if r.level != "county"
                else f"{names.get(r.parent_code or '', '')} {r.name}",
            }
            for r in rows
        ]

    @rx.event
    def set_field(self, name: str, value: str) -> None:
        if name in FIELDS:
            self.fields = {**self.fields, name: value}
            self.field_errors = {k: v for k, v in self.field_errors.items() if k != name}

    @rx.event
    def set_kind(self, value: str | list[str]) -> None:
        kind = value if isinstance(value, str) else (value[0] if value else "company")
        self.fields = {**self.fields, "kind": kind}
        self.field_errors = {}

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
    def send_code(self) -> rx.event.EventSpec | None:
        """Queue the code's SMS with the row, then hand it to the gateway after commit."""
        self.message, self.error = "", ""
        self.field_errors = {k: v for k, v in self.field_errors.items() if k != "phone"}
        try:
            with session_scope() as s:
                sms_id = registration.send_code(s, phone=self.fields.get("phone", ""))
            with session_scope() as s:
                notify.deliver_sms(s, ids=[sms_id])
        except DomainError as exc:
            self.field_errors = {
                **self.field_errors,
                exc.field or "phone": exc.translate(self.lang),
            }
            return None
        except Exception as exc:
            self.error = self._error(exc)
            return None
        self.message = self._tr("sms.sent")
        self.code_wait = get_settings().sms_resend_seconds
        return RegisterState.count_down

    @rx.event
    def submit(self) -> rx.event.EventSpec | None:
        self.message, self.error, self.field_errors = "", "", {}
        data = Registration(**{k: v for k, v in self.fields.items() if k in FIELDS})
        try:
            with session_scope() as s:
                outcome = registration.register_applicant(s, data=data)
        except Exception as exc:
            self.error = self._error(exc)
            return None
        if outcome.error is not None:
            err = outcome.error
            self.field_errors = {err.field or "form": err.translate(self.lang)}
            return None
        self.fields = {"kind": "company", "region_code": "360102"}
        self.done = True
        self.notice = self._tr("register.done")
        return rx.redirect("/login")
