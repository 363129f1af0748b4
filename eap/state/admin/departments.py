"""The administrator's departments page state (/admin/departments)."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session, col, select

from eap.db import get_engine
from eap.models import Region
from eap.services.admin import departments
from eap.services.admin.catalogue import department_kinds
from eap.services.admin.departments import ChainRow, DepartmentRow
from eap.services.core.principal import Principal
from eap.state.core.base import AppState

ROUTE = "/admin/departments"


class DepartmentsState(AppState):
    region_code: str = "360100"
    regions: list[dict[str, str]] = []
    rows: list[DepartmentRow] = []
    editing: int = 0  # the department being edited (0: none)
    fields: dict[str, str] = {}
    kinds: list[dict[str, str]] = []
    adding: bool = False
    new_fields: dict[str, str] = {}
    chains_of: int = 0  # the department whose review chain is open (0: none)
    chains_name: str = ""
    chain_rows: list[ChainRow] = []
    chain_of_department: str = "handle"  # the open department's own chain
    field_errors: dict[str, str] = {}
    message: str = ""
    error: str = ""

    def _list(self, principal: Principal | None = None) -> None:
        principal = principal or self._require(ROUTE)
        with Session(get_engine()) as s:
            self.rows = departments.departments_of(
                s, principal=principal, region_code=self.region_code
            )

    @rx.event
    def load(self) -> EventSpec | None:
        self.message, self.error, self.editing, self.field_errors = "", "", 0, {}
        self.adding, self.chains_of, self.chain_rows = False, 0, []
        self.kinds = [
            {"kind": k["kind"], "label": self._tr(f"dept.{k['kind']}")} for k in department_kinds()
        ]
        principal, redirect = self._admit(ROUTE)
        if principal is None:
            return redirect
        with Session(get_engine()) as s:
            names = {r.code: r.name for r in s.exec(select(Region))}
            regions = s.exec(select(Region).order_by(col(Region.code))).all()
        self.regions = [
            {
                "code": r.code,
                "name": r.name
                if r.level in ("province", "city")
                else f"{names.get(r.parent_code or '', '')} {r.name}",
            }
            for r in regions
        ]
        self._list(principal)
        return None

    @rx.event
    def set_region(self, value: str) -> None:
        self.region_code, self.editing, self.chains_of, self.adding = value, 0, 0, False
        self._list()

    @rx.event
    def edit(self, row: dict) -> None:
        self.editing = int(row.get("id", 0))
        self.fields = {"name": str(row.get("name", "")), "org_code": str(row.get("org_code", ""))}
        self.field_errors = {}

    @rx.event
    def set_field(self, name: str, value: str) -> None:
        if name in ("name", "org_code"):
            self.fields = {**self.fields, name: value}
            self.field_errors = {k: v for k, v in self.field_errors.items() if k != name}

    @rx.event
    def save(self) -> None:
        dept_id, fields = self.editing, dict(self.fields)
        acted = self._perform_form(
            ROUTE,
            lambda s, p: departments.update_department(
                s,
                principal=p,
                department_id=dept_id,
                name=fields.get("name", ""),
                org_code=fields.get("org_code", ""),
            ),
            "department.saved",
        )
        if acted is not None:
            self.editing = 0
            self._list(acted)

    @rx.event
    def start_adding(self) -> None:
        self.adding, self.new_fields, self.field_errors = True, {"kind": "", "name": ""}, {}

    @rx.event
    def cancel_adding(self) -> None:
        self.adding, self.field_errors = False, {}

    @rx.event
    def set_new_field(self, name: str, value: str) -> None:
        if name in ("kind", "name", "org_code"):
            self.new_fields = {**self.new_fields, name: value}
            self.field_errors = {k: v for k, v in self.field_errors.items() if k != name}

    @rx.event
    def create(self) -> None:
        region, fields = self.region_code, dict(self.new_fields)
        acted = self._perform_form(
            ROUTE,
            lambda s, p: departments.create_department(
                s,
                principal=p,
                region_code=region,
                kind=fields.get("kind", ""),
                name=fields.get("name", ""),
                org_code=fields.get("org_code", ""),
            ),
            "department.created",
        )
        if acted is not None:
            self.adding = False
            self._list(acted)

    @rx.event
    def set_active(self, department_id: int, active: bool) -> EventSpec:
        acted = self._perform(
            ROUTE,
            lambda s, p: departments.set_department_active(
                s, principal=p, department_id=department_id, active=active
            ),
            "department.activated" if active else "department.deactivated",
        )
        if acted is not None:
            self._list(acted)
        # the row may be far down the list: bring the outcome (e.g. why it was refused) into view
        return rx.scroll_to("action-error" if acted is None else "action-message")

    def _list_chains(self, principal: Principal | None = None) -> None:
        principal = principal or self._require(ROUTE)
        with Session(get_engine()) as s:
            self.chain_rows = departments.chains_of(
                s, principal=principal, department_id=self.chains_of
            )

    @rx.event
    def open_chains(self, row: dict) -> EventSpec:
        self.chains_of, self.chains_name = int(row.get("id", 0)), str(row.get("name", ""))
        self.chain_of_department = str(row.get("chain", "handle"))
        self.editing = 0
        self._list_chains()
        return rx.scroll_to("dept-chains")

    @rx.event
    def close_chains(self) -> None:
        self.chains_of, self.chain_rows = 0, []

    @rx.event
    def set_chain(self, item_id: int, chain: str) -> None:
        """``item_id`` 0: the department-wide chain; ``chain`` "inherit": the item follows it."""
        dept_id = self.chains_of
        acted = self._perform(
            ROUTE,
            lambda s, p: departments.set_department_chain(
                s,
                principal=p,
                department_id=dept_id,
                item_id=item_id or None,
                chain="" if chain == "inherit" else chain,
            ),
            "department.chain_saved",
        )
        if acted is not None:
            self._list(acted)
            self._list_chains(acted)
            if not item_id:
                self.chain_of_department = chain
