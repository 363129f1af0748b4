"""The administrator's staff accounts page (/admin/staff): find, create, deactivate, reset."""

from __future__ import annotations

import reflex as rx

from eap.components.cases import feedback
from eap.components.confirm import confirm_button
from eap.components.forms import field_error
from eap.components.shell import shell
from eap.components.tables import table_header
from eap.services.admin.staff import STAFF_ROLES
from eap.state.admin.staff import StaffState as S

T = S.t


def _input(name: str, label: str, type_: str = "text") -> rx.Component:
    return rx.vstack(
        rx.text(T[label], size="2", weight="medium"),
        rx.input(
            value=S.fields.get(name, ""),
            on_change=lambda v: S.set_field(name, v),
            type=type_,
            id=f"staff-{name}",
            width="100%",
        ),
        field_error(S, name),
        spacing="1",
        width="100%",
    )


def _select(
    name: str, label: str, options: rx.Var | list, value_key: str, text_key: str
) -> rx.Component:
    items = (
        rx.foreach(options, lambda o: rx.select.item(o[text_key], value=o[value_key]))
        if isinstance(options, rx.Var)
        else [rx.select.item(T["role." + r], value=r) for r in options]
    )
    return rx.vstack(
        rx.text(T[label], size="2", weight="medium"),
        rx.select.root(
            rx.select.trigger(id=f"staff-{name}", width="100%"),
            rx.select.content(items),
            value=S.fields.get(name, ""),
            on_change=lambda v: S.set_field(name, v),
        ),
        field_error(S, name),
        spacing="1",
        width="100%",
    )


def _create() -> rx.Component:
    return rx.card(
        rx.heading(T["staff.new"], size="4"),
        rx.grid(
            _input("username", "register.username"),
            _input("name", "staff.name"),
            _select("role", "security.col.role", [str(r) for r in STAFF_ROLES], "", ""),
            _select("region_code", "staff.region", S.regions, "code", "name"),
            _select("department_id", "staff.department", S.departments, "id", "name"),
            _input("phone", "register.phone", "tel"),
            columns=rx.breakpoints(initial="1", sm="2", md="3"),
            spacing="3",
            width="100%",
        ),
        rx.hstack(
            rx.checkbox(
                T["staff.is_head"], checked=S.is_head, on_change=S.set_head, id="staff-head"
            ),
            rx.spacer(),
            rx.text(T["staff.one_time_hint"], size="1", color_scheme="gray"),
            rx.button(T["staff.create"], on_click=S.create, id="staff-create"),
            width="100%",
            align="center",
            margin_top="0.75em",
        ),
        width="100%",
    )


def _table() -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.heading(T["staff.title"], size="4"),
            rx.badge(S.total),
            rx.spacer(),
            rx.input(
                placeholder=T["staff.search"],
                value=S.search,
                on_change=S.set_search,
                id="staff-search",
                width="14em",
            ),
            width="100%",
            align="center",
        ),
        rx.table.root(
            table_header(
                "security.col.user",
                "security.col.role",
                "staff.region",
                "staff.department",
                "register.phone",
                actions=True,
            ),
            rx.table.body(
                rx.foreach(
                    S.rows,
                    lambda r: rx.table.row(
                        rx.table.cell(
                            r.username,
                            " · ",
                            r.name,
                            rx.cond(r.is_head, rx.badge(T["staff.head"], margin_left="0.4em")),
                            rx.cond(
                                ~r.active,
                                rx.badge(
                                    T["staff.inactive"], color_scheme="gray", margin_left="0.4em"
                                ),
                            ),
                        ),
                        rx.table.cell(T["role." + r.role]),
                        rx.table.cell(r.region),
                        rx.table.cell(r.department),
                        rx.table.cell(r.phone),
                        rx.table.cell(
                            rx.hstack(
                                confirm_button(
                                    T["staff.reset"],
                                    T["staff.reset_confirm"],
                                    S.reset_password_of(r.id),
                                    class_name="staff-reset",
                                ),
                                rx.cond(
                                    r.active,
                                    confirm_button(
                                        T["staff.deactivate"],
                                        T["staff.deactivate_confirm"],
                                        S.set_active(r.id, False),
                                        color_scheme="red",
                                        class_name="staff-deactivate",
                                    ),
                                    rx.button(
                                        T["staff.activate"],
                                        on_click=S.set_active(r.id, True),
                                        size="1",
                                        variant="soft",
                                    ),
                                ),
                                spacing="2",
                            )
                        ),
                        class_name="staff-row",
                    ),
                )
            ),
            width="100%",
            id="staff-table",
        ),
        rx.hstack(
            rx.button(T["page.prev"], on_click=S.goto_page(-1), size="1", variant="soft"),
            rx.text(S.page),
            rx.button(T["page.next"], on_click=S.goto_page(1), size="1", variant="soft"),
            spacing="2",
            align="center",
        ),
        width="100%",
    )


def staff_page() -> rx.Component:
    return shell(
        rx.vstack(
            rx.heading(T["staff.title"], size="6", id="home-title"),
            feedback(S.message, S.error),
            _create(),
            _table(),
            spacing="4",
            width="100%",
        )
    )
