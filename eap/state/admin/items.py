"""The item catalogue page state (/admin/items): list, open one item's draft, change it and
publish it as a new version."""

from __future__ import annotations

from dataclasses import replace

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from eap.db import get_engine
from eap.services.admin import items
from eap.services.admin.items import ItemDraft, ItemRow, MaterialChoice, MaterialLine
from eap.services.core.principal import Principal
from eap.state.core.base import AppState

ROUTE = "/admin/items"
TEXT_FIELDS = ("name_zh", "name_en", "limit_days", "conditions", "legal_basis", "fee")
# how a material line is shown: one choice of three instead of two flags that exclude each other
KINDS = {"key": (True, False), "deferrable": (False, True), "ordinary": (False, False)}


class ItemsState(AppState):
    search: str = ""
    rows: list[ItemRow] = []
    choices: list[MaterialChoice] = []
    editing: str = ""  # the code of the item open for editing ("" none)
    version: int = 0
    fields: dict[str, str] = {}
    promise: bool = False
    materials: list[MaterialLine] = []
    new_material: str = ""
    field_errors: dict[str, str] = {}
    message: str = ""
    error: str = ""

    def _list(self, principal: Principal) -> None:
        with Session(get_engine()) as s:
            self.rows = items.catalogue_items(s, principal=principal, text=self.search)
            self.choices = items.material_kinds(s, principal=principal)

    @rx.event
    def load(self) -> EventSpec | None:
        self.message, self.error, self.field_errors, self.editing = "", "", {}, ""
        principal, redirect = self._admit(ROUTE)
        if principal is None:
            return redirect
        self._list(principal)
        return None

    @rx.event
    def set_search(self, value: str) -> None:
        self.search = value[:40]
        self._list(self._require(ROUTE))

    def _open(self, principal: Principal, code: str) -> None:
        with Session(get_engine()) as s:
            draft = items.item_draft(s, principal=principal, code=code)
        self.editing, self.version, self.promise = draft.code, draft.version, draft.promise_allowed
        self.fields = {k: str(getattr(draft, k)) for k in TEXT_FIELDS}
        self.materials, self.field_errors, self.new_material = draft.materials, {}, ""

    @rx.event
    def edit(self, code: str) -> EventSpec:
        self.message, self.error = "", ""
        self._open(self._require(ROUTE), code)
        return rx.scroll_to("item-editor")

    @rx.event
    def cancel(self) -> None:
        self.editing, self.field_errors = "", {}

    @rx.event
    def set_field(self, name: str, value: str) -> None:
        if name in TEXT_FIELDS:
            self.fields = {**self.fields, name: value}
            self.field_errors = {k: v for k, v in self.field_errors.items() if k != name}

    @rx.event
    def set_promise(self, value: bool) -> None:
        self.promise = bool(value)

    @rx.event
    def set_material_kind(self, code: str, kind: str) -> None:
        if kind in KINDS:
            key, deferrable = KINDS[kind]
            self.materials = [
                replace(m, is_key=key, deferrable=deferrable) if m.code == code else m
                for m in self.materials
            ]
            self.field_errors = {k: v for k, v in self.field_errors.items() if k != "materials"}

    @rx.event
    def remove_material(self, code: str) -> None:
        self.materials = [m for m in self.materials if m.code != code]

    @rx.event
    def add_material(self, code: str) -> None:
        chosen = next((c for c in self.choices if c.code == code), None)
        if chosen is not None and all(m.code != code for m in self.materials):
            self.materials = [*self.materials, MaterialLine(chosen.code, chosen.name, True, False)]
            self.field_errors = {k: v for k, v in self.field_errors.items() if k != "materials"}

    @rx.event
    def set_new_material(self, value: str) -> None:
        self.new_material = value
        self.field_errors = {k: v for k, v in self.field_errors.items() if k != "material_name"}

    @rx.event
    def create_material(self) -> None:
        name = self.new_material
        created: list[MaterialLine] = []

        def run(s: Session, p: Principal) -> None:
            m = items.add_material_kind(s, principal=p, name_zh=name)
            created.append(MaterialLine(m.code, m.name_zh, True, False))

        acted = self._perform_form(ROUTE, run, "item.material_created")
        if acted is not None:
            self.new_material = ""
            self.materials = [*self.materials, *created]
            self._list(acted)

    @rx.event
    def publish(self) -> EventSpec:
        raw = dict(self.fields)
        days = raw.get("limit_days", "").strip()
        draft = ItemDraft(
            code=self.editing,
            version=self.version,
            name_zh=raw.get("name_zh", ""),
            name_en=raw.get("name_en", ""),
            limit_days=int(days) if days.isdigit() else 0,
            promise_allowed=self.promise,
            conditions=raw.get("conditions", ""),
            legal_basis=raw.get("legal_basis", ""),
            fee=raw.get("fee", ""),
            materials=list(self.materials),
        )
        acted = self._perform_form(
            ROUTE,
            lambda s, p: items.publish_item_version(s, principal=p, draft=draft),
            "item.published",
        )
        if acted is not None:
            self._list(acted)
            self._open(acted, draft.code)
            return rx.scroll_to("action-message")
        # the button is at the foot of a long form: show where the refusal is
        named = next(iter(self.field_errors), "")
        return rx.scroll_to(f"error-{named}" if named else "action-error")
