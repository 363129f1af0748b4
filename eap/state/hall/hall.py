"""The applicant's home in the online service hall: my projects at a glance."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from eap.db import get_engine
from eap.services.approval import filing
from eap.services.core.principal import Principal
from eap.services.hall import evaluation, hall
from eap.services.hall.rows import ProjectCard
from eap.state.core.base import AppState

ROUTE = "/hall"


PAGE_SIZE = 10


class HallState(AppState):
    projects: list[ProjectCard] = []
    page: int = 1
    pages: int = 1
    reason: str = ""
    grade: str = "5"
    comment: str = ""
    message: str = ""
    error: str = ""

    def _reload(self, principal: Principal | None = None) -> None:
        principal = principal or self._require(ROUTE)
        with Session(get_engine()) as s:
            total = hall.count_projects(s, principal=principal)
            self.pages = max(1, -(-total // PAGE_SIZE))
            self.page = min(max(1, self.page), self.pages)
            self.projects = hall.my_projects(s, principal=principal, page=self.page, size=PAGE_SIZE)

    @rx.event
    def goto_page(self, delta: int) -> None:
        self.page += delta
        self._reload()

    @rx.event
    def set_reason(self, value: str) -> None:
        self.reason = value

    @rx.event
    def set_grade(self, value: str) -> None:
        self.grade = value

    @rx.event
    def set_comment(self, value: str) -> None:
        self.comment = value

    @rx.event
    def withdraw(self, stage_case_id: str) -> None:
        """撤件 / 撤回, with the reason given; re-authorised in the service."""
        if acted := self._perform(
            ROUTE,
            lambda s, p: filing.withdraw_application(
                s, principal=p, stage_case_id=int(stage_case_id), reason=self.reason
            ),
            "hall.withdrawn",
        ):
            self.reason = ""
            self._reload(acted)

    @rx.event
    def rate(self, item_case_id: str) -> None:
        """好差评, once per finished item case (一事一评)."""
        if acted := self._perform(
            ROUTE,
            lambda s, p: evaluation.rate_item_case(
                s,
                principal=p,
                item_case_id=int(item_case_id),
                grade=int(self.grade),
                comment=self.comment,
            ),
            "hall.rated",
        ):
            self.comment = ""
            self._reload(acted)

    @rx.event
    def load(self) -> EventSpec | None:
        principal, redirect = self._admit(ROUTE)
        if principal is None:
            return redirect
        self._reload(principal)
        return None
