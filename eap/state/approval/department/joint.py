"""Joint reviews of the open case: 联合验收 of a stage-4 case (the lead department requests it
with a site-visit date) and 联合审图 of a stage-3 case (opened at acceptance); each department
records its opinion, the lead concludes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import reflex as rx
from sqlmodel import Session

from eap.db import get_engine
from eap.errors import DomainError
from eap.services.approval import joint
from eap.services.approval.rows import InspectionRow, JointView
from eap.services.core.principal import Principal
from eap.state.approval.department.case import DepartmentCaseState
from eap.state.approval.department.inbox import ROUTE


class DepartmentJointState(DepartmentCaseState):
    joint: JointView = JointView()  # id 0: none requested
    joint_rows: list[InspectionRow] = []

    @rx.event
    def refresh(self) -> None:
        try:
            self._load_joint()
        except DomainError as exc:
            self.error = self._error(exc)

    def _load_joint(self, principal: Principal | None = None) -> None:
        self.joint, self.joint_rows = JointView(), []
        if self.case.stage not in (3, 4):
            return
        principal = principal or self._require(ROUTE)
        with Session(get_engine()) as s:
            view = joint.joint_view(s, principal=principal, stage_case_id=self.case.id)
        if view is not None:
            self.joint, self.joint_rows = view, view.inspections

    @rx.event
    def set_visit_date(self, value: str) -> None:
        self.visit_date = value

    def _visit_date(self, error_key: str, field: str) -> dt.date:
        try:
            return dt.date.fromisoformat(self.visit_date)
        except ValueError:
            raise DomainError(error_key, field=field) from None

    def _joint(self, action: str, inspection_id: int = 0, passed: bool = False) -> None:
        """Joint review steps; who may do what is decided in the service."""
        calls: dict[str, Callable[[Session, Principal], object]] = {
            "request": lambda s, p: joint.request_joint_acceptance(
                s,
                principal=p,
                stage_case_id=self.case.id,
                site_visit_on=self._visit_date("joint.visit_in_past", "site_visit_on"),
            ),
            "inspect": lambda s, p: joint.record_inspection(
                s,
                principal=p,
                inspection_id=inspection_id,
                visited_on=None
                if self.joint.kind == "drawings"
                else self._visit_date("joint.visit_in_future", "visited_on"),
                passed=passed,
                opinion=self.opinion,
            ),
            "conclude": lambda s, p: joint.conclude(
                s, principal=p, joint_id=self.joint.id, conclusion=self.opinion
            ),
        }
        if self._perform(ROUTE, calls[action], "workbench.done"):
            self.opinion = ""
            self._after(self._load_joint)

    @rx.event
    def request_joint(self) -> None:
        self._joint("request")

    @rx.event
    def inspect_pass(self, inspection_id: int) -> None:
        self._joint("inspect", inspection_id, True)

    @rx.event
    def inspect_fail(self, inspection_id: int) -> None:
        self._joint("inspect", inspection_id, False)

    @rx.event
    def conclude_joint(self) -> None:
        self._joint("conclude")
