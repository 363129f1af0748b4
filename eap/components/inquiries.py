"""One consultation or complaint as a row that opens into its thread with a reply box: the
applicant's page and the department's panel show the same thing (the applicant can also close)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from eap.state.core.base import AppState

T = AppState.t


def _message(m: rx.Var) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.cond(
                m.staff,
                rx.icon("landmark", size=12, color="var(--gray-10)"),
                rx.icon("user", size=12, color="var(--gray-10)"),
            ),
            rx.text(m["author"], " · ", m["at"], size="1", color_scheme="gray"),
            spacing="1",
            align="center",
        ),
        rx.text(m["body"], size="2", white_space="pre-wrap"),
        background=rx.cond(m.staff, "var(--accent-3)", "var(--gray-3)"),
        padding="0.5em",
        border_radius="6px",
        width="100%",
        class_name="thread-message",
    )


def inquiry_row(row: rx.Var, state: Any, *, staff: bool) -> rx.Component:
    """``state`` has open_id, thread, reply_text and the open_thread/set_reply/reply events
    (and close, for the applicant). Element ids and classes differ per side for tests."""
    prefix = "reply" if staff else "inquiry"
    buttons = [
        rx.button(
            T["inquiry.reply"],
            on_click=state.reply,
            size="1",
            id="btn-staff-reply" if staff else "btn-inquiry-reply",
        )
    ]
    if not staff:
        buttons.append(
            rx.button(
                T["inquiry.close"],
                on_click=state.close,
                size="1",
                variant="soft",
                class_name="inquiry-close",
            )
        )
    return rx.vstack(
        rx.hstack(
            rx.badge(T["inquiry.kind." + row["kind"].to(str)]),
            rx.button(
                row["subject"],
                on_click=state.open_thread(row["id"]),
                variant="ghost",
                size="2",
                class_name=f"{prefix}-open",
            ),
            rx.spacer(),
            rx.fragment()
            if staff
            else rx.text(row["department"], size="1", color_scheme="gray", white_space="nowrap"),
            rx.badge(
                T["inquiry.status." + row["status"].to(str)],
                color_scheme=rx.match(
                    row["status"], ("answered", "green"), ("closed", "gray"), "amber"
                ),
                class_name="inquiry-status",
            ),
            rx.text(row["updated"], size="1", color_scheme="gray"),
            width="100%",
            align="center",
            wrap="wrap",  # on a phone the department and dates go to a second line
        ),
        rx.cond(
            state.open_id == row["id"],
            rx.vstack(
                rx.foreach(state.thread, _message),
                rx.cond(
                    row["status"] != "closed",
                    rx.hstack(
                        rx.text_area(
                            value=state.reply_text,
                            on_change=state.set_reply,
                            placeholder=T["inquiry.reply"],
                            flex="1",
                            id="staff-reply" if staff else "inquiry-reply",
                        ),
                        rx.vstack(*buttons),
                        width="100%",
                    ),
                ),
                width="100%",
                padding_left="1em",
            ),
        ),
        width="100%",
        class_name=f"{prefix}-row",
    )
