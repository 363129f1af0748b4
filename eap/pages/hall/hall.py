"""Online service hall home (/hall): the applicant's projects, stages, items and results."""

from __future__ import annotations

import reflex as rx

from eap.components.cases import clock_badge, localized, status_text
from eap.components.shell import pager, shell
from eap.state.hall.hall import HallState as H

T = H.t


def _rating(i: rx.Var) -> rx.Component:
    """好差评 of one finished item case (一事一评): its grade once given, else the form while
    the rating window is open (its last day shown)."""
    return rx.cond(
        i.rated > 0,
        rx.badge(
            T["grade." + i["rated"].to(str)],
            color_scheme=rx.cond(i.bad_grade, "red", "green"),
            class_name="item-grade",
        ),
        rx.cond(
            i.can_rate,
            rx.popover.root(
                rx.popover.trigger(
                    rx.button(T["hall.rate"], size="1", variant="soft", class_name="rate-open")
                ),
                rx.popover.content(
                    rx.vstack(
                        rx.select.root(
                            rx.select.trigger(class_name="rate-grade", id="rate-grade-trigger"),
                            rx.select.content(
                                *[
                                    rx.select.item(T[f"grade.{g}"], value=str(g))
                                    for g in (5, 4, 3, 2, 1)
                                ]
                            ),
                            value=H.grade,
                            on_change=H.set_grade,
                        ),
                        rx.text_area(
                            value=H.comment,
                            on_change=H.set_comment,
                            placeholder=T["hall.rate_comment"],
                            width="100%",
                            id="rate-comment",
                        ),
                        rx.text(
                            T["hall.rate_until"], " ", i.rate_until, size="1", color_scheme="gray"
                        ),
                        rx.button(
                            T["hall.rate_submit"],
                            size="1",
                            on_click=H.rate(i["id"]),
                            class_name="rate-confirm",
                        ),
                        width="18em",
                    )
                ),
            ),
        ),
    )


def _grade_reply(i: rx.Var) -> rx.Component:
    """The department's rectification and call-back after a bad grade, or when it is due."""
    return rx.cond(
        i["rectify_by"] != "",
        rx.callout(
            rx.cond(
                i["rectification"] != "",
                rx.vstack(
                    rx.text(T["evaluation.reply"], "：", i["rectification"], size="2"),
                    rx.cond(
                        i["callback"] != "",
                        rx.text(T["evaluation.callback"], "：", i["callback"], size="2"),
                    ),
                    spacing="1",
                ),
                rx.text(T["evaluation.pending_reply"], " (", i["rectify_by"], ")", size="2"),
            ),
            icon="message_circle",
            color_scheme="amber",
            size="1",
            class_name="grade-reply",
            width="100%",
        ),
    )


def _item(i: rx.Var) -> rx.Component:
    """One parallel item: a wrapping row, so it reads as a short card on a phone."""
    return rx.fragment(_item_row(i), _grade_reply(i))


def _item_row(i: rx.Var) -> rx.Component:
    return rx.flex(
        rx.text(localized(i, "item"), size="2", weight="medium", min_width="12em", flex="2"),
        rx.flex(
            status_text(i["status"]),
            clock_badge(i["clock"]),
            gap="0.5em",
            align="center",
            min_width="10em",
            flex="1",
        ),
        rx.text(
            T["clock.used"],
            " ",
            i.used_days,
            " · ",
            T["case.paused_days"],
            " ",
            i.paused_days,
            rx.cond(
                (i.clock != "done") & (i.clock != "waiting"),
                rx.text.span(" · ", T["clock.left"], " ", i.left),
                "",
            ),
            size="1",
            color_scheme="gray",
            min_width="12em",
            flex="1",
        ),
        rx.flex(
            rx.cond(
                i.doc_id,
                rx.link(
                    i.doc_title,
                    rx.text.span(" ", i.doc, color_scheme="gray"),
                    href="/documents/approval/" + i["doc_id"].to(str) + ".pdf",
                    is_external=True,
                    size="1",
                    class_name="doc-link",
                    title=i.doc_title,
                ),
                "",
            ),
            rx.cond(
                i.cert_id,
                rx.link(
                    rx.badge(
                        rx.icon("award", size=14),
                        rx.cond(i.cert_name != "", i.cert_name, T["hall.certificate"]),
                        " ",
                        i["cert"],
                        color_scheme="green",
                        class_name="certificate",
                    ),
                    href="/documents/certificate/" + i["cert_id"].to(str) + ".pdf",
                    is_external=True,
                    class_name="cert-link",
                ),
                "",
            ),
            _rating(i),
            gap="0.5em",
            wrap="wrap",
            flex="1",
        ),
        wrap="wrap",
        gap="0.25em 1em",
        width="100%",
        padding_y="0.4em",
        border_bottom="1px solid var(--gray-4)",
        class_name="item-row",
    )


