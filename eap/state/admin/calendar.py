"""The administrator's holiday calendar page state (/admin/calendar)."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx
from sqlmodel import Session

from eap.db import get_engine
from eap.services.admin import calendar
from eap.services.admin.calendar import DayRow, YearRow
from eap.services.core.principal import Principal
from eap.state.core.base import AppState
from eap.state.core.form_page import FormPageMixin

ROUTE = "/admin/calendar"


class CalendarState(FormPageMixin, AppState):
    form_route: ClassVar[str] = ROUTE
    form_fields: ClassVar[tuple[str, ...]] = ("lines", "source", "day", "kind", "name")
    years: list[YearRow] = []
    year: int = 0  # the year whose special days are listed
    days: list[DayRow] = []
    lines: str = ""  # the pasted arrangement, kept on a refusal so nothing is lost
    source: str = ""
    day: str = ""
    kind: str = "holiday"
    name: str = ""

    @rx.var
    def days_heading(self) -> str:
        return self._tr("calendar.days_of", year=self.year)

    def _refresh(self, principal: Principal | None = None) -> None:
        principal = principal or self._require(ROUTE)
        with Session(get_engine()) as s:
            self.years = calendar.calendar_years(s, principal=principal)
            if not self.year and self.years:
                self.year = self.years[1].year if len(self.years) > 1 else self.years[0].year
            self.days = calendar.days_of(s, principal=principal, year=self.year)

    @rx.event
    def show_year(self, year: int) -> None:
        self.year = int(year)
        self._refresh()

    @rx.event
    def import_lines(self) -> None:
        text, source = self.lines, self.source
        imported: list[int] = []

        def run(s: Session, p: Principal) -> None:
            imported.extend(calendar.import_text(s, principal=p, text=text, source=source))

        acted = self._perform_form(ROUTE, run, "calendar.import")
        if acted is not None:
            self.lines, self.source = "", ""
            self.message = self._tr("calendar.imported_years", years="、".join(map(str, imported)))
            self.year = imported[-1] if imported else self.year
            self._refresh(acted)

    @rx.event
    def mark(self) -> None:
        day, kind, name = self.day, "" if self.kind == "default" else self.kind, self.name
        acted = self._perform_form(
            ROUTE,
            lambda s, p: calendar.mark_day(s, principal=p, day=day, kind=kind, name=name),
            "calendar.mark",
        )
        if acted is not None:
            self.message = self._tr("calendar.marked", day=day)
            if len(day) >= 4 and day[:4].isdigit():
                self.year = int(day[:4])
            self.name = ""
            self._refresh(acted)
