"""A department's workbench page (/workbench/department)."""

from __future__ import annotations

import reflex as rx

from eap.components.cases import (
    clock_badge,
    clock_legend,
    conditions_card,
    feedback,
    history_table,
    localized,
    materials_table,
    party_line,
    selectable_row,
    status_text,
)
from eap.components.department_tasks import alerts, bad_grades, market_quality, post_checks
from eap.components.desk import replies_panel
from eap.components.forms import select_field
from eap.components.shell import pager, shell
from eap.components.tables import table_header
from eap.pages.approval.department_actions import actions
from eap.state.approval.department import (
    DepartmentCaseState as DC,
    DepartmentChainState as DS,
    DepartmentJointState as DJ,
    DepartmentState as D,
    DepartmentTasksState as DT,
)

T = D.t


def inbox() -> rx.Component:
    return rx.vstack(
        rx.heading(T["home.approver"], size="6", id="home-title"),
        rx.hstack(
            select_field(
                D.stage,
                [("0", "filter.all_stages")] + [(str(s), f"stage.{s}") for s in range(1, 6)],
                D.set_stage,
                "filter-stage",
            ),
            select_field(
                D.status,
                [("0", "filter.all_status")] + [(str(s), f"blzt.{s}") for s in (3, 6, 7, 8, 9, 10)],
                D.set_status,
                "filter-status",
            ),
            rx.input(
                value=D.text, on_change=D.set_text, placeholder=T["filter.text"], id="filter-text"
            ),
            select_field(
                D.ptype,
                [("0", "filter.all_types")] + [(str(t), f"ptype.{t}") for t in range(1, 11)],
                D.set_ptype,
                "filter-ptype",
            ),
            rx.button(T["kpi.query"], on_click=D.search, variant="soft"),
            rx.spacer(),
            clock_legend(),
            rx.button(
                rx.icon("file-spreadsheet"),
                T["export.xlsx"],
                on_click=D.export_inbox,
                variant="soft",
                id="export-inbox",
            ),
            wrap="wrap",
            width="100%",
        ),
        rx.cond(
            D.rows.length() > 0,
            rx.table.root(
                table_header(
                    "inbox.case_no",
                    "inbox.item",
                    "inbox.project",
                    "inbox.status",
                    "inbox.clock",
                    "inbox.due",
                ),
                rx.table.body(
                    rx.foreach(
                        D.rows,
                        lambda r: selectable_row(
                            r.id == DC.item.id,
                            rx.table.cell(
                                rx.button(
                                    r["case_no"],
                                    on_click=[DC.open_case(r["id"]), DS.refresh, DJ.refresh],
                                    variant="ghost",
                                    size="1",
                                    class_name="inbox-case",
                                )
                            ),
                            rx.table.cell(localized(r, "item")),
                            rx.table.cell(r["project"]),
                            rx.table.cell(status_text(r["status"])),
                            rx.table.cell(clock_badge(r["clock"], r["left"])),
                            rx.table.cell(r["due"]),
                        ),
                    )
                ),
                size="1",
                width="100%",
                variant="surface",
                id="dept-inbox",
            ),
            rx.text(T["inbox.empty"], color_scheme="gray", id="dept-inbox-empty"),
        ),
        pager(D),
        rx.cond(
            DT.lead_rows.length() > 0,
            rx.card(
                rx.vstack(
                    rx.heading(T["dept.lead_stages"], size="3"),
                    rx.table.root(
                        rx.table.body(
                            rx.foreach(
                                DT.lead_rows,
                                lambda r: rx.table.row(
                                    rx.table.cell(
                                        rx.button(
                                            r["case_no"],
                                            on_click=[
                                                DC.open_stage(r["id"]),
                                                DS.refresh,
                                                DJ.refresh,
                                            ],
                                            variant="ghost",
                                            size="1",
                                            class_name="lead-case",
                                        )
                                    ),
                                    rx.table.cell(r["project"]),
                                    rx.table.cell(T["stage." + r["stage"].to(str)]),
                                    rx.table.cell(
                                        T["dept.items_done"], ": ", r.done, " / ", r.total_items
                                    ),
                                    rx.table.cell(
                                        r["due"],
                                        rx.cond(
                                            r.paused,
                                            rx.badge(
                                                T["clock.paused"],
                                                color_scheme="gray",
                                                margin_left="0.5em",
                                            ),
                                        ),
                                    ),
                                ),
                            )
                        ),
                        size="1",
                        width="100%",
                        id="lead-stages",
                    ),
                    width="100%",
                ),
                width="100%",
            ),
        ),
        post_checks(),
        bad_grades(),
        alerts(),
        market_quality(),
        width="100%",
    )


def _clock_line(i: rx.Var) -> rx.Component:
    return rx.hstack(
        status_text(i["status"]),
        clock_badge(i["clock"]),
        rx.text(
            T["case.due"],
            ": ",
            i["due"],
            " · ",
            T["clock.used"],
            ": ",
            i.used_days,
            " · ",
            T["case.paused_days"],
            ": ",
            i.paused_days,
            " · ",
            T["clock.limit"],
            ": ",
            i.limit,
            size="2",
        ),
        align="center",
    )


