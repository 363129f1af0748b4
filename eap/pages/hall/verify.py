"""Public page the certificate QR code opens: genuine? valid today? No personal data."""

from __future__ import annotations

import reflex as rx

from eap.components.shell import lang_button
from eap.state.hall.verify import VerifyState as V

T = V.t


def _row(key: str, value: rx.Var | str) -> rx.Component:
    return rx.hstack(
        rx.text(T[key], weight="medium", min_width="7em"),
        rx.text(value, id="verify-" + key.removeprefix("verify.").replace("_", "-")),
        size="2",
    )


def verify_page() -> rx.Component:
    genuine, valid = V.result.genuine, V.result.valid
    return rx.center(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading(T["verify.title"], size="5"),
                    rx.spacer(),
                    lang_button(),
                    width="100%",
                ),
                rx.cond(
                    genuine,
                    rx.cond(
                        valid,
                        rx.callout(
                            T["verify.genuine_valid"],
                            icon="badge_check",
                            color_scheme="green",
                            id="verify-result",
                        ),
                        rx.callout(
                            T["verify.genuine_invalid"],
                            icon="circle_alert",
                            color_scheme="amber",
                            id="verify-result",
                        ),
                    ),
                    rx.callout(
                        T["verify.not_found"],
                        icon="octagon_x",
                        color_scheme="red",
                        id="verify-result",
                    ),
                ),
                rx.cond(
                    genuine,
                    rx.vstack(
                        _row("verify.name", V.result.name),
                        _row("verify.cert_no", V.result.cert_no),
                        _row("verify.project", V.result.project),
                        _row("verify.issued_on", V.result.issued_on),
                        _row(
                            "verify.valid_until",
                            rx.cond(
                                V.result.valid_until != "",
                                V.result.valid_until,
                                T["verify.long_term"],
                            ),
                        ),
                    ),
                ),
                width="100%",
                spacing="3",
            ),
            width="520px",
        ),
        min_height="100vh",
        background="#f4f6fa",
    )
