"""窗口代录 (/workbench/counter): a walk-in applicant's application, entered by the window in
three steps — the applicant (found by USCC or registered), the project, the one form with the
scanned materials — then filed, received, and a receipt printed for the applicant to sign."""

from __future__ import annotations

import reflex as rx

from eap.components.cases import feedback, localized
from eap.components.forms import field_error
from eap.components.shell import shell
from eap.state.approval.counter import CounterState as C

T = C.t
UPLOAD_ID = "counter_scan"


def _input(store: rx.Var, setter, name: str, label: str, prefix: str, **props) -> rx.Component:  # type: ignore[no-untyped-def]
    return rx.vstack(
        rx.text(T[label], size="2", weight="medium"),
        rx.input(
            value=store.get(name, ""),
            on_change=lambda v: setter(name, v),
            id=f"{prefix}-{name}",
            width="100%",
            **props,
        ),
        field_error(C, name),
        spacing="1",
        width="100%",
    )


def _county(store: rx.Var, setter, prefix: str) -> rx.Component:  # type: ignore[no-untyped-def]
    return rx.vstack(
        rx.text(T["project.f.county"], size="2", weight="medium"),
        rx.select.root(
            rx.select.trigger(id=f"{prefix}-region", width="100%"),
            rx.select.content(
                rx.foreach(C.counties, lambda r: rx.select.item(r["name"], value=r["code"]))
            ),
            value=store.get("region_code", ""),
            on_change=lambda v: setter("region_code", v),
        ),
        field_error(C, "region_code"),
        spacing="1",
        width="100%",
    )


def _step(number: str, title: str, *children: rx.Component, **props) -> rx.Component:  # type: ignore[no-untyped-def]
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.badge(number, radius="full", size="2"),
                rx.heading(T[title], size="4"),
                align="center",
            ),
            *children,
            spacing="3",
            width="100%",
        ),
        width="100%",
        **props,
    )


def _applicant() -> rx.Component:
    return _step(
        "1",
        "counter.step_applicant",
        rx.hstack(
            rx.vstack(
                rx.input(
                    value=C.uscc,
                    on_change=C.set_uscc,
                    placeholder=T["counter.uscc"],
                    id="counter-uscc",
                    width="22em",
                ),
                field_error(C, "uscc"),
                spacing="1",
            ),
            rx.button(T["counter.find"], on_click=C.find, id="counter-find"),
            align="start",
        ),
        rx.cond(
            C.company_id != 0,
            rx.callout(
                rx.text(C.company_name, " · ", C.uscc, " · ", C.company_phone),
                icon="building_2",
                color_scheme="green",
                id="counter-company",
            ),
        ),
        rx.cond(
            C.new_company,
            rx.vstack(
                rx.text(T["counter.new_company"], size="2", color_scheme="amber"),
                rx.grid(
                    _input(C.company, C.set_company_field, "name", "register.name", "company"),
                    _input(
                        C.company, C.set_company_field, "legal_rep", "register.legal_rep", "company"
                    ),
                    _input(C.company, C.set_company_field, "phone", "register.phone", "company"),
                    _county(C.company, C.set_company_field, "company"),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                rx.button(
                    T["counter.register_company"],
                    on_click=C.register_company,
                    id="counter-register-company",
                ),
                width="100%",
                id="counter-company-form",
            ),
        ),
    )


def _project_choice(p: rx.Var) -> rx.Component:
    return rx.button(
        rx.vstack(
            rx.text(p["name"], weight="medium"),
            rx.text(p["code"], " · ", p["region"], size="1", color_scheme="gray"),
            spacing="0",
            align="start",
        ),
        variant=rx.cond(C.project_id == p["id"], "solid", "outline"),
        on_click=C.choose_project(p["id"]),
        height="auto",
        padding="0.5em 1em",
        class_name="counter-project",
    )


def _project() -> rx.Component:
    return _step(
        "2",
        "counter.step_project",
        rx.cond(
            C.projects.length() > 0,
            rx.flex(rx.foreach(C.projects, _project_choice), wrap="wrap", gap="2"),
            rx.text(T["counter.no_projects"], size="2", color_scheme="gray"),
        ),
        rx.cond(
            C.adding_project,
            rx.card(
                rx.vstack(
                    rx.grid(
                        _input(
                            C.project, C.set_project_field, "project_code", "project.f.code", "proj"
                        ),
                        _input(C.project, C.set_project_field, "name", "project.f.name", "proj"),
                        _county(C.project, C.set_project_field, "proj"),
                        _input(
                            C.project, C.set_project_field, "location", "project.f.location", "proj"
                        ),
                        _input(
                            C.project,
                            C.set_project_field,
                            "total_investment",
                            "project.f.investment",
                            "proj",
                            type="number",
                        ),
                        rx.vstack(
                            rx.text(T["project.f.type"], size="2", weight="medium"),
                            rx.select.root(
                                rx.select.trigger(id="proj-type", width="100%"),
                                rx.select.content(
                                    rx.foreach(
                                        C.process_types,
                                        lambda t: rx.select.item(t["name"], value=t["code"]),
                                    )
                                ),
                                value=C.project.get("process_type", "3"),
                                on_change=lambda v: C.set_project_field("process_type", v),
                            ),
                            field_error(C, "process_type"),
                            spacing="1",
                            width="100%",
                        ),
                        columns=rx.breakpoints(initial="1", sm="2"),
                        spacing="3",
                        width="100%",
                    ),
                    rx.hstack(
                        rx.button(
                            T["counter.register_project"],
                            on_click=C.register_project,
                            id="counter-register-project",
                        ),
                        rx.button(
                            T["confirm.back"],
                            variant="soft",
                            color_scheme="gray",
                            on_click=C.set_adding_project(False),
                        ),
                        spacing="3",
                    ),
                    width="100%",
                ),
                variant="surface",
                width="100%",
                id="counter-project-form",
            ),
            rx.button(
                T["counter.new_project"],
                variant="soft",
                on_click=C.set_adding_project(True),
                id="counter-new-project",
            ),
        ),
    )


def _question(q: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(T["question." + q["key"].to(str)], size="2", flex="1"),
        rx.button(
            T["question.yes"],
            size="1",
            variant=rx.cond(q["value"], "solid", "outline"),
            on_click=C.set_answer(q["key"], "yes"),
        ),
        rx.button(
            T["question.no"],
            size="1",
            variant=rx.cond(q["value"], "outline", "solid"),
            on_click=C.set_answer(q["key"], "no"),
        ),
        width="100%",
        align="center",
    )


def _material(m: rx.Var) -> rx.Component:
    owed = C.owed.contains(m["code"])
    return rx.table.row(
        rx.table.cell(rx.text(m["code"], " ", localized(m, "name"), size="2")),
        rx.table.cell(
            rx.cond(
                m["satisfied_by"] != "",
                rx.badge(T["apply.satisfied." + m["satisfied_by"].to(str)], color_scheme="green"),
                rx.cond(
                    C.scanned.contains(m["code"]),
                    rx.badge(C.scanned[m["code"]].to(str), color_scheme="blue"),
                    rx.cond(
                        owed,
                        rx.badge(T["counter.owed"], color_scheme="amber"),
                        rx.badge(T["material.missing"], color_scheme="red"),
                    ),
                ),
            )
        ),
        rx.table.cell(
            rx.cond(
                m["deferrable"] & (m["satisfied_by"] == "") & ~C.scanned.contains(m["code"]),
                rx.checkbox(
                    T["counter.owe"],
                    checked=owed,
                    on_change=lambda _v: C.toggle_owed(m["code"]),
                    size="1",
                ),
            )
        ),
        class_name="counter-material",
    )


def _scanner() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.select.root(
                rx.select.trigger(placeholder=T["apply.which_material"], id="counter-scan-code"),
                rx.select.content(
                    rx.foreach(C.missing, lambda code: rx.select.item(code, value=code))
                ),
                value=C.upload_code,
                on_change=C.set_upload_code,
            ),
            rx.upload(
                rx.button(T["counter.scan"], variant="soft"),
                id=UPLOAD_ID,
                max_files=1,
                multiple=False,
                accept={
                    "application/pdf": [".pdf"],
                    "image/png": [".png"],
                    "image/jpeg": [".jpg", ".jpeg"],
                },
                on_drop=C.handle_upload(rx.upload_files(upload_id=UPLOAD_ID)),
                on_drop_rejected=C.upload_refused,
            ),
            rx.text(T["apply.file_rules"], size="1", color_scheme="gray"),
            align="center",
            wrap="wrap",
        ),
        field_error(C, "scan"),
        spacing="1",
    )


