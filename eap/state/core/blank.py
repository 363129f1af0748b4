"""Figures in page state: kept as their JSON, and blank until there is something to draw.

A state's figures travel to the browser with every page's hydration (Reflex sends the whole
state tree), so an empty ``go.Figure()`` — 7 KB, Plotly's default template included — costs
every page load of every user; and with Redis as the state manager every event unpickles the
tab's states, where a ``go.Figure`` is rebuilt through Plotly's validators (about 9 ms for one
with its template). A page draws the JSON with ``rx.plotly(data=S.fig.to(go.Figure))``."""

from __future__ import annotations

import json
from typing import Any

import plotly.graph_objects as go

BLANK: dict[str, Any] = {"data": [], "layout": {"template": "none"}}


def blank_figure() -> dict[str, Any]:
    return dict(BLANK)


def figure_json(fig: go.Figure) -> dict[str, Any]:
    """What a page state keeps of a figure: plain JSON (numbers, lists, dicts). Of the
    template's defaults per kind of trace (two thirds of a small figure's JSON, for some forty
    kinds) only those of the kinds drawn are kept: the figure looks the same and is a third
    the size in the tab's state and in every update that carries it."""
    figure = json.loads(fig.to_json())
    template = figure.get("layout", {}).get("template")
    if isinstance(template, dict) and isinstance(template.get("data"), dict):
        drawn = {trace.get("type", "scatter") for trace in figure.get("data", [])}
        template["data"] = {kind: v for kind, v in template["data"].items() if kind in drawn}
    return figure
