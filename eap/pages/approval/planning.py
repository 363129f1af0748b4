"""策划生成 (/workbench/planning): the plans a department leads or is consulted on — each
department's opinion and conditions, the lead's conclusion — and, for a city's 自然资源 or 发改,
a new plan circulated to the departments it names."""

from __future__ import annotations

import reflex as rx

from eap.components.cases import feedback
from eap.components.forms import field_error, labelled
from eap.components.shell import shell
from eap.state.approval.planning import PlanningState as P

T = P.t


def _status(status: rx.Var) -> rx.Component:
    return rx.match(
        status,
        (1, rx.badge(T["generation.status.1"], color_scheme="amber")),
        (2, rx.badge(T["generation.status.2"], color_scheme="green")),
        (3, rx.badge(T["generation.status.3"], color_scheme="red")),
        (4, rx.badge(T["generation.status.4"], color_scheme="blue")),
        rx.badge(T["generation.status.5"], color_scheme="gray"),
    )


def _box(name: str, placeholder: str, rows: str = "2") -> rx.Component:
    return rx.vstack(
        rx.text_area(
            value=getattr(P, name),
            on_change=lambda v: P.set_value(name, v),
            placeholder=T[placeholder],
            rows=rows,
            width="100%",
            id=f"plan-{name}",
        ),
        field_error(P, name),
        width="100%",
        spacing="1",
    )


def _plan(plan: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(plan.code, size="1", color_scheme="gray"),
                rx.text(plan.name, weight="bold"),
                _status(plan.status),
                rx.cond(plan.leading, rx.badge(T["generation.leading"], variant="outline")),
                rx.spacer(),
                rx.text(plan.region, " · ", plan.total_investment, T["generation.wan"], size="2"),
                align="center",
                width="100%",
            ),
            rx.table.root(
                rx.table.body(
                    rx.foreach(
                        plan.opinions,
                        lambda o: rx.table.row(
                            rx.table.cell(o.department),
                            rx.table.cell(
                                rx.cond(
                                    ~o.recorded,
                                    rx.text(T["joint.pending"], color_scheme="gray"),
                                    rx.cond(
                                        o.agreed,
                                        rx.badge(T["generation.agree"], color_scheme="green"),
                                        rx.badge(T["generation.disagree"], color_scheme="red"),
                                    ),
                                )
                            ),
                            rx.table.cell(o.opinion),
                            rx.table.cell(rx.text(o.conditions, size="1")),
                            rx.table.cell(
                                rx.cond(
                                    o.mine & (plan.status == 1),
                                    rx.hstack(
                                        rx.button(
                                            T["generation.agree"],
                                            size="1",
                                            color_scheme="green",
                                            on_click=P.agree(o.id),
                                            class_name="plan-agree",
                                        ),
                                        rx.button(
                                            T["generation.disagree"],
                                            size="1",
                                            color_scheme="red",
                                            variant="soft",
                                            on_click=P.disagree(o.id),
                                            class_name="plan-disagree",
                                        ),
                                    ),
                                )
                            ),
                        ),
                    )
                ),
                size="1",
                width="100%",
                class_name="plan-opinions",
            ),
            rx.cond(
                plan.leading & (plan.status == 1),
                rx.hstack(
                    rx.input(
                        value=P.conclusion,
                        on_change=lambda v: P.set_value("conclusion", v),
                        placeholder=T["generation.conclusion"],
                        width="32em",
                        class_name="plan-conclusion",
                    ),
                    rx.button(
                        T["generation.conclude"],
                        on_click=P.conclude(plan.id),
                        color_scheme="indigo",
                        class_name="plan-conclude",
                    ),
                ),
            ),
            rx.cond(plan.conclusion != "", rx.text(plan.conclusion, size="2")),
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="plan-card",
    )


def _input(name: str, width: str = "12em") -> rx.Component:
    return rx.input(
        value=getattr(P, name),
        on_change=lambda v: P.set_value(name, v),
        width=width,
        id=f"plan-{name}",
    )


def _new_plan() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(T["generation.new"], size="3"),
            rx.hstack(
                labelled(P, "generation.f.name", _input("name", "22em"), "name"),
                labelled(
                    P,
                    "generation.f.site",
                    rx.select.root(
                        rx.select.trigger(placeholder=T["generation.f.site"], id="plan-region"),
                        rx.select.content(
                            rx.foreach(P.sites, lambda c: rx.select.item(c.label, value=c.value))
                        ),
                        value=P.region_code,
                        on_change=lambda v: P.set_value("region_code", v),
                    ),
                    "region_code",
                ),
                labelled(P, "generation.f.location", _input("location", "18em"), "location"),
                wrap="wrap",
                spacing="3",
            ),
            rx.hstack(
                labelled(
                    P, "generation.f.investment", _input("total_investment"), "total_investment"
                ),
                labelled(P, "generation.f.land", _input("land_area"), "land_area"),
                labelled(P, "generation.f.builder", _input("builder_uscc", "16em"), "builder_uscc"),
                wrap="wrap",
                spacing="3",
            ),
            _box("description", "generation.f.description"),
            rx.text(T["generation.f.kinds"], size="1", weight="medium"),
            rx.flex(
                rx.foreach(
                    P.kind_choices,
                    lambda k: rx.checkbox(
                        k.label,
                        checked=P.kinds.contains(k.value),
                        on_change=lambda on: P.toggle_kind(k.value, on),
                        class_name="plan-kind",
                    ),
                ),
                wrap="wrap",
                gap="3",
            ),
            field_error(P, "kinds"),
            rx.button(T["generation.propose"], on_click=P.propose, id="plan-propose"),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def planning_page() -> rx.Component:
    return shell(
        rx.vstack(
            rx.heading(T["generation.title"], size="6", id="home-title"),
            rx.text(T["generation.intro"], size="2", color_scheme="gray"),
            feedback(P.message, P.error),
            rx.cond(
                P.plans.length() > 0,
                rx.vstack(
                    _box("opinion", "generation.my_opinion"),
                    _box("conditions", "generation.my_conditions"),
                    field_error(P, "conclusion"),
                    rx.foreach(P.plans, _plan),
                    spacing="3",
                    width="100%",
                    id="plans",
                ),
                rx.text(T["generation.none"], color_scheme="gray", id="plans-empty"),
            ),
            rx.cond(P.leads, _new_plan()),
            spacing="4",
            width="100%",
        )
    )
