"""审批省级监管中心 (/screen/centre): one month of every city, and the monthly 通报 downloads."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from eap.db import get_engine
from eap.errors import DomainError
from eap.services.screen.centre import CentreView, centre_view
from eap.state.core.base import AppState
from eap.state.core.blank import blank_figure, figure_json

CENTRE = "/screen/centre"


class CentreState(AppState):
    view: CentreView = CentreView()
    month: str = ""
    field_errors: dict[str, str] = {}
    error: str = ""
    on_time: dict[str, Any] = blank_figure()
    silent_message: str = ""

    @rx.var
    def pdf_href(self) -> str:
        return f"/centre/bulletin.pdf?month={self.view.month}"

    @rx.var
    def xlsx_href(self) -> str:
        return f"/centre/bulletin.xlsx?month={self.view.month}"

    @rx.event
    def load(self) -> EventSpec | None:
        principal, redirect = self._admit(CENTRE)
        if principal is None:
            return redirect
        self.month, self.field_errors, self.error = "", {}, ""
        self._show()
        return None

    @rx.event
    def set_month(self, value: str) -> None:
        self.month = value

    @rx.event
    def show(self) -> None:
        self._show()

    def _show(self) -> None:
        self.field_errors, self.error = {}, ""
        try:
            principal = self._require(CENTRE)
            with Session(get_engine()) as s:
                view = centre_view(s, principal=principal, month=self.month or None)
        except DomainError as exc:
            if exc.field:
                self.field_errors = {exc.field: exc.translate(self.lang)}
            else:
                self.error = exc.translate(self.lang)
            return
        self.view, self.month = view, view.month
        self.on_time = figure_json(self._on_time_figure(view))
        silent = [r.name for r in view.cities if r.silent]
        self.silent_message = (
            self._tr("centre.silent_list", days=view.silent_threshold, cities="、".join(silent))
            if silent
            else ""
        )

    def _on_time_figure(self, view: CentreView) -> go.Figure:
        names = [r.name for r in view.cities]
        fig = go.Figure(
            go.Bar(
                x=names,
                y=[r.on_time_pct for r in view.cities],
                marker_color=[
                    "#c0392b" if (r.on_time_pct or 0) < 95 else "#2e86c1" for r in view.cities
                ],
                hovertemplate="%{x}: %{y}%<extra></extra>",
            )
        )
        fig.add_hline(y=95, line_dash="dash", line_color="#7f8c8d")
        fig.update_layout(
            title=self._tr("centre.chart.on_time"),
            height=300,
            margin={"l": 40, "r": 10, "t": 40, "b": 60},
            yaxis={"range": [0, 105]},
        )
        return fig
