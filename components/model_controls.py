"""The training source and model of the live trainer, chosen in the sidebar.

Shared by "Train & tune" and "Search & score" (keys prefixed ``model_``): the model trained
on one page is the one searched with on the other. Widget values are mirrored in plain
session keys (``_model_…``) because Streamlit drops a widget's state on a page that does not
render it.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from dashboard import DataError, Dataset
from dashboard.live import estimators, sources
from dashboard.live.estimators import ModelSpec
from dashboard.live.sources import Source

from .annotation import app_labels
from .formatting import plain

CMP_SIZES = (25, 50, 100, 200, 500, 1000)
C_GRID = tuple(float(c) for c in np.logspace(-4, 4, 17))
_KEYS = ("model_source", "model_n", "model_checkpoint", "model_kind", "model_C",
         "model_balanced")


_DEFAULTS = {"model_n": 1000, "model_C": 1.0}


def _load() -> None:
    """Put the last choice back in the widgets' keys (Streamlit forgets them on a page that
    does not render them), and defaults where there is none."""
    for k in _KEYS:
        if f"_{k}" in st.session_state:
            st.session_state[k] = st.session_state[f"_{k}"]
    for k, v in _DEFAULTS.items():
        st.session_state.setdefault(k, v)


def _store(key: str) -> None:
    st.session_state[f"_{key}"] = st.session_state[key]


def _kw(key: str) -> dict:
    """A widget's key, mirrored in a plain session key whenever the user changes it."""
    return {"key": key, "on_change": _store, "args": (key,)}


def model_controls(ds: Dataset, task: str) -> tuple[Source, ModelSpec]:
    """Render the source and model choice in the sidebar; return them."""
    _load()
    side = st.sidebar
    side.subheader("Training")
    kind = side.selectbox("Training source", sources.SOURCE_KINDS, format_func=sources.kind_name,
                          **_kw("model_source"),
                          help="The agg validation keys are always removed from training.")
    source = Source(kind)
    if kind in sources.CMP_SOURCES:
        n = side.select_slider("First n labels", CMP_SIZES, **_kw("model_n"))
        source = Source(kind, n=n)
    elif kind == sources.ANNOTATIONS:
        labels = app_labels(task)
        if not labels:
            side.caption(f"No labels made in the app for {task} yet: label it on *Annotate*.")
        source = Source(kind, labels=labels)
    elif kind == sources.CHECKPOINT:
        try:
            sizes = [len(c) for c in ds.checkpoints(task)]
        except DataError as e:
            side.error(plain(e), icon=":material/error:")
            sizes = []
        if sizes:
            if st.session_state.get("model_checkpoint", len(sizes)) >= len(sizes):
                st.session_state["model_checkpoint"] = len(sizes) - 1  # newest
            i = side.selectbox("Checkpoint", range(len(sizes)), **_kw("model_checkpoint"),
                               format_func=lambda i: f"{i + 1} ({sizes[i]} labels)")
            source = Source(kind, checkpoint=i)
    model = side.selectbox("Model", list(estimators.MODEL_KINDS), format_func=estimators.MODEL_KINDS.get,
                           **_kw("model_kind"))
    C = 1.0
    if model == estimators.LR_C:
        C = side.select_slider("C (inverse regularisation)", C_GRID, **_kw("model_C"),
                               format_func=lambda c: f"{c:.3g}")
    balanced = side.checkbox("Balance the classes", **_kw("model_balanced"),
                             disabled=model == estimators.MLP,
                             help="Weight each class by n / (2 · its count) "
                                  "(logistic regression).")
    return source, ModelSpec(model, C=C, balanced=balanced and model != estimators.MLP)
