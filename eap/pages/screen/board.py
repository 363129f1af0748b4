"""/screen and /screen/city/[code] — the leadership's big screen (数据展示大屏).

Laid out for a 1920×1080 wall (dark, large type, no scrolling) and still readable on a 1440-px
laptop: counters across the top, the map on the left, rankings and stages in the middle, the
targets, the cases overdue now and the live feed on the right.
"""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx

from eap.components.screen import BG, INK, MUTED, TONE, panel
from eap.components.shell import top_bar
from eap.pages.screen.panels import blueprint_filters, lists_panel, ranking_or_trend
from eap.state.screen.board import ScreenState as S

T = S.t
CONFIG = {"displayModeBar": False, "responsive": True}  # a wall display has no mouse
# a city's screen (a city leader's own, or a city opened from the province's) shows counties
_CITY_VIEW = (S.view.scope != "360000") & (S.view.scope != "")


def _heading(key: str) -> rx.Component:
    return rx.text(T[key], size="5", weight="bold", color=INK, margin_bottom="0.4em")


def _heading_var(text: rx.Var) -> rx.Component:
    return rx.text(text, size="5", weight="bold", color=INK, margin_bottom="0.4em")


def _headline(h: rx.Var) -> rx.Component:
    return panel(
        rx.text(T[h.key], size="3", color=MUTED, white_space="nowrap"),
        rx.text(
            h.value,
            size=rx.breakpoints(initial="6", sm="8"),
            weight="bold",
            color=rx.match(h.tone, ("good", TONE["good"]), ("bad", TONE["bad"]), INK),
            class_name="headline-value",
        ),
        class_name="headline",
        min_width="0",
    )


def _controls() -> rx.Component:
    return rx.hstack(
        rx.heading(
            rx.cond(
                _CITY_VIEW,
                T["screen.city_title"].to(str).replace("{name}", S.view.scope_name),
                T["screen.title"],
            ),
            size="7",
            color=INK,
            id="home-title",
        ),
        rx.cond(
            S.scope != "",
            rx.link(
                rx.icon("arrow-left", size=16),
                T["screen.back"],
                href="/screen",
                id="screen-back",
                white_space="nowrap",
            ),
        ),
        rx.cond(
            S.view.scope == "360000",
            rx.link(
                rx.icon("landmark", size=16),
                T["centre.title"],
                href="/screen/centre",
                id="screen-centre",
                white_space="nowrap",
            ),
        ),
        rx.spacer(),
        _search(),
        rx.box(
            rx.segmented_control.root(
                *[
                    rx.segmented_control.item(T[f"screen.period.{p}"], value=p)
                    for p in ("today", "month", "year", "custom")
                ],
                value=S.period,
                on_change=S.set_period,
                size=rx.breakpoints(initial="1", sm="2"),
                id="screen-period",
            ),
            max_width="100%",
            overflow_x="auto",  # on a phone the four periods scroll rather than run off
        ),
        rx.cond(
            S.period == "custom",
            rx.form(
                rx.hstack(
                    rx.vstack(
                        rx.input(
                            name="start", type="date", default_value=S.start, id="screen-start"
                        ),
                        rx.cond(
                            S.field_errors.contains("start"),
                            rx.text(S.field_errors["start"], color="#ef9a9a", size="1"),
                        ),
                        spacing="1",
                    ),
                    rx.vstack(
                        rx.input(name="end", type="date", default_value=S.end, id="screen-end"),
                        rx.cond(
                            S.field_errors.contains("end"),
                            rx.text(
                                S.field_errors["end"], color="#ef9a9a", size="1", id="error-end"
                            ),
                        ),
                        spacing="1",
                    ),
                    rx.button(T["screen.apply"], type="submit", id="screen-apply"),
                    align="start",
                ),
                on_submit=S.apply_range,
                reset_on_submit=False,
            ),
        ),
        rx.select.root(
            rx.select.trigger(id="screen-metric", min_width="11em"),
            rx.select.content(
                *[
                    rx.select.item(T[f"screen.metric.{m}"], value=m)
                    for m in ("on_time", "volume", "overdue", "avg_days")
                ]
            ),
            value=S.metric,
            on_change=S.set_metric,
        ),
        width="100%",
        align="center",
        wrap="wrap",
        spacing="4",
    )


