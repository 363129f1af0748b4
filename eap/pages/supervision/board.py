"""Supervision pages (审批效能督查): alerts, anomalies, KPIs and city rankings."""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx

from eap.components.cases import history_table, selectable_row
from eap.components.forms import select_field
from eap.components.shell import pager, shell
from eap.pages.supervision.market_tab import market_tab
from eap.pages.supervision.reporting_tab import reporting_tab
from eap.state.supervision.board import SupervisionState as S
from eap.state.supervision.figures import KPI_COLUMNS

T = S.t

LEVEL_COLOURS = {"urge": "amber", "supervise": "orange", "inspect": "red"}


def _level_badge(level: rx.Var) -> rx.Component:
    return rx.match(
        level,
        *[
            (lv, rx.badge(T[f"alert.level.{lv}"], color_scheme=c))
            for lv, c in LEVEL_COLOURS.items()
        ],
        rx.badge(level),
    )


def alerts_tab() -> rx.Component:
    cols = ["level", "case_no", "project", "item", "department", "due_date", "raised_at", "status"]
    return rx.vstack(
        rx.hstack(
            select_field(
                rx.cond(S.level == "", "all", S.level),
                [
                    ("all", "supervision.all_levels"),
                    ("urge", "alert.level.urge"),
                    ("supervise", "alert.level.supervise"),
                    ("inspect", "alert.level.inspect"),
                ],
                S.set_level,
                "level-filter",
            ),
            select_field(
                rx.cond(S.status == "", "all", S.status),
                [
                    ("all", "supervision.all_status"),
                    ("open", "alert.status.open"),
                    ("acknowledged", "alert.status.acknowledged"),
                    ("noticed", "alert.status.noticed"),
                    ("answered", "alert.status.answered"),
                    ("closed", "alert.status.closed"),
                ],
                S.set_status,
                "status-filter",
            ),
            rx.spacer(),
            rx.button(
                rx.icon("file-spreadsheet"),
                T["export.xlsx"],
                on_click=S.export_alerts,
                variant="soft",
                id="export-alerts",
            ),
            width="100%",
        ),
        rx.cond(
            S.alerts.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[rx.table.column_header_cell(T[f"supervision.col.{c}"]) for c in cols]
                    )
                ),
                rx.table.body(
                    rx.foreach(
                        S.alerts,
                        lambda a: selectable_row(
                            S.selected_alert == a.id,
                            rx.table.cell(
                                _level_badge(a["level"]),
                                # the levels the case went through, with when each was raised
                                rx.hstack(
                                    rx.foreach(
                                        a.history,
                                        lambda st: rx.text(
                                            T["alert.level." + st.level],
                                            " ",
                                            st.raised_at[5:10],
                                            size="1",
                                            color_scheme="gray",
                                        ),
                                    ),
                                    spacing="2",
                                    class_name="alert-history",
                                ),
                            ),
                            rx.table.cell(
                                rx.link(
                                    a.case_no,
                                    # no navigation to "#": a route change would run the
                                    # page's on-load, which closes any open case
                                    on_click=[
                                        rx.prevent_default,
                                        S.open_alert(
                                            a["id"], a["target_kind"], a["target_id"], a.case_no
                                        ),
                                    ],
                                    cursor="pointer",
                                    class_name="alert-link alert-" + a.target_kind,
                                )
                            ),
                            rx.table.cell(a.project),
                            rx.table.cell(a["item"]),
                            rx.table.cell(a["department"]),
                            rx.table.cell(a["due_date"]),
                            rx.table.cell(a["raised_at"]),
                            rx.table.cell(T["alert.status." + a["status"].to(str)]),
                        ),
                    )
                ),
                variant="surface",
                size="1",
                width="100%",
                id="alerts-table",
            ),
            rx.text(T["supervision.no_alerts"], color_scheme="gray", id="alerts-empty"),
        ),
        pager(S),
        rx.dialog.root(
            rx.dialog.content(
                rx.hstack(
                    rx.dialog.title(
                        T["supervision.alert_dialog"], " · ", S.selected_case, margin="0"
                    ),
                    rx.spacer(),
                    rx.dialog.close(
                        rx.icon_button(rx.icon("x"), variant="ghost", aria_label=T["confirm.back"])
                    ),
                    width="100%",
                    align="center",
                ),
                alert_panel(),
                max_width="960px",
                id="alert-panel",
            ),
            open=S.panel_open,
            on_open_change=S.set_panel_open,
        ),
        width="100%",
    )


