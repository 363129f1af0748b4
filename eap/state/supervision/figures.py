"""The supervision page's slow parts as plain functions of their inputs, so that the page's
handlers run them in another process (``state/core/offload``) instead of on the event loop,
where a supervisor's ranking or export would stall every other user of the worker; their
arguments and results are plain, picklable values.

The figures are also kept a minute in the shared cache (Redis), per region, period and
language: supervisors asking again, or several asking at once, cost one computation. The
roll-ups they read change only when the scheduler re-rolls them, far less often than that."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import plotly.graph_objects as go
from sqlmodel import Session

from eap.db import get_engine
from eap.i18n import t
from eap.services.core import cache, exports
from eap.services.core.authz import region_prefix
from eap.services.core.principal import Principal
from eap.services.supervision import views as supervision_views
from eap.services.supervision.kpi import kpis, project_kpis
from eap.state.core.blank import figure_json

KPI_COLUMNS = (
    "key",
    "accepted",
    "completed",
    "on_time",
    "overdue",
    "avg",
    "p90",
    "supplement",
    "refusal",
    "special",
    "satisfaction",
)
PROJECT_COLUMNS = ("key", "completed", "avg", "within")
CACHE_SECONDS = 60
T = TypeVar("T")


def _cached(
    key: str,
    build: Callable[[], T],
    encode: Callable[[T], Any] = lambda v: v,
    decode: Callable[[Any], T] = lambda v: v,
) -> T:
    hit = cache.get_json(key)
    if hit is not None:
        return decode(hit)
    value = build()
    cache.set_json(key, encode(value), ttl_seconds=CACHE_SECONDS)
    return value


def pct(v: float | None) -> str:
    return "-" if v is None else f"{v * 100:.1f}%"


def kpi_rows(
    principal: Principal, start: dt.date, end: dt.date, group_by: str, lang: str
) -> list[dict[str, str]]:
    """The KPI table of the principal's region, one row per ``group_by`` value."""
    key = f"eap:kpi:{principal.region_code}:{start}:{end}:{group_by}:{lang}"
    return _cached(key, lambda: _kpi_rows(principal, start, end, group_by, lang))


def _kpi_rows(
    principal: Principal, start: dt.date, end: dt.date, group_by: str, lang: str
) -> list[dict[str, str]]:
    with Session(get_engine()) as s:
        names = supervision_views.dimension_names(s, group_by=group_by, lang=lang)
        rows = kpis(
            s,
            start=start,
            end=end,
            group_by=group_by,
            region_prefix=region_prefix(principal.region_code or "") or "-",
        )
    return [
        {
            "key": names.get(r.key, r.key),
            "accepted": str(r.accepted),
            "completed": str(r.completed),
            "on_time": pct(r.on_time_rate),
            "overdue": pct(r.overdue_rate),
            "avg": "-" if r.avg_days is None else f"{r.avg_days:.1f}",
            "p90": "-" if r.p90_days is None else str(r.p90_days),
            "supplement": pct(r.supplement_rate),
            "refusal": pct(r.refusal_rate),
            "special": str(r.special_days),
            "satisfaction": pct(r.satisfaction),
        }
        for r in rows
    ]


def project_rows(principal: Principal, start: dt.date, end: dt.date) -> list[dict[str, str]]:
    """全流程: whole projects' figures per region of the principal's scope."""
    key = f"eap:kpi-projects:{principal.region_code}:{start}:{end}"
    return _cached(key, lambda: _project_rows(principal, start, end))


def _project_rows(principal: Principal, start: dt.date, end: dt.date) -> list[dict[str, str]]:
    prefix = region_prefix(principal.region_code or "") or "-"
    with Session(get_engine()) as s:
        names = supervision_views.region_names(s)
        data = project_kpis(s, start=start, end=end)
    return [
        {
            "key": names.get(k, k),
            "completed": str(v["completed"]),
            "avg": "-" if v["avg_days"] is None else f"{v['avg_days']:.1f}",
            "within": pct(v["within_target_rate"]),
        }
        for k, v in sorted(data.items())
        if k.startswith(prefix)
    ]


