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


def contract_bar(
    row: rx.Var,
    *,
    ours: rx.Var,
    theirs: rx.Var,
    theirs_label: str,
    on_upload: rx.EventHandler,
    on_confirm: rx.EventHandler,
    id_prefix: str,
) -> rx.Component:
    """A service waiting for its contract, seen from one side: the deadline, the uploaded
    contract, upload (again), confirm, and who has confirmed."""
    key = row.id.to(str)
    return rx.hstack(
        rx.text(T["market.contract_due"], ": ", row.contract_due, size="2"),
        rx.cond(
            row.contract_file_id > 0,
            rx.link(
                T["market.contract"],
                href="/files/" + row.contract_file_id.to(str),
                is_external=True,
                size="2",
            ),
        ),
        rx.button(
            T["market.upload_contract"],
            on_click=on_upload,
            size="1",
            variant="soft",
            id=f"{id_prefix}upload-contract-" + key,
        ),
        rx.cond(
            (row.contract_file_id > 0) & ~ours,
            rx.button(
                T["market.confirm_contract"],
                on_click=on_confirm,
                size="1",
                id=f"{id_prefix}confirm-contract-" + key,
            ),
        ),
        rx.cond(ours, rx.badge(T["market.we_confirmed"], color_scheme="green")),
        rx.cond(theirs, rx.badge(T[theirs_label], color_scheme="green")),
        wrap="wrap",
        align="center",
    )


def service_header(row: rx.Var, counterpart: rx.Var) -> rx.Component:
    """A service card's first line: number, service, status, clock, the other side."""
    return rx.hstack(
        rx.text(row.number, size="1", color_scheme="gray"),
        rx.text(row.service, weight="bold"),
        service_status(row),
        clock(row),
        rx.spacer(),
        rx.text(counterpart, " · ", row.project, size="2"),
        width="100%",
        align="center",
        wrap="wrap",
    )
