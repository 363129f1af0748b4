"""Shared pieces of the case pages: status words, clock badges, material and history tables."""

from __future__ import annotations

from typing import Any

import reflex as rx

from eap.components.tables import table_header
from eap.state.core.base import AppState

T = AppState.t
CLOCK_COLOURS = {
    "normal": "green",
    "warning": "amber",
    "due": "orange",
    "overdue": "red",
    "paused": "gray",
    "done": "blue",
    "waiting": "gray",
    "blocked": "red",
    "not_started": "gray",
}


def status_text(status: rx.Var) -> rx.Component:
    return rx.text(T["blzt." + status.to(str)], size="2")


def clock_badge(state: rx.Var, left: rx.Var | None = None) -> rx.Component:
    label = T["clock." + state.to(str)]
    return rx.match(
        state,
        *[
            (
                s,
                rx.badge(
                    label,
                    rx.cond(left if left is not None else False, rx.fragment(" ", left), ""),
                    color_scheme=c,
                    variant="soft",
                ),
            )
            for s, c in CLOCK_COLOURS.items()
        ],
        rx.badge(label),
    )


def localized(row: rx.Var, field: str) -> rx.Var:
    return rx.cond(AppState.lang == "en", row[f"{field}_en"], row[f"{field}_zh"])


def template_link(material: rx.Var, size: str | None = None) -> rx.Component:
    """The blank template (PDF) of a material, where the catalogue has one."""
    sized = {"size": size} if size else {}
    return rx.cond(
        material["template"] != "",
        rx.link(
            " ",
            T["guide.template"],
            href=material["template"].to(str),
            is_external=True,
            class_name="template-link",
            **sized,
        ),
        "",
    )


def selectable_row(selected: rx.Var, *cells: rx.Component) -> rx.Component:
    """A list row that shows it is the one open below (the eye finds its case again)."""
    return rx.table.row(
        *cells,
        background=rx.cond(selected, "var(--accent-a4)", ""),
        class_name=rx.cond(selected, "selected-row", ""),
    )


def clock_legend() -> rx.Component:
    """What each clock colour means (the rule is case_clock.clock_view's)."""
    return rx.popover.root(
        rx.popover.trigger(
            rx.button(
                rx.icon("info", size=14),
                T["clock.legend"],
                variant="ghost",
                size="1",
                id="clock-legend",
            )
        ),
        rx.popover.content(
            rx.vstack(
                *[
                    rx.hstack(
                        rx.badge(T[f"clock.{state}"], color_scheme=colour, variant="soft"),
                        rx.text(T[f"clock.legend.{state}"], size="1"),
                        align="center",
                    )
                    for state, colour in CLOCK_COLOURS.items()
                ],
                spacing="2",
                id="clock-legend-body",
            ),
            max_width="420px",
        ),
    )


def materials_table(materials: rx.Var, ticked: rx.Var, on_toggle) -> rx.Component:
    """Every material of the form beside the checklist: present, owed or missing."""
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell(""),
                rx.table.column_header_cell(T["material.name"]),
                rx.table.column_header_cell(T["material.key"]),
                rx.table.column_header_cell(T["material.file"]),
                rx.table.column_header_cell(T["material.state"]),
            )
        ),
        rx.table.body(
            rx.foreach(
                materials,
                lambda m: rx.table.row(
                    rx.table.cell(
                        rx.checkbox(
                            checked=ticked.contains(m["code"]),
                            on_change=lambda c: on_toggle(m["code"], c),
                            class_name="material-tick",
                        )
                    ),
                    rx.table.cell(m["code"], " ", localized(m, "name")),
                    rx.table.cell(
                        rx.cond(m.key, rx.badge(T["material.key"], color_scheme="red"), "")
                    ),
                    rx.table.cell(
                        rx.cond(
                            m.file_id,
                            rx.link(
                                m["filename"],
                                href="/files/" + m["file_id"].to(str),
                                is_external=True,
                            ),
                            T["material.source." + m["source"].to(str)],
                        )
                    ),
                    rx.table.cell(
                        rx.cond(
                            m.present,
                            rx.cond(
                                m["owed"] != "",
                                rx.badge(T["material.owed"], " ", m["owed"], color_scheme="amber"),
                                rx.badge(T["material.present"], color_scheme="green"),
                            ),
                            rx.badge(T["material.missing"], color_scheme="red"),
                        )
                    ),
                ),
            )
        ),
        size="1",
        width="100%",
        variant="surface",
        class_name="materials-table",
    )


