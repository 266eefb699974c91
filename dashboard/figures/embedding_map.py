"""The embedding map: a task's labeled shots in a plane (WebGL scatter), coloured by label, by
agreement or by a model's score, over a faint sample of the corpus. Plain Plotly, no
Streamlit; each shot's key is its point's ``customdata[0]`` (what a selection returns).
Titles and annotator names come from data files and are escaped."""
from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..dataset.projection import DISPUTED, UNANIMOUS, EmbeddingMap
from .theme import NEGATIVE, POSITIVE, REFERENCE, TEMPLATE, task_label

COLOR_BY = {"label": "Label (agg)", "agreement": "Agreement", "score": "Model score"}
_CATEGORIES = {"label": ((True, "positive", POSITIVE), (False, "negative", NEGATIVE)),
               "agreement": ((DISPUTED, "disputed", "#E69F00"),
                             (UNANIMOUS, "unanimous", "#56B4E9"))}


def _votes(points: pd.DataFrame, annotators) -> list[str]:
    """Per shot: "alice yes · bob no · carol yes"."""
    cols = [points[a].to_numpy() for a in annotators]
    return [" · ".join(f"{html.escape(str(a))} {'yes' if v else 'no'}"
                       for a, v in zip(annotators, votes)) for votes in zip(*cols)]


def _points(rows: pd.DataFrame, votes: list[str], name: str, marker: dict) -> go.Scattergl:
    return go.Scattergl(
        x=rows["x"], y=rows["y"], mode="markers", name=name, marker=marker,
        customdata=np.c_[rows["key"], [html.escape(str(t)) for t in rows["title"]], votes],
        hovertemplate="%{customdata[1]}<br>%{customdata[2]}<br>key %{customdata[0]}"
                      f"<extra>{name}</extra>")


def embedding_map(emap: EmbeddingMap, annotators, color_by: str = "label",
                  scores: np.ndarray | None = None) -> go.Figure:
    """The map of ``emap`` coloured by ``color_by`` (a key of :data:`COLOR_BY`; ``score``
    needs ``scores``, one per point in order, 0–1); hover: title and each annotator's vote."""
    points = emap.points
    votes = np.asarray(_votes(points, annotators), dtype=object)
    fig = go.Figure(go.Scattergl(x=emap.background["x"], y=emap.background["y"], mode="markers",
                                 name=f"corpus sample ({len(emap.background):,})",
                                 marker={"size": 3, "color": REFERENCE, "opacity": 0.12},
                                 hoverinfo="skip"))
    if color_by == "score":
        fig.add_trace(_points(points, list(votes), "labeled shots",
                              {"size": 7, "color": scores, "colorscale": "Viridis", "cmin": 0,
                               "cmax": 1, "colorbar": {"title": "model score (0–1)"}}))
    else:
        column = "agg" if color_by == "label" else "agreement"
        for value, name, color in _CATEGORIES[color_by]:
            mask = (points[column] == value).to_numpy(bool)
            fig.add_trace(_points(points[mask], list(votes[mask]),
                                  f"{name} ({int(mask.sum()):,})",
                                  {"size": 7, "color": color, "opacity": 0.85}))
    a, b = emap.explained
    fig.update_layout(
        template=TEMPLATE,
        title=f"{task_label(emap.task)}: {len(points):,} labeled shots by "
              f"{COLOR_BY[color_by].lower()} ({emap.method.upper()})",
        xaxis_title=f"component 1 ({a:.0%} of the variance)",
        yaxis_title=f"component 2 ({b:.0%} of the variance)",
        height=620, dragmode="lasso", legend={"orientation": "h", "y": -0.12})
    return fig
