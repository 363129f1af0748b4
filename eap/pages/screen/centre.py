"""审批省级监管中心 (/screen/centre): data freshness, limit compliance and the reform's
indicators for every city, and the monthly 通报 as PDF and Excel."""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx

from eap.components.forms import field_error
from eap.components.shell import shell
from eap.components.tables import table_header
from eap.services.screen.centre import CityRow
from eap.services.screen.figures import TargetFigure
from eap.state.screen.centre import CentreState as C

T = C.t
CITY_COLUMNS = (
    "city",
    "last_event",
    "silent_days",
    "accepted",
    "completed",
    "on_time",
    "overdue_now",
    "avg_days",
    "applications",
    "items",
    "materials",
    "owed",
    "promise",
)


def _opt(value: rx.Var, unit: str = "") -> rx.Component:
    return rx.cond(value.is_none(), "—", value.to(str) + unit)


def _city_row(r: rx.Var[CityRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                rx.text(r.name),
                rx.cond(r.silent, rx.badge(T["centre.silent_flag"], color_scheme="red")),
                spacing="2",
            )
        ),
        rx.table.cell(rx.cond(r.last_event != "", r.last_event, "—")),
        rx.table.cell(
            rx.cond(r.silent, rx.text(r.silent_days, color_scheme="red"), rx.text(r.silent_days))
        ),
        rx.table.cell(r.accepted),
        rx.table.cell(r.completed),
        rx.table.cell(_opt(r.on_time_pct, "%")),
        rx.table.cell(r.overdue_now),
        rx.table.cell(_opt(r.avg_days)),
        rx.table.cell(r.applications),
        rx.table.cell(_opt(r.items_per_application)),
        rx.table.cell(_opt(r.materials_per_application)),
        rx.table.cell(_opt(r.owed_pct, "%")),
        rx.table.cell(_opt(r.promise_pct, "%")),
        class_name=rx.cond(r.silent, "silent-city", ""),
    )


def _target_row(x: rx.Var[TargetFigure]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.cond(C.lang == "zh", x.name_zh, x.name_en)),
        rx.table.cell(x.completed),
        rx.table.cell(_opt(x.avg_days)),
        rx.table.cell(_opt(x.target)),
        rx.table.cell(
            rx.cond(
                x.met,
                rx.badge(T["answer.yes"], color_scheme="green"),
                rx.badge(T["answer.no"], color_scheme="red"),
            )
        ),
    )


def _controls() -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.el.label(T["centre.month"], html_for="centre-month"),
            rx.input(
                type="month",
                value=C.month,
                on_change=C.set_month,
                id="centre-month",
                aria_invalid=C.field_errors.contains("month"),
            ),
            field_error(C, "month"),
            spacing="1",
        ),
        rx.button(T["centre.show"], on_click=C.show, id="centre-show"),
        rx.spacer(),
        rx.link(
            rx.button(T["centre.download_pdf"], variant="soft"),
            href=C.pdf_href,
            is_external=True,
            id="centre-pdf",
        ),
        rx.link(
            rx.button(T["centre.download_xlsx"], variant="soft"),
            href=C.xlsx_href,
            is_external=True,
            id="centre-xlsx",
        ),
        align="end",
        wrap="wrap",
        spacing="3",
        width="100%",
    )


def centre_page() -> rx.Component:
    p = C.view.province
    return shell(
        rx.vstack(
            rx.heading(T["centre.title"], size="6", id="home-title"),
            _controls(),
            rx.cond(C.error != "", rx.callout(C.error, color_scheme="red", icon="triangle_alert")),
            rx.text(
                T["centre.period"]
                .to(str)
                .replace("{start}", C.view.start)
                .replace("{end}", C.view.end),
                size="2",
                color_scheme="gray",
            ),
            rx.cond(
                C.silent_message != "",
                rx.callout(
                    C.silent_message, color_scheme="red", icon="triangle_alert", id="centre-silent"
                ),
            ),
            rx.grid(
                *[
                    rx.card(
                        rx.text(T[key], size="1", color_scheme="gray"),
                        rx.heading(value, size="6"),
                    )
                    for key, value in (
                        ("centre.col.accepted", p.accepted.to(str)),
                        ("centre.col.completed", p.completed.to(str)),
                        ("centre.col.on_time", _opt(p.on_time_pct, "%")),
                        ("centre.col.overdue_now", p.overdue_now.to(str)),
                        ("centre.col.avg_days", _opt(p.avg_days)),
                        ("centre.col.owed", _opt(p.owed_pct, "%")),
                        ("centre.col.promise", _opt(p.promise_pct, "%")),
                    )
                ],
                columns=rx.breakpoints(initial="2", sm="4", lg="7"),
                spacing="3",
                width="100%",
                id="centre-province",
            ),
            rx.card(
                rx.plotly(
                    data=C.on_time.to(go.Figure), width="100%", config={"displayModeBar": False}
                ),
                width="100%",
            ),
            rx.card(
                rx.box(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                *[
                                    rx.table.column_header_cell(T[f"centre.col.{c}"])
                                    for c in CITY_COLUMNS
                                ]
                            )
                        ),
                        rx.table.body(rx.foreach(C.view.cities, _city_row)),
                        size="1",
                        width="100%",
                        id="centre-cities",
                    ),
                    overflow_x="auto",
                ),
                width="100%",
            ),
            rx.card(
                rx.heading(T["centre.sheet.targets"], size="3"),
                rx.table.root(
                    table_header(
                        "centre.col.process_type",
                        "centre.col.completed",
                        "centre.col.avg_days",
                        "centre.col.target",
                        "centre.col.met",
                    ),
                    rx.table.body(rx.foreach(C.view.targets, _target_row)),
                    size="1",
                    width="100%",
                    id="centre-targets",
                ),
                width="100%",
            ),
            width="100%",
            spacing="4",
        )
    )
