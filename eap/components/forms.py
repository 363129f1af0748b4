"""Form pieces the pages share. ``S`` is the page's state class.

- field_error: a field's translated error beside it (any state with ``field_errors``);
- form_field, send_code_button, form_outcome: the sign-up and password-reset forms (states
  with PhoneCodeMixin and their own ``fields``); ``prefix`` keeps each page's element ids."""

from __future__ import annotations

from typing import Any

import reflex as rx

from eap.state.core.base import AppState


def field_error(S: Any, name: str) -> rx.Component:  # noqa: N803 - a state class
    return rx.cond(
        S.field_errors.contains(name),
        rx.text(S.field_errors[name], color_scheme="red", size="1", id=f"error-{name}"),
    )


def labelled(
    S: Any,  # noqa: N803 - a state class
    label: str,
    control: rx.Component,
    name: str,
    *,
    size: str = "1",
    id_prefix: str = "",
    **props: Any,
) -> rx.Component:
    """A label over a control, its error beside it (any state with ``field_errors``). With
    ``id_prefix`` the label names its control (``id_prefix + name``): a click on it focuses
    the control, and a screen reader reads it with it."""
    text = rx.text(S.t[label], size=size, weight="medium")
    return rx.vstack(
        rx.el.label(text, html_for=f"{id_prefix}{name}") if id_prefix else text,
        control,
        field_error(S, name),
        spacing="1",
        **props,
    )


def form_field(
    S: Any,  # noqa: N803 - a state class
    prefix: str,
    name: str,
    label: str,
    type_: str = "text",
    hint: str = "",
) -> rx.Component:
    return rx.vstack(
        rx.text(S.t[label], size="2", weight="medium"),
        rx.input(
            value=S.fields.get(name, ""),
            on_change=lambda v: S.set_field(name, v),
            name=name,
            type=type_,
            width="100%",
            id=f"{prefix}-{name}",
            auto_complete="new-password" if type_ == "password" else "off",
        ),
        rx.text(S.t[hint], size="1", color_scheme="gray") if hint else rx.fragment(),
        field_error(S, name),
        width="100%",
        spacing="1",
    )


def secret_field(
    S: Any,  # noqa: N803 - a state class
    prefix: str,
    name: str,
    label: str,
    type_: str = "password",
    hint: str = "",
) -> rx.Component:
    """A password or phone code: an uncontrolled input whose value travels only with the
    form's submit, never through page state (which Reflex persists)."""
    return rx.vstack(
        rx.text(S.t[label], size="2", weight="medium"),
        rx.input(
            name=name,
            type=type_,
            width="100%",
            id=f"{prefix}-{name}",
            auto_complete="new-password" if type_ == "password" else "one-time-code",
        ),
        rx.text(S.t[hint], size="1", color_scheme="gray") if hint else rx.fragment(),
        field_error(S, name),
        width="100%",
        spacing="1",
    )


def send_code_button(S: Any, button_id: str) -> rx.Component:  # noqa: N803 - a state class
    return rx.button(
        rx.cond(
            S.code_wait > 0,
            rx.text(S.code_wait, " ", S.t["register.resend_in"]),
            S.t["register.send_code"],
        ),
        type="button",  # inside the form: sending a code must not submit it
        on_click=S.send_code,
        disabled=S.code_wait > 0,
        variant="soft",
        id=button_id,
    )


def form_outcome(S: Any, message_id: str) -> rx.Component:  # noqa: N803 - a state class
    """The form-level error, the success message and any other error, in that order."""
    return rx.fragment(
        rx.cond(
            S.field_errors.contains("form"),
            rx.callout(S.field_errors["form"], color_scheme="red", icon="triangle_alert"),
        ),
        rx.cond(
            S.message != "",
            rx.callout(S.message, color_scheme="green", icon="check", id=message_id),
        ),
        rx.cond(S.error != "", rx.callout(S.error, color_scheme="red", icon="triangle_alert")),
    )


def select_field(
    value: Any, options: list[tuple[str, str]], on_change: Any, id_: str
) -> rx.Component:
    """A select of fixed options: (value, message key) pairs, labels translated."""
    return rx.select.root(
        rx.select.trigger(id=id_),
        rx.select.content(*[rx.select.item(AppState.t[label], value=v) for v, label in options]),
        value=value,
        on_change=on_change,
        size="2",
    )
