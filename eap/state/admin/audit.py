"""The auditor's page state (/admin/audit): the filters as typed, one page of named rows."""

from __future__ import annotations

import datetime as dt

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from eap.db import get_engine
from eap.errors import DomainError, PermissionDenied
from eap.services.admin import audit_trail
from eap.services.admin.audit_trail import AuditFilter, AuditRow
from eap.services.core.principal import Principal
from eap.state.core.base import AppState

ROUTE = "/admin/audit"


class AuditState(AppState):
    text: str = ""
    category: str = "all"  # the select's value; "all" is no filter (a select cannot hold "")
    date_from: str = ""
    date_to: str = ""
    entity: str = ""
    entity_id: str = ""
    entity_subject: str = ""
    rows: list[AuditRow] = []
    page: int = 1
    pages: int = 1
    total: int = 0
    field_errors: dict[str, str] = {}
    error: str = ""
    form_version: int = 0  # the filter form's key: a new one redraws it from the state

    @rx.event
    def load(self) -> EventSpec | None:
        principal, redirect = self._admit(ROUTE)
        if principal is None:
            return redirect
        self.page = 1
        self._reload(principal)
        return None

    def _filter(self) -> AuditFilter:
        """The typed filters, or DomainError naming the field that does not parse."""
        days: dict[str, dt.date | None] = {}
        for name, raw in (("date_from", self.date_from), ("date_to", self.date_to)):
            try:
                days[name] = dt.date.fromisoformat(raw.strip()) if raw.strip() else None
            except ValueError:
                raise DomainError("audit.bad_date", field=name) from None
        return AuditFilter(
            text=self.text,
            category="" if self.category == "all" else self.category,
            date_from=days["date_from"],
            date_to=days["date_to"],
            entity=self.entity,
            entity_id=self.entity_id,
        )

    def _reload(self, principal: Principal | None = None) -> EventSpec | None:
        self.field_errors, self.error = {}, ""
        try:
            principal = principal or self._require(ROUTE)
            flt = self._filter()
            with Session(get_engine()) as session:
                result = audit_trail.audit_trail(
                    session, principal=principal, flt=flt, page=self.page
                )
        except PermissionDenied:
            return rx.redirect("/login")
        except DomainError as exc:
            field = exc.field
            if field:
                self.field_errors = {str(field): exc.translate(self.lang)}
            else:
                self.error = exc.translate(self.lang)
            self.rows, self.total, self.pages = [], 0, 1
            return None
        except Exception as exc:  # translated for the user, never a traceback
            self.error = self._error(exc)
            return None
        self.rows, self.page, self.pages, self.total = (
            result.rows,
            result.page,
            result.pages,
            result.total,
        )
        return None

    @rx.event
    def search(self, form: dict[str, str]) -> EventSpec | None:
        self.text = form.get("text", "")
        self.date_from = form.get("date_from", "")
        self.date_to = form.get("date_to", "")
        self.page = 1
        return self._reload()

    @rx.event
    def set_category(self, value: str) -> EventSpec | None:
        self.category, self.page = value, 1
        return self._reload()

    @rx.event
    def only_record(self, entity: str, entity_id: str, subject: str) -> EventSpec | None:
        """Every entry about one record, by anyone: who touched this case, user or agency (the
        search and category that led here would hide the others, so they are cleared)."""
        self.entity, self.entity_id, self.entity_subject, self.page = (
            entity,
            entity_id,
            subject or f"#{entity_id}",
            1,
        )
        self.text, self.category = "", "all"
        self.form_version += 1
        return self._reload()

    @rx.event
    def clear_record(self) -> EventSpec | None:
        self.entity, self.entity_id, self.entity_subject, self.page = "", "", "", 1
        return self._reload()

    @rx.event
    def clear_filters(self) -> EventSpec | None:
        self.text, self.category, self.date_from, self.date_to = "", "all", "", ""
        self.entity, self.entity_id, self.entity_subject, self.page = "", "", "", 1
        self.form_version += 1
        return self._reload()

    @rx.event
    def goto_page(self, delta: int) -> EventSpec | None:
        self.page = max(1, self.page + delta)
        return self._reload()
