"""The project registration form's fields (项目登记): a labelled input with its hint and
error, a choice from a code list, the facts reported to the national system, and picking the
site on a map."""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx

from eap.components.forms import field_error
from eap.models.projects import (
    INDUSTRY_CODES,
    ApprovalType,
    ConstructionNature,
    EngineeringCategory,
    LandAcquisition,
)
from eap.state.hall.apply import NewProjectState as N

T = N.t


def field_label(label: str, required: bool, html_for: str) -> rx.Component:
    return rx.el.label(
        rx.text(
            T[label],
            rx.cond(required, rx.text.span(" *", color_scheme="red", aria_hidden="true")),
            size="2",
            weight="medium",
        ),
        html_for=html_for,
    )


def field_hint(hint: str, name: str) -> rx.Component:
    """Shown before anything fails: the format the field expects."""
    if not hint:
        return rx.fragment()
    return rx.text(T[hint], size="1", color_scheme="gray", id=f"hint-{name}")


def text_field(
    name: str, label: str, type_: str = "text", *, hint: str = "", required: bool = False
) -> rx.Component:
    return rx.vstack(
        field_label(label, required, f"field-{name}"),
        rx.input(
            value=N.fields.get(name, ""),
            on_change=lambda v: N.set_field(name, v),
            type=type_,
            input_mode="decimal" if type_ == "number" else None,
            width="100%",
            id=f"field-{name}",
            required=required,
            aria_invalid=N.field_errors.contains(name),
        ),
        field_hint(hint, name),
        field_error(N, name),
        width="100%",
        spacing="1",
    )


def site_picker() -> rx.Component:
    """在地图上选点: the chosen county drawn, a click on it fills both coordinates."""
    return rx.vstack(
        rx.button(
            rx.icon("map-pin", size=14),
            rx.cond(N.picking, T["project.pick_close"], T["project.pick_open"]),
            variant="soft",
            size="1",
            on_click=N.toggle_pick,
            disabled=N.fields.get("region_code", "") == "",
            id="site-pick",
        ),
        rx.cond(
            N.picking,
            rx.box(
                rx.text(T["project.pick_hint"], size="1", color_scheme="gray"),
                rx.plotly(
                    data=N.pick_fig.to(go.Figure),
                    on_click=N.pick_site,
                    config={"displayModeBar": False, "responsive": True},
                    width="100%",
                    height="360px",
                    id="site-map",
                ),
                border="1px solid var(--gray-6)",
                border_radius="8px",
                padding="0.5em",
                width="100%",
            ),
        ),
        width="100%",
        spacing="2",
    )


def code_choice(name: str, label: str, options: list[tuple[str, str]]) -> rx.Component:
    """One value from a code list, each shown by its name in the catalogue."""
    return rx.vstack(
        field_label(label, False, f"field-{name}"),
        rx.select.root(
            rx.select.trigger(id=f"field-{name}", width="100%"),
            rx.select.content(*[rx.select.item(T[key], value=value) for value, key in options]),
            value=N.fields.get(name, ""),
            on_change=lambda v: N.set_field(name, v),
        ),
        field_error(N, name),
        width="100%",
        spacing="1",
    )


def reported_facts() -> rx.Component:
    """What the national system asks of every project (SPGL_XMJBXXB)."""

    def codes(enum: type, prefix: str) -> list[tuple[str, str]]:
        return [(str(int(v)), f"{prefix}.{int(v)}") for v in enum]

    return rx.vstack(
        rx.text(T["project.section.reported"], size="2", weight="medium"),
        rx.grid(
            code_choice(
                "approval_type", "project.f.approval_type", codes(ApprovalType, "approval_type")
            ),
            code_choice(
                "construction_nature",
                "project.f.construction_nature",
                codes(ConstructionNature, "construction_nature"),
            ),
            code_choice(
                "engineering_category",
                "project.f.engineering_category",
                codes(EngineeringCategory, "engineering_category"),
            ),
            code_choice(
                "land_acquisition",
                "project.f.land_acquisition",
                codes(LandAcquisition, "land_acquisition"),
            ),
            code_choice(
                "industry_code",
                "project.f.industry_code",
                [(c, f"industry.{c}") for c in INDUSTRY_CODES],
            ),
            code_choice(
                "regional_assessment",
                "project.f.regional_assessment",
                [("yes", "answer.yes"), ("no", "answer.no")],
            ),
            text_field(
                "engineering_code",
                "project.f.engineering_code",
                hint="project.hint.engineering_code",
            ),
            text_field("scale", "project.f.scale"),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="4",
            width="100%",
        ),
        width="100%",
        spacing="2",
    )
