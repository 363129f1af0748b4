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

from eap.services.screen.figures import AreaFigure, ScreenView

GEOJSON = Path(__file__).resolve().parents[3] / "assets" / "maps" / "jiangxi_cities.geojson"
INK, PANEL, GRID = "#e3f2fd", "#0b1e3a", "#23406b"
FONT = {"color": INK, "size": 16, "family": "Noto Sans CJK SC, sans-serif"}

# metric → (AreaFigure field, colour scale, higher is better)
METRICS: dict[str, tuple[str, str, bool]] = {
    "volume": ("accepted", "Blues", True),
    "on_time": ("on_time_rate", "RdYlGn", True),
    "overdue": ("overdue_now", "Reds", False),
    "avg_days": ("avg_days", "RdYlGn", False),
}


@lru_cache(maxsize=1)
def city_shapes() -> dict[str, tuple[str, list[list[list[float]]]]]:
    """code → (name, rings): read once per process; the file never changes at run time."""
    data = json.loads(GEOJSON.read_text(encoding="utf-8"))
    shapes: dict[str, tuple[str, list[list[list[float]]]]] = {}
    for f in data["features"]:
        geom = f["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        shapes[f["properties"]["code"]] = (f["properties"]["name"], [p[0] for p in polys])
    return shapes


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


def map_figure(view: ScreenView, metric: str, tr: dict[str, str]) -> go.Figure:
    """The province's cities filled by ``metric``: one fill trace per city in ``city_shapes``
    order, then the labels' trace, then the projects' sites (a click names its trace by that
    number and its point by index)."""
    shapes = city_shapes()
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
    # 一张蓝图: every project in approval at its site; red where a case is overdue now
    stage_colours = {1: "#4fc3f7", 2: "#ba68c8", 3: "#ffb74d", 4: "#aed581", 5: "#90a4ae"}
    traces.append(
        go.Scatter(
            x=[x.lon for x in view.sites],
            y=[x.lat for x in view.sites],
            mode="markers",
            marker={
                "size": [11 if x.overdue else 7 for x in view.sites],
                "color": [
                    "#ff1744" if x.overdue else stage_colours.get(x.stage, "#eceff1")
                    for x in view.sites
                ],
                "line": {"color": "#0b1e3a", "width": 1},
            },
            text=[f"{x.name}<br>{x.code}" for x in view.sites],
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
