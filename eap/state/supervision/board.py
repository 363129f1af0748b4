"""State of the supervision pages (/supervision): alerts, anomalies, KPIs, rankings."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from eap.db import get_engine, session_scope
from eap.errors import DomainError
from eap.i18n import t
from eap.services.approval.rows import HistoryRow
from eap.services.core import exports
from eap.services.core.clock import today_in_china
from eap.services.core.principal import Principal
from eap.services.supervision import alerts as supervision, views as supervision_views
from eap.services.supervision.alerts import AlertRow
from eap.services.supervision.kpi import GRAIN
from eap.services.supervision.views import AnomalyRow, CaseDetail
from eap.state.core import offload
from eap.state.core.base import AppState
from eap.state.supervision.figures import (
    KPI_COLUMNS,
    PROJECT_COLUMNS,
    both_tables,
    kpi_workbook,
    project_workbook,
    ranking_figures,
)
from eap.state.supervision.reporting import ReportingState

ROUTE = "/supervision"
PAGE = 20


T = TypeVar("T")


@dataclass(frozen=True)
class _Asked:
    principal: Principal
    start: dt.date
    end: dt.date
    group_by: str
    lang: str


class SupervisionState(AppState):
    province_level: bool = False  # the provincial centre is one click away
    tab: str = "alerts"
    level: str = ""
    status: str = "open"
    alerts: list[AlertRow] = []
    page: int = 1
    pages: int = 1
    detail: CaseDetail = CaseDetail()  # the examined item case; case_no "" when none
    events: list[HistoryRow] = []
    selected_alert: int = 0
    panel_open: bool = False  # the selected alert's dialog
    selected_case: str = ""
    action_text: str = ""
    message: str = ""
    anomalies: list[AnomalyRow] = []
    kpi_start: str = ""
    kpi_end: str = ""
    group_by: str = "city_code"
    kpi_rows: list[dict[str, str]] = []
    project_rows: list[dict[str, str]] = []
    # the rankings' figures as JSON (state/supervision/figures.py says why), drawn as figures
    ranking: dict[str, Any] = {}
    trend: dict[str, Any] = {}
    distribution: dict[str, Any] = {}
    # a figure, table or export is being computed: its buttons wait (and say so) meanwhile
    computing: bool = False

    # --- loading ------------------------------------------------------------------------
    @rx.event
    def load(self) -> EventSpec | None:
        principal, redirect = self._admit(ROUTE)
        if principal is None:
            return redirect
        # a page opened afresh starts on the alerts with no case open (the browser tab's state
        # outlives a sign-out)
        self.tab = "alerts" if principal.role == "supervisor" else "reporting"
        self.province_level = principal.region_code == "360000"
        self.panel_open, self.selected_alert, self.selected_case = False, 0, ""
        self.message = ""
        if principal.role != "supervisor":  # an administrator: the reporting tab only
            return None
        today = today_in_china()
        if not self.kpi_start:
            self.kpi_start = today.replace(day=1, month=1).isoformat()
            self.kpi_end = today.isoformat()
        self._load_alerts(principal)
        return None

    def _load_alerts(self, principal: Principal | None = None) -> None:
        principal = principal or self._require(ROUTE)
        with Session(get_engine()) as s:
            rows, total = supervision.list_alerts(
                s,
                principal=principal,
                level=self.level,
                status=self.status,
                page=self.page,
                size=PAGE,
            )
        self.pages = max(1, math.ceil(total / PAGE))
        self.alerts = rows

    @rx.event
    def set_tab(self, tab: str) -> EventSpec | None:
        self.tab, self.message = tab, ""
        if tab == "reporting":
            # read when asked for: the figures are an aggregate over the outbox
            return ReportingState.show  # type: ignore[return-value]  # an event of another state
        try:
            if tab == "anomalies":
                self._load_anomalies()
            elif tab == "kpi":
                return SupervisionState.load_kpis  # a background event
            elif tab == "ranking":
                return SupervisionState.load_rankings
            elif tab == "market":
                pass  # loaded by its own state's on-load
            else:
                self._load_alerts()
        except (DomainError, ValueError) as exc:
            self.message = self._error(exc)
        return None

    @rx.event
    def set_level(self, value: str) -> None:
        self.level = "" if value == "all" else value
        self.page = 1
        self._load_alerts()

    @rx.event
    def set_status(self, value: str) -> None:
        self.status = "" if value == "all" else value
        self.page = 1
        self._load_alerts()

    @rx.event
    def goto_page(self, delta: int) -> None:
        self.page = min(max(1, self.page + delta), self.pages)
        self._load_alerts()

    # --- one alert ----------------------------------------------------------------------
    @rx.event
    def open_alert(self, alert_id: int, target_kind: str, target_id: int, case_no: str) -> None:
        """Open the case in a dialog over the list, wherever the list was scrolled to (it
        used to open below a full page of alerts, out of sight); its row stays marked."""
        self.selected_alert, self.action_text, self.message = alert_id, "", ""
        self.detail, self.events, self.panel_open = CaseDetail(), [], True
        self.selected_case = case_no  # kept: acting may move the alert out of the filtered list
        if target_kind != "item":
            return
        try:
            principal = self._require(ROUTE)
            with Session(get_engine()) as s:
                detail = supervision_views.case_detail(
                    s, principal=principal, item_case_id=target_id
                )
        except DomainError as exc:
            self.message = self._error(exc)
            return
        self.detail, self.events = detail, detail.events

    @rx.event
    def set_panel_open(self, is_open: bool) -> None:
        self.panel_open = is_open
        if not is_open:
            self.message = ""

    @rx.event
    def set_action_text(self, value: str) -> None:
        self.action_text = value

    @rx.event
    def act(self, kind: str) -> None:
        """Acknowledge, comment, issue a 督办 notice or close; re-authorised in the service."""
        try:
            principal = self._require(ROUTE)
            with session_scope() as s:
                supervision.act_on_alert(
                    s,
                    principal=principal,
                    alert_id=self.selected_alert,
                    kind=kind,
                    text=self.action_text,
                )
            self.action_text = ""
            self.message = self._tr("supervision.done")
            self._load_alerts()
        except Exception as exc:
            self.message = self._error(exc)

    @rx.event
    def export_alerts(self) -> EventSpec:
        headers = [
            "level",
            "status",
            "case_no",
            "project",
            "item",
            "department",
            "due_date",
            "raised_at",
        ]
        data = exports.to_xlsx(
            title=self._tr("supervision.alerts"),
            filters=f"level={self.level or 'all'} status={self.status or 'all'}",
            headers=[self._tr(f"supervision.col.{h}") for h in headers],
            rows=[
                [
                    self._tr(f"alert.level.{a.level}") if h == "level" else str(getattr(a, h))
                    for h in headers
                ]
                for a in self._all_alerts()
            ],
        )
        return self._audited_download(data, "alerts.xlsx")

    def _all_alerts(self, principal: Principal | None = None) -> list[AlertRow]:
        principal = principal or self._require(ROUTE)
        with Session(get_engine()) as s:
            rows, _ = supervision.list_alerts(
                s, principal=principal, level=self.level, status=self.status, page=1, size=100_000
            )
        return rows

    # --- anomalies ----------------------------------------------------------------------
    def _load_anomalies(self, principal: Principal | None = None) -> None:
        principal = principal or self._require(ROUTE)
        with Session(get_engine()) as s:
            self.anomalies, _ = supervision_views.list_anomalies(
                s, principal=principal, size=200, lang=self.lang
            )

    @rx.event
    def act_anomaly(self, anomaly_id: int, kind: str) -> None:
        try:
            principal = self._require(ROUTE)
            with session_scope() as s:
                supervision_views.act_on_anomaly(
                    s,
                    principal=principal,
                    anomaly_id=anomaly_id,
                    kind=kind,
                    text=self.action_text,
                )
            self.action_text, self.message = "", self._tr("supervision.done")
            self._load_anomalies()
        except Exception as exc:
            self.message = self._error(exc)

    @rx.event
    def export_anomalies(self) -> EventSpec:
        self._load_anomalies()
        cols = ["kind", "subject", "region", "evidence", "detected", "status"]
        data = exports.to_xlsx(
            title=self._tr("supervision.anomalies"),
            filters="",
            headers=[self._tr(f"supervision.col.{c}") for c in cols],
            rows=[[getattr(a, c) for c in cols] for a in self.anomalies],
        )
        return self._audited_download(data, "anomalies.xlsx")

    # --- KPIs ---------------------------------------------------------------------------
    @rx.event
    def set_kpi_start(self, value: str) -> None:
        self.kpi_start = value

    @rx.event
    def set_kpi_end(self, value: str) -> None:
        self.kpi_end = value

    @rx.event
    def set_group_by(self, value: str) -> None:
        if value in GRAIN:
            self.group_by = value

    def _period(self) -> tuple[dt.date, dt.date]:
        try:
            start, end = dt.date.fromisoformat(self.kpi_start), dt.date.fromisoformat(self.kpi_end)
        except ValueError:
            raise DomainError("supervision.bad_period") from None
        if end < start:
            raise DomainError("supervision.bad_period")
        return start, end

    # The slow parts below are background events: who asks and for which period is checked
    # under the state's lock, the reading and building runs in another process
    # (state/core/offload, state/supervision/figures.py), so other users' events on this
    # worker go on meanwhile, without waiting on the interpreter lock either.
    async def _asked(self) -> _Asked | None:
        async with self:
            try:
                principal, (start, end) = self._require(ROUTE), self._period()
            except Exception as exc:
                self.message = self._error(exc)
                return None
            self.computing = True
            return _Asked(principal, start, end, self.group_by, self.lang)

    async def _offloaded(self, work: Callable[..., T], *args: Any) -> T | None:
        """``work(*args)`` in the worker's offload process; its failure becomes the page's
        message."""
        try:
            return await offload.run(work, *args)
        except Exception as exc:
            async with self:
                self.message, self.computing = self._error(exc), False
            return None

    def _hand_over(self, data: bytes, filename: str) -> EventSpec | None:
        """The finished export to the browser (audited), or why it cannot be."""
        self.computing = False
        try:
            return self._audited_download(data, filename)
        except Exception as exc:  # the audit could not be written: no export without it
            self.message = self._error(exc)
            return None

    @rx.event(background=True)
    async def load_kpis(self) -> None:
        if (q := await self._asked()) is None:
            return
        tables = await self._offloaded(both_tables, q.principal, q.start, q.end, q.group_by, q.lang)
        if tables is not None:
            async with self:
                (self.kpi_rows, self.project_rows), self.message = tables, ""
                self.computing = False

    @rx.event(background=True)
    async def export_kpis(self) -> AsyncIterator[EventSpec | None]:
        if (q := await self._asked()) is None:
            return
        by = t(f"kpi.by.{q.group_by}", q.lang)
        data = await self._offloaded(
            kpi_workbook,
            q.principal,
            q.start,
            q.end,
            q.group_by,
            q.lang,
            t("supervision.kpi", q.lang),
            f"{q.start} ~ {q.end}, {by}",
            [t(f"kpi.col.{c}", q.lang) for c in KPI_COLUMNS],
        )
        if data is not None:
            async with self:
                yield self._hand_over(data, "kpi.xlsx")

    @rx.event(background=True)
    async def export_project_kpis(self) -> AsyncIterator[EventSpec | None]:
        if (q := await self._asked()) is None:
            return
        data = await self._offloaded(
            project_workbook,
            q.principal,
            q.start,
            q.end,
            t("kpi.projects", q.lang),
            f"{q.start} ~ {q.end}",
            [t(f"kpi.pcol.{c}", q.lang) for c in PROJECT_COLUMNS],
        )
        if data is not None:
            async with self:
                yield self._hand_over(data, "full-process.xlsx")

    @rx.event(background=True)
    async def load_rankings(self) -> None:
        if (q := await self._asked()) is None:
            return
        figures = await self._offloaded(ranking_figures, q.principal, q.start, q.end, q.lang)
        if figures is not None:
            async with self:
                self.message, self.computing = "", False
                # the same figures again (the tab clicked twice, within the cache's minute)
                # are not sent to the browser again
                if figures != (self.ranking, self.trend, self.distribution):
                    self.ranking, self.trend, self.distribution = figures
