"""The project form's map for picking a site (一张蓝图 选点): the chosen county's outline, a
grid of points inside it to click, and the site already entered. Drawn from the committed
boundary file, no tiles: it works with no internet."""

from __future__ import annotations

import plotly.graph_objects as go

from eap.services.core import geo


def site_figure(region_code: str, lon: float | None, lat: float | None) -> go.Figure:
    """Trace 0: the outline; trace 1: the points a click picks; trace 2: the current site."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for ring in geo.outline(region_code):
        xs += [p[0] for p in ring] + [None]
        ys += [p[1] for p in ring] + [None]
    grid = geo.pick_grid(region_code)
    traces = [
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            fill="toself",
            fillcolor="#e3f2fd",
            line={"color": "#1565c0", "width": 1.5},
            hoverinfo="skip",
        ),
        go.Scatter(
            x=[p[0] for p in grid],
            y=[p[1] for p in grid],
            mode="markers",
            marker={"size": 9, "color": "rgba(21,101,192,0.08)"},
            hovertemplate="%{x:.5f}, %{y:.5f}<extra></extra>",
        ),
        go.Scatter(
            x=[lon] if lon is not None else [],
            y=[lat] if lat is not None else [],
            mode="markers",
            marker={"size": 16, "color": "#d32f2f", "symbol": "x"},
            hoverinfo="skip",
        ),
    ]
    fig = go.Figure(traces)
    fig.update_layout(
        height=360,
        showlegend=False,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x", "scaleratio": 1.12},
        dragmode=False,
        hovermode="closest",
    )
    return fig
