"""The administrator's open-API clients page (/admin/api-clients): issue a client with scopes,
region and a rate, see the secret once, rotate it, disable a client; each client's webhook
backlog (deliveries waiting, given up) beside it."""

from __future__ import annotations

from functools import partial

import reflex as rx

from eap.components.cases import feedback
from eap.components.confirm import confirm_button
from eap.components.forms import labelled
from eap.components.shell import shell
from eap.components.tables import table_header
from eap.services.exchange.api_clients import SCOPES
from eap.state.admin.api_clients import ApiClientsState as S

T = S.t


_labelled = partial(labelled, S, size="2", width="100%")


def _create() -> rx.Component:
    return rx.card(
        rx.heading(T["api.new_client"], size="4"),
        rx.grid(
            _labelled(
                "api.client_name",
                rx.input(
                    value=S.fields.get("name", ""),
                    on_change=lambda v: S.set_field("name", v),
                    placeholder=T["api.client_name_hint"],
                    id="api-name",
                    width="100%",
                ),
                "name",
            ),
            _labelled(
                "api.region",
                rx.select.root(
                    rx.select.trigger(id="api-region", width="100%"),
                    rx.select.content(
                        rx.foreach(S.regions, lambda r: rx.select.item(r["name"], value=r["code"]))
                    ),
                    value=S.fields.get("region_code", ""),
                    on_change=lambda v: S.set_field("region_code", v),
                ),
                "region_code",
            ),
            _labelled(
                "api.per_minute",
                rx.input(
                    value=S.fields.get("per_minute", ""),
                    on_change=lambda v: S.set_field("per_minute", v),
                    type="number",
                    min=1,
                    max=6000,
                    id="api-rate",
                    width="100%",
                ),
                "per_minute",
            ),
            columns=rx.breakpoints(initial="1", md="3"),
            spacing="3",
            width="100%",
        ),
        _labelled(
            "api.scopes",
            rx.flex(
                *[
                    rx.checkbox(
                        rx.text(scope, " · ", T[key], size="2"),
                        checked=S.scopes.contains(scope),
                        on_change=lambda on, scope=scope: S.toggle_scope(scope, on),
                        id=f"api-scope-{scope.replace(':', '-')}",
                    )
                    for scope, key in SCOPES.items()
                ],
                direction="column",
                spacing="2",
            ),
            "scopes",
        ),
        rx.hstack(
            rx.text(T["api.secret_once_hint"], size="1", color_scheme="gray"),
            rx.spacer(),
            rx.button(T["api.create"], on_click=S.create, id="api-create"),
            width="100%",
            align="center",
            margin_top="0.75em",
        ),
        width="100%",
    )


def _secret_box() -> rx.Component:
    # Filled by the handler's script, never from state: the secret is not kept on the server.
    return rx.callout.root(
        rx.callout.text(T["api.secret_once"], weight="bold"),
        rx.el.pre(
            id="api-secret-value",
            style={"fontSize": "0.9em", "userSelect": "all", "whiteSpace": "pre-wrap"},
        ),
        rx.button(T["api.secret_copied"], on_click=S.hide_secret, size="1", variant="soft"),
        color_scheme="amber",
        id="api-secret",
        style={"display": "none"},
        width="100%",
    )


def _row(r: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.text(r.name, weight="medium"),
            rx.code(r.client_id, size="1"),
            rx.cond(~r.active, rx.badge(T["api.disabled"], color_scheme="gray")),
        ),
        rx.table.cell(r.scopes, size="1"),
        rx.table.cell(r.region_name),
        rx.table.cell(r.per_minute),
        rx.table.cell(
            rx.text(r.webhooks),
            rx.cond(r.pending > 0, rx.badge(T["api.pending"], " ", r.pending)),
            rx.cond(r.dead > 0, rx.badge(T["api.dead"], " ", r.dead, color_scheme="red")),
        ),
        rx.table.cell(
            rx.hstack(
                confirm_button(
                    T["api.rotate"],
                    T["api.rotate_confirm"],
                    S.rotate(r.id),
                    class_name="api-rotate",
                ),
                rx.cond(
                    r.active,
                    confirm_button(
                        T["api.disable"],
                        T["api.disable_confirm"],
                        S.set_active(r.id, False),
                        color_scheme="red",
                        class_name="api-disable",
                    ),
                    rx.button(
                        T["api.enable"],
                        on_click=S.set_active(r.id, True),
                        size="1",
                        variant="soft",
                    ),
                ),
                spacing="2",
            )
        ),
        class_name="api-row",
    )


def _table() -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.heading(T["api.clients"], size="4"),
            rx.spacer(),
            rx.link(T["api.reference"], href="/api/v1/docs", is_external=True, size="2"),
            width="100%",
            align="center",
        ),
        rx.cond(
            S.rows.length() == 0,
            rx.text(T["api.no_clients"], color_scheme="gray", size="2"),
            rx.table.root(
                table_header(
                    "api.client_name",
                    "api.scopes",
                    "api.region",
                    "api.per_minute",
                    "api.webhooks",
                    actions=True,
                ),
                rx.table.body(rx.foreach(S.rows, _row)),
                width="100%",
                id="api-table",
            ),
        ),
        width="100%",
    )


def _adapters() -> rx.Component:
    def row(a: rx.Var) -> rx.Component:
        return rx.table.row(
            rx.table.cell(T["adapter." + a.name]),
            rx.table.cell(
                rx.cond(
                    a.configured,
                    rx.match(
                        a.state,
                        (0, rx.badge(T["adapter.state.0"], color_scheme="green")),
                        (1, rx.badge(T["adapter.state.1"], color_scheme="amber")),
                        rx.badge(T["adapter.state.2"], color_scheme="red"),
                    ),
                    rx.badge(T["adapter.not_configured"], color_scheme="gray"),
                )
            ),
            rx.table.cell(a.last_ok_text),
            rx.table.cell(
                rx.cond(
                    a.last_error != "",
                    rx.text(
                        a.last_error_text,
                        " · ",
                        a.last_error,
                        size="1",
                    ),
                )
            ),
            rx.table.cell(a.calls),
            class_name="adapter-row",
        )

    return rx.card(
        rx.heading(T["adapter.title"], size="4"),
        rx.table.root(
            table_header(
                "adapter.title",
                "adapter.state",
                "adapter.last_ok",
                "adapter.last_error",
                "adapter.calls",
            ),
            rx.table.body(rx.foreach(S.adapters, row)),
            width="100%",
            id="adapter-table",
        ),
        width="100%",
    )


def api_clients_page() -> rx.Component:
    return shell(
        rx.vstack(
            rx.heading(T["api.title"], size="6", id="home-title"),
            rx.text(T["api.intro"], size="2", color_scheme="gray"),
            feedback(S.message, S.error),
            _secret_box(),
            _create(),
            _table(),
            _adapters(),
            spacing="4",
            width="100%",
        )
    )
