"""Figures as page state keeps them (state/core/blank.py): plain JSON whose template keeps the
defaults of the kinds of trace drawn, so the figure looks as Plotly would draw it."""

from __future__ import annotations

import json

import plotly.graph_objects as go

from eap.state.core.blank import figure_json


def test_only_the_drawn_kinds_template_defaults_are_kept() -> None:
    fig = go.Figure([go.Bar(x=[1, 2], y=["南昌", "赣州"], orientation="h"), go.Scatter(y=[3, 1])])
    full = json.loads(fig.to_json())
    kept = figure_json(fig)
    assert set(kept["layout"]["template"]["data"]) == {"bar", "scatter"}
    for kind in ("bar", "scatter"):
        assert kept["layout"]["template"]["data"][kind] == full["layout"]["template"]["data"][kind]
    assert kept["layout"]["template"]["layout"] == full["layout"]["template"]["layout"]
    assert kept["data"] == full["data"]
    assert len(json.dumps(kept)) < len(json.dumps(full)) / 2
    # Plotly reads it back as the same figure
    again = go.Figure(kept)
    assert again.data[0].y == ("南昌", "赣州")
    assert again.layout.template.layout.plot_bgcolor == fig.layout.template.layout.plot_bgcolor


def test_a_template_without_trace_defaults_is_left_as_it_is() -> None:
    fig = go.Figure(go.Bar(x=[1]), layout={"template": {"layout": {"font": {"size": 13}}}})
    assert figure_json(fig) == json.loads(fig.to_json())
    assert figure_json(fig)["layout"]["template"] == {"layout": {"font": {"size": 13}}}
