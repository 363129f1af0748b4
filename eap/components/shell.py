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


def _bell(id_: str, badge_id: str) -> rx.Component:
    return rx.link(
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
                    id=badge_id,
                ),
            ),
            spacing="1",
            align="center",
        ),
        href="/inbox",
        id=id_,
        title=T["inbox.title"],
    )


def _phone_menu() -> rx.Component:
    """On a phone the menu, the user and sign-out fold into one button."""
    role = AppState.user["role"]
    return rx.menu.root(
        rx.menu.trigger(
            rx.icon_button(rx.icon("menu"), variant="surface", size="2", id="phone-menu")
        ),
        rx.menu.content(
            rx.text(AppState.user["name"], " · ", AppState.role_label, size="2", padding="0.4em"),
            rx.menu.separator(),
            *[
                rx.cond(
                    reduce(operator.or_, [role == r for r in roles]),
                    rx.menu.item(rx.link(T[key], href=route, width="100%")),
                )
                for route, key, roles in NAV
            ],
            rx.menu.separator(),
            rx.menu.item(rx.link(T["nav.password"], href="/account/password", width="100%")),
            rx.menu.item(T["nav.language"], on_click=AppState.toggle_lang),
            rx.menu.item(T["nav.logout"], on_click=AppState.logout, color="red", id="m-logout"),
        ),
    )


def _desktop_bar() -> rx.Component:
    return rx.flex(
        rx.hstack(
            rx.icon("landmark", color="white"),
            rx.heading(T["app.name"], size="4", color="white"),
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
            _bell("inbox-link", "unread-badge"),
            rx.link(
                rx.icon("key-round", size=18, color="white"),
                href="/account/password",
                title=T["nav.password"],
                id="password-link",
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
        align="center",
        wrap="wrap",
        gap="0.75em 1em",
    )


def top_bar() -> rx.Component:
    """The full bar from a tablet up; on a phone one compact line (name, bell, menu), so the
    page starts right under it."""
    return rx.box(
        rx.tablet_and_desktop(_desktop_bar()),
        rx.mobile_only(
            rx.hstack(
                rx.icon("landmark", color="white", size=18),
                rx.heading(T["app.short"], size="3", color="white"),
                rx.spacer(),
                _bell("m-inbox-link", "m-unread-badge"),
                _phone_menu(),
                align="center",
                width="100%",
            )
        ),
        width="100%",
        padding_x=rx.breakpoints(initial="0.75em", sm="1.5em"),
        padding_y=rx.breakpoints(initial="0.5em", sm="0.75em"),
        background="linear-gradient(90deg, #0b4a8b, #1565c0)",
        id="top-bar",
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
        rx.text(page, " / ", pages, size="2", white_space="nowrap"),
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
