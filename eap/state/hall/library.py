"""The company's material library page (材料库): see, renew, add and withdraw. Each handler
re-authorises through the session; the library service decides what may change."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import ClassVar

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from eap.db import get_engine
from eap.errors import DomainError
from eap.services.core.clock import today_in_china
from eap.services.core.principal import Principal
from eap.services.hall import library, licences
from eap.services.hall.library import AddableMaterial, LibraryRow, LibraryStatus
from eap.state.core.base import AppState
from eap.state.core.one_upload import OneUploadMixin

LIBRARY = "/hall/library"


def _date(value: str) -> dt.date | None:
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise DomainError("library.bad_date", field="valid_until") from None


class LibraryState(OneUploadMixin, AppState):
    upload_route: ClassVar[str] = LIBRARY
    rows: list[LibraryRow] = []
    addable: list[AddableMaterial] = []
    only_renewals: bool = False  # show only what has expired or ends soon
    # The editor: renewing one entry, or adding a company-wide material.
    editing: bool = False
    renew_entry: int = 0  # 0: adding
    renew_label: str = ""
    add_code: str = ""
    valid_until: str = ""
    message: str = ""
    _seen_file: int = 0

    @rx.var
    def shown(self) -> list[LibraryRow]:
        if not self.only_renewals:
            return self.rows
        return [r for r in self.rows if r.status in (LibraryStatus.EXPIRING, LibraryStatus.EXPIRED)]

    @rx.var
    def renewals(self) -> int:
        return sum(
            1
            for r in self.rows
            if r.status in (LibraryStatus.EXPIRING, LibraryStatus.EXPIRED) and r.entry_id
        )

    @rx.event
    def load(self) -> EventSpec | None:
        principal, redirect = self._admit(LIBRARY)
        if principal is None:
            return redirect
        self.message, self.error = "", ""
        self._close_editor()
        self._reload(principal)
        # the 电子证照库's licences for the company, fetched off the event loop
        return LibraryState.pull_licences if licences.enabled() else None

    @rx.event(background=True)
    async def pull_licences(self) -> None:
        async with self:
            try:
                principal = self._require(LIBRARY)
            except Exception:
                return
        try:
            added = await asyncio.to_thread(licences.pull_in_own_transaction, principal)
        except Exception:  # the page works without them; the adapter recorded why
            return
        if added:
            async with self:
                self._reload(principal)

    def _reload(self, principal: Principal) -> None:
        with Session(get_engine()) as s:
            self.rows = library.library_view(s, principal=principal, today=today_in_china())
            self.addable = library.addable_materials(s, principal=principal)

    def _close_editor(self) -> None:
        self.editing, self.renew_entry, self.renew_label = False, 0, ""
        self.add_code, self.valid_until, self.upload_name = "", "", ""
        self._upload_id, self._seen_file, self.field_errors = 0, 0, {}

    @rx.event
    def set_only_renewals(self, value: bool) -> None:
        self.only_renewals = bool(value)

    @rx.event
    def start_renewal(self, entry_id: int) -> None:
        row = next((r for r in self.rows if r.entry_id == entry_id and entry_id), None)
        if row is None:
            return
        self._close_editor()
        self.editing, self.renew_entry, self._seen_file = True, row.entry_id, row.file_id
        label = row.name_en if self.lang == "en" else row.name_zh
        self.renew_label = f"{row.code} {label}" + (f" · {row.project}" if row.project else "")
        self.message, self.error = "", ""

    @rx.event
    def start_adding(self) -> None:
        self._close_editor()
        self.editing = True
        self.add_code = self.addable[0].code if self.addable else ""
        self.message, self.error = "", ""

    @rx.event
    def cancel_editing(self) -> None:
        self._close_editor()

    @rx.event
    def set_add_code(self, value: str) -> None:
        self.add_code = value

    @rx.event
    def set_valid_until(self, value: str) -> None:
        self.valid_until = value
        self.field_errors = {k: v for k, v in self.field_errors.items() if k != "valid_until"}

    @rx.event
    def save(self) -> None:
        today = today_in_china()
        try:
            until = _date(self.valid_until)
        except DomainError as exc:
            self.field_errors = {"valid_until": exc.translate(self.lang)}
            return
        upload, entry, seen, code = (
            self._upload_id,
            self.renew_entry,
            self._seen_file,
            self.add_code,
        )
        if entry:
            done = "library.renewed"

            def act(s: Session, p: Principal) -> object:
                return library.replace_in_library(
                    s,
                    principal=p,
                    entry_id=entry,
                    seen_file_id=seen,
                    file_id=upload,
                    valid_until=until,
                    today=today,
                )
        else:
            done = "library.added"

            def act(s: Session, p: Principal) -> object:
                return library.add_to_library(
                    s,
                    principal=p,
                    material_code=code,
                    file_id=upload,
                    valid_until=until,
                    today=today,
                )

        principal = self._perform_form(LIBRARY, act, done)
        if principal is not None:
            self._close_editor()
            self._reload(principal)

    @rx.event
    def withdraw(self, entry_id: int) -> None:
        principal = self._perform(
            LIBRARY,
            lambda s, p: library.withdraw_from_library(s, principal=p, entry_id=entry_id),
            "library.withdrawn",
        )
        if principal is not None:
            if self.renew_entry == entry_id:
                self._close_editor()
            self._reload(principal)
