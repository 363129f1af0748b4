"""The owner's market page (/hall/intermediary, 中介服务采购): post a purchase, watch it,
choose (direct selection), object, sign the contract, accept or return the result, rate."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from eap.config import get_settings
from eap.db import get_engine
from eap.errors import DomainError
from eap.services.agency import evaluation, publicity, purchases, selection, service_clock, views
from eap.services.agency.rows import Choice, PurchaseRow, RegistrantRow, ServiceRow
from eap.services.core import files
from eap.services.core.principal import Principal
from eap.state.core.base import AppState

INTERMEDIARY = "/hall/intermediary"
BLANK = {"method": "2", "register_days": "", "limit_days": "", "budget": ""}


def _number(text: str, field: str, *, whole: bool = False) -> float:
    try:
        value = float(text.strip().replace(",", ""))
    except ValueError:
        key = {
            "budget": "market.budget_range",
            "limit_days": "market.limit_range",
            "register_days": "market.register_days",
        }.get(field, "market.weights")
        raise DomainError(key, field=field, max="—", min="—") from None
    if whole and value != int(value):
        raise DomainError("market.weights", field=field)
    return value


class IntermediaryState(AppState):
    projects: list[Choice] = []
    service_options: list[Choice] = []
    form: dict[str, str] = dict(BLANK)
    undisclosed: bool = False
    purchases: list[PurchaseRow] = []
    services: list[ServiceRow] = []
    open_purchase: int = 0
    registrants: list[RegistrantRow] = []
    objection: str = ""
    reasons: dict[str, str] = {}
    ratings: dict[str, str] = {}
    upload_service: int = 0
    direct_max: float = 0
    field_errors: dict[str, str] = {}
    message: str = ""
    error: str = ""

    @rx.event
    def load(self) -> EventSpec | None:
        principal, redirect = self._admit(INTERMEDIARY)
        if principal is None:
            return redirect
        self.message, self.error, self.field_errors = "", "", {}
        self.direct_max = get_settings().market_direct_max
        with Session(get_engine()) as s:
            self.projects = views.owner_projects(s, principal=principal)
            self.service_options = views.service_choices(s, self.lang)
        self._reload(principal)
        return None

    def _reload(self, principal: Principal | None) -> None:
        if principal is None:
            return
        with Session(get_engine()) as s:
            self.purchases = views.my_purchases(s, principal=principal, lang=self.lang)
            self.services = views.services(s, principal=principal, lang=self.lang)
            self.registrants = (
                views.registrants(s, principal=principal, purchase_id=self.open_purchase)
                if self.open_purchase
                else []
            )

    @rx.event
    def set_form(self, name: str, value: str) -> None:
        self.form = {**self.form, name: value}

    @rx.event
    def set_undisclosed(self, value: bool) -> None:
        self.undisclosed = value

    @rx.event
    def post(self) -> None:
        f = dict(self.form)

        def act(s: Session, p: Principal) -> None:
            if not f.get("project"):
                raise DomainError("market.project_unknown", field="project")
            if not f.get("service"):
                raise DomainError("market.service_unknown", field="service", codes="—")
            budget = None if self.undisclosed else _number(f.get("budget", ""), "budget")
            weights = {
                k: int(_number(f.get(f"w_{k}", "0") or "0", "weights", whole=True))
                for k in purchases.WEIGHT_KEYS
            }
            purchases.post_purchase(
                s,
                principal=p,
                project_id=int(f["project"]),
                service_code=f["service"],
                scope=f.get("scope", ""),
                budget=budget,
                limit_days=int(_number(f.get("limit_days", ""), "limit_days", whole=True)),
                method=int(f.get("method", "2")),
                register_days=int(_number(f.get("register_days", ""), "register_days", whole=True)),
                weights=weights,
            )

        if acted := self._perform_form(INTERMEDIARY, act, "market.posted"):
            self.form, self.undisclosed = dict(BLANK), False
        self._reload(acted)

    @rx.event
    def show_registrants(self, purchase_id: int) -> None:
        self.open_purchase = 0 if self.open_purchase == purchase_id else purchase_id
        self.objection = ""
        self._reload(self._require(INTERMEDIARY))

    @rx.event
    def choose(self, agency_id: int) -> None:
        pid = self.open_purchase
        self._reload(
            self._perform(
                INTERMEDIARY,
                lambda s, p: selection.choose_direct(
                    s, principal=p, purchase_id=pid, agency_id=agency_id
                ),
                "market.chosen",
            )
        )

    @rx.event
    def set_reason(self, key: str, value: str) -> None:
        self.reasons = {**self.reasons, key: value}

    @rx.event
    def cancel(self, purchase_id: int) -> None:
        reason = self.reasons.get(f"p{purchase_id}", "")
        self._reload(
            self._perform(
                INTERMEDIARY,
                lambda s, p: purchases.cancel_purchase(
                    s, principal=p, purchase_id=purchase_id, reason=reason
                ),
                "market.cancelled",
            )
        )

    @rx.event
    def set_objection(self, value: str) -> None:
        self.objection = value

    @rx.event
    def object_to(self, purchase_id: int) -> None:
        body = self.objection
        if acted := self._perform_form(
            INTERMEDIARY,
            lambda s, p: publicity.raise_objection(
                s, principal=p, purchase_id=purchase_id, body=body
            ),
            "market.objection_sent",
        ):
            self.objection = ""
        self._reload(acted)

    @rx.event
    def choose_upload(self, service_id: int) -> None:
        self.upload_service = service_id

    @rx.event
    async def handle_upload(self, uploads: list[rx.UploadFile]) -> None:
        if not uploads or not self.upload_service:
            return
        sid, data, name = self.upload_service, await uploads[0].read(), uploads[0].name or "file"

        def act(s: Session, p: Principal) -> None:
            stored = files.store_file(s, principal=p, filename=name, content=data)
            service_clock.upload_contract(s, principal=p, service_id=sid, file_id=stored.id)

        if acted := self._perform(INTERMEDIARY, act, "market.contract_uploaded"):
            self.upload_service = 0
        self._reload(acted)

    @rx.event
    def upload_refused(self, _rejected: list) -> None:
        self.error = self._tr("apply.file_refused")

    @rx.event
    def confirm_contract(self, service_id: int) -> None:
        self._reload(
            self._perform(
                INTERMEDIARY,
                lambda s, p: service_clock.confirm_contract(s, principal=p, service_id=service_id),
                "market.contract_confirmed",
            )
        )

    @rx.event
    def resume(self, service_id: int) -> None:
        self._reload(
            self._perform(
                INTERMEDIARY,
                lambda s, p: service_clock.resume(s, principal=p, service_id=service_id),
                "market.resumed",
            )
        )

    @rx.event
    def accept(self, service_id: int) -> None:
        self._reload(
            self._perform(
                INTERMEDIARY,
                lambda s, p: service_clock.accept_result(s, principal=p, service_id=service_id),
                "market.accepted",
            )
        )

    @rx.event
    def return_result(self, service_id: int) -> None:
        reason = self.reasons.get(f"s{service_id}", "")
        self._reload(
            self._perform(
                INTERMEDIARY,
                lambda s, p: service_clock.return_result(
                    s, principal=p, service_id=service_id, reason=reason
                ),
                "market.returned",
            )
        )

    @rx.event
    def set_rating(self, service_id: int, value: str) -> None:
        self.ratings = {**self.ratings, str(service_id): value}

    @rx.event
    def rate(self, service_id: int) -> None:
        value = self.ratings.get(str(service_id), "")

        def act(s: Session, p: Principal) -> None:
            if not value.isdigit():
                raise DomainError("market.rating_range", field=f"rating-{service_id}")
            try:
                evaluation.rate_service(s, principal=p, service_id=service_id, rating=int(value))
            except DomainError as exc:
                exc.field = f"rating-{service_id}" if exc.field else exc.field
                raise

        self._reload(self._perform_form(INTERMEDIARY, act, "market.rated"))
