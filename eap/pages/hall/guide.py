"""办事指南 (/guide): every item with its legal basis, materials, limit, fee and window."""

from __future__ import annotations

import reflex as rx

from eap.components.cases import localized, template_link
from eap.components.forms import select_field
from eap.components.shell import lang_button, shell
from eap.state.hall.guide import GuideState as G

T = G.t
KINDS = ("fgw", "zrzy", "zj", "sthj", "sl", "rf", "jt", "cg", "qx", "szgy")


def _item(i: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(localized(i, "name"), size="4"),
                rx.badge(i["code"]),
                rx.badge(T["stage." + i["stage"].to(str)], color_scheme="blue"),
                rx.cond(i.promise, rx.badge(T["guide.promise"], color_scheme="green")),
                wrap="wrap",
                align="center",
            ),
            rx.text(T["guide.basis"], ": ", i["basis"], size="2"),
            rx.text(
                T["guide.limit"],
                ": ",
                i["limit"],
                T["apply.days"],
                " · ",
                T["guide.fee"],
                ": ",
                rx.cond(i["fee"] != "", i["fee"], T["guide.free"]),
                size="2",
            ),
            rx.text(
                T["guide.department"],
                ": ",
                i["department"],
                " · ",
                i["address"],
                " · ",
                i["hours"],
                size="2",
            ),
            rx.text(T["guide.materials"], size="2", weight="medium"),
            rx.foreach(
                i.materials,
                lambda m: rx.text(
                    "· ",
                    m["code"],
                    " ",
                    localized(m, "name"),
                    " ",
                    rx.cond(
                        m.key,
                        rx.badge(T["material.key"], color_scheme="red", size="1"),
                        rx.cond(m.deferrable, rx.badge(T["apply.deferrable"], size="1"), ""),
                    ),
                    template_link(m),
                    size="2",
                ),
            ),
            width="100%",
            spacing="1",
        ),
        width="100%",
        class_name="guide-item",
    )


def _guide_body() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            select_field(
                G.stage,
                [("0", "filter.all_stages")] + [(str(s), f"stage.{s}") for s in range(1, 6)],
                G.set_stage,
                "guide-stage",
            ),
            select_field(
                rx.cond(G.kind == "", "all", G.kind),
                [("all", "guide.all_departments")] + [(k, f"dept.{k}") for k in KINDS],
                G.set_kind,
                "guide-dept",
            ),
            select_field(
                G.ptype,
                [("0", "filter.all_types")] + [(str(n), f"ptype.{n}") for n in range(1, 7)],
                G.set_ptype,
                "guide-ptype",
            ),
            rx.input(
                value=G.text,
                on_change=G.set_text,
                placeholder=T["guide.search"],
                id="guide-text",
            ),
            rx.button(T["kpi.query"], on_click=G.search, id="guide-search"),
            wrap="wrap",
        ),
        rx.foreach(G.items, _item),
        width="100%",
        spacing="3",
    )


def guide_page() -> rx.Component:
    """In the hall's shell for a signed-in user (the guide is in the hall's menu); a public
    page with a sign-in link for everyone else."""
    return rx.cond(
        G.user.id > 0,
        shell(rx.heading(T["guide.title"], size="6", id="home-title"), _guide_body()),
        rx.box(
            rx.vstack(
                rx.hstack(
                    rx.heading(T["guide.title"], size="6", id="home-title"),
                    rx.spacer(),
                    lang_button(),
                    rx.link(T["login.title"], href="/login", id="guide-login"),
                    width="100%",
                    align="center",
                ),
                _guide_body(),
                width="100%",
                spacing="3",
                max_width="1100px",
                margin="0 auto",
                padding="1.5em",
            ),
            background="#f4f6fa",
            min_height="100vh",
        ),
    )
