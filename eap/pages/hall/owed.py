"""Materials owed under 容缺受理 (/hall/owed): what the company promised, by when, the late
ones first in colour; hand each in with its file."""

from __future__ import annotations

import reflex as rx

from eap.components.cases import feedback, localized
from eap.components.forms import field_error
from eap.components.shell import shell
from eap.components.tables import table_header
from eap.state.hall.owed import OwedState as O

T = O.t
UPLOAD_ID = "owed_upload"


def _row(r: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.text(r["code"], " ", localized(r, "name"), weight="medium", size="2"),
        ),
        rx.table.cell(
            rx.text(r["project"], size="2"),
            rx.text(
                r["case_no"], " · ", T["stage." + r["stage"].to(str)], size="1", color_scheme="gray"
            ),
        ),
        rx.table.cell(
            rx.cond(
                r["late"],
                rx.badge(r["owed_until"], " ", T["owed.late"], color_scheme="red"),
                rx.text(r["owed_until"], size="2"),
            )
        ),
        rx.table.cell(
            rx.button(
                T["owed.hand_in"],
                size="1",
                on_click=O.start(r["stage_case_id"], r["code"]),
                class_name="owed-start",
            )
        ),
        id="owed-" + r["stage_case_id"].to(str) + "-" + r["code"],
    )


def _editor() -> rx.Component:
    """The one material being handed in: its file, then the hand-in."""
    return rx.card(
        rx.vstack(
            rx.heading(T["owed.hand_in_title"], size="4"),
            rx.text(O.handing_label, weight="medium", id="owed-handing"),
            rx.hstack(
                rx.upload(
                    rx.button(T["apply.choose_file"], variant="soft"),
                    id=UPLOAD_ID,
                    max_files=1,
                    multiple=False,
                    accept={
                        "application/pdf": [".pdf"],
                        "image/png": [".png"],
                        "image/jpeg": [".jpg", ".jpeg"],
                    },
                    on_drop=O.handle_upload(rx.upload_files(upload_id=UPLOAD_ID)),
                    on_drop_rejected=O.upload_refused,
                ),
                rx.cond(
                    O.upload_name != "",
                    rx.badge(O.upload_name, color_scheme="blue", id="owed-upload-name"),
                    rx.text(T["apply.file_rules"], size="1", color_scheme="gray"),
                ),
                align="center",
                wrap="wrap",
            ),
            field_error(O, "file"),
            field_error(O, "materials"),
            rx.hstack(
                rx.button(T["owed.submit"], on_click=O.hand_in, id="owed-submit"),
                rx.button(
                    T["confirm.back"], variant="soft", color_scheme="gray", on_click=O.cancel
                ),
                spacing="3",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="owed-editor",
    )


def owed_page() -> rx.Component:
    return shell(
        rx.vstack(
            rx.heading(T["owed.title"], size="6", id="home-title"),
            rx.text(T["owed.intro"], size="2", color_scheme="gray"),
            feedback(O.message, O.error),
            rx.cond(
                O.late > 0,
                rx.callout(
                    rx.text(O.late, " ", T["owed.late_count"]),
                    color_scheme="red",
                    icon="triangle_alert",
                    id="owed-late",
                ),
            ),
            rx.cond(O.handing_stage != 0, _editor()),
            rx.cond(
                O.rows.length() > 0,
                rx.table.root(
                    table_header(
                        "library.material", "owed.application", "owed.promised", actions=True
                    ),
                    rx.table.body(rx.foreach(O.rows, _row)),
                    width="100%",
                    id="owed-table",
                ),
                rx.callout(
                    T["owed.none"], icon="circle_check", color_scheme="green", id="owed-none"
                ),
            ),
            spacing="4",
            width="100%",
            max_width="60em",
        )
    )
