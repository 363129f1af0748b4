"""/admin/market — reviewing the intermediary market (中介机构审核与监管)."""

from __future__ import annotations

import reflex as rx

from eap.components.cases import feedback
from eap.components.forms import field_error
from eap.components.shell import shell
from eap.state.admin.market import MarketAdminState as R

T = R.t


def _note(key: rx.Var, placeholder: str) -> rx.Component:
    return rx.input(
        value=R.notes.get(key, ""),
        on_change=lambda v: R.set_note(key, v),
        placeholder=T[placeholder],
        size="1",
        width="22em",
        id="note-" + key,
    )


def _pending(a: rx.Var) -> rx.Component:
    key = "a" + a.id.to(str)
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(a.name, weight="bold"),
                rx.text(a.uscc, size="1", color_scheme="gray"),
                rx.cond(
                    a.credit_checked,
                    rx.match(
                        a.credit,
                        (2, rx.badge(T["credit.dishonest_agency"], color_scheme="red")),
                        (1, rx.badge(T["credit.good"], color_scheme="green")),
                        rx.badge(T["credit.not_checked"], color_scheme="gray"),
                    ),
                ),
                rx.spacer(),
                rx.text(a.applied_at, size="1"),
                width="100%",
            ),
            rx.text(T["market.services_offered"], ": ", a.services, size="2"),
            rx.text(T["market.area"], ": ", a.cities, size="2"),
            rx.text(T["market.qualifications"], ": ", a.qualifications, size="2"),
            rx.hstack(
                rx.button(T["market.admit"], on_click=R.admit(a.id), size="1", id="admit-" + key),
                _note(key, "market.refuse_placeholder"),
                rx.button(
                    T["market.refuse"],
                    on_click=R.refuse(a.id),
                    size="1",
                    color_scheme="red",
                    variant="soft",
                    id="refuse-" + key,
                ),
                wrap="wrap",
                align="center",
            ),
            field_error(R, key),
            width="100%",
        ),
        width="100%",
        class_name="pending-agency",
    )


def _qualification(q: rx.Var) -> rx.Component:
    key = "q" + q.id.to(str)
    return rx.table.row(
        rx.table.cell(q.agency),
        rx.table.cell(q.category, " ", q.grade),
        rx.table.cell(q.certificate_no),
        rx.table.cell(q.valid_until),
        rx.table.cell(
            rx.cond(
                q.file_id > 0,
                rx.link(T["market.scan"], href="/files/" + q.file_id.to(str), is_external=True),
            )
        ),
        rx.table.cell(
            rx.vstack(
                rx.hstack(
                    rx.button(T["market.qual_ok"], on_click=R.check(q.id, True), size="1"),
                    _note(key, "market.check_placeholder"),
                    rx.button(
                        T["market.qual_bad"],
                        on_click=R.check(q.id, False),
                        size="1",
                        color_scheme="red",
                        variant="soft",
                    ),
                ),
                field_error(R, key),
            )
        ),
    )


def _objection(o: rx.Var) -> rx.Component:
    key = "o" + o.id.to(str)
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(o.number, weight="bold"),
                rx.badge(T["market.objection_status." + o.status.to(str)]),
                rx.spacer(),
                rx.text(o.raised_at, size="1"),
                width="100%",
            ),
            rx.text(o.body, size="2"),
            rx.cond(
                o.status == 1,
                rx.vstack(
                    rx.hstack(
                        _note(key, "market.answer_placeholder"),
                        rx.button(
                            T["market.uphold"],
                            on_click=R.answer(o.id, True),
                            size="1",
                            color_scheme="red",
                            id="uphold-" + key,
                        ),
                        rx.button(
                            T["market.dismiss"],
                            on_click=R.answer(o.id, False),
                            size="1",
                            variant="soft",
                            id="dismiss-" + key,
                        ),
                        wrap="wrap",
                    ),
                    field_error(R, key),
                ),
                rx.text(T["market.answer"], ": ", o.answer, size="2", color_scheme="gray"),
            ),
            width="100%",
        ),
        width="100%",
    )


def _agency(d: rx.Var) -> rx.Component:
    key = "b" + d.id.to(str)
    return rx.table.row(
        rx.table.cell(d.name, rx.text(d.uscc, size="1", color_scheme="gray")),
        rx.table.cell(d.credit),
        rx.table.cell(
            rx.cond(d.blacklisted, rx.badge(T["market.blacklisted"], color_scheme="red"))
        ),
        rx.table.cell(
            rx.vstack(
                rx.hstack(
                    rx.input(
                        type="date",
                        value=R.blacklist_until.get(key, ""),
                        on_change=lambda v: R.set_until(key, v),
                        size="1",
                        id="until-" + key,
                    ),
                    _note(key, "market.blacklist_placeholder"),
                    rx.button(
                        T["market.blacklist_action"],
                        on_click=R.blacklist(d.id),
                        size="1",
                        color_scheme="red",
                        variant="soft",
                        id="blacklist-" + key,
                    ),
                    wrap="wrap",
                ),
                field_error(R, key),
            )
        ),
    )


def market_admin_page() -> rx.Component:
    return shell(
        rx.vstack(
            rx.heading(T["market.admin_title"], size="6", id="home-title"),
            feedback(R.message, R.error),
            rx.heading(T["market.pending_title"], size="4"),
            rx.cond(
                R.pending.length() > 0,
                rx.foreach(R.pending, _pending),
                rx.text(T["market.none_pending"], color_scheme="gray"),
            ),
            rx.heading(T["market.qual_title"], size="4"),
            rx.cond(
                R.qualifications.length() > 0,
                rx.table.root(
                    rx.table.body(rx.foreach(R.qualifications, _qualification)), width="100%"
                ),
                rx.text(T["market.none_unchecked"], color_scheme="gray"),
            ),
            rx.heading(T["market.objections_title"], size="4"),
            rx.cond(
                R.objections.length() > 0,
                rx.foreach(R.objections, _objection),
                rx.text(T["market.no_objections"], color_scheme="gray"),
            ),
            rx.heading(T["market.agencies_title"], size="4"),
            rx.table.root(rx.table.body(rx.foreach(R.agencies, _agency)), width="100%"),
            width="100%",
            spacing="3",
        )
    )
