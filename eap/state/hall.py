"""The applicant's home in the online service hall: my projects at a glance."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from eap.db import get_engine, session_scope
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
        self.message, self.error = "", ""
        try:
            principal = self._require(ROUTE)
            with session_scope() as s:
                intake.withdraw_application(
                    s, principal=principal, stage_case_id=int(stage_case_id), reason=self.reason
                )
            self.message, self.reason = self._tr("hall.withdrawn"), ""
            self._reload()
        except Exception as exc:
            self.error = self._error(exc)

    @rx.event
    def rate(self, stage_case_id: str) -> None:
        """好差评, once per finished case."""
        self.message, self.error = "", ""
        try:
            principal = self._require(ROUTE)
            with session_scope() as s:
                evaluation.rate_case(
                    s,
                    principal=principal,
                    stage_case_id=int(stage_case_id),
                    grade=int(self.grade),
                    comment=self.comment,
                )
            self.message, self.comment = self._tr("hall.rated"), ""
            self._reload()
        except Exception as exc:
            self.error = self._error(exc)

    @rx.event
    def load(self) -> rx.event.EventSpec | None:
        redirect = self._guard(ROUTE)
        if redirect is not None:
            return redirect
        principal = self._require(ROUTE)
        with Session(get_engine()) as s:
            self.projects = hall.my_projects(s, principal=principal)
        return None
