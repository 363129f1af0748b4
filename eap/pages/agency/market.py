"""/market — the public intermediary market (中介超市): announcements, 中选公告 with the draw's
check, the agency directory and the credit ranking. Readable without signing in."""

from __future__ import annotations

import reflex as rx

from eap.components.market import money
from eap.components.shell import lang_button, pager
from eap.components.tables import table_header
from eap.state.agency.market import MarketState as M

T = M.t


def _filters(with_city: bool) -> rx.Component:
    return rx.hstack(
        rx.select.root(
            rx.select.trigger(placeholder=T["market.all_services"], id="filter-service"),
            rx.select.content(
                rx.select.item(T["market.all_services"], value="all"),
                rx.foreach(M.service_options, lambda c: rx.select.item(c.name, value=c.code)),
            ),
            value=rx.cond(M.service_code == "", "all", M.service_code),
            on_change=M.set_service,
        ),
        rx.cond(
            with_city,
            rx.select.root(
                rx.select.trigger(placeholder=T["market.all_cities"], id="filter-city"),
                rx.select.content(
                    rx.select.item(T["market.all_cities"], value="all"),
                    rx.foreach(M.city_options, lambda c: rx.select.item(c.name, value=c.code)),
                ),
                value=rx.cond(M.city_code == "", "all", M.city_code),
                on_change=M.set_city,
            ),
        ),
        wrap="wrap",
    )


def _table(headers: tuple[str, ...], rows: rx.Var, row, id_: str) -> rx.Component:  # noqa: ANN001
    return rx.table.root(
        table_header(*headers),
        rx.table.body(rx.foreach(rows, row)),
        width="100%",
        id=id_,
    )


def _announcement(a: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(a.number, size="1"), rx.text(a.service, weight="medium")),
        rx.table.cell(a.owner, rx.text(a.project, size="1", color_scheme="gray")),
        rx.table.cell(a.city),
        rx.table.cell(money(a.budget, a.budget_disclosed)),
        rx.table.cell(a.limit_days, " ", T["market.working_days"]),
        rx.table.cell(
            T["market.method." + a.method.to(str)],
            rx.cond(
                a.method == 4,
                rx.text(
                    T["market.weight.price"],
                    " ",
                    a.weight_price,
                    " · ",
                    T["market.weight.credit"],
                    " ",
                    a.weight_credit,
                    " · ",
                    T["market.weight.experience"],
                    " ",
                    a.weight_experience,
                    size="1",
                    color_scheme="gray",
                ),
            ),
        ),
        rx.table.cell(a.deadline),
        rx.table.cell(
            rx.text(a.seed_hash, size="1", font_family="monospace", word_break="break-all")
        ),
    )


def _result(r: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(r.number, size="1"), rx.text(r.service, weight="medium")),
        rx.table.cell(r.owner, rx.text(r.city, size="1", color_scheme="gray")),
        rx.table.cell(T["market.method." + r.method.to(str)]),
        rx.table.cell(
            rx.vstack(
                rx.cond(
                    r.winner != "",
                    rx.vstack(
                        rx.text(r.winner, weight="medium"),
                        rx.text(r.winner_uscc, size="1", color_scheme="gray"),
                        rx.cond(r.quoted, money(r.quote, r.quoted)),
                        spacing="0",
                    ),
                ),
                rx.cond(
                    r.status != 3,
                    rx.badge(
                        T["market.purchase_status." + r.status.to(str)],
                        color_scheme=rx.cond(r.status == 5, "red", "gray"),
                    ),
                ),
                spacing="1",
            )
        ),
        rx.table.cell(r.eligible),
        rx.table.cell(
            r.publicity_until,
            rx.cond(r.in_publicity, rx.badge(T["market.in_publicity"], color_scheme="orange")),
        ),
        rx.table.cell(
            rx.cond(
                (r.seed != "") & (r.winner != ""),
                rx.button(
                    T["market.verify"],
                    on_click=M.verify(r.number),
                    size="1",
                    variant="soft",
                    id="verify-" + r.id.to(str),
                ),
            )
        ),
        class_name="result",
    )


def _agency(d: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(d.rank),
        rx.table.cell(
            rx.text(d.name, weight="medium"),
            rx.text(d.uscc, size="1", color_scheme="gray"),
        ),
        rx.table.cell(rx.text(d.services, size="1")),
        rx.table.cell(rx.text(d.cities, size="1")),
        rx.table.cell(
            rx.text(d.credit, weight="bold"),
            rx.cond(d.blacklisted, rx.badge(T["market.blacklisted"], color_scheme="red")),
        ),
        rx.table.cell(d.completed),
        class_name="directory-row",
    )


