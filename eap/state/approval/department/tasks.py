"""The department's side lists: 督办 notices to answer, stage cases it leads that are ready to
close, 告知承诺 post-checks, and bad grades (差评) to rectify."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from eap.db import get_engine
from eap.services.agency import evaluation as market_evaluation
from eap.services.agency.evaluation import QualityRow
from eap.services.approval import handling, workbench
from eap.services.approval.rows import BadGradeRow, LeadStageRow, PostCheckRow
from eap.services.core.principal import Principal
from eap.services.hall import evaluation
from eap.services.supervision import alerts as supervision
from eap.services.supervision.alerts import AlertRow
from eap.state.approval.department.inbox import ROUTE, DepartmentState


class DepartmentTasksState(DepartmentState):
    dept_alerts: list[AlertRow] = []
    lead_rows: list[LeadStageRow] = []
    checks: list[PostCheckRow] = []
    grades: list[BadGradeRow] = []
    quality: list[QualityRow] = []
    callback: str = ""

    @rx.event
    def load(self) -> EventSpec | None:
        principal, redirect = self._admit(ROUTE)
        if principal is None:
            return redirect
        self._load_tasks(principal)
        return None

    @rx.event
    def refresh(self) -> None:
        """After an action elsewhere on the page (a decision may make a stage ready to close)."""
        self._load_tasks()

    def _load_tasks(self, principal: Principal | None = None) -> None:
        principal = principal or self._require(ROUTE)
        with Session(get_engine()) as s:
            alerts, _ = supervision.list_alerts(
                s, principal=principal, status="noticed", page=1, size=20
            )
            self.lead_rows = workbench.lead_stage_cases(s, principal=principal).rows
            self.checks = workbench.post_check_tasks(s, principal=principal)
            self.grades = workbench.bad_grades(s, principal=principal)
            self.quality = market_evaluation.to_rate_for_department(s, principal=principal)
        self.dept_alerts = alerts

    @rx.event
    def rate_quality(self, service_id: int, rating: int) -> None:
        """成果质量评价 of an intermediary result this department's item used."""
        self._perform(
            ROUTE,
            lambda s, p: market_evaluation.rate_quality(
                s, principal=p, service_id=service_id, rating=rating
            ),
            "market.quality_rated",
        )
        self._load_tasks()

    @rx.event
    def record_check(self, task_id: int, truthful: bool) -> None:
        """Record a 告知承诺 post-check; a false commitment is then revoked by the head."""
        if acted := self._perform(
            ROUTE,
            lambda s, p: handling.record_post_check(
                s, principal=p, task_id=task_id, truthful=truthful, note=self.opinion
            ),
            "workbench.done",
        ):
            self.opinion = ""
            self._load_tasks(acted)
            self._load_inbox(acted)

    @rx.event
    def revoke(self, item_case_id: int) -> None:
        if acted := self._perform(
            ROUTE,
            lambda s, p: handling.revoke(
                s, principal=p, item_case_id=item_case_id, reason=self.opinion
            ),
            "workbench.done",
        ):
            self.opinion = ""
            self._load_tasks(acted)
            self._load_inbox(acted)

    @rx.event
    def set_callback(self, value: str) -> None:
        self.callback = value

    @rx.event
    def rectify(self, evaluation_id: int) -> None:
        """Record the rectification of a bad grade and the call-back to the applicant."""
        if acted := self._perform(
            ROUTE,
            lambda s, p: evaluation.rectify(
                s,
                principal=p,
                evaluation_id=evaluation_id,
                rectification=self.opinion,
                callback_note=self.callback,
            ),
            "workbench.done",
        ):
            self.opinion, self.callback = "", ""
            self._load_tasks(acted)
            self._load_inbox(acted)

    @rx.event
    def reply(self, alert_id: int) -> None:
        """Answer a supervision notice (督办) for this department."""
        if acted := self._perform(
            ROUTE,
            lambda s, p: supervision.act_on_alert(
                s, principal=p, alert_id=alert_id, kind="reply", text=self.opinion
            ),
            "supervision.done",
        ):
            self.opinion = ""
            self._load_tasks(acted)
            self._load_inbox(acted)
