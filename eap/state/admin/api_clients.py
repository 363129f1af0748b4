"""The administrator's open-API clients page state (/admin/api-clients).

A client's secret is shown once and never kept here: the handler that issues it returns a
script that writes it into the page's reveal box, so it reaches the administrator's screen
without entering the state the server stores (Redis in production)."""

from __future__ import annotations

import json

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session, col, select

from eap.db import get_engine
from eap.models import Region
from eap.services.core.principal import Principal
from eap.services.exchange import api_clients
from eap.services.exchange.adapters import breaker
from eap.services.exchange.adapters.breaker import AdapterRow
from eap.services.exchange.api_clients import SCOPES, ApiClientRow, IssuedSecret
from eap.state.core.base import AppState

ROUTE = "/admin/api-clients"
FIELDS = ("name", "region_code", "per_minute")


def reveal(issued: IssuedSecret) -> EventSpec:
    """Show the id and secret in the reveal box (hex only, JSON-quoted all the same)."""
    text = json.dumps(f"client_id: {issued.client_id}\nclient_secret: {issued.secret}")
    return rx.call_script(
        "(() => { const box = document.getElementById('api-secret');"
        " document.getElementById('api-secret-value').textContent = " + text + ";"
        " box.style.display = 'block'; box.scrollIntoView({block: 'center'}); })()"
    )


HIDE = (
    "(() => { const b = document.getElementById('api-secret'); if (b) {"
    " document.getElementById('api-secret-value').textContent = ''; b.style.display = 'none'; } })()"
)


class ApiClientsState(AppState):
    rows: list[ApiClientRow] = []
    adapters: list[AdapterRow] = []  # the outside systems' health (issue 15)
    regions: list[dict[str, str]] = []
    fields: dict[str, str] = {"region_code": "360000", "per_minute": "120"}
    scopes: list[str] = []
    field_errors: dict[str, str] = {}
    message: str = ""
    error: str = ""

    def _list(self, principal: Principal | None = None) -> None:
        principal = principal or self._require(ROUTE)
        with Session(get_engine()) as s:
            self.rows = api_clients.list_clients(s, principal=principal)
            self.adapters = breaker.statuses(s)

    @rx.event
    def load(self) -> EventSpec | list[EventSpec] | None:
        self.message, self.error, self.field_errors = "", "", {}
        principal, redirect = self._admit(ROUTE)
        if principal is None:
            return redirect
        with Session(get_engine()) as s:
            regions = s.exec(select(Region).order_by(col(Region.code))).all()
        self.regions = [
            {"code": r.code, "name": f"{r.name}（{r.code}）"}
            for r in regions
            if r.level in ("province", "city", "county")
        ]
        self._list(principal)
        return rx.call_script(HIDE)

    @rx.event
    def set_field(self, name: str, value: str) -> None:
        if name in FIELDS:
            self.fields = {**self.fields, name: value}
            self.field_errors = {k: v for k, v in self.field_errors.items() if k != name}

    @rx.event
    def toggle_scope(self, scope: str, on: bool) -> None:
        if scope in SCOPES:
            chosen = set(self.scopes) | {scope} if on else set(self.scopes) - {scope}
            self.scopes = [s for s in SCOPES if s in chosen]
            self.field_errors = {k: v for k, v in self.field_errors.items() if k != "scopes"}

    @rx.event
    def create(self) -> EventSpec | None:
        rate = self.fields.get("per_minute", "").strip()
        if not rate.isdigit():
            self.field_errors = {"per_minute": self._tr("api.bad_rate")}
            return None
        issued: list[IssuedSecret] = []
        acted = self._perform_form(
            ROUTE,
            lambda s, p: issued.append(
                api_clients.create_client(
                    s,
                    principal=p,
                    name=self.fields.get("name", ""),
                    scopes=self.scopes,
                    region_code=self.fields.get("region_code", ""),
                    per_minute=int(rate),
                )
            ),
            "api.client_created",
        )
        if acted is None or not issued:
            return None
        self.fields = {**self.fields, "name": ""}
        self.scopes = []
        self._list(acted)
        return reveal(issued[0])

    @rx.event
    def rotate(self, client_pk: int) -> EventSpec | None:
        issued: list[IssuedSecret] = []
        acted = self._perform(
            ROUTE,
            lambda s, p: issued.append(
                api_clients.rotate_secret(s, principal=p, client_pk=client_pk)
            ),
            "api.client_rotated",
        )
        if acted is None or not issued:
            return None
        self._list(acted)
        return reveal(issued[0])

    @rx.event
    def set_active(self, client_pk: int, active: bool) -> None:
        acted = self._perform(
            ROUTE,
            lambda s, p: api_clients.set_active(s, principal=p, client_pk=client_pk, active=active),
            "api.client_enabled" if active else "api.client_disabled",
        )
        if acted is not None:
            self._list(acted)

    @rx.event
    def hide_secret(self) -> EventSpec:
        return rx.call_script(HIDE)
