"""The hall's service pages: appointments (/hall/appointments), questions and complaints
(/hall/inquiries), agent authorisations (/hall/agents)."""

from __future__ import annotations

import reflex as rx

from eap.components.forms import field_error
from eap.components.inquiries import inquiry_row
from eap.components.shell import pager, shell
from eap.components.tables import table_header
from eap.state.hall.hall_services import (
    AgentsState as G,
    AppointmentsState as P,
    InquiriesState as Q,
)

T = P.t


def _outcome(state: type) -> rx.Component:
    return rx.fragment(
        rx.cond(
            state.message != "",
            rx.callout(state.message, color_scheme="green", icon="check", id="page-message"),
        ),
        rx.cond(
            state.error != "",
            rx.callout(state.error, color_scheme="red", icon="triangle_alert", id="page-error"),
        ),
    )


def _slot(slot: rx.Var) -> rx.Component:
    full = slot["left"] == "0"
    return rx.button(
        slot["time"],
        rx.text(" · ", T["appointment.left"], " ", slot["left"], size="1"),
        variant=rx.cond(P.slot_id == slot["id"], "solid", "outline"),
        disabled=full,
        on_click=P.choose_slot(slot["id"]),
        class_name="slot",
        size="2",
    )


def _booking(b: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(b["ticket"]),
        rx.table.cell(b["day"], " ", b["start"], "-", b["end"]),
        rx.table.cell(b["office"], rx.text(b["address"], size="1", color_scheme="gray")),
        rx.table.cell(b["topic"]),
        rx.table.cell(T["appointment.status." + b["status"].to(str)]),
        rx.table.cell(
            rx.cond(
                b["status"] == "booked",
                rx.button(
                    T["appointment.cancel"],
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=P.cancel(b["id"]),
                    class_name="cancel-booking",
                ),
            )
        ),
        class_name="booking-row",
    )


def appointments_page() -> rx.Component:
    return shell(
        rx.vstack(
            rx.heading(T["appointment.title"], size="6", id="home-title"),
            _outcome(P),
            rx.card(
                rx.vstack(
                    rx.hstack(
                        rx.select.root(
                            rx.select.trigger(id="office", placeholder=T["appointment.office"]),
                            rx.select.content(
                                rx.foreach(
                                    P.offices, lambda o: rx.select.item(o["name"], value=o["id"])
                                )
                            ),
                            value=P.office_id,
                            on_change=P.set_office,
                        ),
                        rx.select.root(
                            rx.select.trigger(id="day", placeholder=T["appointment.day"]),
                            rx.select.content(
                                rx.foreach(P.days, lambda d: rx.select.item(d, value=d))
                            ),
                            value=P.day,
                            on_change=P.set_day,
                        ),
                        wrap="wrap",
                    ),
                    rx.flex(rx.foreach(P.slots, _slot), wrap="wrap", gap="2", id="slots"),
                    rx.hstack(
                        rx.input(
                            value=P.topic,
                            on_change=P.set_topic,
                            placeholder=T["appointment.topic"],
                            id="appointment-topic",
                            flex="1",
                        ),
                        rx.button(
                            T["appointment.book"],
                            on_click=P.book,
                            disabled=P.slot_id == "",
                            id="btn-book",
                        ),
                        width="100%",
                    ),
                    width="100%",
                ),
                width="100%",
            ),
            rx.heading(T["appointment.mine"], size="4"),
            rx.cond(
                P.mine.length() > 0,
                rx.table.root(
                    rx.table.body(rx.foreach(P.mine, _booking)), width="100%", id="my-bookings"
                ),
                rx.text(T["appointment.none"], color_scheme="gray"),
            ),
            width="100%",
            spacing="4",
        )
    )