def _stage(sc: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.badge(T["stage." + sc["stage"].to(str)]),
            rx.text(sc["case_no"], size="2"),
            rx.cond(
                sc.window != "",
                rx.text(T["hall.window"], sc.window, size="1", color_scheme="gray"),
            ),
            rx.text(
                T["stagecase." + sc["status"].to(str)],
                size="2",
                weight="medium",
                class_name="stage-status",
            ),
            rx.cond(
                sc.open_notices > 0,
                rx.link(
                    rx.button(T["hall.go_supplement"], size="1", color_scheme="amber"),
                    href="/hall/apply?supplement="
                    + sc.project_id.to(str)
                    + "&stage="
                    + sc.stage.to(str),
                    class_name="go-supplement",
                ),
            ),
            rx.cond(
                sc.owed_materials > 0,
                rx.link(
                    rx.button(
                        T["nav.owed"], " (", sc.owed_materials, ")", size="1", color_scheme="amber"
                    ),
                    href="/hall/owed",
                    class_name="go-owed",
                ),
            ),
            rx.spacer(),
            rx.cond(
                sc.can_withdraw,
                rx.popover.root(
                    rx.popover.trigger(
                        rx.button(
                            T["hall.withdraw"],
                            size="1",
                            variant="soft",
                            color_scheme="red",
                            class_name="withdraw-open",
                        )
                    ),
                    rx.popover.content(
                        rx.vstack(
                            rx.text(T["hall.withdraw_consequence"], size="2"),
                            rx.input(
                                value=H.reason,
                                on_change=H.set_reason,
                                placeholder=T["hall.withdraw_reason"],
                                width="100%",
                                id="withdraw-reason",
                            ),
                            rx.button(
                                T["hall.withdraw_confirm"],
                                color_scheme="red",
                                size="1",
                                on_click=H.withdraw(sc["id"]),
                                class_name="withdraw-confirm",
                            ),
                            width="18em",
                        )
                    ),
                ),
            ),
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.foreach(sc.item_cases, _item),
        width="100%",
    )


def _milestone(m: rx.Var) -> rx.Component:
    """One of the four main-line stages on the project's timeline."""
    colour = rx.match(m["state"], ("done", "green"), ("current", "blue"), "gray")
    return rx.hstack(
        rx.icon(
            rx.match(m["state"], ("done", "circle_check"), ("current", "circle_dot"), "circle"),
            size=16,
            color=rx.match(
                m["state"],
                ("done", "var(--green-9)"),
                ("current", "var(--blue-9)"),
                "var(--gray-8)",
            ),
        ),
        rx.text(T["stage." + m["stage"].to(str)], size="2", color_scheme=colour),
        rx.cond(
            m["status"] != "",
            rx.text(
                "（", T["stagecase." + m["status"].to(str)], "）", size="1", color_scheme="gray"
            ),
        ),
        align="center",
        spacing="1",
        flex="1",
        min_width="9em",
    )


def _project(p: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(p["name"], size="4"),
                rx.text(p["code"], size="2", color_scheme="gray"),
                rx.cond(
                    p.editable,
                    rx.link(
                        T["project.edit"],
                        href="/hall/projects/new?edit=" + p["id"].to(str),
                        size="2",
                        class_name="project-edit",
                    ),
                ),
                rx.spacer(),
                rx.text(
                    T["hall.full_process"],
                    ": ",
                    p["used_days"],
                    " / ",
                    p["target"],
                    " ",
                    T["hall.working_days"],
                    size="2",
                ),
                align="center",
                width="100%",
                wrap="wrap",
            ),
            rx.flex(
                rx.foreach(p.timeline, _milestone),
                width="100%",
                wrap="wrap",
                gap="0.5em",
                class_name="timeline",
            ),
            rx.foreach(p.stages, _stage),
            width="100%",
        ),
        width="100%",
        class_name="project-card",
    )


def hall_page() -> rx.Component:
    return shell(
        rx.vstack(
            rx.heading(T["home.applicant"], size="6", id="home-title"),
            rx.cond(
                (H.user["role"] == "agent") & (H.user["company"] == ""),
                rx.callout(
                    rx.link(T["agent.choose"], href="/hall/agents"),
                    icon="info",
                    id="agent-hint",
                ),
            ),
            rx.cond(
                H.message != "",
                rx.callout(H.message, color_scheme="green", icon="check", id="hall-message"),
            ),
            rx.cond(
                H.error != "",
                rx.callout(H.error, color_scheme="red", icon="triangle_alert", id="hall-error"),
            ),
            rx.cond(
                H.projects.length() > 0,
                rx.foreach(H.projects, _project),
                rx.text(T["hall.no_projects"], color_scheme="gray"),
            ),
            rx.cond(H.pages > 1, pager(H)),
            width="100%",
            spacing="4",
        )
    )