def alert_panel() -> rx.Component:
    """The selected case (its row marked in the list behind), its history and the actions."""
    return rx.box(
        rx.vstack(
            rx.cond(
                S.message != "",
                rx.callout(S.message, icon="info", width="100%", id="alert-message"),
            ),
            rx.cond(
                S.detail.case_no != "",
                rx.vstack(
                    rx.heading(S.detail["item"], size="3"),
                    rx.text(
                        S.detail["project"],
                        " (",
                        S.detail["project_code"],
                        ") · ",
                        S.detail["department"],
                        size="2",
                    ),
                    rx.text(
                        T["case.due"],
                        ": ",
                        S.detail["due"],
                        " · ",
                        T["case.paused_days"],
                        ": ",
                        S.detail.paused_days,
                        " · ",
                        T["case.supplements"],
                        ": ",
                        S.detail["supplements"],
                        size="2",
                    ),
                    history_table(S.events),
                    width="100%",
                ),
            ),
            rx.text_area(
                value=S.action_text,
                on_change=S.set_action_text,
                placeholder=T["supervision.text_hint"],
                width="100%",
                id="action-text",
            ),
            rx.hstack(
                rx.button(
                    T["supervision.ack"], on_click=S.act("ack"), variant="soft", id="act-ack"
                ),
                rx.button(
                    T["supervision.comment"],
                    on_click=S.act("comment"),
                    variant="soft",
                    id="act-comment",
                ),
                rx.button(
                    T["supervision.notice"],
                    on_click=S.act("notice"),
                    color_scheme="orange",
                    id="act-notice",
                ),
                rx.button(
                    T["supervision.close_alert"],
                    on_click=S.act("close"),
                    color_scheme="gray",
                    id="act-close",
                ),
            ),
            width="100%",
        ),
        width="100%",
    )


def anomalies_tab() -> rx.Component:
    cols = ["kind", "evidence", "region", "detected", "status", "actions"]
    return rx.vstack(
        rx.hstack(
            rx.spacer(),
            rx.button(
                rx.icon("file-spreadsheet"),
                T["export.xlsx"],
                on_click=S.export_anomalies,
                variant="soft",
            ),
            width="100%",
        ),
        rx.cond(
            S.anomalies.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[rx.table.column_header_cell(T[f"supervision.col.{c}"]) for c in cols]
                    )
                ),
                rx.table.body(
                    rx.foreach(
                        S.anomalies,
                        lambda a: rx.table.row(
                            rx.table.cell(T["anomaly." + a["kind"].to(str)]),
                            rx.table.cell(
                                rx.text(a.sentence, size="2"), class_name="anomaly-sentence"
                            ),
                            rx.table.cell(a["region"]),
                            rx.table.cell(a["detected"]),
                            rx.table.cell(T["alert.status." + a["status"].to(str)]),
                            rx.table.cell(
                                rx.hstack(
                                    rx.button(
                                        T["supervision.ack"],
                                        size="1",
                                        variant="soft",
                                        on_click=S.act_anomaly(a["id"], "ack"),
                                    ),
                                    rx.button(
                                        T["supervision.comment"],
                                        size="1",
                                        variant="soft",
                                        on_click=S.act_anomaly(a["id"], "comment"),
                                    ),
                                    rx.button(
                                        T["supervision.close"],
                                        size="1",
                                        color_scheme="gray",
                                        on_click=S.act_anomaly(a["id"], "close"),
                                        class_name="close-anomaly",
                                    ),
                                    wrap="wrap",  # never cut off at the table's edge
                                    spacing="1",
                                )
                            ),
                        ),
                    )
                ),
                variant="surface",
                size="1",
                width="100%",
                id="anomalies-table",
            ),
            rx.text(T["supervision.no_anomalies"], color_scheme="gray", id="anomalies-empty"),
        ),
        rx.text_area(
            value=S.action_text,
            on_change=S.set_action_text,
            width="100%",
            placeholder=T["supervision.text_hint"],
        ),
        width="100%",
    )


def _period_picker(load, prefix: str) -> rx.Component:
    return rx.hstack(
        rx.text(T["kpi.period"], size="2"),
        rx.input(type="date", value=S.kpi_start, on_change=S.set_kpi_start, id=f"{prefix}-start"),
        rx.text("~"),
        rx.input(type="date", value=S.kpi_end, on_change=S.set_kpi_end, id=f"{prefix}-end"),
        rx.button(T["kpi.query"], on_click=load, loading=S.computing, id=f"{prefix}-query"),
        align="center",
    )


