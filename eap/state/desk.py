"""Side panels of the staff workbenches: consultations and complaints to answer (department)
and today's appointments with check-in (window). Each is its own small state, loaded with
its page."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from eap.db import get_engine
from eap.errors import DomainError
from eap.services import appointments, exports, inquiries
from eap.state.base import AppState

DEPARTMENT = "/workbench/department"
WINDOW = "/workbench/window"
PAGE_SIZE = 10


class RepliesState(AppState):
    """咨询投诉答复: the department's open matters first, with their threads."""

    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 1
    status: str = "open"
    open_id: str = ""
    thread: list[dict[str, str]] = []
    reply_text: str = ""
    message: str = ""
    error: str = ""

    @rx.event
    def load(self) -> None:
        self.open_id, self.thread, self.page, self.message, self.error = "", [], 1, "", ""
        try:
            self._list()
        except DomainError:  # not a department account: the page's own guard redirects
            self.rows, self.total = [], 0

    def _list(self) -> None:
        principal = self._require(DEPARTMENT)
        with Session(get_engine()) as s:
            self.rows, self.total = inquiries.list_inquiries(
                s, principal=principal, status=self.status, page=self.page, size=PAGE_SIZE
            )
            if self.open_id:
                self.thread = inquiries.thread(s, principal=principal, inquiry_id=int(self.open_id))

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @rx.event
    def set_status(self, value: str) -> None:
        self.status, self.page, self.open_id = ("" if value == "all" else value), 1, ""
        self._list()

    @rx.event
    def goto_page(self, delta: int) -> None:
        self.page = min(max(1, self.page + delta), self.pages)
        self._list()

    @rx.event
    def open_thread(self, inquiry_id: str) -> None:
        self.open_id = "" if self.open_id == inquiry_id else inquiry_id
        self.thread, self.reply_text, self.message, self.error = [], "", "", ""
        try:
            self._list()
        except Exception as exc:  # translated for the user, never a traceback
            self.open_id, self.error = "", self._error(exc)

    @rx.event
    def export(self) -> rx.event.EventSpec:
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
                    self._tr(f"inquiry.kind.{r['kind']}"),
                    r["subject"],
                    self._tr(f"inquiry.status.{r['status']}"),
                    r["updated"],
                ]
                for r in rows
            ],
        )
        return rx.download(data=data, filename="inquiries.xlsx")

    @rx.event
    def set_reply(self, value: str) -> None:
        self.reply_text = value

    @rx.event
    def reply(self) -> None:
        if self._perform(
            DEPARTMENT,
            lambda s, p: inquiries.reply(
                s, principal=p, inquiry_id=int(self.open_id or 0), body=self.reply_text
            ),
            "inquiry.reply_sent",
        ):
            # Keep the answered matter in view: the "awaiting reply" filter would hide it.
            self.reply_text, self.status, self.page = "", "", 1
        self._list()


class TodayState(AppState):
    """今日预约: the clerk's office bookings for today, checked in as people arrive."""

    rows: list[dict[str, str]] = []
    message: str = ""
    error: str = ""

    @rx.event
    def load(self) -> None:
        try:
            self._list()
        except DomainError:
            self.rows = []

    def _list(self) -> None:
        principal = self._require(WINDOW)
        with Session(get_engine()) as s:
            self.rows = appointments.todays_appointments(s, principal=principal)

    @rx.event
    def export(self) -> rx.event.EventSpec:
        principal = self._require(WINDOW)
        with Session(get_engine()) as s:
            rows = appointments.todays_appointments(s, principal=principal)
        cols = ("appointment.slot", "appointment.ticket", "register.name", "appointment.topic")
        data = exports.to_xlsx(
            title=self._tr("appointment.today"),
            filters=rows[0]["day"] if rows else "",
            headers=[self._tr(k) for k in cols] + [self._tr("case.status")],
            rows=[
                [
                    f"{r['start']}-{r['end']}",
                    r["ticket"],
                    r["company"],
                    r["topic"],
                    self._tr(f"appointment.status.{r['status']}"),
                ]
                for r in rows
            ],
        )
        return rx.download(data=data, filename="appointments-today.xlsx")

    @rx.event
    def check_in(self, appointment_id: str) -> None:
        self._perform(
            WINDOW,
            lambda s, p: appointments.check_in(s, principal=p, appointment_id=int(appointment_id)),
            "appointment.checked_in",
        )
        self._list()