def inquiries_page() -> rx.Component:
    return shell(
        rx.vstack(
            rx.heading(T["inquiry.title"], size="6", id="home-title"),
            _outcome(Q),
            rx.card(
                rx.vstack(
                    rx.segmented_control.root(
                        rx.segmented_control.item(T["inquiry.kind.consult"], value="consult"),
                        rx.segmented_control.item(T["inquiry.kind.complaint"], value="complaint"),
                        value=Q.kind,
                        on_change=Q.set_kind,
                        id="inquiry-kind",
                    ),
                    rx.cond(
                        Q.kind == "consult",
                        rx.select.root(
                            rx.select.trigger(placeholder=T["inquiry.item"], id="inquiry-item"),
                            rx.select.content(
                                rx.foreach(
                                    Q.items, lambda i: rx.select.item(i["name"], value=i["code"])
                                )
                            ),
                            value=Q.item_code,
                            on_change=Q.set_item_code,
                        ),
                        rx.select.root(
                            rx.select.trigger(placeholder=T["inquiry.case"], id="inquiry-case"),
                            rx.select.content(
                                rx.foreach(
                                    Q.cases,
                                    lambda c: rx.select.item(c["label"], value=c.id.to_string()),
                                )
                            ),
                            value=Q.case_id,
                            on_change=Q.set_case_id,
                        ),
                    ),
                    field_error(Q, "item_code"),
                    field_error(Q, "item_case_id"),
                    rx.input(
                        value=Q.subject,
                        on_change=Q.set_subject,
                        placeholder=T["inquiry.subject"],
                        width="100%",
                        id="inquiry-subject",
                    ),
                    field_error(Q, "subject"),
                    rx.text_area(
                        value=Q.body,
                        on_change=Q.set_body,
                        placeholder=T["inquiry.body"],
                        width="100%",
                        id="inquiry-body",
                    ),
                    field_error(Q, "body"),
                    field_error(Q, "form"),
                    rx.button(T["inquiry.send"], on_click=Q.ask, id="btn-inquiry-send"),
                    width="100%",
                ),
                width="100%",
            ),
            rx.cond(
                Q.rows.length() > 0,
                rx.vstack(
                    rx.foreach(Q.rows, lambda row: inquiry_row(row, Q, staff=False)),
                    width="100%",
                    spacing="3",
                ),
                rx.text(T["inquiry.none"], color_scheme="gray"),
            ),
            pager(Q),
            width="100%",
            spacing="4",
        )
    )


def _grant(g: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(g["agent"]),
        rx.table.cell(g["until"]),
        rx.table.cell(g["note"]),
        rx.table.cell(
            rx.cond(
                g.active,
                rx.button(
                    T["agent.revoke"],
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=G.revoke(g["id"]),
                    class_name="revoke-grant",
                ),
                rx.badge(T["agent.inactive"], color_scheme="gray"),
            )
        ),
    )


def _company(c: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(c["name"], weight="medium"),
        rx.text(T["agent.until"], " ", c["until"], size="1", color_scheme="gray"),
        rx.spacer(),
        rx.button(
            T["agent.acting_for"],
            size="1",
            variant=rx.cond(G.acting == c["name"], "solid", "outline"),
            on_click=G.act_for(c["id"]),
            class_name="act-for",
        ),
        width="100%",
        align="center",
    )


def agents_page() -> rx.Component:
    is_agent = G.user["role"] == "agent"
    return shell(
        rx.vstack(
            rx.heading(T["agent.title"], size="6", id="home-title"),
            _outcome(G),
            rx.cond(
                is_agent,
                rx.card(
                    rx.vstack(
                        rx.text(T["agent.acting_for"], ": ", G.acting, weight="medium"),
                        rx.cond(
                            G.companies.length() > 0,
                            rx.foreach(G.companies, _company),
                            rx.text(T["agent.none"], color_scheme="gray"),
                        ),
                        width="100%",
                    ),
                    width="100%",
                ),
                rx.vstack(
                    rx.card(
                        rx.hstack(
                            rx.vstack(
                                rx.input(
                                    value=G.agent_username,
                                    on_change=G.set_agent_username,
                                    placeholder=T["agent.username"],
                                    id="agent-username",
                                ),
                                field_error(G, "agent_username"),
                                spacing="1",
                            ),
                            rx.vstack(
                                rx.input(
                                    type="date",
                                    value=G.valid_until,
                                    on_change=G.set_valid_until,
                                    id="agent-until",
                                    title=T["agent.until"],
                                ),
                                field_error(G, "valid_until"),
                                spacing="1",
                            ),
                            rx.input(
                                value=G.scope_note,
                                on_change=G.set_scope_note,
                                placeholder=T["agent.note"],
                                flex="1",
                            ),
                            rx.button(T["agent.grant"], on_click=G.grant, id="btn-grant"),
                            wrap="wrap",
                            width="100%",
                        ),
                        width="100%",
                    ),
                    rx.cond(
                        G.grants.length() > 0,
                        rx.table.root(
                            table_header(
                                "agent.username", "agent.until", "agent.note", actions=True
                            ),
                            rx.table.body(rx.foreach(G.grants, _grant)),
                            width="100%",
                        ),
                        rx.text(T["agent.no_grants"], color_scheme="gray"),
                    ),
                    width="100%",
                ),
            ),
            width="100%",
            spacing="4",
        )
    )