def _form() -> rx.Component:
    return _step(
        "3",
        "counter.step_form",
        rx.text(T["counter.stage"], " ", T["stage." + C.stage.to(str)], weight="medium"),
        rx.foreach(C.questions, _question),
        rx.text(
            T["counter.items"],
            rx.foreach(C.items, lambda i: rx.badge(localized(i, "name"), margin_left="0.4em")),
            size="2",
        ),
        rx.table.root(
            rx.table.body(rx.foreach(C.materials, _material)),
            width="100%",
            id="counter-materials",
        ),
        rx.cond(C.missing.length() > 0, _scanner()),
        field_error(C, "materials"),
        field_error(C, "owed"),
        # A refusal of the filing shows here, beside the button, not at the top of a long page.
        rx.cond(
            C.error != "",
            rx.callout(C.error, color_scheme="red", icon="triangle_alert", id="counter-error"),
        ),
        rx.button(
            T["counter.file"],
            on_click=C.file,
            size="3",
            disabled=C.missing.length() > 0,
            id="counter-file",
        ),
    )


def _filed() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(T["counter.filed"], size="4"),
            rx.text(T["apply.receipt"], " ", rx.code(C.filed_no), id="counter-case-no"),
            rx.hstack(
                rx.link(
                    rx.button(T["counter.print_receipt"], size="3"),
                    href="/documents/receipt/" + C.filed_id.to(str) + ".pdf",
                    is_external=True,
                    id="counter-receipt",
                ),
                rx.link(
                    rx.button(T["counter.to_queue"], variant="soft", size="3"),
                    href="/workbench/window",
                ),
                rx.button(
                    T["counter.next_applicant"],
                    variant="soft",
                    color_scheme="gray",
                    size="3",
                    on_click=C.start_over,
                    id="counter-next",
                ),
                wrap="wrap",
            ),
            rx.text(T["counter.sign_hint"], size="2", color_scheme="gray"),
            spacing="3",
        ),
        width="100%",
        id="counter-filed",
    )


def counter_page() -> rx.Component:
    return shell(
        rx.vstack(
            rx.heading(T["counter.title"], size="6", id="home-title"),
            rx.text(T["counter.intro"], size="2", color_scheme="gray"),
            feedback(C.message, rx.cond(C.project_id != 0, "", C.error)),
            rx.cond(
                C.filed_id != 0,
                _filed(),
                rx.vstack(
                    _applicant(),
                    rx.cond(C.company_id != 0, _project()),
                    rx.cond(C.project_id != 0, _form()),
                    width="100%",
                    spacing="4",
                ),
            ),
            width="100%",
            max_width="960px",
            spacing="4",
        )
    )