def _verify_box() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(T["market.verify_title"], weight="bold"),
            rx.text(T["market.draw_rule"], size="1", color_scheme="gray"),
            rx.hstack(
                rx.input(
                    value=M.verify_number,
                    on_change=M.set_verify_number,
                    placeholder=T["market.number_placeholder"],
                    id="verify-number",
                    width="16em",
                ),
                rx.button(T["market.verify"], on_click=M.verify(""), id="verify-button"),
            ),
            rx.cond(
                M.verify_text != "",
                rx.callout(
                    M.verify_text,
                    color_scheme=rx.cond(M.verify_ok, "green", "red"),
                    icon=rx.cond(M.verify_ok, "check", "triangle_alert"),
                    id="verify-outcome",
                ),
            ),
            rx.cond(
                M.verify_detail != "",
                rx.text(
                    M.verify_detail,
                    size="1",
                    font_family="monospace",
                    word_break="break-all",
                    id="verify-detail",
                ),
            ),
            width="100%",
        ),
        width="100%",
    )


def market_page() -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.heading(T["market.public_title"], size="6", id="home-title"),
            rx.spacer(),
            lang_button(),
            rx.link(T["login.title"], href="/login"),
            align="center",
            padding="1em 1.5em",
            background="white",
            border_bottom="1px solid #e5e7eb",
            width="100%",
        ),
        rx.vstack(
            rx.text(T["market.public_intro"], size="2", color_scheme="gray"),
            rx.tabs.root(
                rx.tabs.list(
                    rx.tabs.trigger(
                        T["market.tab.announcements"], value="announcements", id="tab-announcements"
                    ),
                    rx.tabs.trigger(T["market.tab.results"], value="results", id="tab-results"),
                    rx.tabs.trigger(
                        T["market.tab.directory"], value="directory", id="tab-directory"
                    ),
                ),
                rx.tabs.content(
                    rx.vstack(
                        _filters(True),
                        rx.cond(
                            M.announcements.length() > 0,
                            _table(
                                (
                                    "market.col.service",
                                    "market.col.owner",
                                    "market.col.city",
                                    "market.col.budget",
                                    "market.col.limit",
                                    "market.col.method",
                                    "market.col.deadline",
                                    "market.col.commitment",
                                ),
                                M.announcements,
                                _announcement,
                                "announcements",
                            ),
                            rx.text(T["market.no_announcements"], color_scheme="gray"),
                        ),
                        width="100%",
                    ),
                    value="announcements",
                    padding_top="1em",
                ),
                rx.tabs.content(
                    rx.vstack(
                        _verify_box(),
                        _table(
                            (
                                "market.col.service",
                                "market.col.owner",
                                "market.col.method",
                                "market.winner",
                                "market.col.eligible",
                                "market.publicity_to",
                                "market.col.check",
                            ),
                            M.results,
                            _result,
                            "results",
                        ),
                        width="100%",
                    ),
                    value="results",
                    padding_top="1em",
                ),
                rx.tabs.content(
                    rx.vstack(
                        rx.hstack(
                            rx.input(
                                value=M.query,
                                on_change=M.set_query,
                                placeholder=T["market.search_placeholder"],
                                id="directory-query",
                                width="18em",
                            ),
                            rx.button(T["market.search"], on_click=M.search, id="directory-search"),
                            _filters(False),
                            wrap="wrap",
                        ),
                        rx.cond(
                            M.error != "",
                            rx.text(M.error, color_scheme="red", size="2", id="directory-error"),
                        ),
                        rx.text(T["market.credit_formula"], size="1", color_scheme="gray"),
                        _table(
                            (
                                "market.col.rank",
                                "market.col.agency",
                                "market.services_offered",
                                "market.area",
                                "market.credit",
                                "market.completed",
                            ),
                            M.directory,
                            _agency,
                            "directory",
                        ),
                        width="100%",
                    ),
                    value="directory",
                    padding_top="1em",
                ),
                value=M.tab,
                on_change=M.set_tab,
                width="100%",
            ),
            pager(M, id_="market-pager"),
            spacing="4",
            padding="1.5em",
            max_width="1280px",
            margin="0 auto",
            width="100%",
        ),
        min_height="100vh",
        background="#f4f6fa",
    )
