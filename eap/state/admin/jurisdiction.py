"""The administrator's 事权 and 联合审图 page state (/admin/jurisdiction)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import reflex as rx
from sqlmodel import Session, col, select

from eap.db import get_engine
from eap.errors import DomainError
from eap.models import Item, Region
from eap.services.approval import drawing_review, jurisdiction
from eap.services.approval.drawing_review import PlanRow
from eap.services.approval.jurisdiction import RuleRow
from eap.services.core.principal import Principal
from eap.state.core.base import AppState
from eap.state.core.form_page import FormPageMixin

ROUTE = "/admin/jurisdiction"


@dataclass(frozen=True)
class Choice:
    """An option of a select: its value and what it reads."""

    value: str = ""
    label: str = ""


class JurisdictionState(FormPageMixin, AppState):
    form_route: ClassVar[str] = ROUTE
    form_fields: ClassVar[tuple[str, ...]] = (
        "item_code",
        "region_code",
        "level",
        "min_investment",
        "basis",
    )
    rules: list[RuleRow] = []
    plans: list[PlanRow] = []
    items: list[Choice] = []
    regions: list[Choice] = []  # the province and the cities
    item_code: str = ""
    region_code: str = "360000"
    level: str = "county"
    min_investment: str = "0"
    districts: bool = False
    basis: str = ""

    def _refresh(self, principal: Principal | None = None) -> None:
        principal = principal or self._require(ROUTE)
        with Session(get_engine()) as s:
            self.rules = jurisdiction.rule_rows(s, principal=principal)
            self.plans = drawing_review.plan_rows(s, principal=principal)
            self.items = [
                Choice(code, f"{code} {name}")
                for code, name in s.exec(
                    select(Item.code, Item.name_zh).distinct().order_by(col(Item.code))
                )
            ]
            self.regions = [
                Choice(code, name)
                for code, name in s.exec(
                    select(Region.code, Region.name)
                    .where(col(Region.level).in_(("province", "city", "zone")))
                    .order_by(col(Region.code))
                )
            ]

    @rx.event
    def set_districts(self, value: bool) -> None:
        self.districts = bool(value)

    @rx.event
    def save_rule(self) -> None:
        item, region, level = self.item_code, self.region_code, self.level
        districts, basis, raw = self.districts, self.basis, self.min_investment.strip() or "0"

        def run(s: Session, p: Principal) -> None:
            try:
                floor = float(raw)
            except ValueError:
                raise DomainError("jurisdiction.bad_investment", field="min_investment") from None
            jurisdiction.set_rule(
                s,
                principal=p,
                item_code=item,
                region_code=region,
                level=level,
                min_investment=floor,
                districts=districts,
                basis=basis,
            )

        acted = self._perform_form(ROUTE, run, "jurisdiction.saved")
        if acted is not None:
            self.basis = ""
            self._refresh(acted)

    @rx.event
    def remove_rule(self, rule_id: int) -> None:
        acted = self._perform(
            ROUTE,
            lambda s, p: jurisdiction.remove_rule(s, principal=p, rule_id=int(rule_id)),
            "jurisdiction.removed",
        )
        if acted is not None:
            self._refresh(acted)

    @rx.event
    def set_plan(self, region_code: str, enabled: bool) -> None:
        acted = self._perform(
            ROUTE,
            lambda s, p: drawing_review.set_plan(
                s, principal=p, region_code=region_code, enabled=bool(enabled)
            ),
            "drawing_review.saved",
        )
        if acted is not None:
            self._refresh(acted)
