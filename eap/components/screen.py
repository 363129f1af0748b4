"""The big screen's look: dark panels, large type (数据展示大屏的样式)."""

from __future__ import annotations

import reflex as rx

BG, PANEL, INK, MUTED = "#06142b", "#0b1e3a", "#e3f2fd", "#90a4ae"
TONE = {"good": "#66bb6a", "bad": "#ef5350"}


def panel(*children: rx.Component, **props) -> rx.Component:  # type: ignore[no-untyped-def]
    return rx.box(
        *children,
        background=PANEL,
        border="1px solid #1c3a66",
        border_radius="10px",
        padding="0.9em 1.1em",
        overflow="hidden",
        **props,
    )
