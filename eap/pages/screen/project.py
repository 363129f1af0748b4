"""/screen/project/[code] — one project's whole approval on the big screen (项目全景)."""

from __future__ import annotations

import reflex as rx

from eap.components.cases import history_table
from eap.components.screen import BG, INK, MUTED, TONE, panel
from eap.components.shell import top_bar
from eap.state.screen.project import ProjectScreenState as P

T = P.t


def _fact(key: str, value: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(T[key], size="2", color=MUTED),
        rx.text(value, size="5", weight="bold", color=INK),
        spacing="0",
    )


def _days(n: rx.Var) -> rx.Var:
    return T["screen.p.days"].to(str).replace("{n}", n.to(str))


def _item(i: rx.Var) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.vstack(
                rx.text(i.item, size="3", weight="bold", color=INK),
                rx.text(i.case_no, " · ", i.department, size="2", color=MUTED),
                spacing="0",
                flex="1",
            ),
            rx.badge(T["blzt." + i.status.to(str)], size="2"),
            rx.cond(i.late, rx.badge(T["screen.p.late"], color_scheme="red", size="2")),
            align="center",
            width="100%",
        ),
        rx.hstack(
            rx.text(T["screen.p.limit"], ": ", _days(i.limit), size="2", color=INK),
            rx.text(T["screen.p.used_days"], ": ", _days(i.used), size="2", color=INK),
            rx.text(T["screen.p.paused"], ": ", _days(i.paused), size="2", color=INK),
            rx.text(T["screen.p.due"], ": ", rx.cond(i.due != "", i.due, "—"), size="2", color=INK),
            rx.text(
                T["screen.p.decided"],
                ": ",
                rx.cond(i.decided != "", i.decided, "—"),
                size="2",
                color=rx.cond(i.late, TONE["bad"], INK),
            ),
            wrap="wrap",
            spacing="4",
        ),
        rx.cond(i.document != "", rx.text(i.document, size="2", color="#81d4fa")),
        rx.el.details(
            rx.el.summary(T["screen.p.history"], style={"color": MUTED, "cursor": "pointer"}),
            rx.box(
                history_table(i.history), background="white", border_radius="6px", padding="0.3em"
            ),
        ),
        padding_y="0.6em",
        border_bottom="1px solid #1c3a66",
        class_name="timeline-item",
    )


def _stage(st: rx.Var) -> rx.Component:
    return panel(
        rx.hstack(
            rx.text(
                rx.cond(P.lang == "en", st.name_en, st.name_zh), size="5", weight="bold", color=INK
            ),
            rx.text(st.case_no, size="2", color=MUTED),
            rx.spacer(),
            rx.text(
                T["screen.p.submitted"],
                " ",
                st.submitted,
                " · ",
                T["screen.p.accepted"],
                " ",
                rx.cond(st.accepted != "", st.accepted, "—"),
                " · ",
                T["screen.p.closed"],
                " ",
                rx.cond(st.closed != "", st.closed, "—"),
                size="2",
                color=MUTED,
            ),
            width="100%",
            align="center",
            wrap="wrap",
        ),
        rx.foreach(st.item_cases, _item),
        width="100%",
        class_name="timeline-stage",
    )


def project_screen_page() -> rx.Component:
    tl = P.timeline
    return rx.box(
        top_bar(),
        rx.vstack(
            rx.hstack(
                rx.heading(
                    rx.cond(tl.name != "", tl.name, T["screen.project_title"]),
                    size="7",
                    color=INK,
                    id="home-title",
                ),
                rx.link(
                    rx.icon("arrow-left", size=16),
                    T["screen.back_screen"],
                    href="/screen",
                    white_space="nowrap",
                    id="screen-back",
                ),
                align="center",
                spacing="4",
            ),
            rx.cond(
                P.error != "",
                rx.callout(P.error, color_scheme="red", icon="triangle_alert", id="project-error"),
                rx.vstack(
                    panel(
                        rx.hstack(
                            _fact("project.f.code", tl.code),
                            _fact("screen.p.company", tl.company),
                            _fact("screen.area", tl.region),
                            _fact("screen.p.used", _days(tl.used_days)),
                            _fact(
                                "screen.p.target_due",
                                rx.cond(tl.target_due != "", tl.target_due, "—"),
                            ),
                            wrap="wrap",
                            spacing="6",
                        ),
                        width="100%",
                    ),
                    rx.foreach(tl.stages, _stage),
                    spacing="3",
                    width="100%",
                ),
            ),
            spacing="3",
            padding="1em 1.5em",
            width="100%",
        ),
        background=BG,
        min_height="100vh",
    )
