"""Sign-up page (/hall/register): company, person or agent; phone verified by SMS code."""

from __future__ import annotations

import reflex as rx

from eap.components.shell import lang_button
from eap.state.register import RegisterState as R

T = R.t


def _error(name: str) -> rx.Component:
    return rx.cond(
        R.field_errors.contains(name),
        rx.text(R.field_errors[name], color_scheme="red", size="1", id=f"error-{name}"),
    )


def _field(name: str, label: str, type_: str = "text", hint: str = "") -> rx.Component:
    return rx.vstack(
        rx.text(T[label], size="2", weight="medium"),
        rx.input(
            value=R.fields.get(name, ""),
            on_change=lambda v: R.set_field(name, v),
            type=type_,
            width="100%",
            id=f"reg-{name}",
            auto_complete="new-password" if type_ == "password" else "off",
        ),
        rx.text(T[hint], size="1", color_scheme="gray") if hint else rx.fragment(),
        _error(name),
        width="100%",
        spacing="1",
    )


def register_page() -> rx.Component:
    kind = R.fields["kind"]
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
                        _error("region_code"),
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
                            flex="1",
                        ),
                        rx.button(
                            rx.cond(
                                R.code_wait > 0,
                                rx.text(R.code_wait, " ", T["register.resend_in"]),
                                T["register.send_code"],
                            ),
                            on_click=R.send_code,
                            disabled=R.code_wait > 0,
                            variant="soft",
                            id="btn-send-code",
                        ),
                        width="100%",
                    ),
                    _error("phone"),
                    width="100%",
                    spacing="1",
                ),
                _field("code", "register.code"),
                _field("username", "register.username", hint="register.username_hint"),
                _field("password", "register.password", "password", "register.password_hint"),
                _field("password2", "register.password2", "password"),
                rx.cond(
                    R.field_errors.contains("form"),
                    rx.callout(R.field_errors["form"], color_scheme="red", icon="triangle_alert"),
                ),
                rx.cond(
                    R.message != "",
                    rx.callout(R.message, color_scheme="green", icon="check", id="reg-message"),
                ),
                rx.cond(
                    R.error != "", rx.callout(R.error, color_scheme="red", icon="triangle_alert")
                ),
                rx.button(
                    T["register.submit"],
                    on_click=R.submit,
                    width="100%",
                    size="3",
                    id="btn-register-account",
                ),
                rx.link(T["register.have_account"], href="/login", size="2"),
                spacing="3",
                width="100%",
            ),
            width="min(480px, 96vw)",
            size="4",
        ),
        min_height="100vh",
        padding_y="2em",
        background="linear-gradient(135deg, #e3f2fd, #f4f6fa)",
    )
