"""/hall/intermediary — the owner's purchases of intermediary services (中介服务采购)."""

from __future__ import annotations

import reflex as rx

from eap.components.cases import feedback
from eap.components.confirm import confirm_with_reason
from eap.components.forms import field_error, select_field
from eap.components.market import contract_bar, money, service_header
from eap.components.shell import shell
from eap.state.hall.intermediary import IntermediaryState as I

T = I.t
UPLOAD_ID = "owner_contract_upload"
METHODS = [
    ("2", "market.method.2"),
    ("3", "market.method.3"),
    ("4", "market.method.4"),
    ("1", "market.method.1"),
]


def _field(label: str, control: rx.Component, name: str, hint: str = "") -> rx.Component:
    return rx.vstack(
        rx.text(T[label], size="2", weight="medium"),
        control,
        rx.text(T[hint], size="1", color_scheme="gray") if hint else rx.fragment(),
        field_error(I, name),
        spacing="1",
        width="100%",
    )


def _text(name: str, type_: str = "text", **props) -> rx.Component:  # noqa: ANN003
    return rx.input(
        value=I.form.get(name, ""),
        on_change=lambda v: I.set_form(name, v),
        type=type_,
        id=f"purchase-{name.replace('_', '-')}",
        **{"width": "100%", **props},
    )


def _choices(name: str, options: rx.Var, placeholder: str) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(placeholder=T[placeholder], id=f"purchase-{name}", width="100%"),
        rx.select.content(rx.foreach(options, lambda c: rx.select.item(c.name, value=c.code))),
        value=I.form.get(name, ""),
        on_change=lambda v: I.set_form(name, v),
    )


