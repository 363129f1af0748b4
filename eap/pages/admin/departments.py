"""The administrator's departments page (/admin/departments): per region, add a department,
rename one and set its organisation code, deactivate or reactivate it, and set its review
chain (科室流转) for all its items or for single ones."""

from __future__ import annotations

from functools import partial

import reflex as rx

from eap.components.cases import feedback
from eap.components.confirm import confirm_button
from eap.components.forms import field_error, labelled
from eap.components.shell import shell
from eap.components.tables import table_header
from eap.services.admin.departments import CHAINS
from eap.state.admin.departments import DepartmentsState as D

T = D.t


def _editor() -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.input(
                value=D.fields.get("name", ""),
                on_change=lambda v: D.set_field("name", v),
                id="dept-name",
                width="22em",
            ),
            field_error(D, "name"),
            spacing="1",
        ),
        rx.vstack(
            rx.input(
                value=D.fields.get("org_code", ""),
                on_change=lambda v: D.set_field("org_code", v),
                placeholder=T["department.org_code"],
                id="dept-org-code",
                width="14em",
            ),
            field_error(D, "org_code"),
            spacing="1",
        ),
        rx.button(T["department.save"], on_click=D.save, size="1", id="dept-save"),
        align="start",
    )


_labelled = partial(labelled, D)


def _new_department() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(T["department.new"], size="3"),
            rx.text(T["department.new_hint"], size="1", color_scheme="gray"),
            rx.hstack(
                _labelled(
                    "department.kind",
                    rx.select.root(
                        rx.select.trigger(
                            placeholder=T["department.kind_required"],
                            id="dept-new-kind",
                            width="12em",
                        ),
                        rx.select.content(
                            rx.foreach(
                                D.kinds, lambda k: rx.select.item(k["label"], value=k["kind"])
                            )
                        ),
                        value=D.new_fields.get("kind", ""),
                        on_change=lambda v: D.set_new_field("kind", v),
                    ),
                    "kind",
                ),
                _labelled(
                    "department.name",
                    rx.input(
                        value=D.new_fields.get("name", ""),
                        on_change=lambda v: D.set_new_field("name", v),
                        id="dept-new-name",
                        width="22em",
                    ),
                    "name",
                ),
                _labelled(
                    "department.org_code",
                    rx.input(
                        value=D.new_fields.get("org_code", ""),
                        on_change=lambda v: D.set_new_field("org_code", v),
                        id="dept-new-org-code",
                        width="14em",
                    ),
                    "org_code",
                ),
                align="start",
                wrap="wrap",
            ),
            rx.hstack(
                rx.button(T["department.create"], on_click=D.create, id="dept-create"),
                rx.button(
                    T["department.cancel"],
                    on_click=D.cancel_adding,
                    variant="soft",
                    color_scheme="gray",
                ),
            ),
            spacing="3",
        ),
        width="100%",
    )


def _chain_select(value: rx.Var, on_change, *, inherit: bool, id_: str = "") -> rx.Component:
    options = [rx.select.item(T[f"department.chain.{k}"], value=k) for k in CHAINS]
    if inherit:
        options.insert(0, rx.select.item(T["department.chain.inherit"], value="inherit"))
    return rx.select.root(
        rx.select.trigger(width="16em", id=id_ or None),
        rx.select.content(*options),
        value=value,
        on_change=on_change,
        size="1",
    )


def _chains() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(T["department.chains"], size="3"),
                rx.text(D.chains_name, size="3", color_scheme="gray"),
                rx.spacer(),
                rx.button(
                    T["department.close"],
                    on_click=D.close_chains,
                    size="1",
                    variant="soft",
                    color_scheme="gray",
                ),
                width="100%",
                align="center",
            ),
            rx.text(T["department.chains_hint"], size="1", color_scheme="gray"),
            rx.hstack(
                rx.text(T["department.chain_all"], size="2", weight="medium"),
                _chain_select(
                    D.chain_of_department,
                    lambda v: D.set_chain(0, v),
                    inherit=False,
                    id_="dept-chain-all",
                ),
                align="center",
            ),
            rx.table.root(
                rx.table.body(
                    rx.foreach(
                        D.chain_rows,
                        lambda c: rx.table.row(
                            rx.table.cell(rx.text(c.code, size="1", color_scheme="gray")),
                            rx.table.cell(c.name),
                            rx.table.cell(
                                _chain_select(
                                    rx.cond(c.chain == "", "inherit", c.chain),
                                    lambda v: D.set_chain(c.item_id, v),
                                    inherit=True,
                                )
                            ),
                        ),
                    )
                ),
                id="dept-chain-items",
                width="100%",
                size="1",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="dept-chains",
    )


