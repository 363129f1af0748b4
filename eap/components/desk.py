"""Workbench side panels: replies to consultations and complaints; today's appointments."""

from __future__ import annotations

import reflex as rx

from eap.components.inquiries import inquiry_row
from eap.components.shell import pager
from eap.state.approval.desk import RepliesState as R, TodayState as D

T = R.t


def _feedback(state: type) -> rx.Component:
    return rx.fragment(
        rx.cond(state.message != "", rx.callout(state.message, color_scheme="green", size="1")),
        rx.cond(state.error != "", rx.callout(state.error, color_scheme="red", size="1")),
    )


def replies_panel() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(T["inquiry.department_list"], size="4"),
                rx.badge(R.total),
                rx.spacer(),
                rx.select.root(
                    rx.select.trigger(size="1"),
                    rx.select.content(
                        rx.select.item(T["inquiry.status.open"], value="open"),
                        rx.select.item(T["inquiry.status.answered"], value="answered"),
                        rx.select.item(T["inquiry.status.closed"], value="closed"),
                        rx.select.item(T["filter.all_status"], value="all"),
                    ),
                    value=rx.cond(R.status == "", "all", R.status),
                    on_change=R.set_status,
                ),
                rx.button(
                    rx.icon("file_spreadsheet", size=14),
                    T["export.xlsx"],
                    on_click=R.export,
                    size="1",
                    variant="soft",
                    id="export-replies",
                ),
                width="100%",
                align="center",
            ),
            _feedback(R),
            rx.cond(
                R.rows.length() > 0,
                rx.foreach(R.rows, lambda row: inquiry_row(row, R, staff=True)),
                rx.text(T["inquiry.none"], color_scheme="gray", size="2", id="replies-empty"),
            ),
            rx.cond(R.pages > 1, pager(R)),
            width="100%",
        ),
        width="100%",
        id="replies-panel",
    )


def today_panel() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(T["appointment.today"], size="4"),
                rx.badge(D.rows.length()),
                rx.spacer(),
                rx.button(
                    rx.icon("file_spreadsheet", size=14),
                    T["export.xlsx"],
                    on_click=D.export,
                    size="1",
                    variant="soft",
                    id="export-today",
                ),
                width="100%",
                align="center",
            ),
            _feedback(D),
            rx.cond(
                D.rows.length() > 0,
                rx.scroll_area(
                    rx.table.root(
                        rx.table.body(
                            rx.foreach(
                                D.rows,
                                lambda a: rx.table.row(
                                    rx.table.cell(a["start"], "-", a["end"]),
                                    rx.table.cell(a["ticket"]),
                                    rx.table.cell(a["company"]),
                                    rx.table.cell(a["topic"]),
                                    rx.table.cell(
                                        rx.cond(
                                            a["status"] == "booked",
                                            rx.button(
                                                T["appointment.check_in"],
                                                size="1",
                                                on_click=D.check_in(a["id"]),
                                                class_name="check-in",
                                            ),
                                            rx.badge(
                                                T["appointment.checked_in"], color_scheme="green"
                                            ),
                                        )
                                    ),
                                    class_name="today-row",
                                ),
                            )
                        ),
                        size="1",
                        width="100%",
                        white_space="nowrap",  # one line per cell; a narrow screen scrolls the box
                    ),
                    type="auto",
                    scrollbars="horizontal",
                    width="100%",
                ),
                rx.text(T["appointment.none"], color_scheme="gray", size="2"),
            ),
            width="100%",
        ),
        width="100%",
        id="today-panel",
    )