def _search() -> rx.Component:
    """项目查询: by code or name; the matches drop below, each one click from its page."""
    results = rx.box(
        rx.hstack(
            rx.spacer(),
            rx.icon_button(
                rx.icon("x", size=14),
                size="1",
                variant="ghost",
                on_click=S.clear_search,
                aria_label=T["confirm.back"],
            ),
        ),
        rx.cond(
            S.field_errors.contains("search"),
            rx.text(S.field_errors["search"], color="#ef9a9a", size="2", id="error-search"),
            rx.cond(
                S.found.length() > 0,
                rx.vstack(
                    rx.foreach(
                        S.found,
                        lambda f: rx.link(
                            rx.text(f.name, weight="medium", color=INK),
                            rx.text(
                                f.code, " · ", f.region, " · ", f.company, size="1", color=MUTED
                            ),
                            href="/screen/project/" + f.code,
                            class_name="found-project",
                        ),
                    ),
                    spacing="2",
                ),
                rx.text(T["screen.search_none"], size="2", color=INK, id="search-none"),
            ),
        ),
        position="absolute",
        top="calc(100% + 4px)",
        left="0",
        z_index="20",
        width="min(26em, 90vw)",
        max_height="60vh",
        overflow_y="auto",
        background="#102a52",
        border="1px solid #1c3a66",
        border_radius="8px",
        padding="0.6em 0.8em",
        box_shadow="0 8px 24px rgba(0,0,0,.5)",
        id="search-results",
    )
    return rx.box(
        rx.form(
            rx.hstack(
                rx.input(
                    name="search",
                    default_value=S.search_text,
                    placeholder=T["screen.search_hint"],
                    width=rx.breakpoints(initial="12em", sm="15em"),
                    id="screen-search",
                ),
                rx.icon_button(
                    rx.icon("search"),
                    type="submit",
                    aria_label=T["screen.search"],
                    id="screen-search-go",
                ),
                spacing="1",
            ),
            on_submit=S.search,
            reset_on_submit=False,
        ),
        rx.cond(S.searched | S.field_errors.contains("search"), results),
        position="relative",
    )


def _overdue_row(o: rx.Var) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.text(o.project, size="3", color=INK, weight="medium", trim="both"),
            rx.spacer(),
            rx.text(
                T["screen.days_over"].to(str).replace("{n}", o.days_over.to(str)),
                size="2",
                color=TONE["bad"],
                white_space="nowrap",
            ),
        ),
        rx.text(o.item, " · ", o.department, " · ", o.region, size="2", color=MUTED),
        padding_y="0.35em",
        border_bottom="1px solid #1c3a66",
        class_name="overdue-case",
    )


def _event_row(e: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(e.at, size="2", color=MUTED, white_space="nowrap"),
        rx.text(e.region, size="2", color=MUTED, white_space="nowrap"),
        rx.text(e.company, size="2", color=INK, white_space="nowrap"),
        rx.text(
            e.item,
            size="2",
            color=INK,
            overflow="hidden",
            text_overflow="ellipsis",
            white_space="nowrap",
            min_width="0",
            flex="1",
        ),
        rx.text(T["blzt." + e.status.to(str)], size="2", color="#81d4fa", white_space="nowrap"),
        width="100%",
        class_name="live-event",
        overflow="hidden",
    )


def _target_row(tg: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(rx.cond(S.lang == "en", tg.name_en, tg.name_zh), size="3", color=INK),
        rx.spacer(),
        rx.text(
            rx.cond(tg.avg_days, tg.avg_days.to(str), "—"),
            size="5",
            weight="bold",
            color=rx.cond(tg.met, TONE["good"], TONE["bad"]),
        ),
        rx.cond(
            tg.target,
            rx.text(
                T["screen.target"].to(str).replace("{n}", tg.target.to(str)),
                size="2",
                color=MUTED,
                white_space="nowrap",
            ),
        ),
        width="100%",
        align="center",
        class_name="target-row",
    )


def _cell(value: rx.Var | str) -> rx.Component:
    return rx.table.cell(rx.text(value, color=INK, size="2"))


