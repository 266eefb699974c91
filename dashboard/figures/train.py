"""Figures of the train and search pages: plain functions returning Plotly figures (no
Streamlit), so they can be tested and exported, in the template of :mod:`.theme`.
Text from the data (genres) is escaped: Plotly renders a few HTML tags in labels."""
from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..experiments.experiment1 import (
    POSITIVE_RATE,
    RANDOM_SCORER,
    VA,
    ZERO_SHOT_SCORER,
)
from ..live.quality import ThresholdMetrics
from .theme import NEGATIVE as NEG
from .theme import POSITIVE as POS
from .theme import group_label, in_template, method_color, reference_lines, task_label

_LAYOUT = dict(height=440, legend=dict(orientation="h", y=-0.25))
MODEL = method_color(VA)  # the model trained here is a Video Annotator classifier


def _fig(title: str, x: str, y: str, **axes) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(title=title, xaxis_title=x, yaxis_title=y, **_LAYOUT, **in_template())
    fig.update_xaxes(**axes.get("xaxis", {}))
    fig.update_yaxes(**axes.get("yaxis", {}))
    return fig


_UNIT = dict(range=[0, 1.02])


def pr_figure(pr: pd.DataFrame, ap: float, positive_rate: float,
              threshold: float | None = None, at: tuple[float, float] | None = None,
              zero_shot: pd.DataFrame | None = None) -> go.Figure:
    """Precision against recall on validation, the zero-shot scorer's curve and the
    validation positive rate (the precision of calling every shot positive) as references,
    and the operating point (recall, precision) at the chosen threshold."""
    fig = _fig(f"Precision–recall on validation (AP {ap:.3f})",
               "Recall (share of positives found)", "Precision (share of calls that are right)",
               xaxis=_UNIT, yaxis=_UNIT)
    fig.add_scatter(x=pr["recall"], y=pr["precision"], customdata=pr["threshold"], name="model",
                    mode="lines", line_shape="hv", line=dict(color=MODEL),
                    hovertemplate="recall %{x:.3f}<br>precision %{y:.3f}<br>"
                                  "threshold %{customdata:.3f}<extra></extra>")
    if zero_shot is not None:
        fig.add_scatter(x=zero_shot["recall"], y=zero_shot["precision"], name="zero-shot",
                        mode="lines", line_shape="hv",
                        line=dict(dash="dot", color=method_color(ZERO_SHOT_SCORER)),
                        hovertemplate="zero-shot<br>recall %{x:.3f}<br>precision %{y:.3f}"
                                      "<extra></extra>")
    fig.add_scatter(x=[0, 1], y=[positive_rate, positive_rate], mode="lines",
                    name="positive rate",
                    line=dict(dash="dash", color=method_color(POSITIVE_RATE)),
                    hovertemplate=f"positive rate {positive_rate:.3f}<extra></extra>")
    if at is not None:
        fig.add_scatter(x=[at[0]], y=[at[1]], mode="markers", name=f"threshold {threshold:.2f}",
                        marker=dict(size=11, color="black"),
                        hovertemplate="recall %{x:.3f}<br>precision %{y:.3f}<extra></extra>")
    return fig


def _decade_ticks(values) -> dict:
    """Log-axis ticks at each power of ten in ``values``' range, written 0.001 … 1,000."""
    lo, hi = np.floor(np.log10(np.min(values))), np.ceil(np.log10(np.max(values)))
    ticks = [10.0 ** e for e in range(int(lo), int(hi) + 1)]
    return dict(type="log", tickvals=ticks, ticktext=[f"{t:,.{max(0, -int(np.log10(t)))}f}"
                                                      for t in ticks])


def cv_figure(curve: pd.DataFrame, chosen: float) -> go.Figure:
    """Cross-validated AP (mean ± std over folds) along the grid of C, with the chosen C."""
    fig = _fig("Cross-validation of C (the paper's LR-CV)",
               "C (inverse regularisation, log scale)", "Mean AP over the folds",
               xaxis=_decade_ticks(curve["C"]))
    fig.add_scatter(x=curve["C"], y=curve["mean_ap"], mode="lines+markers", name="fold AP",
                    line=dict(color=MODEL),
                    error_y=dict(type="data", array=curve["std_ap"], visible=True),
                    customdata=curve["std_ap"],
                    hovertemplate="C %{x:.3g}<br>AP %{y:.3f} ± %{customdata:.3f}<extra></extra>")
    best = curve.loc[np.isclose(curve["C"], chosen)]
    fig.add_scatter(x=best["C"], y=best["mean_ap"], mode="markers", name=f"chosen C {chosen:.3g}",
                    marker=dict(size=12, color="black", symbol="diamond"),
                    hovertemplate="chosen C %{x:.3g}<br>AP %{y:.3f}<extra></extra>")
    return fig


