"""The supervision page's intermediary tab (中介服务监管)."""

from __future__ import annotations

import reflex as rx

from eap.state.supervision.market_watch import MarketWatchState as W

T = W.t


def _section(
    title: str, rows: rx.Var, empty: str, row, headers: tuple[str, ...], id_: str
) -> rx.Component:  # noqa: ANN001
    return rx.card(
        rx.vstack(
            rx.heading(T[title], size="3"),
            rx.cond(
                rows.length() > 0,
                rx.table.root(
                    rx.table.header(
                        rx.table.row(*[rx.table.column_header_cell(T[h]) for h in headers])
                    ),
                    rx.table.body(rx.foreach(rows, row)),
                    width="100%",
                    id=id_,
                ),
                rx.text(T[empty], color_scheme="gray", size="2"),
            ),
            width="100%",
        ),
        width="100%",
    )


def market_tab() -> rx.Component:
    return rx.vstack(
        _section(
            "watch.overdue",
            W.overdue,
            "watch.none_overdue",
            lambda r: rx.table.row(
                rx.table.cell(r.number),
                rx.table.cell(r.agency),
                rx.table.cell(r.owner),
                rx.table.cell(r.due_date),
                rx.table.cell(rx.badge(r.days_over, color_scheme="red")),
            ),
            (
                "watch.col.number",
                "market.col.agency",
                "market.col.owner",
                "market.due",
                "watch.col.days_over",
            ),
            "watch-overdue",
        ),
        _section(
            "watch.patterns",
            W.patterns,
            "watch.none_patterns",
            lambda r: rx.table.row(
                rx.table.cell(T["watch.pattern." + r.kind]),
                rx.table.cell(r.subject),
                rx.table.cell(r.detail),
                rx.table.cell(r.count),
            ),
            ("watch.col.pattern", "watch.col.subject", "watch.col.detail", "watch.col.count"),
            "watch-patterns",
        ),
        _section(
            "market.objections_title",
            W.objections,
            "market.no_objections",
            lambda r: rx.table.row(
                rx.table.cell(r.number),
                rx.table.cell(rx.text(r.body, size="2")),
                rx.table.cell(T["market.objection_status." + r.status.to(str)]),
                rx.table.cell(r.raised_at),
            ),
            ("watch.col.number", "watch.col.objection", "market.col.status", "watch.col.raised"),
            "watch-objections",
        ),
        width="100%",
    )
