"""The big screen's switchable panels: the ranking or the monthly trend; the cases overdue
now or the slowest departments or items; and 一张蓝图's filters under the map."""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx

from eap.components.screen import INK, MUTED, TONE, panel
from eap.state.screen.board import ScreenState as S

T = S.t
CONFIG = {"displayModeBar": False, "responsive": True}


def _switch(value: rx.Var, on_change, options: list[tuple[str, str]], id_: str) -> rx.Component:  # noqa: ANN001
    return rx.segmented_control.root(
        *[rx.segmented_control.item(T[key], value=v) for v, key in options],
        value=value,
        on_change=on_change,
        size="1",
        id=id_,
    )


def ranking_or_trend(ranking_title: rx.Var) -> rx.Component:
    return panel(
        rx.hstack(
            rx.text(
                rx.cond(S.chart_view == "trend", T["screen.trend_title"], ranking_title),
                size="5",
                weight="bold",
                color=INK,
            ),
            rx.spacer(),
            _switch(
                S.chart_view,
                S.set_chart_view,
                [("ranking", "screen.switch.ranking"), ("trend", "screen.switch.trend")],
                "chart-switch",
            ),
            margin_bottom="0.4em",
            width="100%",
        ),
        rx.cond(
            S.chart_view == "trend",
            rx.plotly(
                data=S.trend_fig.to(go.Figure),
                width="100%",
                height="330px",
                use_resize_handler=True,
                config=CONFIG,
                id="trend-chart",
            ),
            rx.plotly(
                data=S.ranking_fig.to(go.Figure),
                width="100%",
                height="330px",
                use_resize_handler=True,
                config=CONFIG,
            ),
        ),
        width="100%",
        id="ranking-panel",
    )


def _slow_row(r: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(r.name, size="3", color=INK, trim="both"),
        rx.spacer(),
        rx.text(
            T["screen.slow_days"].to(str).replace("{days}", r.days.to(str)),
            size="3",
            color=TONE["bad"],
            white_space="nowrap",
        ),
        rx.text(
            T["screen.slow_count"].to(str).replace("{n}", r.count.to(str)),
            size="2",
            color=MUTED,
            white_space="nowrap",
        ),
        padding_y="0.3em",
        border_bottom="1px solid #1c3a66",
        width="100%",
        class_name="slow-row",
    )


def _slow(rows: rx.Var) -> rx.Component:
    return rx.cond(
        rows.length() > 0,
        rx.vstack(rx.foreach(rows, _slow_row), spacing="0", width="100%"),
        rx.text(T["screen.no_slow"], color=MUTED),
    )


def lists_panel(overdue: rx.Component) -> rx.Component:
    """超期办件, or the period's slowest departments or items."""
    return panel(
        rx.hstack(
            rx.text(
                rx.match(
                    S.list_view,
                    ("slow_departments", T["screen.slow_departments_title"]),
                    ("slow_items", T["screen.slow_items_title"]),
                    T["screen.overdue_title"],
                ),
                size="5",
                weight="bold",
                color=INK,
            ),
            rx.spacer(),
            _switch(
                S.list_view,
                S.set_list_view,
                [
                    ("overdue", "screen.switch.overdue"),
                    ("slow_departments", "screen.switch.departments"),
                    ("slow_items", "screen.switch.items"),
                ],
                "list-switch",
            ),
            margin_bottom="0.4em",
            width="100%",
            wrap="wrap",
        ),
        rx.box(
            rx.match(
                S.list_view,
                ("slow_departments", _slow(S.view.slow_departments)),
                ("slow_items", _slow(S.view.slow_items)),
                overdue,
            ),
            max_height="190px",
            overflow_y="auto",
            id="list-body",
        ),
        width="100%",
        id="overdue-panel",
    )


def _pick(name: str, options: list[tuple[str, str]], value: rx.Var, id_: str) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(id=id_, variant="soft"),
        rx.select.content(*[rx.select.item(T[key], value=v) for v, key in options]),
        value=value,
        on_change=lambda v: S.set_site_filter(name, v),
        size="1",
    )


def blueprint_filters() -> rx.Component:
    """一张蓝图: which projects the map draws, and what their colour means."""
    return rx.hstack(
        rx.text(T["screen.sites"], size="2", color=MUTED),
        _pick(
            "site_type",
            [("all", "screen.filter.all_types")] + [(str(n), f"ptype.{n}") for n in range(1, 7)],
            S.site_type,
            "site-type",
        ),
        _pick(
            "site_stage",
            [("all", "screen.filter.all_stages")] + [(str(n), f"stage.{n}") for n in range(1, 6)],
            S.site_stage,
            "site-stage",
        ),
        _pick(
            "site_status",
            [
                ("all", "screen.filter.all_status"),
                ("overdue", "screen.filter.overdue"),
                ("on_time", "screen.filter.on_time"),
            ],
            S.site_status,
            "site-status",
        ),
        _pick(
            "site_window",
            [("all", "screen.filter.any_time"), ("period", "screen.filter.in_period")],
            S.site_window,
            "site-window",
        ),
        _pick(
            "site_colour",
            [("stage", "screen.colour.stage"), ("overdue", "screen.colour.overdue")],
            S.site_colour,
            "site-colour",
        ),
        rx.text(
            T["screen.sites_shown"].to(str).replace("{n}", S.shown_sites.to(str)),
            size="2",
            color=MUTED,
            id="sites-shown",
        ),
        wrap="wrap",
        spacing="2",
        align="center",
    )
