"""The administrator's 区域评估 (/admin/assessments): the areas assessed once (a zone's 环评,
水土保持, 地质灾害 …), the materials each stands for and its validity; a new one from its
boundary (GeoJSON), and withdrawing one."""

from __future__ import annotations

import reflex as rx

from eap.components.cases import feedback
from eap.components.confirm import confirm_button
from eap.components.forms import labelled
from eap.components.shell import shell
from eap.components.tables import table_header
from eap.services.admin.assessments import KINDS
from eap.state.admin.assessments import AssessmentsState as A

T = A.t


def _rows() -> rx.Component:
    return rx.cond(
        A.rows.length() > 0,
        rx.table.root(
            table_header(
                "assessment.col.name",
                "assessment.col.kind",
                "assessment.col.region",
                "assessment.col.exempts",
                "assessment.col.valid",
                "assessment.col.state",
                actions=True,
            ),
            rx.table.body(
                rx.foreach(
                    A.rows,
                    lambda r: rx.table.row(
                        rx.table.cell(
                            rx.vstack(
                                rx.text(r.name, weight="medium", size="2"),
                                rx.text(r.document_no, size="1", color_scheme="gray"),
                                spacing="0",
                            )
                        ),
                        rx.table.cell(
                            rx.match(
                                r.kind,
                                *((k, T[f"assessment.kind.{k}"]) for k in KINDS),
                                r.kind,
                            )
                        ),
                        rx.table.cell(r.region_name),
                        rx.table.cell(rx.text(r.exempts, size="1")),
                        rx.table.cell(rx.cond(r.valid_until != "", r.valid_until, "—")),
                        rx.table.cell(
                            rx.cond(
                                ~r.active,
                                rx.badge(T["assessment.state.withdrawn"], color_scheme="gray"),
                                rx.cond(
                                    r.expired,
                                    rx.badge(T["assessment.state.expired"], color_scheme="amber"),
                                    rx.badge(T["assessment.state.valid"], color_scheme="green"),
                                ),
                            )
                        ),
                        rx.table.cell(
                            rx.cond(
                                r.active,
                                confirm_button(
                                    T["assessment.withdraw"],
                                    T["assessment.withdraw_consequence"],
                                    A.withdraw(r.id),
                                    class_name="assessment-withdraw",
                                    color_scheme="red",
                                ),
                            )
                        ),
                        class_name="assessment-row",
                    ),
                )
            ),
            id="assessments",
            width="100%",
            size="1",
        ),
        rx.text(T["assessment.none"], color_scheme="gray", id="assessments-empty"),
    )


def _text(name: str, width: str = "16em", **props: object) -> rx.Component:
    return rx.input(
        value=getattr(A, name),
        on_change=lambda v: A.set_value(name, v),
        width=width,
        id=f"assessment-{name}",
        **props,
    )


def _form() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(T["assessment.add_title"], size="3"),
            rx.hstack(
                labelled(A, "assessment.name_label", _text("name", "20em"), "name"),
                labelled(
                    A,
                    "assessment.col.kind",
                    rx.select.root(
                        rx.select.trigger(id="assessment-kind"),
                        rx.select.content(
                            *(rx.select.item(T[f"assessment.kind.{k}"], value=k) for k in KINDS)
                        ),
                        value=A.kind,
                        on_change=lambda v: A.set_value("kind", v),
                    ),
                    "kind",
                ),
                labelled(
                    A,
                    "assessment.col.region",
                    rx.select.root(
                        rx.select.trigger(
                            placeholder=T["assessment.pick_region"], id="assessment-region"
                        ),
                        rx.select.content(
                            rx.foreach(A.regions, lambda c: rx.select.item(c.label, value=c.value))
                        ),
                        value=A.region_code,
                        on_change=lambda v: A.set_value("region_code", v),
                    ),
                    "region_code",
                ),
                wrap="wrap",
                spacing="3",
            ),
            rx.hstack(
                labelled(
                    A,
                    "assessment.col.exempts",
                    _text("exempts", placeholder="M038, M039"),
                    "exempts",
                ),
                labelled(A, "assessment.col.document", _text("document_no"), "document_no"),
                labelled(
                    A,
                    "assessment.col.valid",
                    _text("valid_until", "11em", type="date"),
                    "valid_until",
                ),
                wrap="wrap",
                spacing="3",
            ),
            labelled(
                A,
                "assessment.col.boundary",
                rx.text_area(
                    value=A.boundary,
                    on_change=lambda v: A.set_value("boundary", v),
                    placeholder='{"type": "Polygon", "coordinates": [[[115.80, 28.60], …]]}',
                    rows="6",
                    width="100%",
                    id="assessment-boundary",
                ),
                "boundary",
                width="100%",
            ),
            rx.text(T["assessment.boundary_hint"], size="1", color_scheme="gray"),
            rx.button(T["assessment.add"], on_click=A.add, id="assessment-add"),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def assessments_page() -> rx.Component:
    return shell(
        rx.vstack(
            rx.heading(T["assessment.title"], size="6", id="home-title"),
            rx.text(T["assessment.intro"], size="2", color_scheme="gray"),
            feedback(A.message, A.error),
            _rows(),
            _form(),
            spacing="4",
            width="100%",
        )
    )
