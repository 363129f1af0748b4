"""The full-process targets (全流程审批时限目标) on the process-configuration page."""

from __future__ import annotations

import reflex as rx

from eap.db import session_scope
from eap.errors import DomainError
from eap.services.admin import processes
from eap.services.admin.processes import TargetRow
from eap.state.core.base import AppState

ROUTE = "/admin/catalogue"


class TargetState(AppState):
    targets: list[TargetRow] = []
    typed: dict[str, str] = {}  # process type -> days as typed ("" : no target)
    field_errors: dict[str, str] = {}
    message: str = ""

    @rx.event
    def load(self) -> None:
        principal = self._principal()
        if principal is None or principal.role != "admin":
            return  # the page's own on-load redirects
        self.message, self.field_errors = "", {}
        self._reload()

    def _reload(self) -> None:
        principal = self._require(ROUTE)
        with session_scope() as s:
            self.targets = processes.process_targets(s, principal=principal)
        self.typed = {
            str(r.process_type): "" if r.target_days is None else str(r.target_days)
            for r in self.targets
        }

    @rx.event
    def set_typed(self, process_type: str, value: str) -> None:
        self.typed = {**self.typed, process_type: value}

    @rx.event
    def save(self, process_type: str) -> None:
        """Empty means no target; anything else must be whole working days, 1 to 365."""
        key = f"target:{process_type}"
        self.message, self.field_errors = "", {}
        raw = self.typed.get(process_type, "").strip()
        if raw and not raw.isdigit():
            self.field_errors = {key: self._tr("process.not_number")}
            return
        try:
            principal = self._require(ROUTE)
            with session_scope() as s:
                processes.set_target(
                    s,
                    principal=principal,
                    process_type=int(process_type),
                    target_days=int(raw) if raw else None,
                )
        except DomainError as exc:
            self.field_errors = {exc.field or key: exc.translate(self.lang)}
            return
        except Exception as exc:
            self.field_errors = {key: self._error(exc)}
            return
        self._reload()
        self.message = self._tr("process.target_saved")
