"""Small pieces the market's pages share: amounts, statuses, the verify outcome."""

from __future__ import annotations

import reflex as rx

from eap.state.core.base import AppState

T = AppState.t
# ServiceStatus -> badge colour: waiting grey, running blue, paused orange, done green, ended red
_SERVICE_COLOURS = {1: "gray", 2: "blue", 3: "orange", 4: "violet", 5: "green", 6: "red", 7: "red"}


def money(amount: rx.Var, disclosed: rx.Var) -> rx.Component:
    """An amount in yuan, or 不公开 when the owner keeps the budget private."""
    return rx.cond(disclosed, rx.text("¥", amount.to(float)), rx.text(T["market.undisclosed"]))


def service_status(row: rx.Var) -> rx.Component:
    return rx.badge(
        T["market.service_status." + row.status.to(str)],
        color_scheme=rx.match(row.status, *[(k, v) for k, v in _SERVICE_COLOURS.items()], "gray"),
        class_name="service-status",
    )


def clock(row: rx.Var) -> rx.Component:
    """Working days left on a running service (negative: overdue)."""
    return rx.cond(
        row.status == 2,
        rx.cond(
            row.overdue,
            rx.badge(T["market.overdue_by"], " ", -row.days_left, color_scheme="red"),
            rx.badge(T["market.days_left"], " ", row.days_left, color_scheme="blue"),
        ),
    )
