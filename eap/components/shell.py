"""The application shell: top bar with role navigation, language switch and sign-out."""

from __future__ import annotations

import operator
from functools import reduce
from typing import Any

import reflex as rx

from eap.routes import NAV
from eap.state.core.base import AppState

T = AppState.t


def lang_button() -> rx.Component:
    return rx.button(
        T["nav.language"],
        on_click=AppState.toggle_lang,
        variant="surface",
        color_scheme="gray",
        size="1",
        id="lang-toggle",
    )


def _nav_links() -> rx.Component:
    role = AppState.user["role"]
    links = [
        rx.cond(
            reduce(operator.or_, [role == r for r in roles]),
            rx.link(T[key], href=route, color="white", weight="medium"),
        )
        for route, key, roles in NAV
    ]
    return rx.flex(*links, wrap="wrap", gap="0.4em 1em")


def top_bar() -> rx.Component:
    """Wraps onto several lines on a phone; the long system name shortens there."""
    return rx.flex(
        rx.hstack(
            rx.icon("landmark", color="white"),
            rx.tablet_and_desktop(rx.heading(T["app.name"], size="4", color="white")),
            rx.mobile_only(rx.heading(T["app.short"], size="3", color="white")),
            align="center",
        ),
        rx.flex(_nav_links(), wrap="wrap"),
        rx.spacer(),
        rx.hstack(
            rx.text(
                AppState.user["name"],
                " · ",
                AppState.role_label,
                color="white",
                size="2",
                id="current-user",
                white_space="nowrap",
            ),
            rx.link(
                rx.hstack(
                    rx.icon("bell", color="white", size=18),
                    rx.cond(
                        AppState.user.unread > 0,
                        rx.badge(
                            AppState.user.unread,
                            color_scheme="red",
                            variant="solid",
                            radius="full",
                            size="1",
                            id="unread-badge",
                        ),
                    ),
                    spacing="1",
                    align="center",
                ),
                href="/inbox",
                id="inbox-link",
                title=T["inbox.title"],
            ),
            lang_button(),
            rx.button(
                T["nav.logout"],
                on_click=AppState.logout,
                size="1",
                variant="surface",
                id="logout",
            ),
            spacing="3",
            align="center",
        ),
        width="100%",
        padding_x=rx.breakpoints(initial="0.75em", sm="1.5em"),
        padding_y="0.75em",
        background="linear-gradient(90deg, #0b4a8b, #1565c0)",
        align="center",
        wrap="wrap",
        gap="0.75em 1em",
    )


def shell(*children: rx.Component) -> rx.Component:
    return rx.box(
        top_bar(),
        rx.box(
            *children,
            padding=rx.breakpoints(initial="0.75em", sm="1.5em"),
            max_width="1280px",
            margin="0 auto",
        ),
        min_height="100vh",
        background="#f4f6fa",
    )


def pager(
    state: Any, *, page: Any = None, pages: Any = None, goto: Any = None, id_: str = ""
) -> rx.Component:
    """Previous / n of m / next for ``state.page``/``pages``/``goto_page``, or the given ones
    (a page with two paged lists names the second's)."""
    page = state.page if page is None else page
    pages = state.pages if pages is None else pages
    goto = state.goto_page if goto is None else goto
    return rx.hstack(
        rx.button(
            T["page.prev"],
            on_click=goto(-1),
            size="1",
            variant="soft",
            disabled=page <= 1,
        ),
        rx.text(page, " / ", pages, size="2"),
        rx.button(
            T["page.next"],
            on_click=goto(1),
            size="1",
            variant="soft",
            disabled=page >= pages,
        ),
        id=id_ or None,
        align="center",
        spacing="3",
    )
