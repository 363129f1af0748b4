"""Process configuration (/admin/catalogue): stage and item limits per city and process type."""

from __future__ import annotations

import reflex as rx

from eap.components.cases import localized
from eap.components.shell import shell
from eap.components.tables import table_header
from eap.services.admin.processes import TargetRow
from eap.state.admin.catalogue import ProcessAdminState as P
from eap.state.admin.targets import TargetState as TS

T = P.t


def _days(key: rx.Var, width: str = "6em") -> rx.Component:
    return rx.vstack(
        rx.input(
            value=P.limits[key].to(str),
            on_change=lambda v: P.set_limit(key, v),
            type="number",
            min="1",
            max="365",
            width=width,
            id="limit-" + key.to(str).replace(":", "-"),
        ),
        rx.cond(
            P.field_errors.contains(key),
            rx.text(
                P.field_errors[key].to(str), color_scheme="red", size="1", class_name="field-error"
            ),
        ),
        spacing="1",
    )


def _item(i: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(i["code"]),
        rx.table.cell(localized(i, "name")),
        rx.table.cell(
            rx.cond(i["condition"] != "", T["question." + i["condition"].to(str)], ""),
            size="1",
        ),
        rx.table.cell(i["statutory"]),
        rx.table.cell(_days("item:" + i["code"].to(str))),
    )


def _stage(st: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(T["stage." + st["stage"].to(str)], size="3"),
                rx.spacer(),
                rx.text(T["process.stage_limit"], size="2"),
                _days("stage:" + st["stage"].to(str)),
                align="center",
                width="100%",
                wrap="wrap",
            ),
            rx.table.root(
                table_header(
                    "home.catalogue.code",
                    "home.catalogue.name",
                    "process.condition",
                    "process.statutory",
                    "process.item_limit_label",
                ),
                rx.table.body(rx.foreach(st.process_items, _item)),
                size="1",
                width="100%",
            ),
            width="100%",
        ),
        width="100%",
    )


def _target(r: rx.Var[TargetRow]) -> rx.Component:
    key = r.process_type.to(str)
    return rx.table.row(
        rx.table.cell(rx.cond(P.lang == "zh", r.name_zh, r.name_en)),
        rx.table.cell(
            rx.input(
                value=TS.typed.get(key, ""),
                on_change=lambda v: TS.set_typed(key, v),
                input_mode="numeric",
                width="7em",
                id="target-" + key,
                aria_invalid=TS.field_errors.contains("target:" + key),
            ),
            rx.cond(
                TS.field_errors.contains("target:" + key),
                rx.text(TS.field_errors["target:" + key], color_scheme="red", size="1"),
            ),
        ),
        rx.table.cell(
            rx.button(
                T["process.target_save"],
                size="1",
                variant="soft",
                on_click=TS.save(key),
                id="target-save-" + key,
            )
        ),
    )


def _targets() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(T["process.targets_title"], size="4"),
            rx.text(T["process.targets_hint"], size="2", color_scheme="gray"),
            rx.cond(
                TS.message != "",
                rx.callout(TS.message, color_scheme="green", icon="check", id="target-message"),
            ),
            rx.table.root(
                table_header("centre.col.process_type", "centre.col.target", actions=True),
                rx.table.body(rx.foreach(TS.targets, _target)),
                size="1",
                id="targets-table",
            ),
            width="100%",
        ),
        width="100%",
    )


def process_admin_page() -> rx.Component:
    return shell(
        rx.vstack(
            rx.heading(T["process.title"], size="6", id="home-title"),
            rx.hstack(
                rx.select.root(
                    rx.select.trigger(id="process-city"),
                    rx.select.content(
                        rx.foreach(P.cities, lambda c: rx.select.item(c["name"], value=c["code"]))
                    ),
                    value=P.city,
                    on_change=P.set_city,
                ),
                rx.select.root(
                    rx.select.trigger(id="process-type"),
                    rx.select.content(
                        *[rx.select.item(T[f"ptype.{n}"], value=str(n)) for n in range(1, 7)]
                    ),
                    value=P.ptype,
                    on_change=P.set_ptype,
                ),
                rx.text(
                    T["process.version"],
                    ": ",
                    P.view.code,
                    " v",
                    P.view.version,
                    size="2",
                    id="process-version",
                ),
                align="center",
                wrap="wrap",
            ),
            rx.cond(
                P.message != "",
                rx.callout(P.message, color_scheme="green", icon="check", id="process-message"),
            ),
            rx.cond(
                P.error != "",
                rx.callout(P.error, color_scheme="red", icon="triangle_alert", id="process-error"),
            ),
            rx.foreach(P.view.stages, _stage),
            rx.button(T["process.publish"], on_click=P.publish, size="3", id="btn-publish"),
            _targets(),
            width="100%",
            spacing="4",
        )
    )
