"""Forgotten password (/hall/reset): username and phone, SMS code, new password."""

from __future__ import annotations

import reflex as rx

from eap.components.shell import lang_button
from eap.state.reset import ResetState as R

T = R.t


def _field(name: str, label: str, type_: str = "text", hint: str = "") -> rx.Component:
    return rx.vstack(
        rx.text(T[label], size="2", weight="medium"),
        rx.input(
            value=R.fields.get(name, ""),
            on_change=lambda v: R.set_field(name, v),
            type=type_,
            width="100%",
            id=f"reset-{name}",
            auto_complete="new-password" if type_ == "password" else "off",
        ),
        rx.text(T[hint], size="1", color_scheme="gray") if hint else rx.fragment(),
        rx.cond(
            R.field_errors.contains(name),
            rx.text(R.field_errors[name], color_scheme="red", size="1", id=f"error-{name}"),
        ),
        width="100%",
        spacing="1",
    )


def reset_page() -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading(T["reset.title"], size="5", id="reset-title"),
                    rx.spacer(),
                    lang_button(),
                    width="100%",
                    align="center",
                ),
                _field("username", "register.username"),
                _field("phone", "register.phone", "tel"),
                rx.button(
                    rx.cond(
                        R.code_wait > 0,
                        rx.text(R.code_wait, " ", T["register.resend_in"]),
                        T["register.send_code"],
                    ),
                    on_click=R.send_code,
                    disabled=R.code_wait > 0,
                    variant="soft",
                    id="btn-reset-code",
                ),
                _field("code", "register.code"),
                _field("password", "reset.new_password", "password", "register.password_hint"),
                _field("password2", "register.password2", "password"),
                rx.cond(
                    R.field_errors.contains("form"),
                    rx.callout(R.field_errors["form"], color_scheme="red", icon="triangle_alert"),
                ),
                rx.cond(
                    R.message != "",
                    rx.callout(R.message, color_scheme="green", icon="check", id="reset-message"),
                ),
                rx.cond(
                    R.error != "", rx.callout(R.error, color_scheme="red", icon="triangle_alert")
                ),
                rx.button(
                    T["reset.submit"], on_click=R.submit, width="100%", size="3", id="btn-reset"
                ),
                rx.link(T["register.have_account"], href="/login", size="2"),
                spacing="3",
                width="100%",
            ),
            width="min(440px, 96vw)",
            size="4",
        ),
        min_height="100vh",
        padding_y="2em",
        background="linear-gradient(135deg, #e3f2fd, #f4f6fa)",
    )