def kpi_tab() -> rx.Component:
    cols = KPI_COLUMNS
    return rx.vstack(
        rx.hstack(
            _period_picker(S.load_kpis, "kpi"),
            select_field(
                S.group_by,
                [
                    (g, f"kpi.by.{g}")
                    for g in (
                        "city_code",
                        "county_code",
                        "department_id",
                        "stage_code",
                        "process_type",
                    )
                ],
                S.set_group_by,
                "group-by",
            ),
            rx.spacer(),
            rx.button(
                rx.icon("file-spreadsheet"),
                T["export.xlsx"],
                on_click=S.export_kpis,
                loading=S.computing,
                variant="soft",
                id="export-kpi",
            ),
            width="100%",
            wrap="wrap",
        ),
        rx.table.root(
            rx.table.header(
                rx.table.row(*[rx.table.column_header_cell(T[f"kpi.col.{c}"]) for c in cols])
            ),
            rx.table.body(
                rx.foreach(S.kpi_rows, lambda r: rx.table.row(*[rx.table.cell(r[c]) for c in cols]))
            ),
            variant="surface",
            size="1",
            width="100%",
            id="kpi-table",
        ),
        project_table(),
        width="100%",
    )


def project_table() -> rx.Component:
    """Full-process working days per city against the target for the process type."""
    pcols = ("key", "completed", "avg", "within")
    return rx.vstack(
        rx.hstack(
            rx.heading(T["kpi.projects"], size="3"),
            rx.spacer(),
            rx.button(
                rx.icon("file-spreadsheet"),
                T["export.xlsx"],
                on_click=S.export_project_kpis,
                loading=S.computing,
                variant="soft",
                id="export-projects",
            ),
            width="100%",
        ),
        rx.table.root(
            rx.table.header(
                rx.table.row(*[rx.table.column_header_cell(T[f"kpi.pcol.{c}"]) for c in pcols])
            ),
            rx.table.body(
                rx.foreach(
                    S.project_rows, lambda r: rx.table.row(*[rx.table.cell(r[c]) for c in pcols])
                )
            ),
            variant="surface",
            size="1",
            width="100%",
            id="project-kpi-table",
        ),
        width="100%",
    )


def ranking_tab() -> rx.Component:
    return rx.vstack(
        _period_picker(S.load_rankings, "ranking"),
        rx.grid(
            rx.card(
                rx.plotly(
                    data=S.ranking.to(go.Figure),
                    id="ranking-chart",
                    width="100%",
                    use_resize_handler=True,
                )
            ),
            rx.card(rx.plotly(data=S.trend.to(go.Figure), width="100%", use_resize_handler=True)),
            columns="2",
            spacing="4",
            width="100%",
        ),
        rx.card(
            rx.plotly(data=S.distribution.to(go.Figure), width="100%", use_resize_handler=True),
            width="100%",
        ),
        width="100%",
    )


def supervision_page() -> rx.Component:
    return shell(
        rx.vstack(
            rx.hstack(
                rx.heading(T["home.supervisor"], size="6", id="home-title"),
                rx.spacer(),
                rx.cond(
                    S.province_level & (S.user.role == "supervisor"),
                    rx.link(T["centre.title"], href="/screen/centre", id="supervision-centre"),
                ),
                width="100%",
                align="center",
            ),
            rx.cond(
                S.message != "",
                rx.callout(S.message, icon="info", width="100%", id="supervision-message"),
            ),
            rx.tabs.root(
                rx.tabs.list(
                    # an administrator sees the reporting tab only
                    *[
                        rx.tabs.trigger(
                            T[key],
                            value=value,
                            id=f"tab-{value}",
                            display=rx.cond(S.user.role == "admin", "none", "inline-flex"),
                        )
                        for key, value in (
                            ("supervision.alerts", "alerts"),
                            ("supervision.anomalies", "anomalies"),
                            ("supervision.kpi", "kpi"),
                            ("supervision.ranking", "ranking"),
                            ("watch.tab", "market"),
                        )
                    ],
                    rx.tabs.trigger(T["spgl.tab"], value="reporting", id="tab-reporting"),
                ),
                rx.tabs.content(alerts_tab(), value="alerts", padding_top="1em"),
                rx.tabs.content(anomalies_tab(), value="anomalies", padding_top="1em"),
                rx.tabs.content(kpi_tab(), value="kpi", padding_top="1em"),
                rx.tabs.content(ranking_tab(), value="ranking", padding_top="1em"),
                rx.tabs.content(market_tab(), value="market", padding_top="1em"),
                rx.tabs.content(reporting_tab(), value="reporting", padding_top="1em"),
                value=S.tab,
                on_change=S.set_tab,
                width="100%",
            ),
            width="100%",
            spacing="4",
        )
    )
