"""The supervision page's national-reporting tab (数据上报): what the national system accepted
and rejected, and sending a corrected record again. Supervisors and administrators, each in
their own region."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from eap.db import get_engine
from eap.services.core.principal import Principal, Role
from eap.services.exchange import report
from eap.services.exchange.report import CountRow, RejectedRow
from eap.state.core.base import AppState

SUPERVISION = "/supervision"
VIEWERS = (Role.SUPERVISOR, Role.ADMIN)


class ReportingState(AppState):
    counts: list[CountRow] = []
    rejected: list[RejectedRow] = []
    totals: str = ""
    last_round: str = ""
    message: str = ""
    error: str = ""

    @rx.event
    def load(self) -> None:
        """On the page's load: an administrator sees this tab at once; a supervisor opens it
        (``show``), so the alerts do not wait for the outbox's figures."""
        principal = self._principal()
        self.message, self.error = "", ""
        if principal is not None and principal.role == Role.ADMIN:
            self._refresh(principal)

    @rx.event
    def show(self) -> None:
        principal = self._principal()
        if principal is None or principal.role not in VIEWERS:
            return  # the board's own on-load redirects
        self.message, self.error = "", ""
        self._refresh(principal)

    def _refresh(self, principal: Principal) -> None:
        with Session(get_engine()) as s:
            view = report.reporting_view(s, principal=principal)
        self.counts, self.rejected = view.counts, view.rejected
        self.totals = self._tr("spgl.totals", **view.totals)
        if view.last_round_at is None:
            self.last_round = self._tr("spgl.never")
        else:
            figures = {k: view.last_round.get(k, 0) for k in ("sent", "accepted", "rejected")}
            self.last_round = self._tr(
                "spgl.last_round",
                at=view.last_round_at,
                pending=view.last_round.get("pending", 0),
                **figures,
            )

    def _resend(self, ids: list[int]) -> None:
        written: list[int] = []
        principal = self._perform(
            SUPERVISION,
            lambda s, p: written.append(report.resend(s, principal=p, version_ids=ids)),
            "spgl.resent",
        )
        if principal is not None:
            self.message = self._tr("spgl.resent", n=sum(written))
            self._refresh(principal)

    @rx.event
    def resend(self, version_id: int) -> None:
        self._resend([version_id])

    @rx.event
    def resend_all(self) -> None:
        self._resend([r.version_id for r in self.rejected])
