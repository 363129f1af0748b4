"""State of the supervision pages (/supervision): alerts, anomalies, KPIs, rankings."""

from __future__ import annotations

import datetime as dt
import math

import plotly.graph_objects as go
import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from eap.db import get_engine, session_scope
from eap.errors import DomainError
from eap.services.approval.rows import HistoryRow
from eap.services.core import exports
from eap.services.core.clock import today_in_china
from eap.services.core.principal import Principal
from eap.services.supervision import alerts as supervision, views as supervision_views
from eap.services.supervision.alerts import AlertRow
from eap.services.supervision.kpi import GRAIN, kpis
from eap.services.supervision.views import AnomalyRow, CaseDetail
from eap.state.core.base import AppState
from eap.state.supervision.reporting import ReportingState

ROUTE = "/supervision"
PAGE = 20


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{v * 100:.1f}%"


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
    ranking: go.Figure = go.Figure()
    trend: go.Figure = go.Figure()
    distribution: go.Figure = go.Figure()

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
                self._load_kpis()
            elif tab == "ranking":
                self._load_rankings()
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
        return rx.download(data=data, filename="alerts.xlsx")

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
        return rx.download(data=data, filename="anomalies.xlsx")

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

    def _kpi_table(self, principal: Principal | None = None) -> list[dict[str, str]]:
        principal = principal or self._require(ROUTE)
        start, end = self._period()
        from eap.services.core.authz import region_prefix

        with Session(get_engine()) as s:
            names = supervision_views.dimension_names(s, group_by=self.group_by, lang=self.lang)
            rows = kpis(
                s,
                start=start,
                end=end,
                group_by=self.group_by,
                region_prefix=region_prefix(principal.region_code or "") or "-",
            )
        return [
            {
                "key": names.get(r.key, r.key),
                "accepted": str(r.accepted),
                "completed": str(r.completed),
                "on_time": _pct(r.on_time_rate),
                "overdue": _pct(r.overdue_rate),
                "avg": "-" if r.avg_days is None else f"{r.avg_days:.1f}",
                "p90": "-" if r.p90_days is None else str(r.p90_days),
                "supplement": _pct(r.supplement_rate),
                "refusal": _pct(r.refusal_rate),
                "special": str(r.special_days),
                "satisfaction": _pct(r.satisfaction),
            }
            for r in rows
        ]

    def _load_kpis(self, principal: Principal | None = None) -> None:
        self.kpi_rows = self._kpi_table()
        start, end = self._period()
        principal = principal or self._require(ROUTE)
        from eap.services.core.authz import region_prefix
        from eap.services.supervision.kpi import project_kpis

        prefix = region_prefix(principal.region_code or "") or "-"
        with Session(get_engine()) as s:
            names = supervision_views.region_names(s)
            data = project_kpis(s, start=start, end=end)
        self.project_rows = [
            {
                "key": names.get(k, k),
                "completed": str(v["completed"]),
                "avg": "-" if v["avg_days"] is None else f"{v['avg_days']:.1f}",
                "within": _pct(v["within_target_rate"]),
            }
            for k, v in sorted(data.items())
            if k.startswith(prefix)
        ]

    @rx.event
    def load_kpis(self) -> None:
        try:
            self._load_kpis()
            self.message = ""
        except Exception as exc:
            self.message = self._error(exc)

    @rx.event
    def export_kpis(self) -> EventSpec | None:
        try:
            rows = self._kpi_table()
        except Exception as exc:
            self.message = self._error(exc)
            return None
        cols = [
            "key",
            "accepted",
            "completed",
            "on_time",
            "overdue",
            "avg",
            "p90",
            "supplement",
            "refusal",
            "special",
            "satisfaction",
        ]
        data = exports.to_xlsx(
            title=self._tr("supervision.kpi"),
            filters=f"{self.kpi_start} ~ {self.kpi_end}, {self._tr('kpi.by.' + self.group_by)}",
            headers=[self._tr(f"kpi.col.{c}") for c in cols],
            rows=[[r[c] for c in cols] for r in rows],
        )
        return rx.download(data=data, filename="kpi.xlsx")

    @rx.event
    def export_project_kpis(self) -> EventSpec | None:
        try:
            self._load_kpis()
        except Exception as exc:
            self.message = self._error(exc)
            return None
        cols = ["key", "completed", "avg", "within"]
        data = exports.to_xlsx(
            title=self._tr("kpi.projects"),
            filters=f"{self.kpi_start} ~ {self.kpi_end}",
            headers=[self._tr(f"kpi.pcol.{c}") for c in cols],
            rows=[[r[c] for c in cols] for r in self.project_rows],
        )
        return rx.download(data=data, filename="full-process.xlsx")

    # --- rankings -----------------------------------------------------------------------
    def _load_rankings(self, principal: Principal | None = None) -> None:
        principal = principal or self._require(ROUTE)
        start, end = self._period()
        with Session(get_engine()) as s:
            ranked = supervision_views.city_ranking(s, principal=principal, start=start, end=end)
            trend = supervision_views.monthly_trend(s, principal=principal, start=start, end=end)
            dist = supervision_views.used_days_distribution(
                s, principal=principal, start=start, end=end
            )
        names = [r["name"] for r in ranked]
        rates = [round((r["row"].on_time_rate or 0) * 100, 1) for r in ranked]
        self.ranking = go.Figure(
            go.Bar(x=rates, y=names, orientation="h", marker_color="#1565c0", text=rates)
        )
        self.ranking.update_layout(
            title=self._tr("ranking.title"),
            height=420,
            autosize=True,
            yaxis={"autorange": "reversed"},
            margin={"l": 90, "r": 20, "t": 50, "b": 30},
        )
        # Readable: the scope's line, the best and the worst city; the others on demand
        # (a click on their legend entry), not eleven lines on top of each other.
        pct = [None if v is None else round(v * 100, 1) for v in trend.scope]
        lines = [
            go.Scatter(
                x=trend.months,
                y=pct,
                mode="lines+markers",
                name=self._tr("ranking.scope_line"),
                line={"color": "#263238", "width": 4},
            )
        ]
        for city, points in trend.cities.items():
            style = {trend.best: "#2e7d32", trend.worst: "#c62828"}.get(city)
            label = city
            if city == trend.best:
                label = f"{city}（{self._tr('ranking.best')}）"
            elif city == trend.worst:
                label = f"{city}（{self._tr('ranking.worst')}）"
            lines.append(
                go.Scatter(
                    x=trend.months,
                    y=[None if v is None else round(v * 100, 1) for v in points],
                    mode="lines+markers",
                    name=label,
                    line={"color": style} if style else {},
                    visible=True if style else "legendonly",
                )
            )
        self.trend = go.Figure(lines)
        self.trend.update_layout(
            title=self._tr("ranking.trend"),
            height=380,
            autosize=True,
            margin={"l": 50, "r": 20, "t": 50, "b": 30},
        )
        self.distribution = go.Figure(
            go.Bar(x=list(dist), y=list(dist.values()), marker_color="#2e7d32")
        )
        self.distribution.update_layout(
            title=self._tr("ranking.distribution"),
            height=340,
            autosize=True,
            margin={"l": 50, "r": 20, "t": 50, "b": 30},
        )

    @rx.event
    def load_rankings(self) -> None:
        try:
            self._load_rankings()
            self.message = ""
        except Exception as exc:
            self.message = self._error(exc)
