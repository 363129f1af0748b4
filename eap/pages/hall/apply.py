"""Applicant pages: register a project (/hall/projects/new) and apply (/hall/apply)."""

from __future__ import annotations

import reflex as rx

from eap.components.cases import localized, template_link
from eap.components.forms import field_error
from eap.components.shell import shell
from eap.pages.hall.project_fields import (
    field_hint,
    field_label,
    reported_facts,
    site_picker,
    text_field,
)
from eap.state.hall.apply import FLAGS, ApplyState as A, NewProjectState as N

T = A.t
UPLOAD_ID = "material_upload"


def _region_picker() -> rx.Component:
    """City, then one of its counties (or the city's own level): never a raw 6-digit code."""
    return rx.vstack(
        field_label("project.f.region", True, "field-city"),
        rx.hstack(
            rx.select.root(
                rx.select.trigger(placeholder=T["project.pick_city"], id="field-city"),
                rx.select.content(
                    rx.foreach(N.cities, lambda c: rx.select.item(c["name"], value=c["code"]))
                ),
                value=N.city,
                on_change=N.set_city,
            ),
            rx.select.root(
                rx.select.trigger(
                    placeholder=T["project.pick_county"], id="field-region_code", min_width="10em"
                ),
                rx.select.content(
                    rx.foreach(N.counties, lambda c: rx.select.item(c["name"], value=c["code"]))
                ),
                value=N.fields.get("region_code", ""),
                on_change=lambda v: N.set_field("region_code", v),
                disabled=N.city == "",
            ),
            wrap="wrap",
        ),
        field_error(N, "region_code"),
        width="100%",
        spacing="1",
    )


def _from_plan() -> rx.Component:
    """策划生成: an agreed plan naming this company fills the form; its conditions follow."""
    return rx.cond(
        (N.editing_id == "") & (N.plans.length() > 0),
        rx.callout(
            rx.vstack(
                rx.text(T["generation.to_register"], size="2"),
                rx.select.root(
                    rx.select.trigger(placeholder=T["generation.pick_plan"], id="plan-pick"),
                    rx.select.content(
                        rx.foreach(
                            N.plans,
                            lambda p: rx.select.item(p.code + " " + p.name, value=p.id.to_string()),
                        )
                    ),
                    value=N.planned_id,
                    on_change=N.use_plan,
                ),
                spacing="2",
            ),
            icon="map",
            color_scheme="blue",
            id="from-plan",
        ),
    )


def new_project_page() -> rx.Component:
    return shell(
        rx.card(
            rx.vstack(
                rx.heading(
                    rx.cond(N.editing_id != "", T["project.edit"], T["apply.new_project"]),
                    size="5",
                    id="home-title",
                ),
                rx.text(T["project.required_note"], size="1", color_scheme="gray"),
                _from_plan(),
                rx.grid(
                    rx.cond(
                        N.editing_id == "",
                        rx.vstack(
                            text_field(
                                "project_code",
                                "project.f.code",
                                hint="project.hint.code",
                                required=True,
                            ),
                            rx.cond(
                                N.platform_on,
                                rx.hstack(
                                    rx.button(
                                        rx.icon("download", size=14),
                                        T["project.fetch_platform"],
                                        on_click=N.fetch_from_platform,
                                        variant="soft",
                                        size="1",
                                        id="fetch-platform",
                                    ),
                                    rx.cond(
                                        N.from_platform,
                                        rx.text(
                                            T["project.from_platform"],
                                            size="1",
                                            color_scheme="green",
                                            id="from-platform",
                                        ),
                                    ),
                                    align="center",
                                ),
                            ),
                            width="100%",
                            spacing="1",
                        ),
                        rx.vstack(
                            field_label("project.f.code", False, "field-project_code"),
                            rx.text(N.fields.get("project_code", ""), id="field-project_code"),
                            spacing="1",
                        ),
                    ),
                    text_field("name", "project.f.name", required=True),
                    _region_picker(),
                    text_field(
                        "location",
                        "project.f.location",
                        hint="project.hint.location",
                        required=True,
                    ),
                    rx.vstack(
                        rx.hstack(
                            text_field("longitude", "project.f.longitude"),
                            text_field("latitude", "project.f.latitude"),
                            width="100%",
                        ),
                        field_hint("project.hint.coordinates", "coordinates"),
                        site_picker(),
                        width="100%",
                        spacing="1",
                    ),
                    text_field(
                        "total_investment",
                        "project.f.investment",
                        "number",
                        hint="project.hint.investment",
                        required=True,
                    ),
                    text_field(
                        "land_area", "project.f.land_area", "number", hint="project.hint.area"
                    ),
                    text_field(
                        "floor_area", "project.f.floor_area", "number", hint="project.hint.area"
                    ),
                    rx.vstack(
                        field_label("project.f.type", True, "field-process_type"),
                        rx.select.root(
                            rx.select.trigger(id="field-process_type"),
                            rx.select.content(
                                *[
                                    rx.select.item(T[f"ptype.{n}"], value=str(n))
                                    for n in range(1, 7)
                                ]
                            ),
                            value=N.fields.get("process_type", ""),
                            on_change=lambda v: N.set_field("process_type", v),
                        ),
                        field_error(N, "process_type"),
                        spacing="1",
                    ),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="4",
                    width="100%",
                ),
                reported_facts(),
                rx.text(T["apply.questions"], size="2", weight="medium"),
                rx.hstack(
                    *[
                        rx.checkbox(
                            T[f"flag.{f}"],
                            checked=N.flags.contains(f),
                            on_change=lambda c, f=f: N.toggle_flag(f, c),
                        )
                        for f in FLAGS
                    ],
                    wrap="wrap",
                    spacing="4",
                ),
                rx.cond(
                    N.field_errors.contains("form"),
                    rx.callout(N.field_errors["form"], color_scheme="red", icon="triangle_alert"),
                ),
                rx.cond(
                    N.error != "", rx.callout(N.error, color_scheme="red", icon="triangle_alert")
                ),
                rx.button(
                    rx.cond(N.editing_id != "", T["project.save"], T["apply.register"]),
                    on_click=N.register,
                    id="btn-register",
                ),
                width="100%",
                spacing="4",
            ),
            width="100%",
        )
    )


