"""The security officer's page (/admin/security): locked accounts, open sessions, policy."""

from __future__ import annotations

import reflex as rx

from eap.components.cases import feedback
from eap.components.confirm import confirm_button
from eap.components.forms import field_error
from eap.components.shell import shell
from eap.components.tables import table_header
from eap.services.core.policy import BOUNDS, NAMES
from eap.state.admin.security import SecurityState as S

T = S.t


def _locked() -> rx.Component:
    return rx.card(
        rx.heading(T["security.locked"], size="4"),
        rx.cond(
            S.locked.length() > 0,
            rx.table.root(
                table_header(
                    "security.col.user",
                    "security.col.role",
                    "security.col.until",
                    actions=True,
                ),
                rx.table.body(
                    rx.foreach(
                        S.locked,
                        lambda r: rx.table.row(
                            rx.table.cell(r.username, " · ", r.name),
                            rx.table.cell(T["role." + r.role]),
                            rx.table.cell(r.locked_until),
                            rx.table.cell(
                                rx.button(
                                    T["security.unlock"],
                                    on_click=S.unlock(r.user_id),
                                    size="1",
                                    variant="soft",
                                    class_name="unlock",
                                )
                            ),
                        ),
                    )
                ),
                width="100%",
                id="locked-table",
            ),
            rx.text(T["security.none_locked"], color_scheme="gray", size="2"),
        ),
        width="100%",
    )


def _sessions() -> rx.Component:
    return rx.card(
        rx.heading(T["security.sessions"], size="4"),
        rx.text(T["security.sessions_hint"], size="1", color_scheme="gray"),
        rx.table.root(
            table_header(
                "security.col.user",
                "security.col.role",
                "security.col.started",
                "security.col.last_seen",
                actions=True,
            ),
            rx.table.body(
                rx.foreach(
                    S.sessions,
                    lambda r: rx.table.row(
                        rx.table.cell(r.username, " · ", r.name),
                        rx.table.cell(T["role." + r.role]),
                        rx.table.cell(r.started),
                        rx.table.cell(r.last_seen),
                        rx.table.cell(
                            confirm_button(
                                T["security.force_out"],
                                T["security.force_out_confirm"],
                                S.force_out(r.user_id, r.ref),
                                color_scheme="red",
                                class_name="force-out",
                            )
                        ),
                    ),
                )
            ),
            width="100%",
            id="sessions-table",
        ),
        width="100%",
    )


def _policy_field(name: str) -> rx.Component:
    low, high = BOUNDS[name]
    return rx.vstack(
        rx.text(T[f"security.policy.{name}"], size="2", weight="medium"),
        rx.hstack(
            rx.input(
                value=S.policy.get(name, ""),
                on_change=lambda v: S.set_policy_value(name, v),
                type="number",
                min=low,
                max=high,
                width="7em",
                id=f"policy-{name}",
            ),
            rx.text(f"{low}–{high}", size="1", color_scheme="gray"),
            align="center",
        ),
        field_error(S, name),
        spacing="1",
    )


def _policy() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(T["security.policy"], size="4"),
            rx.text(T["security.policy_hint"], size="1", color_scheme="gray"),
            rx.grid(*(_policy_field(n) for n in NAMES), columns="3", spacing="4", width="100%"),
            rx.button(T["security.policy_save"], on_click=S.save_policy, id="policy-save"),
            rx.divider(),
            rx.text(T["security.deployment_policy"], size="2", weight="medium"),
            rx.data_list.root(
                rx.foreach(
                    S.fixed,
                    lambda p: rx.data_list.item(
                        rx.data_list.label(T[p.key]), rx.data_list.value(p.value)
                    ),
                ),
                id="policy-list",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def security_page() -> rx.Component:
    return shell(
        rx.vstack(
            rx.heading(T["home.security"], size="6", id="home-title"),
            feedback(S.message, S.error),
            _locked(),
            _sessions(),
            _policy(),
            spacing="4",
            width="100%",
        )
    )
