"""A destructive action asks first: a dialog that states the consequence, takes the reason
(required: the confirm button stays disabled until one is written) and offers a way back."""

from __future__ import annotations

from typing import Any

import reflex as rx

from eap.state.core.base import AppState

T = AppState.t


def confirm_with_reason(
    key: str,
    *,
    reason: Any,
    on_reason: Any,
    on_confirm: Any,
    id_: str,
    size: str = "2",
    variant: str = "solid",
) -> rx.Component:
    """``key`` names the button's words; ``key.title`` and ``key.consequence`` the dialog's.
    ``reason`` is the state var the reason is typed into (the page's opinion box)."""
    label, title, consequence = key, f"{key}.title", f"{key}.consequence"
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(T[label], color_scheme="red", variant=variant, size=size, id=id_)
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(T[title]),
            rx.alert_dialog.description(T[consequence], size="2"),
            rx.text_area(
                value=reason,
                on_change=on_reason,
                placeholder=T["confirm.reason"],
                width="100%",
                margin_y="0.75em",
                id=f"{id_}-reason",
            ),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.button(
                        T["confirm.back"],
                        variant="soft",
                        color_scheme="gray",
                        id=f"{id_}-cancel",
                    )
                ),
                rx.alert_dialog.action(
                    rx.button(
                        T[label],
                        color_scheme="red",
                        on_click=on_confirm,
                        disabled=reason.to(str).strip() == "",
                        id=f"{id_}-confirm",
                    )
                ),
                gap="3",
                justify="end",
            ),
            max_width="480px",
        ),
    )


def confirm_button(
    label: Any, consequence: Any, on_confirm: Any, *, class_name: str = "", **props: Any
) -> rx.Component:
    """A destructive action without a reason to give: the dialog says what will happen and
    offers a way back."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(label, size="1", variant="soft", class_name=class_name, **props)
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(label),
            rx.alert_dialog.description(consequence, size="2"),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.button(T["confirm.back"], variant="soft", color_scheme="gray")
                ),
                rx.alert_dialog.action(
                    rx.button(
                        label, on_click=on_confirm, class_name=f"{class_name}-confirm", **props
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="1em",
            ),
            id=f"{class_name}-dialog" if class_name else None,
        ),
    )
