"""Inside the department (科室流转) for the open case: 经办 proposes, 审核 passes on or sends
back, 签发 signs; 转办 hands the case to a colleague."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from sqlmodel import Session

from eap.db import get_engine
from eap.errors import DomainError
from eap.services.approval import steps
from eap.services.core.principal import Principal
from eap.state.approval.department.case import DepartmentCaseState
from eap.state.approval.department.inbox import ROUTE


class DepartmentChainState(DepartmentCaseState):
    colleagues: list[dict[str, str]] = []
    transfer_to: str = ""

    @rx.event
    def refresh(self) -> None:
        """Colleagues a case may be transferred to (the same department)."""
        principal = self._require(ROUTE)
        with Session(get_engine()) as s:
            self.colleagues = [
                {"id": str(i), "name": n} for i, n in steps.colleagues(s, principal=principal)
            ]

    @rx.event
    def set_transfer_to(self, value: str) -> None:
        self.transfer_to = value

    def _transfer_to(self) -> int:
        if not self.transfer_to:
            raise DomainError("steps.bad_colleague", field="to_user_id")
        return int(self.transfer_to)

    def _step(self, action: str, outcome: str = "") -> None:
        """One step inside the department (经办/审核/签发/退回/转办), re-authorised."""
        case_id = self.item.id
        calls: dict[str, Callable[[Session, Principal], object]] = {
            "propose": lambda s, p: steps.propose(
                s,
                principal=p,
                item_case_id=case_id,
                outcome=outcome,
                opinion=self.opinion,
                owed=self.ticked,
                on_commitment=self.on_commitment,
            ),
            "review": lambda s, p: steps.review(
                s, principal=p, item_case_id=case_id, opinion=self.opinion
            ),
            "back": lambda s, p: steps.send_back(
                s, principal=p, item_case_id=case_id, reason=self.opinion
            ),
            "sign": lambda s, p: steps.sign(
                s, principal=p, item_case_id=case_id, opinion=self.opinion
            ),
            "transfer": lambda s, p: steps.transfer(
                s,
                principal=p,
                item_case_id=case_id,
                to_user_id=self._transfer_to(),
                reason=self.opinion,
            ),
        }
        if acted := self._perform(ROUTE, calls[action], "workbench.done"):
            self.opinion = ""
            self._after(lambda: self._open(case_id, acted), lambda: self._load_inbox(acted))

    @rx.event
    def propose_approve(self) -> None:
        self._step("propose", "approve")

    @rx.event
    def propose_refuse(self) -> None:
        self._step("propose", "refuse")

    @rx.event
    def review(self) -> None:
        self._step("review")

    @rx.event
    def send_back(self) -> None:
        self._step("back")

    @rx.event
    def sign(self) -> None:
        self._step("sign")

    @rx.event
    def transfer(self) -> None:
        self._step("transfer")
