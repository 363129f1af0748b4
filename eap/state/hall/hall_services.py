"""States of the hall's service pages: appointments (预约), consultations and complaints
(咨询投诉) and agent authorisations (帮办代办授权). Every handler re-authorises through the
session and lets the service decide who may do what."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from eap.db import get_engine, session_scope
from eap.errors import DomainError
from eap.models import Company
from eap.services.admin import catalogue
from eap.services.core.clock import today_in_china
from eap.services.core.principal import Principal
from eap.services.hall import agents, appointments, inquiries
from eap.services.hall.agents import ActingCompany, GrantRow
from eap.services.hall.rows import AppointmentRow, CaseChoice
from eap.state.core.base import AppState
from eap.state.hall.inquiry_threads import InquiryThreadsMixin

APPOINTMENTS = "/hall/appointments"
INQUIRIES = "/hall/inquiries"
AGENTS = "/hall/agents"


class AppointmentsState(AppState):
    offices: list[dict[str, str]] = []
    office_id: str = ""
    days: list[str] = []
    day: str = ""
    slots: list[dict[str, str]] = []
    slot_id: str = ""
    topic: str = ""
    mine: list[AppointmentRow] = []
    message: str = ""
    error: str = ""

    @rx.event
    def load(self) -> EventSpec | None:
        principal, redirect = self._admit(APPOINTMENTS)
        if principal is None:
            return redirect
        self.message, self.error = "", ""
        with Session(get_engine()) as s:
            company = s.get(Company, principal.company_id) if principal.company_id else None
            rows = appointments.offices(s)
            self.offices = [{"id": str(o.id), "name": o.name, "address": o.address} for o in rows]
            if not self.office_id and rows:
                own = company.region_code[:4] if company else ""
                near = next((o for o in rows if o.region_code[:4] == own), rows[0])
                self.office_id = str(near.id)
            self.days = [d.isoformat() for d in appointments.bookable_days(s)]
        if self.day not in self.days:
            self.day = self.days[0] if self.days else ""
        self._slots()
        self._mine(principal)
        return None

    def _slots(self) -> None:
        self.slots, self.slot_id = [], ""
        if not (self.office_id and self.day):
            return
        try:
            with session_scope() as s:  # first look creates the day's slots
                rows = appointments.day_slots(
                    s, department_id=int(self.office_id), day=dt.date.fromisoformat(self.day)
                )
                self.slots = [
                    {
                        "id": str(r.id),
                        "time": f"{r.start}-{r.end}",
                        "left": str(r.capacity - r.booked),
                    }
                    for r in rows
                ]
        except Exception as exc:  # translated for the user, never a traceback
            self.error = self._error(exc)

    def _mine(self, principal: Principal | None = None) -> None:
        principal = principal or self._require(APPOINTMENTS)
        with Session(get_engine()) as s:
            self.mine = appointments.my_appointments(s, principal=principal)

    @rx.event
    def set_office(self, value: str) -> None:
        self.office_id, self.error = value, ""
        self._slots()

    @rx.event
    def set_day(self, value: str) -> None:
        self.day, self.error = value, ""
        self._slots()

    @rx.event
    def choose_slot(self, slot_id: str) -> None:
        self.slot_id = slot_id

    @rx.event
    def set_topic(self, value: str) -> None:
        self.topic = value

    @rx.event
    def book(self) -> None:
        booked: list[str] = []

        def act(s: Session, p) -> None:
            if not self.slot_id:
                raise DomainError("appointment.slot_past")
            row = appointments.book(s, principal=p, slot_id=int(self.slot_id), topic=self.topic)
            booked.append(row.ticket)

        if acted := self._perform(APPOINTMENTS, act, "appointment.cancelled"):
            self.message = self._tr("appointment.booked", ticket=booked[0])
            self.topic = ""
        self._slots()
        self._mine(acted)

    @rx.event
    def cancel(self, appointment_id: int) -> None:
        acted = self._perform(
            APPOINTMENTS,
            lambda s, p: appointments.cancel(s, principal=p, appointment_id=appointment_id),
            "appointment.cancelled",
        )
        self._slots()
        self._mine(acted)


class InquiriesState(InquiryThreadsMixin, AppState):
    inquiry_route: ClassVar[str] = INQUIRIES
    kind: str = "consult"
    item_code: str = ""
    case_id: str = ""
    subject: str = ""
    body: str = ""
    items: list[dict[str, str]] = []
    cases: list[CaseChoice] = []
    field_errors: dict[str, str] = {}
    message: str = ""
    error: str = ""

    @rx.event
    def load(self) -> EventSpec | None:
        principal, redirect = self._admit(INQUIRIES)
        if principal is None:
            return redirect
        self.message, self.error, self.field_errors = "", "", {}
        self.open_id, self.thread, self.page = 0, [], 1
        with Session(get_engine()) as s:
            self.items = [
                {
                    "code": i.code,
                    "name": f"{i.code} {i.name_zh}",
                    "name_en": f"{i.code} {i.name_en}",
                }
                for i in sorted(catalogue.latest_items(s).values(), key=lambda i: i.code)
            ]
            self.cases = inquiries.complainable_cases(s, principal=principal)
        self._list(principal)
        return None

    @rx.event
    def set_kind(self, value: str | list[str]) -> None:
        self.kind = value if isinstance(value, str) else (value[0] if value else "consult")

    @rx.event
    def set_item_code(self, value: str) -> None:
        self.item_code = value

    @rx.event
    def set_case_id(self, value: str) -> None:
        self.case_id = value

    @rx.event
    def set_subject(self, value: str) -> None:
        self.subject = value

    @rx.event
    def set_body(self, value: str) -> None:
        self.body = value

    @rx.event
    def ask(self) -> None:
        """Errors that name a field are shown beside it, others above the form."""
        self.field_errors, self.message, self.error = {}, "", ""
        try:
            principal = self._require(INQUIRIES)
            with session_scope() as s:
                inquiries.ask(
                    s,
                    principal=principal,
                    kind=self.kind,
                    subject=self.subject,
                    body=self.body,
                    item_code=self.item_code,
                    item_case_id=int(self.case_id) if self.case_id else None,
                )
        except DomainError as exc:
            self.field_errors = {exc.field or "form": exc.translate(self.lang)}
            return
        except Exception as exc:
            self.error = self._error(exc)
            return
        self.message = self._tr("inquiry.sent")
        self.subject, self.body, self.page = "", "", 1
        self._list()

    @rx.event
    def reply(self) -> None:
        self._send_reply()
        self._list()

    @rx.event
    def close(self) -> None:
        acted = self._perform(
            INQUIRIES,
            lambda s, p: inquiries.close(s, principal=p, inquiry_id=self.open_id),
            "inquiry.closed_ok",
        )
        self._list(acted)


class AgentsState(AppState):
    grants: list[GrantRow] = []
    field_errors: dict[str, str] = {}
    companies: list[ActingCompany] = []
    acting: str = ""
    agent_username: str = ""
    valid_until: str = ""
    scope_note: str = ""
    message: str = ""
    error: str = ""

    @rx.event
    def load(self) -> EventSpec | None:
        principal, redirect = self._admit(AGENTS)
        if principal is None:
            return redirect
        self.message, self.error, self.field_errors = "", "", {}
        if not self.valid_until:  # a year is the usual term of a 授权委托书
            self.valid_until = (today_in_china() + dt.timedelta(days=365)).isoformat()
        self._reload(principal)
        return None

    def _reload(self, principal: Principal | None = None) -> None:
        principal = principal or self._require(AGENTS)
        with Session(get_engine()) as s:
            if principal.role == "applicant":
                self.grants = agents.company_grants(s, principal=principal)
            self.companies = agents.companies_for_agent(s, principal=principal)
            company = s.get(Company, principal.company_id) if principal.company_id else None
            self.acting = company.name if company and principal.role == "agent" else ""

    @rx.event
    def set_agent_username(self, value: str) -> None:
        self.agent_username = value

    @rx.event
    def set_valid_until(self, value: str) -> None:
        self.valid_until = value

    @rx.event
    def set_scope_note(self, value: str) -> None:
        self.scope_note = value

    @rx.event
    def grant(self) -> None:
        """Errors that name a field (unknown agent, past date) are shown beside it."""
        self.message, self.error, self.field_errors = "", "", {}
        try:
            principal = self._require(AGENTS)
            try:
                until = dt.date.fromisoformat(self.valid_until)
            except ValueError:
                raise DomainError("agent.valid_until_past", field="valid_until") from None
            with session_scope() as s:
                agents.grant_agent(
                    s,
                    principal=principal,
                    agent_username=self.agent_username,
                    valid_until=until,
                    scope_note=self.scope_note,
                )
        except DomainError as exc:
            if exc.field:
                self.field_errors = {exc.field: exc.translate(self.lang)}
            else:
                self.error = exc.translate(self.lang)
            return
        except Exception as exc:
            self.error = self._error(exc)
            return
        self.message = self._tr("agent.granted")
        self.agent_username, self.scope_note = "", ""
        self._reload()

    @rx.event
    def revoke(self, grant_id: int) -> None:
        acted = self._perform(
            AGENTS,
            lambda s, p: agents.revoke_grant(s, principal=p, grant_id=grant_id),
            "agent.revoked",
        )
        self._reload(acted)

    @rx.event
    def act_for(self, company_id: int) -> None:
        """Act for that company (0: stop acting for any)."""
        acted = self._perform(
            AGENTS,
            lambda s, p: agents.act_for(
                s, principal=p, session_key=self._session_key(), company_id=company_id or None
            ),
            "agent.switched",
        )
        self._reload(acted)
        principal = self._principal()
        if principal is not None:
            self._set_user(principal)