def _post_form() -> rx.Component:
    scored = I.form.get("method", "2") == "4"
    return rx.card(
        rx.vstack(
            rx.heading(T["market.post_title"], size="4"),
            rx.grid(
                _field(
                    "market.col.project",
                    _choices("project", I.projects, "market.pick_project"),
                    "project",
                ),
                _field(
                    "market.col.service",
                    _choices("service", I.service_options, "market.pick_service"),
                    "service",
                ),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="3",
                width="100%",
            ),
            _field(
                "market.scope",
                rx.text_area(
                    value=I.form.get("scope", ""),
                    on_change=lambda v: I.set_form("scope", v),
                    id="purchase-scope",
                    width="100%",
                ),
                "scope",
            ),
            rx.grid(
                _field(
                    "market.budget",
                    rx.hstack(
                        _text("budget", "number", disabled=I.undisclosed, min="0"),
                        rx.checkbox(
                            T["market.undisclosed"],
                            checked=I.undisclosed,
                            on_change=I.set_undisclosed,
                            id="purchase-undisclosed",
                            white_space="nowrap",
                            flex_shrink="0",
                        ),
                        align="center",
                        width="100%",
                    ),
                    "budget",
                ),
                _field(
                    "market.limit_days",
                    _text("limit_days", "number", min="1"),
                    "limit_days",
                    "market.limit_hint",
                ),
                _field(
                    "market.method",
                    select_field(
                        I.form.get("method", "2"),
                        METHODS,
                        lambda v: I.set_form("method", v),
                        "purchase-method",
                    ),
                    "method",
                    "market.method_hint",
                ),
                _field(
                    "market.register_days_label",
                    _text("register_days", "number", min="1"),
                    "register_days",
                    "market.register_hint",
                ),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="3",
                width="100%",
            ),
            rx.cond(
                scored,
                _field(
                    "market.weights_label",
                    rx.hstack(
                        *[
                            rx.hstack(
                                rx.text(T[f"market.weight.{k}"], size="2"),
                                _text(f"w_{k}", "number", min="0", max="100", width="5em"),
                                align="center",
                            )
                            for k in ("price", "credit", "experience")
                        ],
                        wrap="wrap",
                    ),
                    "weights",
                ),
            ),
            rx.text(T["market.commitment_note"], size="1", color_scheme="gray"),
            rx.button(T["market.post"], on_click=I.post, id="purchase-post"),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _registrants(row: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.cond(
            I.registrants.length() > 0,
            rx.table.root(
                rx.table.body(
                    rx.foreach(
                        I.registrants,
                        lambda r: rx.table.row(
                            rx.table.cell(r.name, rx.text(r.uscc, size="1", color_scheme="gray")),
                            rx.table.cell(money(r.quote, r.quoted)),
                            rx.table.cell(T["market.credit"], " ", r.credit),
                            rx.table.cell(
                                rx.cond(
                                    r.eligible,
                                    rx.cond(
                                        row.status == 2,
                                        rx.button(
                                            T["market.choose"],
                                            on_click=I.choose(r.agency_id),
                                            size="1",
                                            id="choose-" + r.agency_id.to(str),
                                        ),
                                        rx.badge(T["market.eligible"], color_scheme="green"),
                                    ),
                                    rx.text(
                                        T["market.ineligible." + r.reason],
                                        color_scheme="red",
                                        size="1",
                                    ),
                                )
                            ),
                        ),
                    )
                ),
                width="100%",
            ),
            rx.text(T["market.registrants_hidden"], size="2", color_scheme="gray"),
        ),
        rx.cond(
            (row.status == 3) & (row.publicity_until != ""),
            rx.vstack(
                rx.text_area(
                    value=I.objection,
                    on_change=I.set_objection,
                    placeholder=T["market.objection_placeholder"],
                    width="100%",
                    id="objection-text",
                ),
                field_error(I, "objection"),
                rx.button(
                    T["market.raise_objection"],
                    on_click=I.object_to(row.id),
                    size="1",
                    variant="outline",
                    id="objection-send",
                ),
                width="100%",
            ),
        ),
        width="100%",
        padding="0.5em",
    )


def _purchase(row: rx.Var) -> rx.Component:
    key = row.id.to(str)
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(row.number, size="1", color_scheme="gray", class_name="purchase-number"),
                rx.text(row.service, weight="bold"),
                rx.badge(
                    T["market.purchase_status." + row.status.to(str)], class_name="purchase-status"
                ),
                rx.text(row.project, size="2"),
                rx.spacer(),
                rx.text(T["market.method." + row.method.to(str)], size="2"),
                money(row.budget, row.budget_disclosed),
                width="100%",
                align="center",
                wrap="wrap",
            ),
            rx.hstack(
                rx.text(T["market.col.deadline"], ": ", row.deadline, size="2"),
                rx.text(T["market.col.registrations"], ": ", row.registrations, size="2"),
                rx.cond(
                    row.winner != "",
                    rx.text(
                        T["market.winner"],
                        ": ",
                        rx.text.strong(row.winner),
                        " ",
                        T["market.publicity_to"],
                        " ",
                        row.publicity_until,
                        size="2",
                    ),
                ),
                rx.spacer(),
                rx.button(
                    T["market.registrants"],
                    on_click=I.show_registrants(row.id),
                    size="1",
                    variant="soft",
                    id="registrants-" + key,
                ),
                rx.cond(
                    row.status == 1,
                    confirm_with_reason(
                        "market.cancel",
                        reason=I.reasons.get("p" + key, ""),
                        on_reason=lambda v: I.set_reason("p" + key, v),
                        on_confirm=I.cancel(row.id),
                        id_="cancel-" + key,
                        size="1",
                        variant="soft",
                    ),
                ),
                width="100%",
                wrap="wrap",
                align="center",
            ),
            rx.cond(I.open_purchase == row.id, _registrants(row)),
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="purchase",
    )


