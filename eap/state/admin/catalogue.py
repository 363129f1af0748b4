"""Process configuration page state (/admin/catalogue): the administrator edits a city's
stage limits and promised item limits and publishes them as a new version."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from eap.db import get_engine, session_scope
from eap.errors import DomainError
from eap.models import Region
from eap.services.admin import catalogue, processes as process_admin
from eap.services.admin.processes import ProcessView
from eap.services.core.principal import Principal
from eap.state.core.base import AppState

ROUTE = "/admin/catalogue"


class ProcessAdminState(AppState):
    cities: list[dict[str, str]] = []
    city: str = "360100"
    ptype: str = "1"
    view: ProcessView = ProcessView()  # id 0: none loaded
    limits: dict[str, str] = {}  # "stage:1" / "item:S1-01" -> days as typed
    field_errors: dict[str, str] = {}
    message: str = ""
    error: str = ""

    @rx.event
    def load(self) -> EventSpec | None:
        principal, redirect = self._admit(ROUTE)
        if principal is None:
            return redirect
        self.message, self.error, self.field_errors = "", "", {}
        with Session(get_engine()) as s:
            self.cities = [
                {"code": c, "name": (s.get(Region, c) or Region(code=c, name=c, level="")).name}
                for c in catalogue.city_codes(s)
            ]
        self._reload(principal)
        return None

    def _reload(self, principal: Principal | None = None) -> None:
        try:
            principal = principal or self._require(ROUTE)
            with Session(get_engine()) as s:
                self.view = process_admin.process_view(
                    s, principal=principal, region_code=self.city, process_type=int(self.ptype)
                )
        except Exception as exc:  # translated for the user, never a traceback
            self.view, self.error = ProcessView(), self._error(exc)
            return
        self.limits = {f"stage:{st.stage}": str(st.limit) for st in self.view.stages} | {
            f"item:{i.code}": str(i.limit) for st in self.view.stages for i in st.process_items
        }

    @rx.event
    def set_city(self, value: str) -> None:
        self.city, self.message, self.error = value, "", ""
        self._reload()

    @rx.event
    def set_ptype(self, value: str) -> None:
        self.ptype, self.message, self.error = value, "", ""
        self._reload()

    @rx.event
    def set_limit(self, key: str, value: str) -> None:
        self.limits = {**self.limits, key: value}

    @rx.event
    def publish(self) -> None:
        """Every number is checked on the server; an error names its field."""
        self.message, self.error, self.field_errors = "", "", {}
        stage_limits: dict[int, int] = {}
        item_limits: dict[str, int] = {}
        for key, raw in self.limits.items():
            if not raw.strip().isdigit():
                self.field_errors = {key: self._tr("process.not_number")}
                return
            kind, _, name = key.partition(":")
            if kind == "stage":
                stage_limits[int(name)] = int(raw)
            else:
                item_limits[name] = int(raw)
        try:
            principal = self._require(ROUTE)
            with session_scope() as s:
                process = process_admin.publish_revision(
                    s,
                    principal=principal,
                    region_code=self.city,
                    process_type=int(self.ptype),
                    stage_limits=stage_limits,
                    item_limits=item_limits,
                )
                version = process.version
        except DomainError as exc:
            if exc.field:
                self.field_errors = {exc.field: exc.translate(self.lang)}
            else:
                self.error = exc.translate(self.lang)
            return
        except Exception as exc:
            self.error = self._error(exc)
            return
        self._reload()
        self.message = self._tr("process.published", version=version)
