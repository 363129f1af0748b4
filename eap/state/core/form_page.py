"""What a page with one form and its lists shares (节假日 calendar, 事权, 区域评估, 策划生成):
admission on load with the lists read, typed values kept as typed, and each field's refusal shown beside it
until that field is edited. A state mixin, so each page keeps its own vars; ``form_route`` is
the page whose access rule applies, ``form_fields`` the vars ``set_value`` may change."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import reflex as rx
from reflex.event import EventSpec

if TYPE_CHECKING:
    from eap.services.core.principal import Principal


class FormPageMixin(rx.State, mixin=True):
    form_route: ClassVar[str] = ""
    form_fields: ClassVar[tuple[str, ...]] = ()
    field_errors: dict[str, str] = {}
    message: str = ""
    error: str = ""

    if TYPE_CHECKING:  # provided by the AppState subclass the mixin is combined with

        def _admit(self, route: str) -> tuple[Principal | None, EventSpec | None]: ...

    def _refresh(self, principal: Principal | None = None) -> None:
        """Read the page's lists (each page says which)."""
        raise NotImplementedError

    @rx.event
    def load(self) -> EventSpec | None:
        self.message, self.error, self.field_errors = "", "", {}
        principal, redirect = self._admit(self.form_route)
        if principal is None:
            return redirect
        self._refresh(principal)
        return None

    @rx.event
    def set_value(self, name: str, value: str) -> None:
        if name in self.form_fields:
            setattr(self, name, value)
            self.field_errors = {k: v for k, v in self.field_errors.items() if k != name}