def _service(v: rx.Var) -> rx.Component:
    key = v.id.to(str)
    return rx.card(
        rx.vstack(
            service_header(v, v.agency),
            rx.match(
                v.status,
                (
                    1,
                    contract_bar(
                        v,
                        ours=v.owner_confirmed,
                        theirs=v.agency_confirmed,
                        theirs_label="market.agency_confirmed",
                        on_upload=I.choose_upload(v.id),
                        on_confirm=I.confirm_contract(v.id),
                        id_prefix="owner-",
                    ),
                ),
                (2, rx.text(T["market.due"], ": ", v.due_date, size="2")),
                (
                    3,
                    rx.hstack(
                        rx.text(T["market.paused_because"], ": ", v.pause_reason, size="2"),
                        rx.button(
                            T["market.resume"], on_click=I.resume(v.id), size="1", variant="soft"
                        ),
                    ),
                ),
                (
                    4,
                    rx.hstack(
                        rx.link(
                            T["market.result"],
                            href="/files/" + v.result_file_id.to(str),
                            is_external=True,
                            id="result-link-" + key,
                        ),
                        rx.button(
                            T["market.accept_result"],
                            on_click=I.accept(v.id),
                            size="1",
                            color_scheme="green",
                            id="accept-" + key,
                        ),
                        confirm_with_reason(
                            "market.return",
                            reason=I.reasons.get("s" + key, ""),
                            on_reason=lambda x: I.set_reason("s" + key, x),
                            on_confirm=I.return_result(v.id),
                            id_="return-" + key,
                            size="1",
                            variant="soft",
                        ),
                        align="center",
                        wrap="wrap",
                    ),
                ),
                (
                    5,
                    rx.vstack(
                        rx.hstack(
                            rx.link(
                                T["market.result"],
                                href="/files/" + v.result_file_id.to(str),
                                is_external=True,
                            ),
                            rx.cond(
                                v.material != "",
                                rx.badge(
                                    T["market.in_library"],
                                    color_scheme="green",
                                    id="in-library-" + key,
                                ),
                            ),
                            rx.cond(
                                v.owner_rating > 0,
                                rx.text(
                                    T["market.owner_rating"], ": ", v.owner_rating, "★", size="2"
                                ),
                                rx.hstack(
                                    rx.select.root(
                                        rx.select.trigger(
                                            placeholder=T["market.stars"], id="rating-" + key
                                        ),
                                        rx.select.content(
                                            *[
                                                rx.select.item(f"{n} ★", value=str(n))
                                                for n in range(5, 0, -1)
                                            ]
                                        ),
                                        value=I.ratings.get(key, ""),
                                        on_change=lambda x: I.set_rating(v.id, x),
                                    ),
                                    rx.button(
                                        T["market.rate"],
                                        on_click=I.rate(v.id),
                                        size="1",
                                        id="rate-" + key,
                                    ),
                                ),
                            ),
                            align="center",
                            wrap="wrap",
                        ),
                        field_error(I, "rating-" + key),
                    ),
                ),
                rx.fragment(),
            ),
            width="100%",
            spacing="2",
        ),
        width="100%",
        class_name="owner-service",
    )


def _uploader() -> rx.Component:
    return rx.cond(
        I.upload_service != 0,
        rx.callout(
            rx.hstack(
                rx.text(T["market.upload_contract"]),
                rx.upload(
                    rx.button(T["apply.choose_file"], variant="soft", size="1"),
                    id=UPLOAD_ID,
                    max_files=1,
                    multiple=False,
                    accept={
                        "application/pdf": [".pdf"],
                        "image/png": [".png"],
                        "image/jpeg": [".jpg", ".jpeg"],
                    },
                    on_drop=I.handle_upload(rx.upload_files(upload_id=UPLOAD_ID)),
                    on_drop_rejected=I.upload_refused,
                ),
                align="center",
            ),
            icon="upload",
        ),
    )


def intermediary_page() -> rx.Component:
    return shell(
        rx.vstack(
            rx.hstack(
                rx.heading(T["market.owner_title"], size="6", id="home-title"),
                rx.spacer(),
                rx.link(T["market.public_link"], href="/market", size="2"),
                width="100%",
                align="center",
            ),
            feedback(I.message, I.error),
            rx.grid(
                rx.vstack(
                    rx.heading(T["market.my_purchases"], size="4"),
                    rx.cond(
                        I.purchases.length() > 0,
                        rx.foreach(I.purchases, _purchase),
                        rx.text(T["market.no_purchases"], color_scheme="gray"),
                    ),
                    rx.heading(T["market.my_services"], size="4"),
                    _uploader(),
                    rx.cond(
                        I.services.length() > 0,
                        rx.foreach(I.services, _service),
                        rx.text(T["market.no_services"], color_scheme="gray"),
                    ),
                    width="100%",
                ),
                _post_form(),
                columns=rx.breakpoints(initial="1", lg="2"),
                spacing="4",
                width="100%",
            ),
            width="100%",
            spacing="4",
        )
    )
