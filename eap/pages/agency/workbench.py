"""/agency — the agency's workbench (中介机构工作台)."""

from __future__ import annotations

from functools import partial

import reflex as rx

from eap.components.cases import feedback
from eap.components.forms import field_error, labelled
from eap.components.market import contract_bar, money, service_header
from eap.components.shell import pager, shell
from eap.components.tables import table_header
from eap.state.agency.workbench import AgencyState as A

T = A.t
UPLOAD_ID = "agency_upload"


def _status_banner() -> rx.Component:
    p = A.profile
    return rx.cond(
        p.registered,
        rx.hstack(
            rx.badge(T["market.agency_status." + p.status.to(str)], size="2", id="agency-status"),
            rx.text(T["market.credit"], ": ", rx.text.strong(p.credit, id="agency-credit")),
            rx.text(T["market.completed"], ": ", p.completed),
            rx.cond(
                p.blacklisted_until != "",
                rx.badge(
                    T["market.blacklisted_until"], " ", p.blacklisted_until, color_scheme="red"
                ),
            ),
            rx.cond(p.review_note != "", rx.text(p.review_note, size="2", color_scheme="gray")),
            spacing="4",
            align="center",
            wrap="wrap",
        ),
        rx.callout(T["market.apply_first"], icon="info", id="agency-apply-first"),
    )


def _opportunity(o: rx.Var) -> rx.Component:
    key = o.id.to(str)
    return rx.table.row(
        rx.table.cell(
            rx.text(o.number, size="1"),
            rx.text(o.service, weight="medium"),
            rx.cond(
                o.qualification != "",
                rx.text(T["market.needs"], " ", o.qualification, size="1", color_scheme="orange"),
            ),
        ),
        rx.table.cell(o.project, rx.text(o.owner, " · ", o.city, size="1", color_scheme="gray")),
        rx.table.cell(money(o.budget, o.budget_disclosed)),
        rx.table.cell(o.limit_days, " ", T["market.working_days"]),
        rx.table.cell(
            T["market.method." + o.method.to(str)],
            rx.cond(
                o.weights != "",
                rx.text(T["market.weights_short"], " ", o.weights, size="1", color_scheme="gray"),
            ),
        ),
        rx.table.cell(o.deadline),
        rx.table.cell(o.registrations),
        rx.table.cell(
            rx.cond(
                o.registered,
                rx.badge(T["market.registered_badge"], color_scheme="green"),
                rx.vstack(
                    rx.hstack(
                        rx.input(
                            placeholder=T["market.quote_placeholder"],
                            value=A.quotes.get(key, ""),
                            on_change=lambda v: A.set_quote(o.id, v),
                            width="9em",
                            size="1",
                            id="quote-" + key,
                        ),
                        rx.button(
                            T["market.register"],
                            on_click=A.register(o.id),
                            size="1",
                            id="register-" + key,
                        ),
                    ),
                    rx.cond(
                        A.field_errors.contains("quote-" + key),
                        rx.text(A.field_errors["quote-" + key], color_scheme="red", size="1"),
                    ),
                    spacing="1",
                ),
            )
        ),
        class_name="opportunity",
    )


def _opportunities_tab() -> rx.Component:
    return rx.vstack(
        rx.text(T["market.opportunities_hint"], size="2", color_scheme="gray"),
        rx.cond(
            A.opportunities.length() > 0,
            rx.table.root(
                table_header(
                    "market.col.service",
                    "market.col.project",
                    "market.col.budget",
                    "market.col.limit",
                    "market.col.method",
                    "market.col.deadline",
                    "market.col.registrations",
                    actions=True,
                ),
                rx.table.body(rx.foreach(A.opportunities, _opportunity)),
                width="100%",
                id="opportunities",
            ),
            rx.text(T["market.no_opportunities"], color_scheme="gray", id="no-opportunities"),
        ),
        pager(A, id_="opportunities-pager"),
        width="100%",
    )


def _bid(b: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(b.number, size="1"), rx.text(b.service)),
        rx.table.cell(b.owner),
        rx.table.cell(money(b.quote, b.quoted)),
        rx.table.cell(b.registered_at),
        rx.table.cell(
            rx.cond(
                b.won,
                rx.badge(T["market.won"], color_scheme="green"),
                T["market.purchase_status." + b.status.to(str)],
            )
        ),
        rx.table.cell(
            rx.cond(
                b.eligible == 0,
                rx.text(T["market.ineligible." + b.reason], color_scheme="red", size="1"),
            ),
            rx.cond(b.in_publicity & ~b.won, _objection(b)),
        ),
        class_name="bid",
    )