def history_table(history: rx.Var) -> rx.Component:
    return rx.table.root(
        table_header(
            "history.at", "history.status", "history.office", "history.handler", "history.opinion"
        ),
        rx.table.body(
            rx.foreach(
                history,
                lambda e: rx.table.row(
                    rx.table.cell(e["at"]),
                    rx.table.cell(T["blzt." + e["status"].to(str)]),
                    rx.table.cell(e["office"]),
                    rx.table.cell(e["handler"]),
                    rx.table.cell(e["opinion"]),
                ),
            )
        ),
        size="1",
        width="100%",
        id="case-history",
    )


def conditions_card(conditions: rx.Var) -> rx.Component:
    """策划生成: the conditions the departments set before registration, carried by the
    project into stage 1 (shown only where there are some)."""
    return rx.cond(
        conditions.length() > 0,
        rx.callout(
            rx.vstack(
                rx.text(T["generation.conditions"], weight="medium", size="2"),
                rx.foreach(
                    conditions,
                    lambda c: rx.text(c.department, "：", c.conditions, size="2"),
                ),
                spacing="1",
            ),
            icon="map",
            color_scheme="blue",
            id="plan-conditions",
        ),
    )


def feedback(message: rx.Var, error: rx.Var) -> rx.Component:
    return rx.fragment(
        rx.cond(
            message != "",
            rx.callout(message, icon="check", color_scheme="green", id="action-message"),
        ),
        rx.cond(
            error != "",
            rx.callout(error, icon="triangle_alert", color_scheme="red", id="action-error"),
        ),
    )


def party_line(S: Any) -> rx.Component:  # noqa: N803 - a state class with PartyRevealMixin
    """The applicant: name, contact, phone and (a person's) ID number, masked until someone
    who needs them asks to see them in full (that request is audited)."""
    c = S.case
    shown = S.revealed_phone != ""
    return rx.hstack(
        rx.icon("user", size=14, color="gray"),
        rx.text(T["case.applicant"], ": ", c["applicant"], size="2", weight="medium"),
        rx.match(
            c["code_check"],
            (1, rx.badge(T["source.verified"], color_scheme="green", id="code-check")),
            (2, rx.badge(T["source.pending"], color_scheme="amber", id="code-check")),
            (3, rx.badge(T["source.unknown"], color_scheme="red", id="code-check")),
            rx.fragment(),
        ),
        rx.cond(
            c["credit_checked"],
            rx.match(
                c["credit"],
                (2, rx.badge(T["credit.dishonest"], color_scheme="red", id="party-credit")),
                (1, rx.badge(T["credit.good"], color_scheme="green", id="party-credit")),
                rx.badge(T["credit.not_checked"], color_scheme="gray", id="party-credit"),
            ),
        ),
        rx.text(T["case.contact"], ": ", c["contact"], size="2"),
        rx.text(
            T["case.phone"],
            ": ",
            rx.cond(shown, S.revealed_phone, c["phone"]),
            size="2",
            id="party-phone",
        ),
        rx.cond(
            c["id_number"] != "",
            rx.text(
                T["case.id_number"], ": ", rx.cond(shown, S.revealed_id, c["id_number"]), size="2"
            ),
        ),
        rx.cond(
            ~shown & (c["phone"] != ""),
            rx.button(
                rx.icon("eye", size=14),
                T["case.reveal"],
                on_click=S.reveal_party,
                size="1",
                variant="ghost",
                id="btn-reveal-party",
                title=T["case.reveal_hint"],
            ),
        ),
        spacing="3",
        wrap="wrap",
        align="center",
        id="party-line",
    )
