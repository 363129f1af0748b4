"""The market's reviewing administrator (/admin/market, 中介机构监管): admissions, certificate
checks, objections, the blacklist."""

from __future__ import annotations

import datetime as dt

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from eap.db import get_engine
from eap.errors import DomainError
from eap.services.agency import admission, public, publicity, review
from eap.services.agency.rows import DirectoryRow, ObjectionRow, PendingAgencyRow, QualificationRow
from eap.services.core.principal import Principal
from eap.state.core.base import AppState

MARKET_ADMIN = "/admin/market"


class MarketAdminState(AppState):
    pending: list[PendingAgencyRow] = []
    qualifications: list[QualificationRow] = []
    objections: list[ObjectionRow] = []
    agencies: list[DirectoryRow] = []
    notes: dict[str, str] = {}
    blacklist_until: dict[str, str] = {}
    field_errors: dict[str, str] = {}
    message: str = ""
    error: str = ""

    @rx.event
    def load(self) -> EventSpec | None:
        principal, redirect = self._admit(MARKET_ADMIN)
        if principal is None:
            return redirect
        self.message, self.error, self.field_errors = "", "", {}
        self._reload(principal)
        return None

    def _reload(self, principal: Principal | None) -> None:
        if principal is None:
            return
        with Session(get_engine()) as s:
            self.pending = review.pending_agencies(s, principal=principal, lang=self.lang)
            self.qualifications = review.unchecked_qualifications(s, principal=principal)
            self.objections = review.objections(s, principal=principal)
            self.agencies, _ = public.directory(s, lang=self.lang)

    @rx.event
    def set_note(self, key: str, value: str) -> None:
        self.notes = {**self.notes, key: value}

    @rx.event
    def set_until(self, key: str, value: str) -> None:
        self.blacklist_until = {**self.blacklist_until, key: value}

    def _act(self, action, done: str, field: str) -> None:  # noqa: ANN001
        def wrapped(s: Session, p: Principal) -> None:
            try:
                action(s, p)
            except DomainError as exc:
                if exc.field:
                    exc.field = field
                raise

        self._reload(self._perform_form(MARKET_ADMIN, wrapped, done))

    @rx.event
    def admit(self, agency_id: int) -> None:
        self._act(
            lambda s, p: admission.review_agency(s, principal=p, agency_id=agency_id, admit=True),
            "market.admitted",
            f"a{agency_id}",
        )

    @rx.event
    def refuse(self, agency_id: int) -> None:
        reason = self.notes.get(f"a{agency_id}", "")
        self._act(
            lambda s, p: admission.review_agency(
                s, principal=p, agency_id=agency_id, admit=False, reason=reason
            ),
            "market.refused",
            f"a{agency_id}",
        )

    @rx.event
    def check(self, qualification_id: int, valid: bool) -> None:
        note = self.notes.get(f"q{qualification_id}", "")
        self._act(
            lambda s, p: admission.check_qualification(
                s, principal=p, qualification_id=qualification_id, valid=valid, note=note
            ),
            "market.checked",
            f"q{qualification_id}",
        )

    @rx.event
    def answer(self, objection_id: int, upheld: bool) -> None:
        text = self.notes.get(f"o{objection_id}", "")
        self._act(
            lambda s, p: publicity.answer_objection(
                s, principal=p, objection_id=objection_id, upheld=upheld, answer=text
            ),
            "market.answered",
            f"o{objection_id}",
        )

    @rx.event
    def blacklist(self, agency_id: int) -> None:
        key = f"b{agency_id}"
        reason, until_text = self.notes.get(key, ""), self.blacklist_until.get(key, "")

        def act(s: Session, p: Principal) -> None:
            try:
                until = dt.date.fromisoformat(until_text)
            except ValueError:
                raise DomainError("market.blacklist_until", field="until") from None
            admission.blacklist(s, principal=p, agency_id=agency_id, until=until, reason=reason)

        self._act(act, "market.blacklisted_done", key)
