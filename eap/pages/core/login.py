"""Sign-in page."""

from __future__ import annotations

import reflex as rx

from eap.components.shell import lang_button
from eap.state.core.login import LoginState

T = LoginState.t


def login_page() -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon("landmark", size=28, color="#0b4a8b"),
                    rx.heading(T["app.name"], size="5"),
                    rx.spacer(),
                    lang_button(),
                    width="100%",
                    align="center",
                ),
                rx.heading(T["login.title"], size="4", id="login-title"),
                rx.cond(
                    LoginState.notice != "",
                    rx.callout(LoginState.notice, icon="clock", color_scheme="amber", width="100%"),
                ),
                rx.form(
                    rx.vstack(
                        rx.text(T["login.username"], size="2", weight="medium"),
                        rx.input(
                            name="username",
                            id="username",
                            value=LoginState.username,
                            on_change=LoginState.set_username,
                            auto_complete="username",
                            width="100%",
                            size="3",
                        ),
                        rx.text(T["login.password"], size="2", weight="medium"),
                        rx.input(
                            name="password",
                            id="password",
                            type="password",
                            value=LoginState.password,
                            on_change=LoginState.set_password,
                            auto_complete="current-password",
                            width="100%",
                            size="3",
                        ),
                        rx.cond(
                            LoginState.error != "",
                            rx.callout(
                                LoginState.error,
                                icon="triangle_alert",
                                color_scheme="red",
                                width="100%",
                                id="login-error",
                            ),
                        ),
                        rx.button(
                            T["login.submit"],
                            type="submit",
                            width="100%",
                            size="3",
                            id="login-submit",
                        ),
                        spacing="2",
                        width="100%",
                    ),
                    on_submit=LoginState.submit,
                    width="100%",
                ),
                rx.text(T["login.demo_hint"], size="1", color_scheme="gray"),
                rx.hstack(
                    rx.link(T["guide.title"], href="/guide", size="2", id="guide-link"),
                    rx.link(T["notice.list"], href="/notices", size="2", id="notices-link"),
                    rx.link(
                        T["register.link"], href="/hall/register", size="2", id="register-link"
                    ),
                    rx.link(T["reset.link"], href="/hall/reset", size="2", id="reset-link"),
                    spacing="4",
                    wrap="wrap",
                ),
                spacing="4",
                width="100%",
            ),
            width="420px",
            size="4",
        ),
        min_height="100vh",
        background="linear-gradient(135deg, #e3f2fd, #f4f6fa)",
    )
