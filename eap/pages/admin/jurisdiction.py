"""The administrator's 事权 and 联合审图 (/admin/jurisdiction): which level handles which item
— the province's rules and each city's own — and which cities run the joint drawing review."""

from __future__ import annotations

import reflex as rx

from eap.components.cases import feedback
from eap.components.confirm import confirm_button
from eap.components.forms import labelled
from eap.components.shell import shell
from eap.components.tables import table_header
from eap.state.admin.jurisdiction import JurisdictionState as J

T = J.t
LEVELS = ("province", "city", "county")


def _level_badge(level: rx.Var) -> rx.Component:
    return rx.match(
        level,
        ("province", rx.badge(T["level.province"], color_scheme="purple")),
        ("county", rx.badge(T["level.county"], color_scheme="teal")),
        rx.badge(T["level.city"], color_scheme="blue"),
    )


def _rules() -> rx.Component:
    return rx.table.root(
        table_header(
            "jurisdiction.col.item",
            "jurisdiction.col.region",
            "jurisdiction.col.level",
            "jurisdiction.col.from",
            "jurisdiction.col.districts",
            "jurisdiction.col.basis",
            actions=True,
        ),
        rx.table.body(
            rx.foreach(
                J.rules,
                lambda r: rx.table.row(
                    rx.table.cell(rx.text(r.item_code, " ", r.item_name, size="2")),
                    rx.table.cell(r.region_name),
                    rx.table.cell(_level_badge(r.level)),
                    rx.table.cell(rx.cond(r.min_investment > 0, r.min_investment, "—")),
                    rx.table.cell(rx.cond(r.districts, T["common.yes"], "")),
                    rx.table.cell(rx.text(r.basis, size="1", color_scheme="gray")),
                    rx.table.cell(
                        confirm_button(
                            T["jurisdiction.remove"],
                            T["jurisdiction.remove_consequence"],
                            J.remove_rule(r.id),
                            class_name="rule-remove",
                            color_scheme="red",
                        )
                    ),
                    class_name="rule-row",
                ),
            )
        ),
        id="jurisdiction-rules",
        width="100%",
        size="1",
    )


def _rule_form() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(T["jurisdiction.set_title"], size="3"),
            rx.text(T["jurisdiction.set_hint"], size="1", color_scheme="gray"),
            rx.hstack(
                labelled(
                    J,
                    "jurisdiction.col.item",
                    rx.select.root(
                        rx.select.trigger(placeholder=T["jurisdiction.pick_item"], id="rule-item"),
                        rx.select.content(
                            rx.foreach(J.items, lambda c: rx.select.item(c.label, value=c.value))
                        ),
                        value=J.item_code,
                        on_change=lambda v: J.set_value("item_code", v),
                    ),
                    "item_code",
                ),
                labelled(
                    J,
                    "jurisdiction.col.region",
                    rx.select.root(
                        rx.select.trigger(id="rule-region"),
                        rx.select.content(
                            rx.foreach(J.regions, lambda c: rx.select.item(c.label, value=c.value))
                        ),
                        value=J.region_code,
                        on_change=lambda v: J.set_value("region_code", v),
                    ),
                    "region_code",
                ),
                labelled(
                    J,
                    "jurisdiction.col.level",
                    rx.select.root(
                        rx.select.trigger(id="rule-level"),
                        rx.select.content(
                            *(rx.select.item(T[f"level.{lv}"], value=lv) for lv in LEVELS)
                        ),
                        value=J.level,
                        on_change=lambda v: J.set_value("level", v),
                    ),
                    "level",
                ),
                labelled(
                    J,
                    "jurisdiction.col.from",
                    rx.input(
                        value=J.min_investment,
                        on_change=lambda v: J.set_value("min_investment", v),
                        width="8em",
                        input_mode="decimal",
                        id="rule-min",
                    ),
                    "min_investment",
                ),
                rx.vstack(
                    rx.text(T["jurisdiction.col.districts"], size="1", weight="medium"),
                    rx.switch(checked=J.districts, on_change=J.set_districts, id="rule-districts"),
                    spacing="1",
                ),
                align="start",
                wrap="wrap",
                spacing="3",
            ),
            rx.hstack(
                rx.input(
                    value=J.basis,
                    on_change=lambda v: J.set_value("basis", v),
                    placeholder=T["jurisdiction.col.basis"],
                    width="32em",
                    id="rule-basis",
                ),
                rx.button(T["jurisdiction.save"], on_click=J.save_rule, id="rule-save"),
                spacing="3",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _plans() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(T["drawings.title"], size="3"),
            rx.text(T["drawings.hint"], size="1", color_scheme="gray"),
            rx.table.root(
                rx.table.body(
                    rx.foreach(
                        J.plans,
                        lambda p: rx.table.row(
                            rx.table.cell(p.region_name),
                            rx.table.cell(
                                rx.cond(
                                    p.enabled,
                                    rx.badge(T["drawings.on"], color_scheme="green"),
                                    rx.badge(T["drawings.off"], color_scheme="gray"),
                                )
                            ),
                            rx.table.cell(rx.text(p.item_codes, size="1", color_scheme="gray")),
                            rx.table.cell(
                                rx.switch(
                                    checked=p.enabled,
                                    on_change=lambda on: J.set_plan(p.region_code, on),
                                    class_name="plan-switch",
                                )
                            ),
                            class_name="plan-row",
                        ),
                    )
                ),
                id="drawing-plans",
                width="100%",
                size="1",
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def jurisdiction_page() -> rx.Component:
    return shell(
        rx.vstack(
            rx.heading(T["jurisdiction.title"], size="6", id="home-title"),
            rx.text(T["jurisdiction.intro"], size="2", color_scheme="gray"),
            feedback(J.message, J.error),
            _rule_form(),
            _rules(),
            _plans(),
            spacing="4",
            width="100%",
        )
    )