def _objection(b: rx.Var) -> rx.Component:
    key = b.purchase_id.to(str)
    return rx.vstack(
        rx.text(T["market.publicity_to"], " ", b.publicity_until, size="1"),
        rx.hstack(
            rx.input(
                value=A.objections.get(key, ""),
                on_change=lambda v: A.set_objection(b.purchase_id, v),
                placeholder=T["market.objection_placeholder"],
                size="1",
                width="16em",
                id="objection-" + key,
            ),
            rx.button(
                T["market.raise_objection"],
                on_click=A.object_to(b.purchase_id),
                size="1",
                variant="outline",
            ),
        ),
        field_error(A, "objection-" + key),
        spacing="1",
    )


def _bids_tab() -> rx.Component:
    return rx.cond(
        A.bids.length() > 0,
        rx.table.root(
            table_header(
                "market.col.service",
                "market.col.owner",
                "market.col.quote",
                "market.col.registered_at",
                "market.col.status",
                "market.col.note",
            ),
            rx.table.body(rx.foreach(A.bids, _bid)),
            width="100%",
            id="bids",
        ),
        rx.text(T["market.no_bids"], color_scheme="gray"),
    )


def _service(v: rx.Var) -> rx.Component:
    key = v.id.to(str)
    return rx.card(
        rx.vstack(
            service_header(v, v.owner),
            rx.match(
                v.status,
                (
                    1,
                    contract_bar(
                        v,
                        ours=v.agency_confirmed,
                        theirs=v.owner_confirmed,
                        theirs_label="market.owner_confirmed",
                        on_upload=A.choose_upload("contract", v.id, v.number),
                        on_confirm=A.confirm_contract(v.id),
                        id_prefix="",
                    ),
                ),
                (
                    2,
                    rx.vstack(
                        rx.hstack(
                            rx.text(T["market.due"], ": ", v.due_date, size="2"),
                            rx.cond(
                                v.returns > 0,
                                rx.text(v.return_reason, color_scheme="orange", size="2"),
                            ),
                            rx.button(
                                T["market.submit_result"],
                                on_click=A.choose_upload("result", v.id, v.number),
                                size="1",
                                id="submit-result-" + key,
                            ),
                            wrap="wrap",
                            align="center",
                        ),
                        rx.hstack(
                            rx.input(
                                placeholder=T["market.pause_placeholder"],
                                value=A.pause_reason.get(key, ""),
                                on_change=lambda x: A.set_pause_reason(v.id, x),
                                size="1",
                                width="18em",
                                id="pause-reason-" + key,
                            ),
                            rx.button(
                                T["market.pause"],
                                on_click=A.pause(v.id),
                                size="1",
                                variant="outline",
                                id="pause-" + key,
                            ),
                        ),
                        field_error(A, "pause-" + key),
                        spacing="1",
                    ),
                ),
                (
                    3,
                    rx.hstack(
                        rx.text(T["market.paused_because"], ": ", v.pause_reason, size="2"),
                        rx.button(T["market.resume"], on_click=A.resume(v.id), size="1"),
                    ),
                ),
                (
                    5,
                    rx.hstack(
                        rx.cond(
                            v.owner_rating > 0,
                            rx.text(T["market.owner_rating"], ": ", v.owner_rating, "★", size="2"),
                        ),
                        rx.cond(
                            v.quality_rating > 0,
                            rx.text(
                                T["market.quality_rating"], ": ", v.quality_rating, "★", size="2"
                            ),
                        ),
                    ),
                ),
                rx.fragment(),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="service",
    )


def _uploader() -> rx.Component:
    return rx.cond(
        A.upload_target != "",
        rx.callout(
            rx.hstack(
                rx.text(A.upload_label, weight="medium"),
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
                    on_drop=A.handle_upload(rx.upload_files(upload_id=UPLOAD_ID)),
                    on_drop_rejected=A.upload_refused,
                ),
                rx.text(T["apply.file_rules"], size="1", color_scheme="gray"),
                align="center",
                wrap="wrap",
            ),
            icon="upload",
            id="agency-uploader",
        ),
    )


def _services_tab() -> rx.Component:
    return rx.vstack(
        rx.cond(
            A.services.length() > 0,
            rx.foreach(A.services, _service),
            rx.text(T["market.no_services"], color_scheme="gray"),
        ),
        width="100%",
    )


def _checks(options: rx.Var, picked: rx.Var, toggle, prefix: str) -> rx.Component:  # noqa: ANN001
    return rx.flex(
        rx.foreach(
            options,
            lambda c: rx.checkbox(
                c.name,
                checked=picked.contains(c.code),
                on_change=lambda _v: toggle(c.code),
                id=prefix + c.code,
            ),
        ),
        wrap="wrap",
        spacing="3",
    )


_labelled = partial(labelled, A, size="2")


def _profile_tab() -> rx.Component:
    return rx.vstack(
        rx.card(
            rx.vstack(
                rx.heading(T["market.profile"], size="4"),
                rx.text(A.profile.name, " · ", A.profile.uscc, size="2", color_scheme="gray"),
                _labelled(
                    "market.services_offered",
                    _checks(A.service_options, A.picked_services, A.toggle_service, "svc-"),
                    "services",
                ),
                _labelled(
                    "market.area",
                    _checks(A.city_options, A.picked_cities, A.toggle_city, "city-"),
                    "area",
                ),
                _labelled(
                    "market.intro",
                    rx.text_area(
                        value=A.intro, on_change=A.set_intro, width="100%", id="agency-intro"
                    ),
                    "intro",
                ),
                rx.text(T["market.zero_threshold"], size="1", color_scheme="gray"),
                rx.button(T["market.save_profile"], on_click=A.save_profile, id="save-profile"),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
        rx.cond(A.profile.registered, _qualifications_card()),
        width="100%",
    )


def _input(store: rx.Var, setter, name: str, label: str, type_: str = "text") -> rx.Component:  # noqa: ANN001
    return _labelled(
        label,
        rx.input(
            value=store.get(name, ""),
            on_change=lambda v: setter(name, v),
            type=type_,
            id=f"f-{name}",
        ),
        name,
    )


def _qualifications_card() -> rx.Component:
    return rx.grid(
        rx.card(
            rx.vstack(
                rx.heading(T["market.qualifications"], size="4"),
                rx.foreach(
                    A.qualifications,
                    lambda q: rx.hstack(
                        rx.text(q.category, " ", q.grade, weight="medium"),
                        rx.text(q.certificate_no, size="1"),
                        rx.text(T["market.valid_until"], " ", q.valid_until, size="1"),
                        rx.cond(
                            q.rejected,
                            rx.badge(T["market.qual_rejected"], color_scheme="red"),
                            rx.cond(
                                q.checked, rx.badge(T["market.qual_checked"], color_scheme="green")
                            ),
                        ),
                        wrap="wrap",
                    ),
                ),
                rx.hstack(
                    _input(A.qual, A.set_qual, "category", "market.qual_category_label"),
                    _input(A.qual, A.set_qual, "grade", "market.qual_grade"),
                    wrap="wrap",
                ),
                rx.hstack(
                    _input(A.qual, A.set_qual, "certificate_no", "market.qual_number_label"),
                    _input(A.qual, A.set_qual, "valid_until", "market.valid_until", "date"),
                    wrap="wrap",
                ),
                rx.button(
                    T["market.add_qualification"],
                    on_click=A.add_qualification,
                    id="add-qualification",
                ),
                spacing="2",
            )
        ),
        rx.card(
            rx.vstack(
                rx.heading(T["market.staff"], size="4"),
                rx.foreach(
                    A.staff,
                    lambda p: rx.text(p.name, " · ", p.title, " ", p.certificate_no, size="2"),
                ),
                _input(A.person, A.set_person, "name", "market.staff_name_label"),
                _input(A.person, A.set_person, "title", "market.staff_title"),
                rx.button(T["market.add_staff"], on_click=A.add_staff, id="add-staff"),
                spacing="2",
            )
        ),
        columns=rx.breakpoints(initial="1", md="2"),
        spacing="4",
        width="100%",
    )


def agency_page() -> rx.Component:
    return shell(
        rx.vstack(
            rx.hstack(
                rx.heading(T["market.workbench"], size="6", id="home-title"),
                rx.spacer(),
                rx.link(T["market.public_link"], href="/market", size="2"),
                width="100%",
                align="center",
            ),
            _status_banner(),
            feedback(A.message, A.error),
            _uploader(),
            rx.tabs.root(
                rx.tabs.list(
                    rx.tabs.trigger(
                        T["market.tab.opportunities"], value="opportunities", id="tab-opportunities"
                    ),
                    rx.tabs.trigger(T["market.tab.bids"], value="bids", id="tab-bids"),
                    rx.tabs.trigger(T["market.tab.services"], value="services", id="tab-services"),
                    rx.tabs.trigger(T["market.tab.profile"], value="profile", id="tab-profile"),
                ),
                rx.tabs.content(_opportunities_tab(), value="opportunities", padding_top="1em"),
                rx.tabs.content(_bids_tab(), value="bids", padding_top="1em"),
                rx.tabs.content(_services_tab(), value="services", padding_top="1em"),
                rx.tabs.content(_profile_tab(), value="profile", padding_top="1em"),
                value=A.tab,
                on_change=A.set_tab,
                width="100%",
            ),
            rx.text(T["market.credit_formula"], size="1", color_scheme="gray"),
            width="100%",
            spacing="4",
        )
    )
