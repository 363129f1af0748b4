"""Sign-up page state (注册): SMS code first, then the account; errors beside their fields."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session, col, select

from eap.db import get_engine
from eap.models import Region
from eap.services.hall import registration
from eap.services.hall.registration import Registration
from eap.state.core.base import AppState
from eap.state.hall.phone_code import SECRET_FIELDS, PhoneCodeMixin, secrets_of

FIELDS = tuple(Registration.model_fields)


class RegisterState(PhoneCodeMixin, AppState):
    fields: dict[str, str] = {"kind": "company", "region_code": "360102"}
    regions: list[dict[str, str]] = []
    done: bool = False

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
        if name in FIELDS and name not in SECRET_FIELDS:
            self.fields = {**self.fields, name: value}
            self.field_errors = {k: v for k, v in self.field_errors.items() if k != name}

    @rx.event
    def set_kind(self, value: str | list[str]) -> None:
        kind = value if isinstance(value, str) else (value[0] if value else "company")
        self.fields = {**self.fields, "kind": kind}
        self.field_errors = {}

    @rx.event
    def send_code(self) -> EventSpec | None:
        self.field_errors = {k: v for k, v in self.field_errors.items() if k != "phone"}
        phone = self.fields.get("phone", "")
        if self._send(lambda s: registration.send_code(s, phone=phone), "sms.sent"):
            return RegisterState.count_down
        return None

    @rx.event
    def submit(self, form: dict[str, str] | None = None) -> EventSpec | None:
        typed = {k: v for k, v in self.fields.items() if k in FIELDS and k not in SECRET_FIELDS}
        data = Registration(**typed, **secrets_of(form))
        if not self._settle(lambda s: registration.register_applicant(s, data=data)):
            return None
        self.fields = {"kind": "company", "region_code": "360102"}
        self.done = True
        self.notice = self._tr("register.done")
        return rx.redirect("/login")
