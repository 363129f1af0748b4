"""The big screen's Plotly figures, built from a ScreenView (dark, large type, offline).

The map is drawn from the committed GeoJSON as filled shapes on plain axes — no tiles, no base
map fetched from anywhere, so it works on a network with no internet.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from eap.services.screen.figures import AreaFigure, ScreenView, Site

MAPS = Path(__file__).resolve().parents[3] / "assets" / "maps"
GEOJSON = MAPS / "jiangxi_cities.geojson"
COUNTIES = MAPS / "jiangxi_counties.geojson"
PROVINCE = "360000"
Shapes = dict[str, tuple[str, list[list[list[float]]]]]
INK, PANEL, GRID = "#e3f2fd", "#0b1e3a", "#23406b"
FONT = {"color": INK, "size": 16, "family": "Noto Sans CJK SC, sans-serif"}

STAGE_COLOURS = {1: "#4fc3f7", 2: "#ba68c8", 3: "#ffb74d", 4: "#aed581", 5: "#90a4ae"}
# metric → (AreaFigure field, colour scale, higher is better)
METRICS: dict[str, tuple[str, str, bool]] = {
    "volume": ("accepted", "Blues", True),
    "on_time": ("on_time_rate", "RdYlGn", True),
    "overdue": ("overdue_now", "Reds", False),
    "avg_days": ("avg_days", "RdYlGn", False),
}


def _shapes(path: Path) -> Shapes:
    data = json.loads(path.read_text(encoding="utf-8"))
    shapes: Shapes = {}
    for f in data["features"]:
        geom = f["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        shapes[f["properties"]["code"]] = (f["properties"]["name"], [p[0] for p in polys])
    return shapes


@lru_cache(maxsize=1)
def city_shapes() -> Shapes:
    """code → (name, rings): read once per process; the file never changes at run time."""
    return _shapes(GEOJSON)


@lru_cache(maxsize=1)
def county_shapes() -> Shapes:
    return _shapes(COUNTIES)


def area_shapes(scope: str) -> Shapes:
    """The province's map is its cities; a city's is its counties."""
    if not scope or scope == PROVINCE:
        return city_shapes()
    return {code: v for code, v in county_shapes().items() if code[:4] == scope[:4]}


def _layout(fig: go.Figure, *, height: int, title: str = "", **extra: Any) -> go.Figure:
    fig.update_layout(
        title={"text": title, "font": {"size": 20, "color": INK}} if title else None,
        height=height,
        autosize=True,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font=FONT,
        margin={"l": 10, "r": 10, "t": 40 if title else 10, "b": 10},
        **extra,
    )
    return fig


def _value(area: AreaFigure, metric: str) -> float | None:
    field, _scale, _better = METRICS[metric]
    v = getattr(area, field)
    return None if v is None else float(v)


def _label(area: AreaFigure, metric: str, tr: dict[str, str]) -> str:
    rate = "—" if area.on_time_rate is None else f"{area.on_time_rate * 100:.1f}%"
    days = "—" if area.avg_days is None else f"{area.avg_days:.1f}"
    return (
        f"<b>{area.name}</b><br>{tr['screen.col.accepted']}: {area.accepted}"
        f"<br>{tr['screen.col.completed']}: {area.completed}"
        f"<br>{tr['screen.col.on_time']}: {rate}"
        f"<br>{tr['screen.col.overdue']}: {area.overdue_now}"
        f"<br>{tr['screen.col.avg_days']}: {days}"
    )


def map_figure(
    view: ScreenView,
    metric: str,
    tr: dict[str, str],
    *,
    sites: list[Site] | None = None,
    colour_by: str = "stage",
) -> go.Figure:
    """The scope's areas (the province's cities, a city's counties) filled by ``metric``: one
    fill trace per area in ``area_shapes`` order, then the labels' trace, then the projects'
    sites (a click names its trace by that number and its point by index). Sites are coloured
    by stage (an overdue one larger, ringed red) or by overdue alone."""
    shapes = area_shapes(view.scope)
    sites = view.sites if sites is None else sites
    areas = {a.code: a for a in view.areas}
    values = [v for a in view.areas if a.code in shapes and (v := _value(a, metric)) is not None]
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    _field, scale, better = METRICS[metric]
    traces = []
    label_x, label_y, label_text = [], [], []
    for code, (name, rings) in shapes.items():
        area = areas.get(code, AreaFigure(code=code, name=name))
        v = _value(area, metric)
        if v is None:
            colour = "#37474f"
        else:
            pos = 0.5 if hi == lo else (v - lo) / (hi - lo)
            colour = sample_colorscale(scale, [pos if better or scale == "Reds" else 1 - pos])[0]
        xs: list[float | None] = []
        ys: list[float | None] = []
        for ring in rings:
            xs += [p[0] for p in ring] + [None]
            ys += [p[1] for p in ring] + [None]
        traces.append(
            go.Scatter(
                x=xs,
                y=ys,
                fill="toself",
                fillcolor=colour,
                mode="lines",
                line={"color": PANEL, "width": 1.5},
                hoveron="fills",
                hoverinfo="text",
                text=_label(area, metric, tr),
                name=name,
                showlegend=False,
            )
        )
        biggest = max(rings, key=len)
        label_x.append(sum(p[0] for p in biggest) / len(biggest))
        label_y.append(sum(p[1] for p in biggest) / len(biggest))
        label_text.append(name)
    traces.append(
        go.Scatter(
            x=label_x,
            y=label_y,
            text=label_text,
            mode="text+markers",
            marker={"size": 18, "color": "rgba(255,255,255,0.01)"},
            textfont={"size": 15, "color": "#0b1e3a"},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    # 一张蓝图: the projects in approval at their sites
    if colour_by == "overdue":
        colours = ["#ff1744" if x.overdue else "#66bb6a" for x in sites]
        rims = ["#0b1e3a"] * len(sites)
    else:
        colours = [STAGE_COLOURS.get(x.stage, "#eceff1") for x in sites]
        rims = ["#ff1744" if x.overdue else "#0b1e3a" for x in sites]
    traces.append(
        go.Scatter(
            x=[x.lon for x in sites],
            y=[x.lat for x in sites],
            mode="markers",
            marker={
                "size": [11 if x.overdue else 7 for x in sites],
                "color": colours,
                "line": {"color": rims, "width": [2 if x.overdue else 1 for x in sites]},
            },
            text=[f"{x.name}<br>{x.code}" for x in sites],
            hoverinfo="text",
            showlegend=False,
        )
    )
    if values:  # the colour bar: what the colours mean, from the lowest to the highest area
        traces.append(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker={
                    "colorscale": scale if better or scale == "Reds" else scale + "_r",
                    "cmin": lo,
                    "cmax": hi,
                    "color": [lo],
                    "showscale": True,
                    "colorbar": {
                        "thickness": 14,
                        "len": 0.6,
                        "x": 0.98,
                        "tickfont": {"color": INK, "size": 13},
                        "tickformat": ".0%" if metric == "on_time" else "",
                    },
                },
                hoverinfo="skip",
                showlegend=False,
            )
        )
    fig = go.Figure(traces)
    _layout(
        fig,
        height=470,
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x", "scaleratio": 1.12},
        dragmode=False,
        hoverlabel={"font": {"size": 16}},
    )
    return fig


def ranking_figure(view: ScreenView) -> go.Figure:
    ranked = sorted(
        (a for a in view.areas if a.on_time_rate is not None),
        key=lambda a: a.on_time_rate or 0,
        reverse=True,
    )
    rates = [round((a.on_time_rate or 0) * 100, 1) for a in ranked]
    fig = go.Figure(
        go.Bar(
            x=rates,
            y=[a.name for a in ranked],
            orientation="h",
            marker_color=sample_colorscale("RdYlGn", [r / 100 for r in rates]) if rates else [],
            text=[f"{r}%" for r in rates],
            textposition="auto",
        )
    )
    if not ranked:
        fig.add_annotation(text="—", showarrow=False, font={"size": 40, "color": INK})
    return _layout(
        fig,
        height=330,
        yaxis={"autorange": "reversed", "gridcolor": GRID},
        xaxis={"range": [0, 100], "gridcolor": GRID},
    )


def stages_figure(view: ScreenView, lang: str) -> go.Figure:
    names = [s.name_en if lang == "en" else s.name_zh for s in view.stages]
    fig = go.Figure(
        go.Bar(
            x=names,
            y=[s.open for s in view.stages],
            marker_color="#42a5f5",
            text=[s.open for s in view.stages],
            textposition="auto",
        )
    )
    return _layout(fig, height=250, yaxis={"gridcolor": GRID}, xaxis={"tickfont": {"size": 13}})


def trend_figure(view: ScreenView, tr: dict[str, str]) -> go.Figure:
    """The scope's monthly on-time rate; on the province's screen its best city in green and
    its worst in red — three readable lines, not eleven."""
    trend = view.trend
    lines = [(view.scope_name or tr["screen.trend.scope"], trend.scope, "#4fc3f7", 4)]
    if trend.best:
        lines.append((trend.best, trend.best_line, "#66bb6a", 2))
    if trend.worst:
        lines.append((trend.worst, trend.worst_line, "#ef5350", 2))
    fig = go.Figure(
        [
            go.Scatter(
                x=trend.months,
                y=[None if v is None else round(v * 100, 1) for v in values],
                name=name,
                mode="lines+markers",
                line={"color": colour, "width": width},
                connectgaps=True,
            )
            for name, values, colour, width in lines
        ]
    )
    return _layout(
        fig,
        height=250,
        yaxis={"range": [0, 105], "gridcolor": GRID, "ticksuffix": "%"},
        xaxis={"gridcolor": GRID},
        legend={"orientation": "h", "y": 1.15, "font": {"size": 13}},
    )
