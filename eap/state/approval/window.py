"""The one-stop window's workbench (综合窗口): intake queue and the application in hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from eap.db import get_engine
from eap.errors import DomainError
from eap.services.approval import intake, results, supplements, workbench
from eap.services.approval.rows import (
    ConditionRow,
    DeliveryRow,
    ItemRow,
    MaterialRow,
    NoticeRow,
    QueueRow,
    StageHeader,
)
from eap.services.core import exports
from eap.services.core.clock import today_in_china
from eap.services.core.principal import Principal
from eap.state.approval.party import PartyRevealMixin
from eap.state.core.base import AppState

ROUTE = "/workbench/window"


class WindowState(PartyRevealMixin, AppState):
    rows: list[QueueRow] = []
    page: int = 1
    pages: int = 1
    total: int = 0
    case: StageHeader = StageHeader()
    conditions: list[ConditionRow] = []  # 策划生成's, on a stage-1 application
    materials: list[MaterialRow] = []
    items: list[ItemRow] = []
    notices: list[NoticeRow] = []
    ticked: list[str] = []
    owed_until: str = ""
    remarks: str = ""
    formal: bool = False  # nothing destructive is preselected
    message: str = ""
    error: str = ""
    to_deliver: list[DeliveryRow] = []
    deliver_page: int = 1
    deliver_pages: int = 1
    channel: str = "counter"

    @rx.event
    def load(self) -> EventSpec | None:
        principal, redirect = self._admit(ROUTE)
        if principal is None:
            return redirect
        self._load_queue(principal)
        return None

    def _load_queue(self, principal: Principal | None = None) -> None:
        principal = principal or self._require(ROUTE)
        with Session(get_engine()) as s:
            result = workbench.window_queue(s, principal=principal, page=self.page)
        self.rows, self.page, self.pages, self.total = (
            result.rows,
            result.page,
            result.pages,
            result.total,
        )
        with Session(get_engine()) as s:
            waiting = workbench.awaiting_delivery(s, principal=principal, page=self.deliver_page)
        self.to_deliver, self.deliver_page, self.deliver_pages = (
            waiting.rows,
            waiting.page,
            waiting.pages,
        )

    @rx.event
    def goto_page(self, delta: int) -> None:
        self.page = max(1, self.page + delta)
        self._load_queue()

    @rx.event
    def goto_deliver_page(self, delta: int) -> None:
        self.deliver_page = max(1, self.deliver_page + delta)
        self._load_queue()

    def _open(self, stage_case_id: int) -> None:
        principal = self._require(ROUTE)
        with Session(get_engine()) as s:
            view = workbench.stage_case_view(s, principal=principal, stage_case_id=stage_case_id)
        self._forget_party()
        self.case, self.materials = view.case, view.materials
        self.items, self.notices = view.item_cases, view.notices
        self.conditions = view.conditions
        self.ticked = [m.code for m in self.materials if not m.present]
        self.owed_until = (today_in_china() + dt.timedelta(days=14)).isoformat()

    @rx.event
    def open_case(self, stage_case_id: int) -> EventSpec | None:
        """Opens the application and brings it into view (it sits below the lists)."""
        self.message, self.error, self.remarks = "", "", ""
        try:
            self._open(stage_case_id)
        except DomainError as exc:
            self.error = self._error(exc)
            return None
        return rx.scroll_to("case-panel")

    @rx.event
    def reveal_party(self) -> None:
        self._reveal_party(ROUTE)

    @rx.event
    def toggle(self, code: str, checked: bool) -> None:
        if checked and code not in self.ticked:
            self.ticked = [*self.ticked, code]
        elif not checked:
            self.ticked = [c for c in self.ticked if c != code]

    @rx.event
    def set_remarks(self, value: str) -> None:
        self.remarks = value

    @rx.event
    def set_owed_until(self, value: str) -> None:
        self.owed_until = value

    def _owed(self) -> dict[str, dt.date] | None:
        """The materials ticked as owed (容缺) and the date they are owed by."""
        if not self.ticked:
            return None
        try:
            until = dt.date.fromisoformat(self.owed_until)
        except ValueError:
            raise DomainError("intake.owed_date", code=",".join(self.ticked)) from None
        return {c: until for c in self.ticked}

    def _do(self, action: str) -> None:
        """Run one intake action; permission and legality are re-checked in the service."""
        case_id = self.case.id
        calls: dict[str, Callable[[Session, Principal], object]] = {
            "receive": lambda s, p: intake.receive_case(s, principal=p, stage_case_id=case_id),
            "accept": lambda s, p: intake.accept_case(
                s, principal=p, stage_case_id=case_id, owed=self._owed(), opinion=self.remarks
            ),
            "supplement": lambda s, p: supplements.request_intake_supplement(
                s,
                principal=p,
                stage_case_id=case_id,
                materials=[{"code": c, "remark": ""} for c in self.ticked],
                remarks=self.remarks,
            ),
            "refuse": lambda s, p: intake.refuse_intake(
                s, principal=p, stage_case_id=case_id, formal=self.formal, reason=self.remarks
            ),
        }
        acted = self._perform(ROUTE, calls[action], "workbench.done")
        if acted is None:
            return
        try:
            self._open(case_id)
            self._load_queue(acted)
        except Exception as exc:
            self.error = self._error(exc)

    @rx.event
    def set_channel(self, value: str) -> None:
        self.channel = value

    @rx.event
    def deliver(self, stage_case_id: int) -> None:
        """出件; re-authorised in the service."""
        if acted := self._perform(
            ROUTE,
            lambda s, p: results.deliver_results(
                s, principal=p, stage_case_id=stage_case_id, channel=self.channel
            ),
            "workbench.done",
        ):
            self._load_queue(acted)

    @rx.event
    def export_queue(self) -> EventSpec:
        principal = self._require(ROUTE)
        with Session(get_engine()) as s:
            rows = workbench.window_queue(s, principal=principal, page=1, size=100_000).rows
        cols = ["case_no", "project", "stage", "status", "submitted"]
        data = exports.to_xlsx(
            title=self._tr("home.window"),
            filters="",
            headers=[self._tr(f"queue.{c}") for c in cols],
            rows=[
                [
                    self._tr(f"stagecase.{r.status}") if c == "status" else getattr(r, c)
                    for c in cols
                ]
                for r in rows
            ],
        )
        return self._audited_download(data, "intake-queue.xlsx")

    @rx.event
    def receive(self) -> None:
        self._do("receive")

    @rx.event
    def accept(self) -> None:
        self._do("accept")

    @rx.event
    def supplement(self) -> None:
        self._do("supplement")

    @rx.event
    def refuse_plain(self) -> None:
        """不受理 (BLZT 4): the application goes back; asked to confirm with a reason first."""
        self.formal = False
        self._do("refuse")

    @rx.event
    def refuse_formal(self) -> None:
        """不予受理 (BLZT 5): the formal decision; asked to confirm with a reason first."""
        self.formal = True
        self._do("refuse")
