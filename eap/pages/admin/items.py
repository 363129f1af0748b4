"""The item catalogue page (/admin/items): find an item, open it, change its name, statutory
limit, conditions, commitment flag and materials, and publish a new version (after a
confirmation that says what it does to running cases and processes)."""

from __future__ import annotations

import reflex as rx

from eap.components.cases import feedback
from eap.components.confirm import confirm_button
from eap.components.forms import field_error
from eap.components.shell import shell
from eap.components.tables import table_header
from eap.state.admin.items import ItemsState as S

T = S.t


def _text(name: str, *, area: bool = False, width: str = "100%") -> rx.Component:
    props = {
        "value": S.fields.get(name, ""),
        "on_change": lambda v: S.set_field(name, v),
        "id": f"item-{name}",
        "width": width,
    }
    return rx.vstack(
        rx.text(T[f"item.{name}"], size="2", weight="medium"),
        rx.text_area(rows="3", **props) if area else rx.input(**props),
        field_error(S, name),
        spacing="1",
        width="100%",
    )


def _material_line(m) -> rx.Component:  # type: ignore[no-untyped-def]
    return rx.table.row(
        rx.table.cell(rx.text(m.code, size="1", color_scheme="gray")),
        rx.table.cell(m.name),
        rx.table.cell(
            rx.select.root(
                rx.select.trigger(width="13em", class_name="material-kind"),
                rx.select.content(
                    *(
                        rx.select.item(T[f"item.material.{k}"], value=k)
                        for k in ("key", "deferrable", "ordinary")
                    )
                ),
                value=rx.cond(m.is_key, "key", rx.cond(m.deferrable, "deferrable", "ordinary")),
                on_change=lambda v: S.set_material_kind(m.code, v),
                size="1",
            )
        ),
        rx.table.cell(
            rx.icon_button(
                rx.icon("x", size=14),
                on_click=S.remove_material(m.code),
                size="1",
                variant="soft",
                color_scheme="gray",
                title=T["item.material.remove"],
                class_name="material-remove",
            )
        ),
    )


def _materials() -> rx.Component:
    return rx.vstack(
        rx.text(T["item.materials"], size="2", weight="medium"),
        field_error(S, "materials"),
        rx.table.root(
            rx.table.body(rx.foreach(S.materials, _material_line)),
            size="1",
            width="100%",
            id="item-materials",
        ),
        rx.hstack(
            rx.select.root(
                rx.select.trigger(placeholder=T["item.material.add"], id="item-add-material"),
                rx.select.content(
                    rx.foreach(
                        S.choices,
                        lambda c: rx.select.item(c.code + " " + c.name, value=c.code),
                    )
                ),
                value="",
                on_change=S.add_material,
            ),
            rx.input(
                value=S.new_material,
                on_change=S.set_new_material,
                placeholder=T["item.material.new"],
                width="18em",
                id="item-new-material",
            ),
            rx.button(
                T["item.material.create"],
                on_click=S.create_material,
                variant="soft",
                id="item-create-material",
            ),
            align="center",
            wrap="wrap",
        ),
        field_error(S, "material_name"),
        spacing="2",
        width="100%",
    )


def _editor() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(T["item.editing"], size="4"),
                rx.badge(S.editing, size="2"),
                rx.badge("v", S.version, color_scheme="gray"),
                rx.spacer(),
                rx.button(T["item.cancel"], on_click=S.cancel, variant="soft", color_scheme="gray"),
                width="100%",
                align="center",
            ),
            rx.grid(
                _text("name_zh"),
                _text("name_en"),
                _text("limit_days", width="8em"),
                _text("fee"),
                columns="2",
                spacing="3",
                width="100%",
            ),
            rx.hstack(
                rx.switch(checked=S.promise, on_change=S.set_promise, id="item-promise"),
                rx.text(T["item.promise_allowed"], size="2"),
                align="center",
            ),
            _text("conditions", area=True),
            _text("legal_basis", area=True),
            _materials(),
            rx.hstack(
                confirm_button(
                    T["item.publish"],
                    T["item.publish_confirm"],
                    S.publish,
                    class_name="item-publish",
                ),
                justify="end",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="item-editor",
    )


def _list() -> rx.Component:
    return rx.table.root(
        table_header(
            "item.col.code",
            "item.col.name",
            "item.col.dept",
            "item.col.stage",
            "item.col.version",
            "item.col.limit",
            "item.col.materials",
            "item.promise",
            actions=True,
        ),
        rx.table.body(
            rx.foreach(
                S.rows,
                lambda r: rx.table.row(
                    rx.table.cell(r.code),
                    rx.table.cell(r.name),
                    rx.table.cell(T["dept." + r.dept_kind]),
                    rx.table.cell(r.stage),
                    rx.table.cell("v", r.version),
                    rx.table.cell(r.limit_days),
                    rx.table.cell(r.materials),
                    rx.table.cell(
                        rx.cond(
                            r.promise_allowed, rx.badge(T["item.promise"], color_scheme="green")
                        )
                    ),
                    rx.table.cell(
                        rx.button(
                            T["item.edit"],
                            on_click=S.edit(r.code),
                            size="1",
                            variant=rx.cond(S.editing == r.code, "solid", "soft"),
                            class_name="item-edit",
                        )
                    ),
                ),
            )
        ),
        width="100%",
        size="1",
        id="item-table",
    )


def items_page() -> rx.Component:
    return shell(
        rx.vstack(
            rx.heading(T["item.title"], size="6", id="home-title"),
            rx.text(T["item.intro"], size="2", color_scheme="gray"),
            feedback(S.message, S.error),
            rx.cond(S.editing != "", _editor()),
            rx.input(
                value=S.search,
                on_change=S.set_search,
                placeholder=T["item.search"],
                width="22em",
                id="item-search",
            ),
            _list(),
            spacing="4",
            width="100%",
        )
    )