def _material(m: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            m["code"],
            " ",
            localized(m, "name"),
            template_link(m, size="1"),
        ),
        rx.table.cell(
            rx.cond(
                m.key,
                rx.badge(T["material.key"], color_scheme="red"),
                rx.cond(m.deferrable, rx.badge(T["apply.deferrable"], color_scheme="gray"), ""),
            )
        ),
        rx.table.cell(
            rx.cond(
                m["satisfied_by"] != "",
                rx.hstack(
                    rx.badge(
                        T["apply.satisfied." + m["satisfied_by"].to(str)], color_scheme="green"
                    ),
                    rx.cond(
                        m["valid_until"] != "",
                        rx.text(T["library.valid_until"], " ", m["valid_until"], size="1"),
                    ),
                    align="center",
                ),
                rx.cond(
                    A.uploaded.contains(m["code"]),
                    rx.hstack(
                        rx.badge(A.uploaded[m["code"]].to(str), color_scheme="blue"),
                        rx.link(
                            T["apply.preview"],
                            href="/files/" + A.uploaded_ids[m["code"]].to(str),
                            is_external=True,
                            size="1",
                            class_name="preview-link",
                        ),
                        align="center",
                    ),
                    rx.hstack(
                        rx.badge(T["material.missing"], color_scheme="red"),
                        # The library's copy ended: say so, or the applicant wonders why the
                        # licence on file is asked for again.
                        rx.cond(
                            m["expired_on"] != "",
                            rx.text(
                                T["library.expired_copy"],
                                " ",
                                m["expired_on"],
                                size="1",
                                color_scheme="red",
                                class_name="library-expired",
                            ),
                        ),
                        align="center",
                    ),
                ),
            )
        ),
    )


def _question(q: rx.Var) -> rx.Component:
    """One yes/no question of the guided questionnaire (智能引导)."""
    return rx.hstack(
        rx.text(T["question." + q["key"].to(str)], size="2", flex="1"),
        rx.button(
            T["question.yes"],
            size="1",
            variant=rx.cond(q.value, "solid", "outline"),
            on_click=A.set_answer(q["key"], "yes"),
            id="q-" + q["key"].to(str) + "-yes",
        ),
        rx.button(
            T["question.no"],
            size="1",
            variant=rx.cond(q.value, "outline", "solid"),
            on_click=A.set_answer(q["key"], "no"),
            id="q-" + q["key"].to(str) + "-no",
        ),
        width="100%",
        align="center",
    )


