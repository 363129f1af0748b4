"""The administrator's 区域评估 page state (/admin/assessments)."""

from __future__ import annotations

import datetime as dt
import json
from typing import ClassVar

import reflex as rx
from sqlmodel import Session, col, select

from eap.db import get_engine
from eap.errors import DomainError
from eap.models import Region
from eap.services.admin import assessments
from eap.services.admin.assessments import AssessmentRow
from eap.services.core.clock import local_date, now_or
from eap.services.core.principal import Principal
from eap.state.admin.jurisdiction import Choice
from eap.state.core.base import AppState
from eap.state.core.form_page import FormPageMixin

ROUTE = "/admin/assessments"
FIELDS = ("name", "kind", "region_code", "exempts", "document_no", "valid_until", "boundary")


class AssessmentsState(FormPageMixin, AppState):
    form_route: ClassVar[str] = ROUTE
    form_fields: ClassVar[tuple[str, ...]] = FIELDS
    rows: list[AssessmentRow] = []
    regions: list[Choice] = []  # cities and counties
    name: str = ""
    kind: str = "env"
    region_code: str = ""
    exempts: str = ""  # material codes, comma separated
    document_no: str = ""
    valid_until: str = ""
    boundary: str = ""  # the pasted GeoJSON, kept on a refusal so nothing is lost

    def _refresh(self, principal: Principal | None = None) -> None:
        principal = principal or self._require(ROUTE)
        with Session(get_engine()) as s:
            self.rows = assessments.assessment_rows(
                s, principal=principal, today=local_date(now_or(None))
            )
            self.regions = [
                Choice(code, f"{code} {name}")
                for code, name in s.exec(
                    select(Region.code, Region.name)
                    .where(col(Region.level) != "province")
                    .order_by(col(Region.code))
                )
            ]

    @rx.event
    def add(self) -> None:
        form = {name: getattr(self, name) for name in FIELDS}

        def run(s: Session, p: Principal) -> None:
            try:
                boundary = json.loads(form["boundary"])
            except ValueError:
                raise DomainError("assessment.bad_boundary", field="boundary") from None
            if not isinstance(boundary, dict):
                raise DomainError("assessment.bad_boundary", field="boundary")
            try:
                until = dt.date.fromisoformat(form["valid_until"]) if form["valid_until"] else None
            except ValueError:
                raise DomainError("assessment.bad_date", field="valid_until") from None
            assessments.add_assessment(
                s,
                principal=p,
                name=form["name"],
                kind=form["kind"],
                region_code=form["region_code"],
                boundary=boundary,
                exempts=[
                    c.strip().upper()
                    for c in form["exempts"].replace("，", ",").split(",")
                    if c.strip()
                ],
                document_no=form["document_no"],
                valid_until=until,
            )

        acted = self._perform_form(ROUTE, run, "assessment.added")
        if acted is not None:
            for name in ("name", "exempts", "document_no", "valid_until", "boundary"):
                setattr(self, name, "")
            self._refresh(acted)

    @rx.event
    def withdraw(self, assessment_id: int) -> None:
        acted = self._perform(
            ROUTE,
            lambda s, p: assessments.withdraw(s, principal=p, assessment_id=int(assessment_id)),
            "assessment.withdrawn",
        )
        if acted is not None:
            self._refresh(acted)
