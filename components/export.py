"""Show a chart with its exports: the figure as standalone HTML and its data as CSV."""
from __future__ import annotations

import functools
import re
from typing import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "chart"


def download(label: str, make: Callable[[], str | bytes], file_name: str, mime: str,
             key: str, container=st) -> None:
    """A download button whose file ``make()`` builds only when it is clicked, so a rerun
    does not pay for it; clicking it does not rerun the page. ``make`` runs after the script
    run: bind its values (functools.partial), do not read variables the page may rebind."""
    container.download_button(label, make, file_name=file_name, mime=mime, key=key,
                              icon=":material/download:", on_click="ignore")


def csv(label: str, data: pd.DataFrame, file_name: str, key: str, index: bool = False,
        container=st) -> None:
    """A download button of ``data`` as CSV, written only when it is clicked."""
    download(label, functools.partial(data.to_csv, index=index), file_name, "text/csv", key,
             container)


def chart(fig: go.Figure, data: pd.DataFrame | None = None, name: str | None = None,
          key: str | None = None) -> None:
    """Render ``fig`` full width with HTML (and CSV of ``data``) download buttons under it.

    The chart's own toolbar also saves a PNG. ``name`` defaults to the figure's title.
    """
    name = _slug(name or (fig.layout.title.text or "chart"))
    key = key or name
    st.plotly_chart(fig, width="stretch", key=f"{key}-chart", theme=None,  # dashboard.figures.theme
                    config={"toImageButtonOptions": {"format": "png", "filename": name,
                                                     "scale": 2}})
    row = st.container(horizontal=True)  # buttons keep their width in narrow columns
    # the files are built only when a button is clicked: a rerun does not pay for them
    download("Figure (HTML)", lambda: fig.to_html(include_plotlyjs="cdn", full_html=True),
             f"{name}.html", "text/html", f"{key}-html", row)
    if data is not None:
        csv("Data (CSV)", data, f"{name}.csv", f"{key}-csv", container=row)
