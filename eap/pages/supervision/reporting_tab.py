"""The supervision page's national-reporting tab (数据上报)."""

from __future__ import annotations

import reflex as rx

from eap.services.exchange.report import CountRow, RejectedRow
from eap.state.supervision.reporting import ReportingState as R

T = R.t
COUNT_COLS = ("table", "city", "pending", "sent", "accepted", "rejected")
REJECTED_COLS = ("table", "record", "subject", "city", "reason", "answered")


def _headers(cols: tuple[str, ...], extra: int = 0) -> rx.Component:
    return rx.table.header(
        rx.table.row(
            *[rx.table.column_header_cell(T[f"spgl.col.{c}"]) for c in cols],
            *[rx.table.column_header_cell("") for _ in range(extra)],
        )
    )


def _count_row(r: rx.Var[CountRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(T["spgl.table." + r.table.to(str)]),
        rx.table.cell(r.city_name),
        rx.table.cell(r.pending),
        rx.table.cell(r.sent),
        rx.table.cell(r.accepted),
        rx.table.cell(
            rx.cond(r.rejected > 0, rx.badge(r.rejected, color_scheme="red"), rx.text("0"))
        ),
    )


def _rejected_row(r: rx.Var[RejectedRow]) -> rx.Component:
    subject = rx.vstack(
        rx.cond(
            r.linkable,
            rx.link(r.project_code, href="/screen/project/" + r.project_code.to(str)),
            rx.text(r.project_code),
        ),
        rx.text(r.case_no, size="1", color_scheme="gray"),
        spacing="0",
    )
    return rx.table.row(
        rx.table.cell(T["spgl.table." + r.table.to(str)]),
        rx.table.cell(
            rx.text(r.record_key, size="1"), rx.text(r.lsh, size="1", color_scheme="gray")
        ),
        rx.table.cell(subject),
        rx.table.cell(r.region_name),
        rx.table.cell(rx.text(r.reason, color_scheme="red"), max_width="22em"),
        rx.table.cell(r.answered_at),
        rx.table.cell(
            rx.button(
                T["spgl.resend"],
                size="1",
                variant="soft",
                on_click=R.resend(r.version_id),
                class_name="spgl-resend",
            )
        ),
    )


def reporting_tab() -> rx.Component:
    return rx.vstack(
        rx.text(T["spgl.intro"], size="2", color_scheme="gray"),
        rx.hstack(
            rx.badge(R.totals, size="2", variant="soft", id="spgl-totals"),
            rx.text(R.last_round, size="2", id="spgl-last-round"),
            wrap="wrap",
            spacing="3",
        ),
        rx.cond(R.message != "", rx.callout(R.message, icon="check", id="spgl-message")),
        rx.cond(R.error != "", rx.callout(R.error, icon="triangle_alert", color_scheme="red")),
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading(T["spgl.rejected_title"], size="3"),
                    rx.spacer(),
                    rx.cond(
                        R.rejected.length() > 1,
                        rx.button(
                            T["spgl.resend_all"],
                            size="2",
                            on_click=R.resend_all,
                            id="spgl-resend-all",
                        ),
                    ),
                    width="100%",
                    align="center",
                ),
                rx.cond(
                    R.rejected.length() > 0,
                    rx.box(
                        rx.table.root(
                            _headers(REJECTED_COLS, extra=1),
                            rx.table.body(rx.foreach(R.rejected, _rejected_row)),
                            width="100%",
                            size="1",
                            id="spgl-rejected",
                        ),
                        overflow_x="auto",
                        width="100%",
                    ),
                    rx.text(
                        T["spgl.none_rejected"],
                        color_scheme="gray",
                        size="2",
                        id="spgl-none-rejected",
                    ),
                ),
                width="100%",
            ),
            width="100%",
        ),
        rx.card(
            rx.cond(
                R.counts.length() > 0,
                rx.box(
                    rx.table.root(
                        _headers(COUNT_COLS),
                        rx.table.body(rx.foreach(R.counts, _count_row)),
                        width="100%",
                        size="1",
                        id="spgl-counts",
                    ),
                    overflow_x="auto",
                    width="100%",
                ),
                rx.text(T["spgl.empty"], color_scheme="gray", size="2"),
            ),
            width="100%",
        ),
        width="100%",
        spacing="3",
    )
