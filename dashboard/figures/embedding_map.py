"""The embedding map: a task's labeled shots in a plane, coloured by label, by agreement or by
a model's score, over the density of a sample of the corpus. Plain Plotly, no Streamlit; each
shot's key is its point's ``customdata[0]`` (what a selection returns). Titles and annotator
names come from data files and are escaped.

The corpus is a shaded grid of counts, not one WebGL point per sampled shot, and the labeled
shots are SVG points up to :data:`SVG_POINTS`: drawing 20,000 WebGL points (software GL without
a GPU) and creating a WebGL context took most of the 0.8 s the page needed in a browser."""
from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..dataset.projection import DISPUTED, UNANIMOUS, EmbeddingMap
from .theme import NEGATIVE, POSITIVE, REFERENCE, in_template, task_label

COLOR_BY = {"label": "Label (agg)", "agreement": "Agreement", "score": "Model score"}
SVG_POINTS = 5_000  # labeled shots drawn as SVG points up to this many, WebGL beyond
DENSITY_BINS = 120  # the corpus grid's cells per axis
_CATEGORIES = {"label": ((True, "positive", POSITIVE), (False, "negative", NEGATIVE)),
               "agreement": ((DISPUTED, "disputed", "#E69F00"),
                             (UNANIMOUS, "unanimous", "#56B4E9"))}


def _votes(points: pd.DataFrame, annotators) -> list[str]:
    """Per shot: "alice yes · bob no · carol yes"."""
    cols = [points[a].to_numpy() for a in annotators]
    return [" · ".join(f"{html.escape(str(a))} {'yes' if v else 'no'}"
                       for a, v in zip(annotators, votes)) for votes in zip(*cols)]


def _points(rows: pd.DataFrame, votes: list[str], name: str, marker: dict, webgl: bool):
    return (go.Scattergl if webgl else go.Scatter)(
        x=rows["x"], y=rows["y"], mode="markers", name=name, marker=marker,
        customdata=np.c_[rows["key"], [html.escape(str(t)) for t in rows["title"]], votes],
        hovertemplate="%{customdata[1]}<br>%{customdata[2]}<br>key %{customdata[0]}"
                      f"<extra>{name}</extra>")


def _rgba(color: str, alpha: float) -> str:
    """``"#rrggbb"`` with an opacity, as Plotly colour scales take it."""
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def corpus_density(background: pd.DataFrame, bins: int = DENSITY_BINS) -> go.Heatmap:
    """The sampled corpus shots (``x``, ``y``) as a grey grid shaded by log count; empty cells
    are left blank."""
    counts, x_edges, y_edges = np.histogram2d(background["x"], background["y"], bins=bins)
    shade = np.where(counts > 0, np.log1p(counts), np.nan).T  # rows: y
    return go.Heatmap(x=(x_edges[:-1] + x_edges[1:]) / 2, y=(y_edges[:-1] + y_edges[1:]) / 2,
                      z=shade, name=f"corpus (sample of {len(background):,})", hoverinfo="skip",
                      colorscale=[[0, _rgba(REFERENCE, 0.08)], [1, _rgba(REFERENCE, 0.55)]],
                      showscale=False, showlegend=True)


def embedding_map(emap: EmbeddingMap, annotators, color_by: str = "label",
                  scores: np.ndarray | None = None) -> go.Figure:
    """The map of ``emap`` coloured by ``color_by`` (a key of :data:`COLOR_BY`; ``score``
    needs ``scores``, one per point in order, 0–1); hover: title and each annotator's vote."""
    points = emap.points
    webgl = len(points) > SVG_POINTS
    votes = np.asarray(_votes(points, annotators), dtype=object)
    fig = go.Figure(corpus_density(emap.background))
    if color_by == "score":
        fig.add_trace(_points(points, list(votes), "labeled shots",
                              {"size": 7, "color": scores, "colorscale": "Viridis", "cmin": 0,
                               "cmax": 1, "colorbar": {"title": "model score (0–1)"}}, webgl))
    else:
        column = "agg" if color_by == "label" else "agreement"
        for value, name, color in _CATEGORIES[color_by]:
            mask = (points[column] == value).to_numpy(bool)
            fig.add_trace(_points(points[mask], list(votes[mask]),
                                  f"{name} ({int(mask.sum()):,})",
                                  {"size": 7, "color": color, "opacity": 0.85}, webgl))
    a, b = emap.explained
    fig.update_layout(
        **in_template(),
        title=f"{task_label(emap.task)}: {len(points):,} labeled shots by "
              f"{COLOR_BY[color_by].lower()} ({emap.method.upper()})",
        xaxis_title=f"component 1 ({a:.0%} of the variance)",
        yaxis_title=f"component 2 ({b:.0%} of the variance)",
        height=620, dragmode="lasso", legend={"orientation": "h", "y": -0.12})
    return fig
