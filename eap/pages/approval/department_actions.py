"""The department's action bar for the item case in hand (pages/approval/department.py):
the moves grouped by what they do, only those valid for the case's status."""

from __future__ import annotations

import reflex as rx

from eap.components.confirm import confirm_with_reason
from eap.components.forms import select_field
from eap.models.cases import Blzt
from eap.state.approval.department import (
    DepartmentCaseState as DC,
    DepartmentChainState as DS,
    DepartmentJointState as DJ,
    DepartmentState as D,
    DepartmentTasksState as DT,
)

T = D.t


def _decision_buttons() -> rx.Component:
    """Direct decisions without a chain; with one, the steps 经办 → 审核 → 签发."""
    step = DC.item.step_name
    return rx.cond(
        DC.item.chain_len == 1,
        rx.hstack(
            rx.button(
                T["dept.approve"],
                on_click=[DC.approve, DT.refresh],
                color_scheme="green",
                id="btn-approve",
            ),
            rx.button(
                T["dept.approve_owed"],
                on_click=[DC.approve_owed, DT.refresh],
                variant="soft",
                color_scheme="green",
                id="btn-approve-owed",
            ),
            confirm_with_reason(
                "dept.refuse",
                reason=D.opinion,
                on_reason=D.set_opinion,
                on_confirm=[DC.refuse, DT.refresh],
                id_="btn-refuse",
            ),
        ),
        rx.hstack(
            rx.badge(T["steps." + step.to(str)], color_scheme="indigo", id="current-step"),
            rx.cond(
                step == "handle",
                rx.hstack(
                    rx.button(
                        T["steps.propose_approve"],
                        on_click=[DS.propose_approve, DT.refresh],
                        color_scheme="green",
                        id="btn-propose-approve",
                    ),
                    rx.button(
                        T["steps.propose_refuse"],
                        on_click=[DS.propose_refuse, DT.refresh],
                        color_scheme="red",
                        variant="soft",
                        id="btn-propose-refuse",
                    ),
                ),
            ),
            rx.cond(
                step == "review",
                rx.button(
                    T["steps.review_pass"],
                    on_click=[DS.review, DT.refresh],
                    color_scheme="green",
                    id="btn-review",
                ),
            ),
            rx.cond(
                step == "sign",
                rx.button(
                    T["steps.sign_now"],
                    on_click=[DS.sign, DT.refresh],
                    color_scheme="green",
                    id="btn-sign",
                ),
            ),
            rx.cond(
                step != "handle",
                rx.button(
                    T["steps.send_back"],
                    on_click=[DS.send_back, DT.refresh],
                    variant="soft",
                    id="btn-send-back",
                ),
            ),
            align="center",
        ),
    )


def _group(label: str, *children: rx.Component, id_: str) -> rx.Component:
    """Actions grouped by what they do, under a small heading."""
    return rx.vstack(
        rx.text(T[label], size="1", weight="medium", color_scheme="gray"),
        rx.hstack(*children, wrap="wrap", align="center", spacing="2"),
        spacing="1",
        padding="0.5em 0.75em",
        border="1px solid var(--gray-5)",
        border_radius="var(--radius-3)",
        id=id_,
    )


def actions() -> rx.Component:
    """Only the moves valid for the case's status are shown (the service decides anyway)."""
    st = DC.item.status
    active = DC.item.active  # decided by the engine's ACTIVE set, in the service
    has_item = DC.item.id != 0
    return rx.vstack(
        rx.text_area(
            value=D.opinion,
            on_change=D.set_opinion,
            width="100%",
            placeholder=T["dept.opinion"],
            id="dept-opinion",
        ),
        rx.flex(
            rx.cond(
                st == Blzt.ACCEPTED,
                _group(
                    "dept.group.start",
                    rx.button(T["dept.start"], on_click=[DC.start, DT.refresh], id="btn-start"),
                    id_="group-start",
                ),
            ),
            rx.cond(
                active,
                _group(
                    "dept.group.decide",
                    _decision_buttons(),
                    rx.cond(
                        DC.item.promise_allowed,
                        rx.checkbox(
                            T["dept.on_commitment"],
                            checked=DC.on_commitment,
                            on_change=DC.set_on_commitment,
                        ),
                    ),
                    id_="group-decide",
                ),
            ),
            rx.cond(
                active,
                _group(
                    "dept.group.pause",
                    rx.button(
                        T["dept.supplement"],
                        on_click=[DC.supplement, DT.refresh],
                        color_scheme="amber",
                        variant="soft",
                        id="btn-supplement",
                    ),
                    rx.text(T["dept.special_kind"], size="2"),
                    select_field(
                        DC.special_kind,
                        [
                            (k, f"special.{k}")
                            for k in ("expert", "hearing", "survey", "notice", "testing", "other")
                        ],
                        DC.set_special_kind,
                        "special-kind",
                    ),
                    rx.text(T["dept.special_days"], size="2"),
                    rx.input(
                        value=DC.special_days,
                        on_change=DC.set_special_days,
                        width="5em",
                        type="number",
                        id="special-days",
                    ),
                    rx.button(
                        T["dept.special_start"],
                        on_click=[DC.special_start, DT.refresh],
                        variant="soft",
                        id="btn-special-start",
                    ),
                    id_="group-pause",
                ),
            ),
            rx.cond(
                st == Blzt.SPECIAL_START,
                _group(
                    "dept.group.pause",
                    rx.button(
                        T["dept.special_end"],
                        on_click=[DC.special_end, DT.refresh],
                        id="btn-special-end",
                    ),
                    id_="group-resume",
                ),
            ),
            rx.cond(
                has_item & (DS.colleagues.length() > 0) & ~DC.item.finished,
                _group(
                    "steps.transfer",
                    rx.select.root(
                        rx.select.trigger(placeholder=T["steps.transfer_to"]),
                        rx.select.content(
                            rx.foreach(
                                DS.colleagues, lambda c: rx.select.item(c["name"], value=c["id"])
                            )
                        ),
                        value=DS.transfer_to,
                        on_change=DS.set_transfer_to,
                        size="2",
                    ),
                    rx.button(
                        T["steps.transfer"],
                        on_click=[DS.transfer, DT.refresh],
                        variant="soft",
                        id="btn-transfer",
                    ),
                    id_="group-transfer",
                ),
            ),
            rx.cond(
                DC.is_lead & (DC.case.status == "accepted") & DC.stage_ready,
                _group(
                    "dept.close_stage",
                    rx.button(
                        T["dept.close_stage"],
                        on_click=[DC.close_stage, DJ.refresh, DT.refresh],
                        color_scheme="indigo",
                        id="btn-close-stage",
                    ),
                    id_="group-close",
                ),
            ),
            wrap="wrap",
            gap="0.75em",
        ),
        width="100%",
    )
