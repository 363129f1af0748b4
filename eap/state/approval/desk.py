"""Side panels of the staff workbenches: consultations and complaints to answer (department)
and today's appointments with check-in (window). Each is its own small state, loaded with
its page."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from eap.db import get_engine
from eap.errors import DomainError
from eap.services.core import exports
from eap.services.core.principal import Principal
from eap.services.hall import appointments, inquiries
from eap.services.hall.rows import AppointmentRow
from eap.state.core.base import AppState
from eap.state.hall.inquiry_threads import InquiryThreadsMixin

DEPARTMENT = "/workbench/department"
WINDOW = "/workbench/window"


class RepliesState(InquiryThreadsMixin, AppState):
    """咨询投诉答复: the department's open matters first, with their threads."""

    inquiry_route: ClassVar[str] = DEPARTMENT
    status: str = "open"
    message: str = ""
    error: str = ""

    @rx.event
    def load(self) -> None:
        self.open_id, self.thread, self.page, self.message, self.error = 0, [], 1, "", ""
        try:
            self._list()
        except DomainError:  # not a department account: the page's own guard redirects
            self.rows, self.total = [], 0

    @rx.event
    def set_status(self, value: str) -> None:
        self.status, self.page, self.open_id = ("" if value == "all" else value), 1, 0
        self._list()

    @rx.event
    def export(self) -> EventSpec:
        """The list with its status filter, every page, as .xlsx."""
        principal = self._require(DEPARTMENT)
        with Session(get_engine()) as s:
            rows, _ = inquiries.list_inquiries(
                s, principal=principal, status=self.status, page=1, size=100_000
            )
        status = self._tr(f"inquiry.status.{self.status}") if self.status else ""
        data = exports.to_xlsx(
            title=self._tr("inquiry.department_list"),
            filters=f"{self._tr('case.status')}: {status or self._tr('filter.all_status')}",
            headers=[self._tr(k) for k in ("inquiry.kind", "inquiry.subject", "case.status")]
            + [self._tr("export.updated")],
            rows=[
                [
                    self._tr(f"inquiry.kind.{r.kind}"),
                    r.subject,
                    self._tr(f"inquiry.status.{r.status}"),
                    r.updated,
                ]
                for r in rows
            ],
        )
        return self._audited_download(data, "inquiries.xlsx")

    @rx.event
    def reply(self) -> None:
        if self._send_reply():
            # Keep the answered matter in view: the "awaiting reply" filter would hide it.
            self.status, self.page = "", 1
        self._list()


class TodayState(AppState):
    """今日预约: the clerk's office bookings for today, checked in as people arrive."""

    rows: list[AppointmentRow] = []
    message: str = ""
    error: str = ""

    @rx.event
    def load(self) -> None:
        try:
            self._list()
        except DomainError:
            self.rows = []

    def _list(self, principal: Principal | None = None) -> None:
        principal = principal or self._require(WINDOW)
        with Session(get_engine()) as s:
            self.rows = appointments.todays_appointments(s, principal=principal)

    @rx.event
    def export(self) -> EventSpec:
        principal = self._require(WINDOW)
        with Session(get_engine()) as s:
            rows = appointments.todays_appointments(s, principal=principal)
        cols = ("appointment.slot", "appointment.ticket", "register.name", "appointment.topic")
        data = exports.to_xlsx(
            title=self._tr("appointment.today"),
            filters=rows[0].day if rows else "",
            headers=[self._tr(k) for k in cols] + [self._tr("case.status")],
            rows=[
                [
                    f"{r.start}-{r.end}",
                    r.ticket,
                    r.company,
                    r.topic,
                    self._tr(f"appointment.status.{r.status}"),
                ]
                for r in rows
            ],
        )
        return self._audited_download(data, "appointments-today.xlsx")

    @rx.event
    def check_in(self, appointment_id: int) -> None:
        acted = self._perform(
            WINDOW,
            lambda s, p: appointments.check_in(s, principal=p, appointment_id=appointment_id),
            "appointment.checked_in",
        )
        self._list(acted)
