"""The one-stop window's workbench page (/workbench/window)."""

from __future__ import annotations

import reflex as rx

from eap.components.cases import (
    clock_badge,
    clock_legend,
    conditions_card,
    feedback,
    localized,
    materials_table,
    party_line,
    selectable_row,
    status_text,
)
from eap.components.confirm import confirm_with_reason
from eap.components.desk import today_panel
from eap.components.shell import pager, shell
from eap.components.tables import table_header
from eap.state.approval.window import WindowState as W

T = W.t


def queue() -> rx.Component:
    return rx.vstack(
        rx.heading(T["home.window"], size="6", id="home-title"),
        rx.cond(
            W.rows.length() > 0,
            rx.table.root(
                table_header(
                    "queue.case_no",
                    "queue.project",
                    "queue.stage",
                    "queue.status",
                    "queue.submitted",
                ),
                rx.table.body(
                    rx.foreach(
                        W.rows,
                        lambda r: selectable_row(
                            r.id == W.case.id,
                            rx.table.cell(
                                rx.button(
                                    r["case_no"],
                                    on_click=W.open_case(r["id"]),
                                    variant="ghost",
                                    size="1",
                                    class_name="queue-case",
                                )
                            ),
                            rx.table.cell(r["project"]),
                            rx.table.cell(T["stage." + r["stage"].to(str)]),
                            rx.table.cell(
                                T["stagecase." + r["status"].to(str)],
                                rx.cond(
                                    r.returned,
                                    rx.badge(T["queue.returned"], color_scheme="green"),
                                    "",
                                ),
                            ),
                            rx.table.cell(r["submitted"]),
                        ),
                    )
                ),
                size="1",
                width="100%",
                variant="surface",
                id="window-queue",
            ),
            rx.text(T["queue.empty"], color_scheme="gray", id="window-queue-empty"),
        ),
        rx.hstack(
            pager(W),
            rx.spacer(),
            clock_legend(),
            rx.button(
                rx.icon("file-spreadsheet"),
                T["export.xlsx"],
                on_click=W.export_queue,
                variant="soft",
            ),
            width="100%",
            wrap="wrap",
            align="center",
        ),
        rx.cond(
            W.to_deliver.length() > 0,
            rx.card(
                rx.vstack(
                    # With no application open, the outcome of 出件 shows here.
                    rx.cond(W.case.id == 0, feedback(W.message, W.error)),
                    rx.hstack(
                        rx.heading(T["window.to_deliver"], size="3"),
                        rx.spacer(),
                        rx.select.root(
                            rx.select.trigger(),
                            rx.select.content(
                                *[
                                    rx.select.item(T[f"deliver.{c}"], value=c)
                                    for c in ("counter", "post", "online")
                                ]
                            ),
                            value=W.channel,
                            on_change=W.set_channel,
                            size="1",
                        ),
                        width="100%",
                    ),
                    rx.foreach(
                        W.to_deliver,
                        lambda d: rx.hstack(
                            rx.vstack(
                                rx.text(d.project, " · ", d.company, size="2", weight="medium"),
                                rx.text(
                                    d.case_no,
                                    " · ",
                                    T["stage." + d.stage.to_string()],
                                    " · ",
                                    T["window.closed_at"],
                                    " ",
                                    d.closed,
                                    size="1",
                                    color_scheme="gray",
                                ),
                                spacing="0",
                            ),
                            rx.spacer(),
                            rx.button(
                                T["window.deliver"],
                                size="1",
                                on_click=W.deliver(d["id"]),
                                class_name="deliver-button",
                            ),
                            width="100%",
                        ),
                    ),
                    rx.cond(
                        W.deliver_pages > 1,
                        pager(
                            W,
                            page=W.deliver_page,
                            pages=W.deliver_pages,
                            goto=W.goto_deliver_page,
                            id_="deliver-pager",
                        ),
                    ),
                    width="100%",
                ),
                width="100%",
            ),
        ),
        width="100%",
    )


def case_panel() -> rx.Component:
    c = W.case
    return rx.card(
        rx.vstack(
            rx.heading(c["project"], " · ", c["case_no"], size="4", id="case-title"),
            rx.text(
                T["case.project_code"],
                ": ",
                c["project_code"],
                " · ",
                T["case.stage"],
                ": ",
                rx.cond(W.lang == "en", c["stage_en"], c["stage_zh"]),
                " · ",
                T["case.status"],
                ": ",
                T["stagecase." + c["status"].to(str)],
                size="2",
            ),
            party_line(W),
            conditions_card(W.conditions),
            feedback(W.message, W.error),
            rx.heading(T["case.items"], size="3"),
            rx.table.root(
                rx.table.body(
                    rx.foreach(
                        W.items,
                        lambda i: rx.table.row(
                            rx.table.cell(localized(i, "item")),
                            rx.table.cell(i["department"]),
                            rx.table.cell(status_text(i["status"])),
                            rx.table.cell(clock_badge(i["clock"])),
                            rx.table.cell(i["due"]),
                        ),
                    )
                ),
                size="1",
                width="100%",
            ),
            rx.heading(T["case.materials"], size="3"),
            rx.text(T["window.tick_hint"], size="1", color_scheme="gray"),
            materials_table(W.materials, W.ticked, W.toggle),
            rx.text_area(
                value=W.remarks,
                on_change=W.set_remarks,
                width="100%",
                placeholder=T["window.remarks"],
                id="window-remarks",
            ),
            rx.hstack(
                rx.cond(
                    c["status"] == "submitted",
                    rx.button(T["window.receive"], on_click=W.receive, id="btn-receive"),
                ),
                rx.cond(
                    c["status"] == "received",
                    rx.hstack(
                        rx.button(
                            T["window.accept"],
                            on_click=W.accept,
                            color_scheme="green",
                            id="btn-accept",
                        ),
                        rx.text(T["window.owed_until"], size="2"),
                        rx.input(
                            type="date",
                            value=W.owed_until,
                            on_change=W.set_owed_until,
                            id="owed-until",
                        ),
                        rx.button(
                            T["window.supplement"],
                            on_click=W.supplement,
                            color_scheme="amber",
                            id="btn-supplement",
                        ),
                        confirm_with_reason(
                            "window.refuse_plain",
                            reason=W.remarks,
                            on_reason=W.set_remarks,
                            on_confirm=W.refuse_plain,
                            id_="btn-refuse",
                            variant="soft",
                        ),
                        confirm_with_reason(
                            "window.formal",
                            reason=W.remarks,
                            on_reason=W.set_remarks,
                            on_confirm=W.refuse_formal,
                            id_="btn-refuse-formal",
                        ),
                        align="center",
                        wrap="wrap",
                    ),
                ),
                wrap="wrap",
            ),
            width="100%",
        ),
        width="100%",
        id="case-panel",
    )


def window_page() -> rx.Component:
    return shell(
        rx.vstack(
            today_panel(),
            queue(),
            rx.cond(W.case.id != 0, case_panel()),
            width="100%",
            spacing="4",
        )
    )
