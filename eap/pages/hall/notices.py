"""通知公告 (/notices), public; and the administrator's publishing form."""

from __future__ import annotations

import reflex as rx

from eap.components.shell import lang_button, pager
from eap.state.hall.notices import (
    NoticeAdminState as NA,
    NoticeDetailState as ND,
    NoticesState as N,
)

T = N.t


def notices_page() -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.hstack(
                rx.heading(T["notice.list"], size="6", id="home-title"),
                rx.spacer(),
                lang_button(),
                rx.link(T["guide.title"], href="/guide"),
                rx.link(T["login.title"], href="/login"),
                width="100%",
                align="center",
            ),
            rx.foreach(
                N.rows,
                lambda n: rx.card(
                    rx.vstack(
                        rx.hstack(
                            rx.link(
                                rx.heading(n["title"], size="4"),
                                href="/notices/" + n["id"].to(str),
                                class_name="notice-link",
                            ),
                            rx.spacer(),
                            rx.text(n["at"], size="2", color_scheme="gray"),
                        ),
                        rx.text(n["excerpt"], white_space="pre-wrap", size="2"),
                        width="100%",
                    ),
                    width="100%",
                    class_name="notice-card",
                ),
            ),
            pager(N),
            width="100%",
            spacing="3",
            max_width="1000px",
            margin="0 auto",
            padding="1.5em",
        ),
        background="#f4f6fa",
        min_height="100vh",
    )


def notice_detail_page() -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.hstack(
                rx.link(T["notice.list"], href="/notices"),
                rx.spacer(),
                lang_button(),
                width="100%",
                align="center",
            ),
            rx.cond(
                ND.error != "",
                rx.callout(ND.error, color_scheme="red", icon="triangle_alert"),
                rx.card(
                    rx.vstack(
                        rx.heading(ND.detail["title"], size="6", id="notice-detail-title"),
                        rx.text(ND.detail["at"], size="2", color_scheme="gray"),
                        rx.text(
                            ND.detail["body"], white_space="pre-wrap", size="3", id="notice-detail"
                        ),
                        width="100%",
                    ),
                    width="100%",
                ),
            ),
            width="100%",
            spacing="3",
            max_width="900px",
            margin="0 auto",
            padding="1.5em",
        ),
        background="#f4f6fa",
        min_height="100vh",
    )


def publish_form() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(T["notice.publish"], size="4"),
            rx.input(
                value=NA.title,
                on_change=NA.set_title,
                placeholder=T["notice.title"],
                width="100%",
                id="notice-title",
            ),
            rx.text_area(
                value=NA.body,
                on_change=NA.set_body,
                placeholder=T["notice.body"],
                width="100%",
                rows="5",
                id="notice-body",
            ),
            rx.cond(
                NA.message != "",
                rx.callout(NA.message, color_scheme="green", icon="check", id="notice-message"),
            ),
            rx.cond(
                NA.error != "",
                rx.callout(NA.error, color_scheme="red", icon="triangle_alert", id="notice-error"),
            ),
            rx.button(T["notice.publish"], on_click=NA.publish, id="notice-publish"),
            rx.foreach(
                NA.current,
                lambda n: rx.hstack(
                    rx.text(n["title"], size="2", weight="medium"),
                    rx.text(n["at"], size="1", color_scheme="gray"),
                    rx.spacer(),
                    rx.button(
                        T["notice.withdraw"],
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        on_click=NA.withdraw(n["id"]),
                        class_name="notice-withdraw",
                    ),
                    width="100%",
                    align="center",
                    class_name="notice-row",
                ),
            ),
            width="100%",
        ),
        width="100%",
        on_mount=NA.load_list,
    )
