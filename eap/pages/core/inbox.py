"""Inbox page (/inbox): every notification, read or unread (also sent by SMS)."""

from __future__ import annotations

import reflex as rx

from eap.components.shell import pager, shell
from eap.state.core.inbox import InboxState as I

T = I.t


def inbox_page() -> rx.Component:
    return shell(
        rx.vstack(
            rx.hstack(
                rx.heading(T["inbox.title"], size="6", id="home-title"),
                rx.badge(I.unread, " ", T["inbox.unread"], color_scheme="red", id="unread"),
                rx.spacer(),
                rx.button(
                    T["inbox.mark_read"], on_click=I.mark_read, variant="soft", id="mark-read"
                ),
                width="100%",
                align="center",
            ),
            rx.cond(
                I.rows.length() > 0,
                rx.table.root(
                    rx.table.body(
                        rx.foreach(
                            I.rows,
                            lambda r: rx.table.row(
                                rx.table.cell(
                                    rx.cond(
                                        r.unread,
                                        rx.badge(T["inbox.new"], color_scheme="red"),
                                        "",
                                    )
                                ),
                                rx.table.cell(r["text"]),
                                rx.table.cell(r["at"]),
                            ),
                        )
                    ),
                    size="1",
                    width="100%",
                    variant="surface",
                    id="inbox-table",
                ),
                rx.text(T["inbox.no_messages"], color_scheme="gray", id="inbox-empty"),
            ),
            pager(I),
            width="100%",
        )
    )
