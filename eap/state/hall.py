"""The applicant's home in the online service hall: my projects at a glance."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from eap.db import get_engine
from eap.services import evaluation, hall, intake
from eap.state.base import AppState

ROUTE = "/hall"


class HallState(AppState):
    projects: list[dict] = []
    reason: str = ""
    grade: str = "5"
    comment: str = ""
    message: str = ""
    error: str = ""

    def _reload(self) -> None:
        principal = self._require(ROUTE)
        with Session(get_engine()) as s:
            self.projects = hall.my_projects(s, principal=principal)

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
        if self._perform(
            ROUTE,
            lambda s, p: intake.withdraw_application(
                s, principal=p, stage_case_id=int(stage_case_id), reason=self.reason
            ),
            "hall.withdrawn",
        ):
            self.reason = ""
            self._reload()

    @rx.event
    def rate(self, stage_case_id: str) -> None:
        """好差评, once per finished case."""
        if self._perform(
            ROUTE,
            lambda s, p: evaluation.rate_case(
                s,
                principal=p,
                stage_case_id=int(stage_case_id),
                grade=int(self.grade),
                comment=self.comment,
            ),
            "hall.rated",
        ):
            self.comment = ""
            self._reload()

    @rx.event
    def load(self) -> rx.event.EventSpec | None:
        redirect = self._guard(ROUTE)
        if redirect is not None:
            return redirect
        principal = self._require(ROUTE)
        with Session(get_engine()) as s:
            self.projects = hall.my_projects(s, principal=principal)
        return None