def both_tables(
    principal: Principal, start: dt.date, end: dt.date, group_by: str, lang: str
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    return kpi_rows(principal, start, end, group_by, lang), project_rows(principal, start, end)


def kpi_workbook(
    principal: Principal,
    start: dt.date,
    end: dt.date,
    group_by: str,
    lang: str,
    title: str,
    filters: str,
    headers: list[str],
) -> bytes:
    rows = kpi_rows(principal, start, end, group_by, lang)
    return exports.to_xlsx(
        title=title,
        filters=filters,
        headers=headers,
        rows=[[r[c] for c in KPI_COLUMNS] for r in rows],
    )


def project_workbook(
    principal: Principal,
    start: dt.date,
    end: dt.date,
    title: str,
    filters: str,
    headers: list[str],
) -> bytes:
    rows = project_rows(principal, start, end)
    return exports.to_xlsx(
        title=title,
        filters=filters,
        headers=headers,
        rows=[[r[c] for c in PROJECT_COLUMNS] for r in rows],
    )


def ranking_figures(
    principal: Principal, start: dt.date, end: dt.date, lang: str
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The city ranking, the monthly trend and the distribution of used days, as the JSON of
    their figures: a page state holds them as plain data, since unpickling a Plotly figure
    with its template (on every event of the page, from Redis) costs about 9 ms each."""
    principal.require_role("supervisor", "leader")  # before the cache, as the service does
    key = f"eap:ranking:{principal.region_code}:{start}:{end}:{lang}"
    ranking, trend, distribution = _cached(
        key,
        lambda: tuple(figure_json(f) for f in _ranking_figures(principal, start, end, lang)),
    )
    return ranking, trend, distribution


def _ranking_figures(
    principal: Principal, start: dt.date, end: dt.date, lang: str
) -> tuple[go.Figure, go.Figure, go.Figure]:
    tr = partial(t, lang=lang)
    with Session(get_engine()) as s:
        ranked = supervision_views.city_ranking(s, principal=principal, start=start, end=end)
        trend = supervision_views.monthly_trend(s, principal=principal, start=start, end=end)
        dist = supervision_views.used_days_distribution(
            s, principal=principal, start=start, end=end
        )
    names = [r["name"] for r in ranked]
    rates = [round((r["row"].on_time_rate or 0) * 100, 1) for r in ranked]
    ranking = go.Figure(
        go.Bar(x=rates, y=names, orientation="h", marker_color="#1565c0", text=rates)
    )
    ranking.update_layout(
        title=tr("ranking.title"),
        height=420,
        autosize=True,
        yaxis={"autorange": "reversed"},
        margin={"l": 90, "r": 20, "t": 50, "b": 30},
    )
    # Readable: the scope's line, the best and the worst city; the others on demand
    # (a click on their legend entry), not eleven lines on top of each other.
    scope_pct = [None if v is None else round(v * 100, 1) for v in trend.scope]
    lines = [
        go.Scatter(
            x=trend.months,
            y=scope_pct,
            mode="lines+markers",
            name=tr("ranking.scope_line"),
            line={"color": "#263238", "width": 4},
        )
    ]
    for city, points in trend.cities.items():
        style = {trend.best: "#2e7d32", trend.worst: "#c62828"}.get(city)
        label = city
        if city == trend.best:
            label = f"{city}（{tr('ranking.best')}）"
        elif city == trend.worst:
            label = f"{city}（{tr('ranking.worst')}）"
        lines.append(
            go.Scatter(
                x=trend.months,
                y=[None if v is None else round(v * 100, 1) for v in points],
                mode="lines+markers",
                name=label,
                line={"color": style} if style else {},
                visible=True if style else "legendonly",
            )
        )
    trend_fig = go.Figure(lines)
    trend_fig.update_layout(
        title=tr("ranking.trend"),
        height=380,
        autosize=True,
        margin={"l": 50, "r": 20, "t": 50, "b": 30},
    )
    distribution = go.Figure(go.Bar(x=list(dist), y=list(dist.values()), marker_color="#2e7d32"))
    distribution.update_layout(
        title=tr("ranking.distribution"),
        height=340,
        autosize=True,
        margin={"l": 50, "r": 20, "t": 50, "b": 30},
    )
    return ranking, trend_fig, distribution
