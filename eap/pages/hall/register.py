"""Sign-up page (/hall/register): company, person or agent; phone verified by SMS code."""

from __future__ import annotations

import reflex as rx

from eap.components.forms import (
    field_error,
    form_field,
    form_outcome,
    secret_field,
    send_code_button,
)
from eap.components.shell import lang_button
from eap.state.hall.register import RegisterState as R

T = R.t


def _field(name: str, label: str, type_: str = "text", hint: str = "") -> rx.Component:
    return form_field(R, "reg", name, label, type_, hint)


def register_page() -> rx.Component:
    kind = R.fields["kind"]
    return rx.center(
        rx.card(
            rx.form(
                rx.vstack(
                    rx.hstack(
                        rx.icon("landmark", size=28, color="#0b4a8b"),
                        rx.heading(T["app.name"], size="5"),
                        rx.spacer(),
                        lang_button(),
                        width="100%",
                        align="center",
                    ),
                    rx.heading(T["register.title"], size="4", id="register-title"),
                    rx.segmented_control.root(
                        *[
                            rx.segmented_control.item(T[f"register.kind.{k}"], value=k)
                            for k in ("company", "person", "agent")
                        ],
                        value=kind,
                        on_change=R.set_kind,
                        id="reg-kind",
                        width="100%",
                    ),
                    rx.cond(
                        kind == "company",
                        rx.vstack(
                            _field("uscc", "register.uscc"),
                            _field("name", "register.name"),
                            _field("legal_rep", "register.legal_rep"),
                            width="100%",
                        ),
                        _field("id_number", "register.id_number"),
                    ),
                    rx.cond(
                        kind != "agent",
                        rx.vstack(
                            rx.text(T["register.region_code"], size="2", weight="medium"),
                            rx.select.root(
                                rx.select.trigger(id="reg-region_code", width="100%"),
                                rx.select.content(
                                    rx.foreach(
                                        R.regions,
                                        lambda r: rx.select.item(r["name"], value=r["code"]),
                                    )
                                ),
                                value=R.fields["region_code"],
                                on_change=lambda v: R.set_field("region_code", v),
                            ),
                            field_error(R, "region_code"),
                            width="100%",
                            spacing="1",
                        ),
                    ),
                    _field("display_name", "register.display_name"),
                    rx.vstack(
                        rx.text(T["register.phone"], size="2", weight="medium"),
                        rx.hstack(
                            rx.input(
                                value=R.fields.get("phone", ""),
                                on_change=lambda v: R.set_field("phone", v),
                                type="tel",
                                id="reg-phone",
                                name="phone",
                                flex="1",
                            ),
                            send_code_button(R, "btn-send-code"),
                            width="100%",
                        ),
                        field_error(R, "phone"),
                        width="100%",
                        spacing="1",
                    ),
                    secret_field(R, "reg", "code", "register.code", "text"),
                    _field("username", "register.username", hint="register.username_hint"),
                    secret_field(
                        R, "reg", "password", "register.password", hint="register.password_hint"
                    ),
                    secret_field(R, "reg", "password2", "register.password2"),
                    form_outcome(R, "reg-message"),
                    rx.button(
                        T["register.submit"],
                        type="submit",
                        width="100%",
                        size="3",
                        id="btn-register-account",
                    ),
                    rx.link(T["register.have_account"], href="/login", size="2"),
                    spacing="3",
                    width="100%",
                ),
                on_submit=R.submit,
                reset_on_submit=False,
                width="100%",
            ),
            width="min(480px, 96vw)",
            size="4",
        ),
        min_height="100vh",
        padding_y="2em",
        background="linear-gradient(135deg, #e3f2fd, #f4f6fa)",
    )