def _owed_dialog() -> rx.Component:
    """Materials 容缺 allows to owe are named and confirmed before the application goes."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(T["apply.owed_title"]),
            rx.alert_dialog.description(A.owed_pending, size="2", id="owed-question"),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.button(
                        T["apply.owed_back"],
                        variant="soft",
                        color_scheme="gray",
                        on_click=A.keep_uploading,
                        id="owed-back",
                    )
                ),
                rx.alert_dialog.action(
                    rx.button(T["apply.owed_confirm"], on_click=A.submit_owed, id="owed-confirm")
                ),
                gap="3",
                justify="end",
                margin_top="1em",
            ),
            max_width="480px",
        ),
        open=A.owed_pending != "",
    )


def _uploader() -> rx.Component:
    return rx.hstack(
        rx.text(T["apply.material_label"], size="2", weight="medium"),
        rx.select.root(
            rx.select.trigger(placeholder=T["apply.which_material"], id="upload-code"),
            # One list: the notice's materials while supplementing, else those still missing
            # (both at once listed a code twice and the trigger read "M001M001").
            rx.select.content(
                rx.cond(
                    A.supplementing,
                    rx.foreach(
                        A.notices,
                        lambda n: rx.foreach(
                            n.materials,
                            lambda m: rx.select.item(
                                m["code"] + " " + localized(m, "name"), value=m["code"]
                            ),
                        ),
                    ),
                    rx.foreach(
                        A.materials,
                        lambda m: rx.cond(
                            m["satisfied_by"] == "",
                            rx.select.item(m["code"] + " " + localized(m, "name"), value=m["code"]),
                        ),
                    ),
                ),
            ),
            value=A.upload_code,
            on_change=A.set_upload_code,
        ),
        rx.upload(
            rx.button(T["apply.choose_file"], variant="soft"),
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
    )


def apply_page() -> rx.Component:
    return shell(
        rx.vstack(
            rx.hstack(
                rx.heading(T["apply.title"], size="6", id="home-title"),
                rx.spacer(),
                rx.link(
                    rx.button(T["apply.new_project"], variant="soft"), href="/hall/projects/new"
                ),
                width="100%",
            ),
            rx.hstack(
                rx.text(T["apply.project_label"], size="2", weight="medium"),
                rx.select.root(
                    rx.select.trigger(placeholder=T["apply.choose_project"], id="choose-project"),
                    rx.select.content(
                        rx.foreach(
                            A.my_projects, lambda p: rx.select.item(p.name, value=p.id.to_string())
                        )
                    ),
                    value=A.project_id,
                    on_change=A.set_project,
                ),
                rx.text(T["apply.stage_label"], size="2", weight="medium"),
                rx.select.root(
                    rx.select.trigger(id="choose-stage"),
                    rx.select.content(
                        *[
                            rx.select.item(
                                T[f"stage.{s}"],
                                value=str(s),
                                # only the project's current stage and the parallel one apply
                                disabled=(A.open_stage != str(s)) if s != 5 else False,
                            )
                            for s in range(1, 6)
                        ]
                    ),
                    value=A.stage,
                    on_change=A.set_stage,
                ),
                wrap="wrap",
                align="center",
            ),
            rx.cond(
                A.error != "",
                rx.callout(A.error, color_scheme="red", icon="triangle_alert", id="apply-error"),
            ),
            rx.cond(
                A.message != "",
                rx.callout(A.message, color_scheme="green", icon="check", id="apply-message"),
            ),
            rx.cond(
                A.receipt != "",
                rx.callout(
                    T["apply.receipt"] + " " + A.receipt,
                    color_scheme="green",
                    icon="check",
                    id="receipt",
                ),
            ),
            rx.foreach(
                A.notices,
                lambda n: rx.card(
                    rx.vstack(
                        rx.heading(T["apply.notice"], size="3"),
                        rx.badge(
                            T["apply.clock_paused"], color_scheme="amber", class_name="paused"
                        ),
                        rx.text(n["remarks"], size="2"),
                        rx.foreach(
                            n.materials,
                            lambda m: rx.text(
                                m["code"],
                                " ",
                                localized(m, "name"),
                                " — ",
                                m["remark"],
                                " ",
                                rx.cond(A.uploaded.contains(m["code"]), "✔", ""),
                                size="2",
                            ),
                        ),
                        rx.button(
                            T["apply.answer"],
                            on_click=A.answer_notice(n["id"]),
                            class_name="answer-notice",
                        ),
                        width="100%",
                    ),
                    width="100%",
                ),
            ),
            rx.cond(
                (A.questions.length() > 0) & ~A.supplementing,
                rx.card(
                    rx.vstack(
                        rx.heading(T["apply.questions"], size="3"),
                        rx.foreach(A.questions, _question),
                        width="100%",
                        spacing="2",
                    ),
                    width="100%",
                    id="questionnaire",
                ),
            ),
            rx.cond(
                (A.items.length() > 0) & ~A.supplementing,
                rx.card(
                    rx.vstack(
                        rx.heading(T["apply.form"], size="3"),
                        rx.text(
                            T["apply.items"],
                            ": ",
                            rx.foreach(
                                A.items,
                                lambda i: rx.badge(
                                    localized(i, "name"),
                                    " ",
                                    i["limit"],
                                    T["apply.days"],
                                    margin_right="0.3em",
                                ),
                            ),
                            size="2",
                        ),
                        rx.table.root(
                            rx.table.body(rx.foreach(A.materials, _material)),
                            size="1",
                            width="100%",
                            id="form-materials",
                        ),
                        width="100%",
                    ),
                    width="100%",
                ),
            ),
            rx.cond((A.items.length() > 0) | (A.notices.length() > 0), _uploader()),
            rx.cond(
                (A.items.length() > 0) & ~A.supplementing,
                rx.hstack(
                    rx.button(T["apply.submit"], on_click=A.submit, size="3", id="btn-submit"),
                    _owed_dialog(),
                    rx.button(
                        T["apply.save_draft"],
                        on_click=A.save_draft,
                        size="3",
                        variant="soft",
                        id="btn-draft",
                    ),
                ),
            ),
            width="100%",
            spacing="4",
        )
    )
