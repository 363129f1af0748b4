"""The department workbench's task cards: supervision alerts to answer (督办), bad grades to
rectify (差评整改) and post-checks of commitments (告知承诺核查)."""

from __future__ import annotations

import reflex as rx

from eap.components.cases import localized
from eap.components.confirm import confirm_with_reason
from eap.state.approval.department import (
    DepartmentState as D,
    DepartmentTasksState as DT,
)

T = D.t


def _task_card(title: str, rows: rx.Var, row, *fields: rx.Component) -> rx.Component:
    """A card of things waiting for this department, one line each, with the text it needs."""
    return rx.cond(
        rows.length() > 0,
        rx.card(
            rx.vstack(
                rx.heading(T[title], size="3"),
                rx.foreach(rows, lambda r: rx.hstack(*row(r), width="100%", align="center")),
                *fields,
                width="100%",
            ),
            width="100%",
        ),
    )


def _note(placeholder: str, id_: str) -> rx.Component:
    return rx.text_area(
        value=D.opinion, on_change=D.set_opinion, width="100%", placeholder=T[placeholder], id=id_
    )


def alerts() -> rx.Component:
    """督办 notices from supervisors, answered by the department."""
    return _task_card(
        "workbench.alerts",
        DT.dept_alerts,
        lambda a: [
            rx.badge(T["alert.level." + a["level"].to(str)]),
            rx.text(
                a["case_no"],
                " ",
                a.project,
                " · ",
                a["item"],
                " · ",
                T["supervision.col.due_date"],
                ": ",
                a["due_date"],
                size="2",
            ),
            rx.spacer(),
            rx.button(
                T["workbench.reply"],
                size="1",
                on_click=DT.reply(a["id"]),
                class_name="reply-button",
            ),
        ],
        _note("workbench.reply_hint", "reply-text"),
    )


def bad_grades() -> rx.Component:
    """差评 on this department's item cases, to rectify by their date with a recorded call-back;
    one past its date is marked."""
    return _task_card(
        "grades.title",
        DT.grades,
        lambda g: [
            rx.badge(T["grade." + g["grade"].to(str)], color_scheme="red"),
            rx.text(
                g["case_no"],
                " · ",
                g["project"],
                " · ",
                g["comment"],
                " · ",
                T["grades.rectify_by"],
                ": ",
                g["rectify_by"],
                size="2",
            ),
            rx.cond(g["overdue"], rx.badge(T["grades.overdue"], color_scheme="red")),
            rx.spacer(),
            rx.button(
                T["grades.rectify"],
                size="1",
                on_click=DT.rectify(g["id"]),
                class_name="rectify-button",
            ),
        ],
        _note("grades.rectification", "rectification"),
        rx.input(
            value=DT.callback,
            on_change=DT.set_callback,
            width="100%",
            placeholder=T["grades.callback"],
            id="callback-note",
        ),
    )


def post_checks() -> rx.Component:
    """告知承诺 approvals awaiting verification; a false commitment leads to revocation."""
    return _task_card(
        "postcheck.title",
        DT.checks,
        lambda c: [
            rx.text(
                c["case_no"],
                " ",
                localized(c, "item"),
                " · ",
                c["project"],
                " · ",
                T["case.due"],
                ": ",
                c["due"],
                size="2",
            ),
            rx.spacer(),
            rx.button(
                T["postcheck.truthful"],
                size="1",
                variant="soft",
                on_click=DT.record_check(c["id"], True),
                class_name="check-true",
            ),
            rx.button(
                T["postcheck.false"],
                size="1",
                color_scheme="red",
                variant="soft",
                on_click=DT.record_check(c["id"], False),
                class_name="check-false",
            ),
            confirm_with_reason(
                "postcheck.revoke",
                reason=D.opinion,
                on_reason=D.set_opinion,
                on_confirm=DT.revoke(c.item_case_id),
                id_="check-revoke-" + c.id.to_string(),
                size="1",
            ),
        ],
        _note("postcheck.hint", "postcheck-note"),
    )


def market_quality() -> rx.Component:
    """Intermediary results used by this department's items: rate their quality (1-5)."""
    return _task_card(
        "market.quality_title",
        DT.quality,
        lambda q: [
            rx.text(q.number, " ", q.service, " · ", q.project, " · ", q.agency, size="2"),
            rx.spacer(),
            *[
                rx.button(
                    f"{n}★",
                    size="1",
                    variant="soft",
                    on_click=DT.rate_quality(q.service_id, n),
                    class_name=f"quality-{n}",
                )
                for n in range(1, 6)
            ],
        ],
        rx.text(T["market.quality_hint"], size="1", color_scheme="gray"),
    )
