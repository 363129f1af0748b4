"""Table pieces the pages share."""

from __future__ import annotations

import reflex as rx

from eap.state.core.base import AppState


def table_header(*keys: str, actions: bool = False) -> rx.Component:
    """A table's header row: each column's title from the message catalogue (its key) and,
    with ``actions``, a last column for the row's buttons titled 操作 (never a blank header:
    a screen reader names each cell by its column)."""
    titles = (*keys, "table.actions") if actions else keys
    return rx.table.header(
        rx.table.row(*(rx.table.column_header_cell(AppState.t[key]) for key in titles))
    )