def joint_panel() -> rx.Component:
    """联合验收 on a completion-acceptance stage; 联合审图 where one was opened on stage 3."""
    j = DJ.joint
    drawings = j.kind == "drawings"
    pass_label = rx.cond(drawings, T["drawings.pass"], T["joint.pass"])
    fail_label = rx.cond(drawings, T["drawings.fail"], T["joint.fail"])
    return rx.cond(
        (DC.case.stage == 4) | (j.id != 0),
        rx.card(
            rx.vstack(
                rx.heading(rx.cond(drawings, T["drawings.title"], T["joint.title"]), size="3"),
                rx.cond(
                    drawings,
                    rx.text(T["drawings.hint"], size="2", color_scheme="gray", id="drawings-hint"),
                    rx.hstack(
                        rx.text(T["joint.visit"], size="2"),
                        rx.input(
                            type="date",
                            value=DC.visit_date,
                            on_change=DJ.set_visit_date,
                            id="joint-date",
                        ),
                        align="center",
                    ),
                ),
                rx.cond(
                    j.id != 0,
                    rx.vstack(
                        rx.text(
                            rx.cond(
                                drawings, "", T["joint.visit"] + ": " + j.site_visit_on + " · "
                            ),
                            rx.cond(
                                j.status == "open",
                                rx.badge(T["joint.open"], color_scheme="amber"),
                                rx.cond(
                                    j.passed,
                                    rx.badge(pass_label, color_scheme="green"),
                                    rx.badge(fail_label, color_scheme="red"),
                                ),
                            ),
                            " ",
                            j["conclusion"],
                            size="2",
                            id="joint-status",
                        ),
                        rx.table.root(
                            rx.table.body(
                                rx.foreach(
                                    DJ.joint_rows,
                                    lambda r: rx.table.row(
                                        rx.table.cell(r["department"]),
                                        rx.table.cell(localized(r, "item")),
                                        rx.table.cell(r["visited_on"]),
                                        rx.table.cell(
                                            rx.cond(
                                                ~r.recorded,
                                                T["joint.pending"],
                                                rx.cond(r.passed, pass_label, fail_label),
                                            )
                                        ),
                                        rx.table.cell(r["opinion"]),
                                        rx.table.cell(
                                            rx.cond(
                                                r.mine & ~r.recorded & (j.status == "open"),
                                                rx.hstack(
                                                    rx.button(
                                                        pass_label,
                                                        size="1",
                                                        color_scheme="green",
                                                        on_click=DJ.inspect_pass(r["id"]),
                                                        class_name="joint-pass",
                                                    ),
                                                    rx.button(
                                                        fail_label,
                                                        size="1",
                                                        color_scheme="red",
                                                        variant="soft",
                                                        on_click=DJ.inspect_fail(r["id"]),
                                                    ),
                                                ),
                                            )
                                        ),
                                    ),
                                )
                            ),
                            size="1",
                            width="100%",
                            id="joint-table",
                        ),
                        rx.cond(
                            DC.is_lead & (j["status"] == "open"),
                            rx.button(
                                rx.cond(drawings, T["drawings.conclude"], T["joint.conclude"]),
                                on_click=DJ.conclude_joint,
                                color_scheme="indigo",
                                id="btn-joint-conclude",
                            ),
                        ),
                        width="100%",
                    ),
                    rx.cond(
                        DC.is_lead & (DC.case.status == "accepted") & (DC.case.stage == 4),
                        rx.button(
                            T["joint.request"], on_click=DJ.request_joint, id="btn-joint-request"
                        ),
                    ),
                ),
                width="100%",
            ),
            width="100%",
        ),
    )


def case_panel() -> rx.Component:
    """One item case, or (for the lead department) a whole stage case."""
    c, i = DC.case, DC.item
    has_item = DC.item.id != 0
    return rx.card(
        rx.vstack(
            rx.heading(
                rx.cond(has_item, localized(i, "item"), c["case_no"]),
                " · ",
                rx.cond(has_item, i["case_no"], T["stagecase." + c["status"].to(str)]),
                size="4",
                id="case-title",
            ),
            rx.text(
                c["project"],
                " (",
                c["project_code"],
                ") · ",
                T["case.stage"],
                ": ",
                rx.cond(D.lang == "en", c["stage_en"], c["stage_zh"]),
                size="2",
            ),
            party_line(DC),
            conditions_card(DC.conditions),
            rx.cond(has_item, _clock_line(i)),
            feedback(D.message, D.error),
            actions(),
            joint_panel(),
            rx.heading(T["case.parallel"], size="3"),
            rx.table.root(
                rx.table.body(
                    rx.foreach(
                        DC.siblings,
                        lambda s: rx.table.row(
                            rx.table.cell(localized(s, "item")),
                            rx.table.cell(s["department"]),
                            rx.table.cell(status_text(s["status"])),
                            rx.table.cell(clock_badge(s["clock"])),
                            rx.table.cell(s["due"]),
                        ),
                    )
                ),
                size="1",
                width="100%",
                id="parallel-items",
            ),
            rx.heading(T["case.materials"], size="3"),
            materials_table(DC.materials, DC.ticked, DC.toggle),
            rx.cond(
                has_item,
                rx.vstack(
                    rx.heading(T["case.history"], size="3"), history_table(DC.history), width="100%"
                ),
            ),
            width="100%",
        ),
        width="100%",
        id="case-panel",
    )


def department_page() -> rx.Component:
    return shell(
        rx.vstack(
            inbox(),
            rx.cond(DC.case.id != 0, case_panel()),
            replies_panel(),
            width="100%",
            spacing="4",
        )
    )