def _row(r) -> rx.Component:  # type: ignore[no-untyped-def]
    return rx.table.row(
        rx.cond(
            D.editing == r.id,
            rx.table.cell(_editor(), col_span=3),
            rx.fragment(
                rx.table.cell(
                    rx.vstack(
                        rx.text(r.name, weight="medium"),
                        rx.text(r.code, size="1", color_scheme="gray"),
                        spacing="0",
                    )
                ),
                rx.table.cell(T["dept." + r.kind]),
                rx.table.cell(
                    rx.cond(
                        r.org_code != "",
                        r.org_code,
                        rx.text(T["department.no_code"], color_scheme="amber"),
                    )
                ),
            ),
        ),
        rx.table.cell(
            rx.cond(
                r.active,
                rx.badge(T["department.active"], color_scheme="green"),
                rx.badge(T["department.inactive_badge"], color_scheme="gray"),
            )
        ),
        rx.table.cell(r.open_cases),
        rx.table.cell(r.staff),
        rx.table.cell(T["department.chain." + r.chain]),
        rx.table.cell(
            rx.hstack(
                rx.button(
                    T["department.edit"],
                    on_click=D.edit(r),
                    size="1",
                    variant="soft",
                    class_name="dept-edit",
                ),
                rx.button(
                    T["department.chains"],
                    on_click=D.open_chains(r),
                    size="1",
                    variant="soft",
                    class_name="dept-chains",
                ),
                rx.cond(
                    r.active,
                    confirm_button(
                        T["department.deactivate"],
                        T["department.confirm_deactivate"],
                        D.set_active(r.id, False),
                        color_scheme="red",
                        class_name="dept-deactivate",
                    ),
                    rx.button(
                        T["department.activate"],
                        on_click=D.set_active(r.id, True),
                        size="1",
                        variant="soft",
                        class_name="dept-activate",
                    ),
                ),
                spacing="2",
            )
        ),
        opacity=rx.cond(r.active, "1", "0.6"),
    )


def departments_page() -> rx.Component:
    return shell(
        rx.vstack(
            rx.heading(T["department.title"], size="6", id="home-title"),
            feedback(D.message, D.error),
            rx.hstack(
                rx.text(T["staff.region"], size="2", weight="medium"),
                rx.select.root(
                    rx.select.trigger(id="dept-region", width="16em"),
                    rx.select.content(
                        rx.foreach(D.regions, lambda r: rx.select.item(r["name"], value=r["code"]))
                    ),
                    value=D.region_code,
                    on_change=D.set_region,
                ),
                rx.spacer(),
                rx.cond(
                    D.adding,
                    rx.fragment(),
                    rx.button(
                        rx.icon("plus", size=16),
                        T["department.new"],
                        on_click=D.start_adding,
                        id="dept-new",
                    ),
                ),
                align="center",
                width="100%",
                wrap="wrap",
            ),
            rx.cond(D.adding, _new_department()),
            rx.cond(D.chains_of != 0, _chains()),
            rx.text(T["department.code_hint"], size="1", color_scheme="gray"),
            rx.box(  # a phone scrolls the table sideways, not the page
                rx.table.root(
                    table_header(
                        "staff.department",
                        "department.kind",
                        "department.org_code",
                        "department.col.status",
                        "department.col.open",
                        "department.col.staff",
                        "department.col.chain",
                        actions=True,
                    ),
                    rx.table.body(rx.foreach(D.rows, _row)),
                    width="100%",
                    id="dept-table",
                ),
                overflow_x="auto",
                width="100%",
            ),
            spacing="4",
            width="100%",
        )
    )
