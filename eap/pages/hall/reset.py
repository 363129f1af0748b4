"""Forgotten password (/hall/reset): username and phone, SMS code, new password."""

from __future__ import annotations

import reflex as rx

from eap.components.forms import form_field, form_outcome, secret_field, send_code_button
from eap.components.shell import lang_button
from eap.state.hall.reset import ResetState as R

T = R.t


def _field(name: str, label: str, type_: str = "text", hint: str = "") -> rx.Component:
    return form_field(R, "reset", name, label, type_, hint)


def reset_page() -> rx.Component:
    return rx.center(
        rx.card(
            rx.form(
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
                    send_code_button(R, "btn-reset-code"),
                    secret_field(R, "reset", "code", "register.code", "text"),
                    secret_field(
                        R, "reset", "password", "reset.new_password", hint="register.password_hint"
                    ),
                    secret_field(R, "reset", "password2", "register.password2"),
                    form_outcome(R, "reset-message"),
                    rx.button(
                        T["reset.submit"], type="submit", width="100%", size="3", id="btn-reset"
                    ),
                    rx.link(T["register.have_account"], href="/login", size="2"),
                    spacing="3",
                    width="100%",
                ),
                on_submit=R.submit,
                reset_on_submit=False,
                width="100%",
            ),
            width="min(440px, 96vw)",
            size="4",
        ),
        min_height="100vh",
        padding_y="2em",
        background="linear-gradient(135deg, #e3f2fd, #f4f6fa)",
    )
