"""The administrator's holiday calendar (/admin/calendar): which years are imported and which
still provisional, a year's arrangement pasted in, a single day set, a year's special days."""

from __future__ import annotations

import reflex as rx

from eap.components.cases import feedback
from eap.components.forms import field_error
from eap.components.shell import shell
from eap.components.tables import table_header
from eap.state.admin.calendar import CalendarState as C

T = C.t


def _years() -> rx.Component:
    return rx.table.root(
        table_header(
            "calendar.col.year",
            "calendar.col.status",
            "calendar.col.holidays",
            "calendar.col.workdays",
            "calendar.col.source",
            actions=True,
        ),
        rx.table.body(
            rx.foreach(
                C.years,
                lambda y: rx.table.row(
                    rx.table.cell(y.year),
                    rx.table.cell(
                        rx.cond(
                            y.imported,
                            rx.badge(T["calendar.imported"], color_scheme="green"),
                            rx.cond(
                                y.built_in,
                                rx.badge(T["calendar.built_in"], color_scheme="gray"),
                                rx.badge(T["calendar.provisional"], color_scheme="amber"),
                            ),
                        )
                    ),
                    rx.table.cell(y.holidays),
                    rx.table.cell(y.workdays),
                    rx.table.cell(
                        rx.cond(y.imported & (y.source == ""), T["calendar.source_page"], y.source)
                    ),
                    rx.table.cell(
                        rx.button(
                            T["calendar.show"],
                            on_click=C.show_year(y.year),
                            size="1",
                            variant=rx.cond(C.year == y.year, "solid", "soft"),
                            class_name="calendar-show",
                        )
                    ),
                ),
            )
        ),
        id="calendar-years",
        width="100%",
    )


def _import_form() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(T["calendar.import_title"], size="3"),
            rx.text(T["calendar.import_hint"], size="1", color_scheme="gray"),
            rx.text_area(
                value=C.lines,
                on_change=lambda v: C.set_value("lines", v),
                placeholder="2027-01-01,holiday,元旦\n2027-02-06,workday,春节调休",
                rows="8",
                width="100%",
                id="calendar-lines",
            ),
            field_error(C, "lines"),
            rx.hstack(
                rx.input(
                    value=C.source,
                    on_change=lambda v: C.set_value("source", v),
                    placeholder=T["calendar.col.source"],
                    width="22em",
                    id="calendar-source",
                ),
                rx.button(T["calendar.import"], on_click=C.import_lines, id="calendar-import"),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def _mark_form() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(T["calendar.mark_title"], size="3"),
            rx.hstack(
                rx.vstack(
                    rx.text(T["calendar.day"], size="1"),
                    rx.input(
                        type="date",
                        value=C.day,
                        on_change=lambda v: C.set_value("day", v),
                        id="calendar-day",
                    ),
                    field_error(C, "day"),
                    spacing="1",
                ),
                rx.vstack(
                    rx.text(T["calendar.kind"], size="1"),
                    rx.select.root(
                        rx.select.trigger(id="calendar-kind", width="14em"),
                        rx.select.content(
                            *(
                                rx.select.item(T[f"calendar.kind.{k}"], value=k)
                                for k in ("holiday", "workday", "default")
                            )
                        ),
                        value=C.kind,
                        on_change=lambda v: C.set_value("kind", v),
                    ),
                    spacing="1",
                ),
                rx.vstack(
                    rx.text(T["calendar.name"], size="1"),
                    rx.input(
                        value=C.name,
                        on_change=lambda v: C.set_value("name", v),
                        id="calendar-name",
                        width="14em",
                    ),
                    spacing="1",
                ),
                rx.button(T["calendar.mark"], on_click=C.mark, id="calendar-mark"),
                align="end",
                wrap="wrap",
            ),
            spacing="2",
        ),
        width="100%",
    )


def _days() -> rx.Component:
    return rx.vstack(
        rx.heading(C.days_heading, size="3"),
        rx.cond(
            C.days.length() > 0,
            rx.table.root(
                rx.table.body(
                    rx.foreach(
                        C.days,
                        lambda d: rx.table.row(
                            rx.table.cell(d.day),
                            rx.table.cell(
                                rx.cond(
                                    d.kind == "holiday",
                                    rx.badge(T["calendar.kind.holiday"], color_scheme="red"),
                                    rx.badge(T["calendar.kind.workday"], color_scheme="blue"),
                                )
                            ),
                            rx.table.cell(d.name),
                        ),
                    )
                ),
                id="calendar-days",
                width="100%",
            ),
            rx.text(T["calendar.no_days"], color_scheme="gray"),
        ),
        width="100%",
    )


def calendar_page() -> rx.Component:
    return shell(
        rx.vstack(
            rx.heading(T["calendar.title"], size="6", id="home-title"),
            rx.text(T["calendar.intro"], size="2", color_scheme="gray"),
            feedback(C.message, C.error),
            _years(),
            rx.grid(_import_form(), _mark_form(), columns="2", spacing="4", width="100%"),
            _days(),
            spacing="4",
            width="100%",
        )
    )
