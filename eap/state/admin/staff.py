"""The administrator's staff accounts page state (/admin/staff)."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session, col, select

from eap.db import get_engine
from eap.models import Department, Region
from eap.services.admin import staff
from eap.services.admin.staff import StaffForm, StaffRow
from eap.services.core.principal import Principal
from eap.state.core.base import AppState

ROUTE = "/admin/staff"
FIELDS = ("username", "name", "role", "region_code", "department_id", "phone")


class StaffState(AppState):
    rows: list[StaffRow] = []
    total: int = 0
    page: int = 1
    search: str = ""
    fields: dict[str, str] = {"role": "approver", "region_code": "360100", "department_id": ""}
    is_head: bool = False
    regions: list[dict[str, str]] = []
    departments: list[dict[str, str]] = []
    field_errors: dict[str, str] = {}
    message: str = ""
    error: str = ""

    def _list(self, principal: Principal | None = None) -> None:
        principal = principal or self._require(ROUTE)
        with Session(get_engine()) as s:
            self.rows, self.total = staff.list_staff(
                s, principal=principal, text=self.search, page=self.page
            )

    def _load_departments(self) -> None:
        with Session(get_engine()) as s:
            depts = s.exec(
                select(Department)
                .where(
                    Department.region_code == self.fields.get("region_code", ""),
                    col(Department.active).is_(True),
                )
                .order_by(col(Department.name))
            ).all()
        self.departments = [{"id": str(d.id), "name": d.name} for d in depts]

    @rx.event
    def load(self) -> EventSpec | None:
        self.message, self.error, self.field_errors, self.page = "", "", {}, 1
        principal, redirect = self._admit(ROUTE)
        if principal is None:
            return redirect
        with Session(get_engine()) as s:
            regions = s.exec(
                select(Region)
                .where(col(Region.level).in_(("province", "city")))
                .order_by(col(Region.code))
            ).all()
        self.regions = [{"code": r.code, "name": r.name} for r in regions]
        self._load_departments()
        self._list(principal)
        return None

    @rx.event
    def set_field(self, name: str, value: str) -> None:
        if name in FIELDS:
            self.fields = {**self.fields, name: value}
            self.field_errors = {k: v for k, v in self.field_errors.items() if k != name}
        if name == "region_code":
            self.fields = {**self.fields, "department_id": ""}
            self._load_departments()

    @rx.event
    def set_head(self, value: bool) -> None:
        self.is_head = value

    @rx.event
    def set_search(self, value: str) -> None:
        self.search, self.page = value, 1
        self._list()

    @rx.event
    def goto_page(self, delta: int) -> None:
        self.page = max(1, self.page + delta)
        self._list()

    def _form(self) -> StaffForm:
        dept = self.fields.get("department_id", "")
        return StaffForm(
            username=self.fields.get("username", ""),
            name=self.fields.get("name", ""),
            role=self.fields.get("role", ""),
            region_code=self.fields.get("region_code", ""),
            department_id=int(dept) if dept.isdigit() else None,
            is_head=self.is_head,
            phone=self.fields.get("phone", ""),
        )

    @rx.event
    def create(self) -> None:
        form = self._form()
        acted = self._perform_form(
            ROUTE, lambda s, p: staff.create_staff(s, principal=p, form=form), "staff.created"
        )
        if acted is not None:
            self.fields = {**self.fields, "username": "", "name": "", "phone": ""}
            self._list(acted)

    @rx.event
    def set_active(self, user_id: int, active: bool) -> None:
        acted = self._perform(
            ROUTE,
            lambda s, p: staff.set_active(s, principal=p, user_id=user_id, active=active),
            "staff.activated" if active else "staff.deactivated",
        )
        if acted is not None:
            self._list(acted)

    @rx.event
    def reset_password_of(self, user_id: int) -> None:
        sent: list[str] = []
        acted = self._perform(
            ROUTE,
            lambda s, p: sent.append(staff.reset_to_one_time(s, principal=p, user_id=user_id)),
            "staff.reset_done",
        )
        if acted is not None and sent:
            self.message = self._tr("staff.reset_done", phone=sent[0])
            self._list(acted)