def roc_figure(roc: pd.DataFrame, at: ThresholdMetrics | None = None) -> go.Figure:
    """ROC on validation, with the operating point of ``at`` (false positive rate, recall at
    the chosen threshold), as on the precision–recall chart."""
    auc = roc.attrs.get("auc", float("nan"))
    fig = _fig(f"ROC on validation (AUC {auc:.3f})",
               "False positive rate (share of negatives called)", "True positive rate (recall)",
               xaxis=_UNIT, yaxis=_UNIT)
    fig.add_scatter(x=roc["fpr"], y=roc["tpr"], customdata=roc["threshold"], mode="lines",
                    name="model", line=dict(color=MODEL),
                    hovertemplate="FPR %{x:.3f}<br>TPR %{y:.3f}<br>"
                                  "threshold %{customdata:.3f}<extra></extra>")
    fig.add_scatter(x=[0, 1], y=[0, 1], mode="lines", name="random scorer",
                    line=dict(dash="dash", color=method_color(RANDOM_SCORER)), hoverinfo="skip")
    if at is not None and at.fp + at.tn and at.tp + at.fn:
        fig.add_scatter(x=[at.fp / (at.fp + at.tn)], y=[at.recall], mode="markers",
                        name=f"threshold {at.threshold:.2f}", marker=dict(size=11, color="black"),
                        hovertemplate="FPR %{x:.3f}<br>TPR %{y:.3f}<extra></extra>")
    return fig


def score_histogram_figure(scores: pd.DataFrame, threshold: float) -> go.Figure:
    """Validation scores of positives and negatives, side by side in each bin (solid: the
    bars keep their legend colour), with the threshold."""
    fig = _fig("Validation scores by label", "Model score (probability of positive)",
               "Validation shots", xaxis=dict(range=[0, 1]))
    for label, color in (("negative", NEG), ("positive", POS)):
        part = scores.loc[scores["label"] == label, "score"]
        fig.add_histogram(x=part, name=f"{label} ({len(part):,})", marker_color=color,
                          xbins=dict(start=0, end=1, size=0.025),
                          hovertemplate="score %{x}<br>%{y:,} shots<extra>" + label + "</extra>")
    fig.update_layout(barmode="group", bargap=0.1)
    reference_lines(fig, [("x", threshold, f"threshold {threshold:.2f}", "dot", None,
                           "top right")])
    return fig


def calibration_figure(cal: pd.DataFrame) -> go.Figure:
    fig = _fig("Calibration on validation", "Mean predicted probability in the bin",
               "Share of positives in the bin", xaxis=_UNIT, yaxis=_UNIT)
    fig.add_scatter(x=cal["mean_score"], y=cal["positive_rate"], customdata=cal["count"],
                    mode="lines+markers", name="model", line=dict(color=MODEL),
                    hovertemplate="predicted %{x:.3f}<br>observed %{y:.3f}<br>"
                                  "%{customdata:,} shots<extra></extra>")
    fig.add_scatter(x=[0, 1], y=[0, 1], mode="lines", name="perfectly calibrated",
                    line=dict(dash="dash", color="gray"), hoverinfo="skip")
    return fig


def corpus_histogram_figure(hist: pd.DataFrame, threshold: float, title: str,
                            x_title: str = "Model score (probability of positive)") -> go.Figure:
    """Shot counts per score bin over the whole corpus (log scale), with the threshold."""
    fig = _fig(title, x_title, "Shots (log scale)", yaxis=dict(type="log", dtick=1))
    fig.add_bar(x=(hist["bin_low"] + hist["bin_high"]) / 2, y=hist["shots"],
                width=hist["bin_high"] - hist["bin_low"], customdata=hist[["bin_low", "bin_high"]],
                name="shots", marker_color=NEG,
                hovertemplate="score %{customdata[0]:.2f}–%{customdata[1]:.2f}<br>"
                              "%{y:,} shots<extra></extra>")
    reference_lines(fig, [("x", threshold, f"threshold {threshold:.2f}", "dot", None,
                           "top right")])
    return fig


def genre_share_figure(share: pd.DataFrame, threshold: float) -> go.Figure:
    fig = _fig(f"Share of shots scoring ≥ {threshold:.2f}, by genre", "Genre",
               "Share of the genre's shots (%)")
    fig.add_bar(x=share["genre"].map(html.escape), y=share["share"] * 100,
                customdata=share[["above", "shots"]],
                marker_color=POS, name="share",
                hovertemplate="%{x}<br>%{y:.1f}% (%{customdata[0]:,} of %{customdata[1]:,})"
                              "<extra></extra>")
    return fig


def task_scores_figure(ranking: pd.DataFrame, title: str) -> go.Figure:
    """Every task's score of one shot, highest at the top; ``title`` (which names the shot)
    is escaped."""
    fig = _fig(html.escape(title), "Model score (probability of positive)", "Task",
               xaxis=dict(range=[0, 1]))
    fig.update_layout(height=max(360, 18 * len(ranking) + 120))
    fig.add_bar(x=ranking["score"], y=[task_label(t) for t in ranking["task"]], orientation="h",
                customdata=[group_label(g) for g in ranking["group"]],
                marker_color=POS, name="score",
                hovertemplate="%{y} (%{customdata})<br>score %{x:.3f}<extra></extra>")
    fig.update_yaxes(autorange="reversed")
    return fig