def _area_table() -> rx.Component:
    """The map's figures as a table too: readable without hovering, and every city one click
    from its own screen (赣江新区, which has no boundary here, included)."""
    cols = ("accepted", "completed", "on_time", "overdue", "avg_days")
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell(rx.text(T["screen.area"], color=MUTED)),
                *[
                    rx.table.column_header_cell(rx.text(T[f"screen.col.{c}"], color=MUTED))
                    for c in cols
                ],
            )
        ),
        rx.table.body(
            rx.foreach(
                S.view.areas,
                lambda a: rx.table.row(
                    rx.table.cell(
                        rx.cond(
                            ~_CITY_VIEW,
                            rx.link(a.name, href="/screen/city/" + a.code, id="area-" + a.code),
                            rx.text(
                                rx.cond(
                                    a.city_level,
                                    T["project.city_level"].to(str).replace("{name}", a.name),
                                    a.name,
                                ),
                                color=INK,
                            ),
                        )
                    ),
                    _cell(a.accepted),
                    _cell(a.completed),
                    _cell(rx.cond(a.on_time_pct, a.on_time_pct.to(str) + "%", "—")),
                    _cell(a.overdue_now),
                    _cell(rx.cond(a.avg_days, a.avg_days.to(str), "—")),
                ),
            )
        ),
        size="1",
        variant="ghost",
        width="100%",
        color=INK,
        id="area-table",
    )


def _board() -> rx.Component:
    return rx.vstack(
        rx.grid(
            rx.foreach(S.view.headlines, _headline),
            columns=rx.breakpoints(initial="2", sm="3", md="5", xl="9"),
            spacing="3",
            width="100%",
            id="headlines",
        ),
        rx.box(
            panel(
                _heading_var(
                    rx.cond(_CITY_VIEW, T["screen.map_city_title"], T["screen.map_title"])
                ),
                # the province's cities, or a city's counties, with the projects' sites
                rx.plotly(
                    data=S.map_fig.to(go.Figure),
                    on_click=S.open_area,
                    id="screen-map",
                    width="100%",
                    height="470px",
                    use_resize_handler=True,
                    config=CONFIG,
                ),
                blueprint_filters(),
                rx.box(_area_table(), max_height="130px", overflow_y="auto"),
                rx.text(T["screen.map_note"], size="1", color=MUTED, id="map-note"),
            ),
            rx.vstack(
                ranking_or_trend(
                    rx.cond(_CITY_VIEW, T["screen.county_ranking_title"], T["screen.ranking_title"])
                ),
                panel(
                    _heading("screen.stages_title"),
                    rx.plotly(
                        data=S.stages_fig.to(go.Figure),
                        width="100%",
                        height="250px",
                        use_resize_handler=True,
                        config=CONFIG,
                    ),
                    width="100%",
                    id="stages-panel",
                ),
                spacing="3",
            ),
            rx.vstack(
                panel(
                    _heading("screen.targets_title"),
                    rx.foreach(S.view.targets, _target_row),
                    width="100%",
                    id="targets-panel",
                ),
                lists_panel(
                    rx.cond(
                        S.view.overdue.length() > 0,
                        rx.box(rx.foreach(S.view.overdue, _overdue_row)),
                        rx.text(T["screen.none_overdue"], color=TONE["good"]),
                    )
                ),
                panel(
                    _heading("screen.events_title"),
                    rx.cond(
                        S.view.events.length() > 0,
                        rx.vstack(rx.foreach(S.view.events, _event_row), spacing="1"),
                        rx.text(T["screen.no_events"], color=MUTED),
                    ),
                    width="100%",
                    id="events-panel",
                ),
                spacing="3",
            ),
            display="grid",
            grid_template_columns=rx.breakpoints(
                initial="minmax(0, 1fr)", lg="minmax(0, 5fr) minmax(0, 4fr) minmax(0, 4fr)"
            ),
            gap="0.75em",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def screen_page() -> rx.Component:
    return rx.box(
        top_bar(),
        rx.theme(
            rx.vstack(
                _controls(),
                rx.cond(
                    S.error != "",
                    rx.callout(
                        S.error, color_scheme="red", icon="triangle_alert", id="screen-error"
                    ),
                ),
                rx.cond(
                    S.view.has_data,
                    _board(),
                    rx.callout(T["screen.no_data"], icon="info", size="3", id="screen-empty"),
                ),
                rx.text(
                    T["screen.computed"]
                    .to(str)
                    .replace("{at}", S.view.computed_at)
                    .replace("{n}", S.refresh_seconds.to(str)),
                    size="1",
                    color=MUTED,
                    id="screen-computed",
                ),
                # the timer: new figures every interval, in place (no page reload, no flicker)
                rx.moment(interval=S.refresh_ms, on_change=S.tick, display="none"),
                spacing="3",
                padding="1em 1.5em",
                width="100%",
            ),
            appearance="dark",
            has_background=False,
        ),
        background=BG,
        min_height="100vh",
    )
