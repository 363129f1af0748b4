"""The item case in hand: opening it (or a whole stage for the lead department), its
materials and history, and the department's moves on it (受理后办理, 补正, 特别程序, 办结,
阶段办结)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from eap.db import get_engine
from eap.errors import DomainError
from eap.services.approval import handling, results, workbench
from eap.services.approval.rows import (
    ConditionRow,
    HistoryRow,
    ItemRow,
    MaterialRow,
    OpenItem,
    StageHeader,
)
from eap.services.core.clock import today_in_china
from eap.services.core.principal import Principal
from eap.state.approval.department.inbox import ROUTE, DepartmentState
from eap.state.approval.party import PartyRevealMixin


class DepartmentCaseState(PartyRevealMixin, DepartmentState):
    case: StageHeader = StageHeader()
    item: OpenItem = OpenItem()  # id 0: a whole stage is open (the lead's view), or nothing
    materials: list[MaterialRow] = []
    siblings: list[ItemRow] = []
    history: list[HistoryRow] = []
    conditions: list[ConditionRow] = []  # 策划生成's, on a stage-1 case
    ticked: list[str] = []
    special_kind: str = "hearing"
    special_days: str = "5"
    on_commitment: bool = False
    is_lead: bool = False
    stage_ready: bool = False  # every item of the stage is finished: 阶段办结 may be offered
    visit_date: str = ""

    def _after(self, *refresh: Callable[[], None]) -> None:
        """Reload views after a successful action; a failure to reload is shown, not raised."""
        try:
            for step in refresh:
                step()
        except Exception as exc:
            self.error = self._error(exc)

    def _open(self, item_case_id: int, principal: Principal | None = None) -> None:
        principal = principal or self._require(ROUTE)
        with Session(get_engine()) as s:
            view = workbench.item_case_view(s, principal=principal, item_case_id=item_case_id)
        self._forget_party()
        self.case, self.item = view.case, view.item
        self.materials, self.siblings, self.history = (
            view.materials,
            view.item_cases,
            view.history,
        )
        self.conditions = view.conditions
        self.is_lead = view.case.lead_department_id == principal.department_id
        self.stage_ready = all(i.finished for i in view.item_cases)
        self.ticked, self.on_commitment = [], False
        self.visit_date = today_in_china().isoformat()

    @rx.event
    def open_case(self, item_case_id: int) -> EventSpec | None:
        """Opens the case and brings it into view (it sits below the lists)."""
        self.message, self.error, self.opinion = "", "", ""
        try:
            self._open(item_case_id)
        except DomainError as exc:
            self.error = self._error(exc)
            return None
        return rx.scroll_to("case-panel")

    @rx.event
    def reveal_party(self) -> None:
        self._reveal_party(ROUTE)

    @rx.event
    def open_stage(self, stage_case_id: int) -> None:
        """The lead department's view of a whole stage case."""
        self.message, self.error, self.opinion = "", "", ""
        try:
            principal = self._require(ROUTE)
            with Session(get_engine()) as s:
                view = workbench.stage_case_view(
                    s, principal=principal, stage_case_id=stage_case_id
                )
        except DomainError as exc:
            self.error = self._error(exc)
            return
        self._forget_party()
        self.case, self.item, self.history = view.case, OpenItem(), []
        self.materials, self.siblings = view.materials, view.item_cases
        self.conditions = view.conditions
        self.is_lead = view.case.lead_department_id == principal.department_id
        self.stage_ready = all(i.finished for i in view.item_cases)
        self.visit_date = today_in_china().isoformat()

    @rx.event
    def toggle(self, code: str, checked: bool) -> None:
        if checked and code not in self.ticked:
            self.ticked = [*self.ticked, code]
        elif not checked:
            self.ticked = [c for c in self.ticked if c != code]

    @rx.event
    def set_special_kind(self, value: str) -> None:
        self.special_kind = value

    @rx.event
    def set_special_days(self, value: str) -> None:
        self.special_days = value

    @rx.event
    def set_on_commitment(self, value: bool) -> None:
        self.on_commitment = bool(value)

    def _special_days(self) -> int:
        try:
            return int(self.special_days)
        except ValueError:
            raise DomainError("special.limit", field="limit_days") from None

    def _do(self, action: str) -> None:
        """One departmental action; who may do it and whether it is legal is decided by the
        service, never by which buttons are shown."""
        case_id, stage_id = self.item.id, self.case.id
        calls: dict[str, Callable[[Session, Principal], object]] = {
            "start": lambda s, p: handling.start_handling(
                s, principal=p, item_case_id=case_id, opinion=self.opinion
            ),
            "supplement": lambda s, p: handling.request_supplement(
                s,
                principal=p,
                item_case_id=case_id,
                materials=[{"code": c, "remark": ""} for c in self.ticked],
                remarks=self.opinion,
            ),
            "special_start": lambda s, p: handling.start_special_procedure(
                s,
                principal=p,
                item_case_id=case_id,
                kind=self.special_kind,
                reason=self.opinion,
                limit_days=self._special_days(),
            ),
            "special_end": lambda s, p: handling.end_special_procedure(
                s, principal=p, item_case_id=case_id, result=self.opinion
            ),
            "close_stage": lambda s, p: results.close_stage(
                s, principal=p, stage_case_id=stage_id, opinion=self.opinion
            ),
        }

        def decide(outcome: str) -> Callable[[Session, Principal], object]:
            return lambda s, p: handling.decide(
                s,
                principal=p,
                item_case_id=case_id,
                outcome=outcome,
                opinion=self.opinion,
                on_commitment=self.on_commitment,
                owed=self.ticked,
            )

        for outcome in ("approve", "approve_owed", "refuse"):
            calls[outcome] = decide(outcome)
        acted = self._perform(ROUTE, calls[action], "workbench.done")
        if acted is None:
            return
        self.opinion = ""
        if case_id:
            self._after(lambda: self._open(case_id, acted), lambda: self._load_inbox(acted))
        else:
            self.case = replace(self.case, status="closed")
            self._after(lambda: self._load_inbox(acted))
        return None

    @rx.event
    def start(self) -> None:
        self._do("start")

    @rx.event
    def supplement(self) -> None:
        self._do("supplement")

    @rx.event
    def special_start(self) -> None:
        self._do("special_start")

    @rx.event
    def special_end(self) -> None:
        self._do("special_end")

    @rx.event
    def approve(self) -> None:
        self._do("approve")

    @rx.event
    def approve_owed(self) -> None:
        self._do("approve_owed")

    @rx.event
    def refuse(self) -> None:
        self._do("refuse")

    @rx.event
    def close_stage(self) -> None:
        self._do("close_stage")
