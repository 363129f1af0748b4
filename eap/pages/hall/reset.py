"""Forgotten password (/hall/reset): username and phone, SMS code, new password."""

from __future__ import annotations

import reflex as rx

from eap.components.forms import form_field, form_outcome, send_code_button
from eap.components.shell import lang_button
from eap.state.hall.reset import ResetState as R

T = R.t


def _field(name: str, label: str, type_: str = "text", hint: str = "") -> rx.Component:
    return form_field(R, "reset", name, label, type_, hint)


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
                send_code_button(R, "btn-reset-code"),
                _field("code", "register.code"),
                _field("password", "reset.new_password", "password", "register.password_hint"),
                _field("password2", "register.password2", "password"),
                form_outcome(R, "reset-message"),
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
