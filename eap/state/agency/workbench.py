"""The agency's workbench (/agency, 中介机构工作台): profile and admission, qualifications and
staff, matching opportunities, its registrations, the services it runs with their clocks.
Thin handlers: every rule and every authorisation is the market services' call."""

from __future__ import annotations

import datetime as dt

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from eap.db import get_engine
from eap.errors import DomainError
from eap.services.agency import admission, publicity, purchases, service_clock, views
from eap.services.agency.rows import (
    AgencyProfile,
    BidRow,
    Choice,
    OpportunityRow,
    QualificationRow,
    ServiceRow,
    StaffRow,
)
from eap.services.core import files
from eap.services.core.principal import Principal
from eap.state.core.base import AppState

AGENCY = "/agency"
PAGE = 20


def _money(text: str, field: str) -> float | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise DomainError("market.quote_range", field=field) from None


class AgencyState(AppState):
    tab: str = "opportunities"
    profile: AgencyProfile = AgencyProfile()
    service_options: list[Choice] = []
    city_options: list[Choice] = []
    picked_services: list[str] = []
    picked_cities: list[str] = []
    intro: str = ""
    qualifications: list[QualificationRow] = []
    staff: list[StaffRow] = []
    opportunities: list[OpportunityRow] = []
    page: int = 1
    pages: int = 1
    quotes: dict[str, str] = {}
    bids: list[BidRow] = []
    services: list[ServiceRow] = []
    qual: dict[str, str] = {}
    person: dict[str, str] = {}
    pause_reason: dict[str, str] = {}
    upload_target: str = ""  # "contract:<service id>", "result:<service id>", "scan:<qual id>"
    objections: dict[str, str] = {}
    upload_label: str = ""
    field_errors: dict[str, str] = {}
    message: str = ""
    error: str = ""

    @rx.event
    def load(self) -> EventSpec | None:
        principal, redirect = self._admit(AGENCY)
        if principal is None:
            return redirect
        self.message, self.error, self.field_errors = "", "", {}
        with Session(get_engine()) as s:
            self.service_options = views.service_choices(s, self.lang)
            self.city_options = views.city_choices(s)
        self._reload(principal)
        self.picked_services = list(self.profile.service_codes)
        self.picked_cities = list(self.profile.city_codes)
        self.intro = self.profile.intro
        if not self.profile.registered:
            self.tab = "profile"
        return None

    def _reload(self, principal: Principal | None) -> None:
        if principal is None:
            return
        with Session(get_engine()) as s:
            self.profile = views.profile(s, principal=principal)
            agency = admission.my_agency(s, principal)
            agency_id = agency.id if agency and agency.id else 0
            self.qualifications = views.qualifications(s, agency_id=agency_id)
            self.staff = views.staff(s, agency_id=agency_id)
            rows, total = views.opportunities(
                s, principal=principal, lang=self.lang, page=self.page, size=PAGE
            )
            self.opportunities, self.pages = rows, max(1, -(-total // PAGE))
            self.bids = views.bids(s, principal=principal, lang=self.lang)
            self.services = views.services(s, principal=principal, lang=self.lang)

    @rx.event
    def set_tab(self, value: str) -> None:
        self.tab = value

    @rx.event
    def toggle_service(self, code: str) -> None:
        picked = set(self.picked_services)
        self.picked_services = sorted(picked ^ {code})

    @rx.event
    def toggle_city(self, code: str) -> None:
        picked = set(self.picked_cities)
        self.picked_cities = sorted(picked ^ {code})

    @rx.event
    def set_intro(self, value: str) -> None:
        self.intro = value

    @rx.event
    def save_profile(self) -> None:
        acted = self._perform_form(
            AGENCY,
            lambda s, p: admission.apply_for_admission(
                s,
                principal=p,
                service_codes=self.picked_services,
                city_codes=self.picked_cities,
                intro=self.intro,
            ),
            "market.profile_saved",
        )
        self._reload(acted)

    @rx.event
    def set_qual(self, name: str, value: str) -> None:
        self.qual = {**self.qual, name: value}

    @rx.event
    def add_qualification(self) -> None:
        q = self.qual

        def act(s: Session, p: Principal) -> None:
            try:
                until = dt.date.fromisoformat(q.get("valid_until", ""))
            except ValueError:
                raise DomainError("market.qual_valid_until", field="valid_until") from None
            admission.add_qualification(
                s,
                principal=p,
                category=q.get("category", ""),
                grade=q.get("grade", ""),
                certificate_no=q.get("certificate_no", ""),
                valid_until=until,
            )

        if acted := self._perform_form(AGENCY, act, "market.qual_added"):
            self.qual = {}
        self._reload(acted)

    @rx.event
    def set_person(self, name: str, value: str) -> None:
        self.person = {**self.person, name: value}

    @rx.event
    def add_staff(self) -> None:
        acted = self._perform_form(
            AGENCY,
            lambda s, p: admission.add_staff(
                s,
                principal=p,
                name=self.person.get("name", ""),
                title=self.person.get("title", ""),
                certificate_no=self.person.get("certificate_no", ""),
            ),
            "market.staff_added",
        )
        if acted:
            self.person = {}
        self._reload(acted)

    @rx.event
    def goto_page(self, delta: int) -> None:
        self.page = min(max(1, self.page + delta), self.pages)
        self._reload(self._require(AGENCY))

    @rx.event
    def set_quote(self, purchase_id: int, value: str) -> None:
        self.quotes = {**self.quotes, str(purchase_id): value}

    @rx.event
    def register(self, purchase_id: int) -> None:
        key = str(purchase_id)

        def act(s: Session, p: Principal) -> None:
            quote = _money(self.quotes.get(key, ""), f"quote-{key}")
            try:
                purchases.register(s, principal=p, purchase_id=purchase_id, quote=quote)
            except DomainError as exc:
                if exc.field:  # shown beside this row's quote
                    exc.field = f"quote-{key}"
                raise

        self._reload(self._perform_form(AGENCY, act, "market.registered"))

    @rx.event
    def choose_upload(self, kind: str, service_id: int, number: str) -> None:
        self.upload_target = f"{kind}:{service_id}"
        self.upload_label = self._tr(f"market.upload_for.{kind}", number=number)
        self.error = ""

    @rx.event
    async def handle_upload(self, uploads: list[rx.UploadFile]) -> None:
        if not uploads or not self.upload_target:
            return
        kind, _, sid = self.upload_target.partition(":")
        data = await uploads[0].read()
        name = uploads[0].name or "file"

        def act(s: Session, p: Principal) -> None:
            stored = files.store_file(s, principal=p, filename=name, content=data)
            if kind == "contract":
                service_clock.upload_contract(
                    s, principal=p, service_id=int(sid), file_id=stored.id
                )
            else:
                service_clock.submit_result(s, principal=p, service_id=int(sid), file_id=stored.id)

        done = "market.contract_uploaded" if kind == "contract" else "market.result_submitted"
        if acted := self._perform(AGENCY, act, done):
            self.upload_target, self.upload_label = "", ""
        self._reload(acted)

    @rx.event
    def set_objection(self, purchase_id: int, value: str) -> None:
        self.objections = {**self.objections, str(purchase_id): value}

    @rx.event
    def object_to(self, purchase_id: int) -> None:
        key = str(purchase_id)

        def act(s: Session, p: Principal) -> None:
            try:
                publicity.raise_objection(
                    s, principal=p, purchase_id=purchase_id, body=self.objections.get(key, "")
                )
            except DomainError as exc:
                if exc.field:
                    exc.field = f"objection-{key}"
                raise

        if acted := self._perform_form(AGENCY, act, "market.objection_sent"):
            self.objections = {**self.objections, key: ""}
        self._reload(acted)

    @rx.event
    def upload_refused(self, _rejected: list) -> None:
        self.error = self._tr("apply.file_refused")

    @rx.event
    def confirm_contract(self, service_id: int) -> None:
        self._reload(
            self._perform(
                AGENCY,
                lambda s, p: service_clock.confirm_contract(s, principal=p, service_id=service_id),
                "market.contract_confirmed",
            )
        )

    @rx.event
    def set_pause_reason(self, service_id: int, value: str) -> None:
        self.pause_reason = {**self.pause_reason, str(service_id): value}

    @rx.event
    def pause(self, service_id: int) -> None:
        key = str(service_id)

        def act(s: Session, p: Principal) -> None:
            try:
                service_clock.pause(
                    s, principal=p, service_id=service_id, reason=self.pause_reason.get(key, "")
                )
            except DomainError as exc:
                if exc.field:
                    exc.field = f"pause-{key}"
                raise

        self._reload(self._perform_form(AGENCY, act, "market.paused"))

    @rx.event
    def resume(self, service_id: int) -> None:
        self._reload(
            self._perform(
                AGENCY,
                lambda s, p: service_clock.resume(s, principal=p, service_id=service_id),
                "market.resumed",
            )
        )
