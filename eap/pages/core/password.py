"""Change password page (/account/password): the current password, the new one twice."""

from __future__ import annotations

import reflex as rx

from eap.components.forms import field_error
from eap.components.shell import shell
from eap.state.core.password import PasswordState as P

T = P.t


def _box(name: str, label: str, autocomplete: str, hint: str = "") -> rx.Component:
    return rx.vstack(
        rx.text(T[label], size="2", weight="medium"),
        rx.input(
            name=name,
            id=f"pw-{name}",
            type="password",
            auto_complete=autocomplete,
            width="100%",
        ),
        rx.text(T[hint], size="1", color_scheme="gray") if hint else rx.fragment(),
        field_error(P, name),
        width="100%",
        spacing="1",
    )


def password_page() -> rx.Component:
    return shell(
        rx.card(
            rx.form(
                rx.vstack(
                    rx.heading(T["account.password_title"], size="5", id="home-title"),
                    _box("old_password", "account.old_password", "current-password"),
                    _box(
                        "password", "account.new_password", "new-password", "register.password_hint"
                    ),
                    _box("password2", "register.password2", "new-password"),
                    rx.cond(
                        P.message != "",
                        rx.callout(P.message, icon="check", color_scheme="green", id="pw-message"),
                    ),
                    rx.cond(
                        P.error != "",
                        rx.callout(P.error, icon="triangle_alert", color_scheme="red"),
                    ),
                    rx.button(T["account.password_title"], type="submit", id="pw-submit"),
                    spacing="3",
                    width="100%",
                ),
                on_submit=P.submit,
                reset_on_submit=True,
                width="100%",
            ),
            width="min(460px, 96vw)",
        )
    )
