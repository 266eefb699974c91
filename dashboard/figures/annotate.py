"""Figures of the annotation loop (plain functions returning Plotly figures, in the theme of
:mod:`.theme`)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..experiments.experiment1 import VA
from .theme import NEGATIVE as NEG
from .theme import POSITIVE as POS
from .theme import REFERENCE as DIVERSITY
from .theme import in_template, method_color, task_label

QUALITY = method_color(VA)


def history_figure(history: pd.DataFrame, task: str, height: int = 320) -> go.Figure:
    """After each retrain: the model quality score (cross-validated AP, mean ± std) and the
    data diversity score on the left axis, positives and negatives on the right."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    x = history["labels"]
    custom = history[["seq", "positives", "negatives"]].to_numpy()
    fig.add_trace(go.Scatter(
        x=x, y=history["quality_mean"], name="model quality (CV AP)", mode="lines+markers",
        line={"color": QUALITY}, error_y={"type": "data", "array": history["quality_std"],
                                          "visible": True},
        customdata=custom, hovertemplate="checkpoint %{customdata[0]}<br>%{x} labels<br>"
        "CV AP %{y:.3f}<extra></extra>"), secondary_y=False)
    fig.add_trace(go.Scatter(
        x=x, y=history["data_score"], name="data diversity", mode="lines+markers",
        line={"color": DIVERSITY, "dash": "dot"}, customdata=custom,
        hovertemplate="checkpoint %{customdata[0]}<br>%{x} labels<br>diversity %{y:.3f}"
        "<extra></extra>"), secondary_y=False)
    for column, color in (("positives", POS), ("negatives", NEG)):
        fig.add_trace(go.Scatter(
            x=x, y=history[column], name=column, mode="lines", line={"color": color,
                                                                   "width": 1},
            hovertemplate=f"%{{x}} labels<br>{column} %{{y}}<extra></extra>"),
            secondary_y=True)
    fig.update_layout(**in_template(),
                      title=f"{task_label(task)}: model quality while labeling", height=height,
                      margin={"t": 50, "b": 40}, hovermode="x unified",
                      legend={"orientation": "h", "y": -0.25})
    fig.update_xaxes(title_text="labels (count)")
    fig.update_yaxes(title_text="score (0–1)", range=[0, 1.05], secondary_y=False)
    fig.update_yaxes(title_text="labels (count)", secondary_y=True, rangemode="tozero")
    return fig
