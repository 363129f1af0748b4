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
                rx.cond(
                    LoginState.code_sent_to != "",
                    _second_factor_form(),
                    rx.cond(
                        LoginState.must_change_password,
                        _first_password_form(),
                        _password_form(),
                    ),
                ),
                rx.cond(
                    LoginState.sso_on & (LoginState.code_sent_to == ""),
                    rx.vstack(
                        rx.hstack(
                            rx.separator(size="4"),
                            rx.text(
                                T["sso.or"], size="1", color_scheme="gray", white_space="nowrap"
                            ),
                            rx.separator(size="4"),
                            align="center",
                            width="100%",
                        ),
                        # a full navigation (not the page's router): the browser itself goes
                        # through /auth/sso/start to the identity provider
                        rx.button(
                            rx.icon("shield-check", size=16),
                            T["sso.button"],
                            on_click=rx.call_script("window.location.assign('/auth/sso/start')"),
                            variant="outline",
                            size="3",
                            width="100%",
                            id="sso-start",
                        ),
                        width="100%",
                        spacing="2",
                    ),
                ),
                rx.cond(
                    LoginState.demo_site,
                    rx.text(T["login.demo_hint"], size="1", color_scheme="gray", id="demo-hint"),
                ),
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


def _box(label: str, **props: object) -> tuple[rx.Component, rx.Component]:
    """A labelled uncontrolled input: its value travels only with the form's submit."""
    return (
        rx.text(T[label], size="2", weight="medium"),
        rx.input(width="100%", size="3", **props),
    )


def _error() -> rx.Component:
    return rx.cond(
        LoginState.error != "",
        rx.callout(
            LoginState.error,
            icon="triangle_alert",
            color_scheme="red",
            width="100%",
            id="login-error",
        ),
    )


def _first_password_form() -> rx.Component:
    """After a one-time password: the user's own, twice (uncontrolled inputs, never kept)."""
    return rx.form(
        rx.vstack(
            rx.callout(
                T["account.first_password"],
                icon="key-round",
                color_scheme="amber",
                width="100%",
                id="first-password",
            ),
            *_box(
                "account.new_password",
                name="password",
                id="new-password",
                type="password",
                auto_complete="new-password",
            ),
            rx.text(T["register.password_hint"], size="1", color_scheme="gray"),
            *_box(
                "register.password2",
                name="password2",
                id="new-password2",
                type="password",
                auto_complete="new-password",
            ),
            _error(),
            rx.button(
                T["account.set_password"], type="submit", width="100%", size="3", id="set-password"
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=LoginState.set_first_password,
        reset_on_submit=True,
        width="100%",
    )


def _second_factor_form() -> rx.Component:
    """After the password, for the roles that need it: the SMS code, nothing kept."""
    return rx.form(
        rx.vstack(
            rx.callout(
                rx.text(T["login.otp_sent"], " ", rx.text.strong(LoginState.code_sent_to)),
                icon="smartphone",
                color_scheme="blue",
                width="100%",
                id="otp-sent",
            ),
            *_box(
                "login.otp_label",
                name="otp",
                id="otp",
                auto_complete="one-time-code",
                input_mode="numeric",
                max_length=6,
                auto_focus=True,
            ),
            _error(),
            rx.button(
                T["login.otp_submit"], type="submit", width="100%", size="3", id="otp-submit"
            ),
            rx.button(
                T["login.restart"],
                type="button",
                variant="ghost",
                size="1",
                on_click=LoginState.restart,
                id="otp-restart",
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=LoginState.confirm_code,
        reset_on_submit=True,
        width="100%",
    )


def _password_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            *_box("login.username", name="username", id="username", auto_complete="username"),
            *_box(
                "login.password",
                name="password",
                id="password",
                type="password",
                auto_complete="current-password",
            ),
            rx.cond(
                LoginState.captcha_image != "",
                rx.vstack(
                    rx.text(T["captcha.label"], size="2", weight="medium"),
                    rx.hstack(
                        rx.image(
                            src=LoginState.captcha_image,
                            alt=T["captcha.alt"],
                            height="48px",
                            id="captcha-image",
                            border_radius="4px",
                        ),
                        rx.icon_button(
                            rx.icon("refresh-cw", size=16),
                            type="button",
                            on_click=LoginState.refresh_captcha,
                            variant="soft",
                            title=T["captcha.refresh"],
                            id="captcha-refresh",
                        ),
                        rx.input(
                            name="captcha",
                            id="captcha",
                            auto_complete="off",
                            size="3",
                            width="8em",
                        ),
                        align="center",
                    ),
                    spacing="1",
                    width="100%",
                ),
            ),
            _error(),
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
    )
