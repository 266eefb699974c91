"""Show a chart with its exports: the figure as standalone HTML and its data as CSV."""
from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import streamlit as st


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "chart"


def chart(fig: go.Figure, data: pd.DataFrame | None = None, name: str | None = None,
          key: str | None = None) -> None:
    """Render ``fig`` full width with HTML (and CSV of ``data``) download buttons under it.

    The chart's own toolbar also saves a PNG. ``name`` defaults to the figure's title.
    """
    name = _slug(name or (fig.layout.title.text or "chart"))
    key = key or name
    st.plotly_chart(fig, width="stretch", key=f"{key}-chart",
                    config={"toImageButtonOptions": {"format": "png", "filename": name,
                                                     "scale": 2}})
    row = st.container(horizontal=True)  # buttons keep their width in narrow columns
    # the files are built only when a button is clicked: a rerun does not pay for them
    row.download_button("Figure (HTML)",
                        lambda: fig.to_html(include_plotlyjs="cdn", full_html=True),
                        file_name=f"{name}.html", mime="text/html", key=f"{key}-html",
                        icon=":material/download:", on_click="ignore")
    if data is not None:
        row.download_button("Data (CSV)", lambda: data.to_csv(index=False),
                            file_name=f"{name}.csv", mime="text/csv", key=f"{key}-csv",
                            icon=":material/download:", on_click="ignore")
