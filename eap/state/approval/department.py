"""A department's workbench (部门审批): inbox by deadline and the item case in hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import cast

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from eap.db import get_engine
from eap.errors import DomainError
from eap.services.approval import handling, joint, results, steps, workbench
from eap.services.core import exports
from eap.services.core.clock import today_in_china
from eap.services.core.principal import Principal
from eap.services.hall import evaluation
from eap.services.supervision import alerts as supervision
from eap.state.core.base import AppState

ROUTE = "/workbench/department"


class DepartmentState(AppState):
    rows: list[dict[str, str]] = []
    page: int = 1
    pages: int = 1
    total: int = 0
    stage: str = "0"
    status: str = "0"
    text: str = ""
    case: dict[str, str] = {}
    item: dict[str, str] = {}
    materials: list[dict[str, str]] = []
    siblings: list[dict[str, str]] = []
    history: list[dict[str, str]] = []
    ticked: list[str] = []
    opinion: str = ""
    special_kind: str = "expert"
    special_days: str = "5"
    on_commitment: bool = False
    is_lead: bool = False
    dept_alerts: list[dict[str, str]] = []
    lead_rows: list[dict[str, str]] = []
    checks: list[dict[str, str]] = []
    colleagues: list[dict[str, str]] = []
    joint: dict[str, str] = {}
    grades: list[dict[str, str]] = []
    callback: str = ""
    joint_rows: list[dict[str, str]] = []
    visit_date: str = ""
    transfer_to: str = ""
    ptype: str = "0"
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
            alerts, _ = supervision.list_alerts(
                s, principal=principal, status="noticed", page=1, size=20
            )
            self.lead_rows = workbench.lead_stage_cases(s, principal=principal).rows
            self.checks = workbench.post_check_tasks(s, principal=principal)
            self.grades = workbench.bad_grades(s, principal=principal)
            self.colleagues = [
                {"id": str(i), "name": n} for i, n in steps.colleagues(s, principal=principal)
            ]
        self.rows, self.page, self.pages, self.total = (
            result.rows,
            result.page,
            result.pages,
            result.total,
        )
        self.dept_alerts = [{k: str(v) for k, v in a.__dict__.items()} for a in alerts]

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
                    r["case_no"],
                    r["item_en" if self.lang == "en" else "item_zh"],
                    r["project"],
                    self._tr(f"blzt.{r['status']}"),
                    self._tr(f"clock.{r['clock']}"),
                    r["due"],
                ]
                for r in rows
            ],
        )
        return rx.download(data=data, filename="inbox.xlsx")

    @rx.event
    def record_check(self, task_id: str, truthful: bool) -> None:
        """Record a 告知承诺 post-check; a false commitment is then revoked by the head."""
        if acted := self._perform(
            ROUTE,
            lambda s, p: handling.record_post_check(
                s, principal=p, task_id=int(task_id), truthful=truthful, note=self.opinion
            ),
            "workbench.done",
        ):
            self.opinion = ""
            self._load_inbox(acted)

    @rx.event
    def revoke(self, item_case_id: str) -> None:
        if acted := self._perform(
            ROUTE,
            lambda s, p: handling.revoke(
                s, principal=p, item_case_id=int(item_case_id), reason=self.opinion
            ),
            "workbench.done",
        ):
            self.opinion = ""
            self._load_inbox(acted)

    def _load_joint(self, principal: Principal | None = None) -> None:
        self.joint, self.joint_rows = {}, []
        if self.case.get("stage") != "4":
            return
        principal = principal or self._require(ROUTE)
        with Session(get_engine()) as s:
            view = joint.joint_view(s, principal=principal, stage_case_id=int(self.case["id"]))
        if view:
            self.joint_rows = cast(list[dict[str, str]], view.pop("inspections"))
            self.joint = {k: str(v) for k, v in view.items()}

    @rx.event
    def set_callback(self, value: str) -> None:
        self.callback = value

    @rx.event
    def rectify(self, evaluation_id: str) -> None:
        """Record the rectification of a bad grade and the call-back to the applicant."""
        if acted := self._perform(
            ROUTE,
            lambda s, p: evaluation.rectify(
                s,
                principal=p,
                evaluation_id=int(evaluation_id),
                rectification=self.opinion,
                callback_note=self.callback,
            ),
            "workbench.done",
        ):
            self.opinion, self.callback = "", ""
            self._load_inbox(acted)

    @rx.event
    def set_visit_date(self, value: str) -> None:
        self.visit_date = value

    def _visit_date(self, error_key: str, field: str) -> dt.date:
        try:
            return dt.date.fromisoformat(self.visit_date)
        except ValueError:
            raise DomainError(error_key, field=field) from None

    def _joint(self, action: str, inspection_id: str = "", passed: bool = False) -> None:
        """联合验收 steps; who may do what is decided in the service."""
        calls: dict[str, Callable[[Session, Principal], object]] = {
            "request": lambda s, p: joint.request_joint_acceptance(
                s,
                principal=p,
                stage_case_id=int(self.case["id"]),
                site_visit_on=self._visit_date("joint.visit_in_past", "site_visit_on"),
            ),
            "inspect": lambda s, p: joint.record_inspection(
                s,
                principal=p,
                inspection_id=int(inspection_id),
                visited_on=self._visit_date("joint.visit_in_future", "visited_on"),
                passed=passed,
                opinion=self.opinion,
            ),
            "conclude": lambda s, p: joint.conclude(
                s, principal=p, joint_id=int(self.joint["id"]), conclusion=self.opinion
            ),
        }
        if self._perform(ROUTE, calls[action], "workbench.done"):
            self.opinion = ""
            self._after(self._load_joint)

    def _after(self, *refresh: Callable[[], None]) -> None:
        """Reload views after a successful action; a failure to reload is shown, not raised."""
        try:
            for step in refresh:
                step()
        except Exception as exc:
            self.error = self._error(exc)

    @rx.event
    def request_joint(self) -> None:
        self._joint("request")

    @rx.event
    def inspect_pass(self, inspection_id: str) -> None:
        self._joint("inspect", inspection_id, True)

    @rx.event
    def inspect_fail(self, inspection_id: str) -> None:
        self._joint("inspect", inspection_id, False)

    @rx.event
    def conclude_joint(self) -> None:
        self._joint("conclude")

    @rx.event
    def set_transfer_to(self, value: str) -> None:
        self.transfer_to = value

    def _transfer_to(self) -> int:
        if not self.transfer_to:
            raise DomainError("steps.bad_colleague", field="to_user_id")
        return int(self.transfer_to)

    def _step(self, action: str, outcome: str = "") -> None:
        """One step inside the department (经办/审核/签发/退回/转办), re-authorised."""
        case_id = int(self.item.get("id", "0") or 0)
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
        if self._perform(ROUTE, calls[action], "workbench.done"):
            self.opinion = ""
            self._after(lambda: self._open(case_id), self._load_inbox)

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

    @rx.event
    def set_text(self, value: str) -> None:
        self.text = value

    @rx.event
    def search(self) -> None:
        self.page = 1
        self._load_inbox()

    def _open(self, item_case_id: int) -> None:
        principal = self._require(ROUTE)
        with Session(get_engine()) as s:
            view = workbench.item_case_view(s, principal=principal, item_case_id=item_case_id)
        self.case, self.item = view["case"], view["item"]
        self.materials, self.siblings, self.history = (
            view["materials"],
            view["items"],
            view["history"],
        )
        self.is_lead = view["case"]["lead_department_id"] == str(principal.department_id)
        self.ticked, self.on_commitment = [], False
        self.visit_date = today_in_china().isoformat()
        self._load_joint(principal)

    @rx.event
    def open_case(self, item_case_id: str) -> None:
        self.message, self.error, self.opinion = "", "", ""
        try:
            self._open(int(item_case_id))
        except DomainError as exc:
            self.error = self._error(exc)

    @rx.event
    def open_stage(self, stage_case_id: str) -> None:
        """The lead department's view of a whole stage case."""
        self.message, self.error, self.opinion = "", "", ""
        try:
            principal = self._require(ROUTE)
            with Session(get_engine()) as s:
                view = workbench.stage_case_view(
                    s, principal=principal, stage_case_id=int(stage_case_id)
                )
        except DomainError as exc:
            self.error = self._error(exc)
            return
        self.case, self.item, self.history = view["case"], {}, []
        self.materials, self.siblings = view["materials"], view["items"]
        self.is_lead = view["case"]["lead_department_id"] == str(principal.department_id)
        self.visit_date = today_in_china().isoformat()
        self._load_joint()

    @rx.event
    def toggle(self, code: str, checked: bool) -> None:
        if checked and code not in self.ticked:
            self.ticked = [*self.ticked, code]
        elif not checked:
            self.ticked = [c for c in self.ticked if c != code]

    @rx.event
    def set_opinion(self, value: str) -> None:
        self.opinion = value

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
        case_id = int(self.item.get("id", "0") or 0)
        stage_id = int(self.case.get("id", "0") or 0)
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
        if not self._perform(ROUTE, calls[action], "workbench.done"):
            return
        self.opinion = ""
        if case_id:
            self._after(lambda: self._open(case_id), self._load_inbox)
        else:
            self.case = {**self.case, "status": "closed"}
            self._after(self._load_inbox)

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

    @rx.event
    def reply(self, alert_id: str) -> None:
        """Answer a supervision notice (督办) for this department."""
        if acted := self._perform(
            ROUTE,
            lambda s, p: supervision.act_on_alert(
                s, principal=p, alert_id=int(alert_id), kind="reply", text=self.opinion
            ),
            "supervision.done",
        ):
            self.opinion = ""
            self._load_inbox(acted)
