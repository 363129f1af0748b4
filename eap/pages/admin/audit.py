"""/admin/audit — the auditor's page (审计日志): filters and search above a named, paged trail."""

from __future__ import annotations

from functools import partial

import reflex as rx

from eap.components.cases import feedback
from eap.components.forms import labelled
from eap.components.shell import pager, shell
from eap.components.tables import table_header
from eap.services.admin.audit_trail import CATEGORIES
from eap.state.admin.audit import AuditState as A

T = A.t


_labelled = partial(labelled, A, size="2", id_prefix="audit-")


def _filters() -> rx.Component:
    return rx.form(
        rx.hstack(
            _labelled(
                "audit.search",
                rx.input(
                    name="text",
                    default_value=A.text,
                    placeholder=T["audit.search_hint"],
                    width="26em",
                    max_width="90vw",
                    id="audit-text",
                ),
                "text",
            ),
            _labelled(
                "audit.category",
                rx.select.root(
                    rx.select.trigger(id="audit-category", min_width="12em"),
                    rx.select.content(
                        rx.select.item(T["audit.category.all"], value="all"),
                        *[rx.select.item(T[f"audit.category.{c}"], value=c) for c in CATEGORIES],
                    ),
                    value=A.category,
                    on_change=A.set_category,
                ),
                "category",
            ),
            _labelled(
                "audit.date_from",
                rx.input(
                    name="date_from", type="date", default_value=A.date_from, id="audit-date_from"
                ),
                "date_from",
            ),
            _labelled(
                "audit.date_to",
                rx.input(name="date_to", type="date", default_value=A.date_to, id="audit-date_to"),
                "date_to",
            ),
            rx.hstack(
                rx.button(T["audit.apply"], type="submit", id="audit-apply"),
                rx.button(
                    T["audit.reset"],
                    type="button",
                    variant="soft",
                    color_scheme="gray",
                    on_click=A.clear_filters,
                    id="audit-reset",
                ),
                padding_top="1.5em",
            ),
            wrap="wrap",
            spacing="4",
            align="start",
        ),
        on_submit=A.search,
        reset_on_submit=False,
        key=A.form_version,
        width="100%",
    )


def _record_chip() -> rx.Component:
    return rx.cond(
        A.entity != "",
        rx.badge(
            T["audit.record_filter"]
            .to(str)
            .replace("{entity}", T["audit.entity." + A.entity].to(str))
            .replace("{subject}", A.entity_subject),
            rx.icon_button(
                rx.icon("x", size=12),
                size="1",
                variant="ghost",
                on_click=A.clear_record,
                aria_label=T["audit.reset"],
                id="audit-clear-record",
            ),
            size="2",
            id="audit-record-chip",
        ),
    )


def _actor(row: rx.Var) -> rx.Component:
    return rx.cond(
        row.account != "",
        rx.vstack(
            rx.text(row.actor, size="2"),
            rx.text(row.account, size="1", color_scheme="gray"),
            spacing="0",
        ),
        rx.text(T["audit.system"], size="2", color_scheme="gray"),
    )


def _subject(row: rx.Var) -> rx.Component:
    return rx.cond(
        row.entity != "",
        rx.vstack(
            rx.text(T["audit.entity." + row.entity], size="1", color_scheme="gray"),
            rx.link(
                rx.cond(row.subject != "", row.subject, "#" + row.entity_id),
                # no navigation to "#" (a route change reruns the page's on-load)
                on_click=[
                    rx.prevent_default,
                    A.only_record(row.entity, row.entity_id, row.subject),
                ],
                title=T["audit.only_record"],
                size="2",
                class_name="audit-subject",
                cursor="pointer",
            ),
            spacing="0",
        ),
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.at, size="2", white_space="nowrap")),
        rx.table.cell(_actor(row)),
        rx.table.cell(
            rx.vstack(
                rx.text(T[row.action_key], size="2", weight="medium", class_name="audit-action"),
                rx.code(row.action, size="1", variant="ghost", color_scheme="gray"),
                spacing="0",
            )
        ),
        rx.table.cell(_subject(row)),
        rx.table.cell(
            rx.text(row.detail, size="1", color_scheme="gray", title=row.detail, max_width="28em")
        ),
        class_name="audit-row",
    )


def _table() -> rx.Component:
    return rx.cond(
        A.rows.length() > 0,
        rx.box(
            rx.table.root(
                table_header(
                    "audit.col.at",
                    "audit.col.actor",
                    "audit.col.action",
                    "audit.col.subject",
                    "audit.col.detail",
                ),
                rx.table.body(rx.foreach(A.rows, _row)),
                variant="surface",
                size="1",
                width="100%",
                id="audit-table",
            ),
            overflow_x="auto",
            width="100%",
        ),
        rx.callout(T["audit.empty"], icon="info", id="audit-empty"),
    )


def audit_page() -> rx.Component:
    return shell(
        rx.vstack(
            rx.heading(T["audit.title"], size="6", id="home-title"),
            rx.text(T["audit.lead"], size="2", color_scheme="gray"),
            _filters(),
            feedback(rx.Var.create(""), A.error),
            rx.hstack(
                rx.text(
                    T["audit.total"].to(str).replace("{n}", A.total.to(str)),
                    size="2",
                    id="audit-total",
                ),
                _record_chip(),
                align="center",
                spacing="3",
                wrap="wrap",
            ),
            _table(),
            pager(A),
            spacing="4",
            width="100%",
        )
    )
