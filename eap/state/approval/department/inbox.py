"""A department's workbench (部门审批), split by concern into Reflex substates so that an event
loads only what it works on: this parent holds the inbox by deadline, its filters, the shared
opinion box and the outcome message; ``case`` the item case in hand and its actions, ``chain``
the steps inside the department, ``joint`` the 联合验收 of stage 4, ``tasks`` the side lists
(督办 notices, stages to close, post-checks, bad grades)."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from eap.db import get_engine
from eap.services.approval import workbench
from eap.services.approval.rows import InboxRow
from eap.services.core import exports
from eap.services.core.principal import Principal
from eap.state.core.base import AppState

ROUTE = "/workbench/department"


class DepartmentState(AppState):
    rows: list[InboxRow] = []
    page: int = 1
    pages: int = 1
    total: int = 0
    stage: str = "0"
    status: str = "0"
    ptype: str = "0"
    text: str = ""
    opinion: str = ""  # one opinion box serves every action on the page
    message: str = ""
    error: str = ""

    @rx.event
    def load(self) -> EventSpec | None:
        principal, redirect = self._admit(ROUTE)
        if principal is None:
            return redirect
        self._load_inbox(principal)
        return None

    def _load_inbox(self, principal: Principal | None = None) -> None:
        principal = principal or self._require(ROUTE)
        with Session(get_engine()) as s:
            result = workbench.department_inbox(
                s,
                principal=principal,
                stage=int(self.stage) or None,
                process_type=int(self.ptype) or None,
                status=int(self.status) or None,
                text=self.text,
                page=self.page,
            )
        self.rows, self.page, self.pages, self.total = (
            result.rows,
            result.page,
            result.pages,
            result.total,
        )

    @rx.event
    def goto_page(self, delta: int) -> None:
        self.page = max(1, self.page + delta)
        self._load_inbox()

    @rx.event
    def set_stage(self, value: str) -> None:
        self.stage, self.page = value, 1
        self._load_inbox()

    @rx.event
    def set_status(self, value: str) -> None:
        self.status, self.page = value, 1
        self._load_inbox()

    @rx.event
    def set_ptype(self, value: str) -> None:
        self.ptype, self.page = value, 1
        self._load_inbox()

    @rx.event
    def export_inbox(self) -> EventSpec:
        principal = self._require(ROUTE)
        with Session(get_engine()) as s:
            rows = workbench.department_inbox(
                s,
                principal=principal,
                stage=int(self.stage) or None,
                process_type=int(self.ptype) or None,
                status=int(self.status) or None,
                text=self.text,
                page=1,
                size=100_000,
            ).rows
        cols = ["case_no", "item", "project", "status", "clock", "due"]
        data = exports.to_xlsx(
            title=self._tr("home.approver"),
            filters=f"stage={self.stage} type={self.ptype} status={self.status} text={self.text}",
            headers=[self._tr(f"inbox.{c}") for c in cols],
            rows=[
                [
                    r.case_no,
                    r.item_en if self.lang == "en" else r.item_zh,
                    r.project,
                    self._tr(f"blzt.{r.status}"),
                    self._tr(f"clock.{r.clock}"),
                    r.due,
                ]
                for r in rows
            ],
        )
        return self._audited_download(data, "inbox.xlsx")

    @rx.event
    def set_text(self, value: str) -> None:
        self.text = value

    @rx.event
    def search(self) -> None:
        self.page = 1
        self._load_inbox()

    @rx.event
    def set_opinion(self, value: str) -> None:
        self.opinion = value
