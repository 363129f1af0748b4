"""Each role's home page inside the shell."""

from __future__ import annotations

import reflex as rx

from eap.components.shell import pager, shell
from eap.components.tables import table_header
from eap.pages.hall.notices import publish_form
from eap.state.core.home import HomeState

T = HomeState.t


def _stat_card(stat: dict[str, str]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(T[stat["key"]], size="2", color_scheme="gray"),
            rx.heading(stat["value"], size="7"),
            spacing="1",
        ),
        min_width="160px",
    )


def _scope_card() -> rx.Component:
    def row(key: str, field: str) -> rx.Component:
        return rx.cond(
            HomeState.user[field] != "",
            rx.hstack(
                rx.text(T[key], weight="medium", size="2", min_width="6em"),
                rx.text(HomeState.user[field], size="2", id=f"scope-{field}"),
            ),
        )

    return rx.card(
        rx.vstack(
            rx.heading(T["home.scope"], size="3"),
            row("home.region", "region"),
            row("home.department", "department"),
            row("home.company", "company"),
            spacing="2",
        ),
    )


def _cell(row: rx.Var, field: str) -> rx.Component:
    """Fields named ``name_zh`` follow the language; ``dept`` is a department kind code."""
    if field == "name_zh":
        return rx.table.cell(rx.cond(HomeState.lang == "en", row["name_en"], row["name_zh"]))
    if field == "dept":
        return rx.table.cell(T["dept." + row["dept"].to(str)])
    return rx.table.cell(row[field])


def _table(columns: list[tuple[str, str]]) -> rx.Component:
    return rx.table.root(
        table_header(*(key for key, _ in columns)),
        rx.table.body(
            rx.foreach(
                HomeState.rows,
                lambda r: rx.table.row(*[_cell(r, f) for _, f in columns]),
            )
        ),
        variant="surface",
        size="1",
        width="100%",
    )


def home_page(role: str, title_key: str) -> rx.Component:
    extra: list[rx.Component] = []
    if role == "admin":
        extra = [
            publish_form(),
            rx.heading(T["nav.catalogue"], size="4"),
            _table(
                [
                    ("home.catalogue.code", "code"),
                    ("home.catalogue.name", "name_zh"),
                    ("home.catalogue.stage", "stage"),
                    ("home.catalogue.dept", "dept"),
                    ("home.catalogue.limit", "limit"),
                ]
            ),
            pager(HomeState),
        ]
    return shell(
        rx.vstack(
            rx.heading(T[title_key], size="6", id="home-title"),
            rx.text(T["home.welcome"].to(str).replace("{name}", HomeState.user["name"].to(str))),
            rx.hstack(
                _scope_card(), rx.foreach(HomeState.stats, _stat_card), wrap="wrap", spacing="4"
            ),
            *extra,
            spacing="4",
            width="100%",
        )
    )
