"""The departments' 策划生成 page state (/workbench/planning): plans the department leads or is
consulted on, its opinion and conditions, the lead's conclusion and new plans."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import reflex as rx
from sqlmodel import Session

from eap.db import get_engine
from eap.errors import DomainError
from eap.services.admin.catalogue import department_kinds
from eap.services.approval import generation
from eap.services.approval.generation import CIRCULATED, PlanRow
from eap.services.core.principal import Principal
from eap.state.admin.jurisdiction import Choice
from eap.state.core.base import AppState
from eap.state.core.form_page import FormPageMixin

ROUTE = "/workbench/planning"
FIELDS = (
    "name",
    "region_code",
    "total_investment",
    "land_area",
    "location",
    "builder_uscc",
    "description",
    "opinion",
    "conditions",
    "conclusion",
)


def _number(raw: str, field: str) -> float:
    try:
        return float(raw.strip() or "0")
    except ValueError:
        raise DomainError("generation.investment", field=field) from None


class PlanningState(FormPageMixin, AppState):
    form_route: ClassVar[str] = ROUTE
    form_fields: ClassVar[tuple[str, ...]] = FIELDS
    plans: list[PlanRow] = []
    leads: bool = False  # the department may start plans
    sites: list[Choice] = []
    kind_choices: list[Choice] = []
    kinds: list[str] = []
    name: str = ""
    region_code: str = ""
    total_investment: str = ""
    land_area: str = ""
    location: str = ""
    builder_uscc: str = ""
    description: str = ""
    opinion: str = ""
    conditions: str = ""
    conclusion: str = ""

    def _refresh(self, principal: Principal | None = None) -> None:
        principal = principal or self._require(ROUTE)
        with Session(get_engine()) as s:
            self.plans = generation.plans_for_department(s, principal=principal)
            self.leads = generation.can_lead(s, principal=principal)
            if self.leads:
                self.sites = [
                    Choice(code, name)
                    for code, name in generation.site_choices(s, principal=principal)
                ]
        zh = self.lang != "en"
        self.kind_choices = [
            Choice(k["kind"], k["name_zh"] if zh else k["name_en"])
            for k in department_kinds()
            if k["kind"] in CIRCULATED
        ]

    @rx.event
    def toggle_kind(self, kind: str, checked: bool) -> None:
        self.kinds = (
            sorted(set(self.kinds) | {kind}) if checked else [k for k in self.kinds if k != kind]
        )
        self.field_errors = {k: v for k, v in self.field_errors.items() if k != "kinds"}

    def _act(self, action: Callable[[Session, Principal], object], done: str) -> bool:
        acted = self._perform_form(ROUTE, action, done)
        if acted is None:
            return False
        self._refresh(acted)
        return True

    @rx.event
    def propose(self) -> None:
        form = {name: getattr(self, name) for name in FIELDS}
        kinds = list(self.kinds)

        def run(s: Session, p: Principal) -> None:
            generation.propose(
                s,
                principal=p,
                name=form["name"],
                region_code=form["region_code"],
                total_investment=_number(form["total_investment"], "total_investment"),
                land_area=_number(form["land_area"], "land_area"),
                location=form["location"],
                description=form["description"],
                builder_uscc=form["builder_uscc"],
                kinds=kinds,
            )

        if self._act(run, "generation.proposed"):
            for name in (
                "name",
                "total_investment",
                "land_area",
                "location",
                "builder_uscc",
                "description",
            ):
                setattr(self, name, "")
            self.kinds = []

    def _opinion(self, opinion_id: int, agreed: bool) -> None:
        text, conditions = self.opinion, self.conditions
        if self._act(
            lambda s, p: generation.record_opinion(
                s,
                principal=p,
                opinion_id=int(opinion_id),
                agreed=agreed,
                opinion=text,
                conditions=conditions,
            ),
            "generation.recorded",
        ):
            self.opinion, self.conditions = "", ""

    @rx.event
    def agree(self, opinion_id: int) -> None:
        self._opinion(opinion_id, True)

    @rx.event
    def disagree(self, opinion_id: int) -> None:
        self._opinion(opinion_id, False)

    @rx.event
    def conclude(self, planned_id: int) -> None:
        text = self.conclusion
        if self._act(
            lambda s, p: generation.conclude(
                s, principal=p, planned_id=int(planned_id), conclusion=text
            ),
            "generation.concluded_ok",
        ):
            self.conclusion = ""
