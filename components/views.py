"""Tabs whose content is computed and drawn only while open, so a page pays for one view
at a time (switching tabs reruns the page; the rest is served from the caches)."""
from __future__ import annotations

from typing import Callable

import streamlit as st


def lazy_tabs(views: dict[str, Callable[[], None]], key: str) -> None:
    """One tab per (title, draw function); only the open tab's function runs.

    ``key`` holds the open tab's title in the session (set it to open another tab)."""
    for tab, draw in zip(st.tabs(list(views), key=key, on_change="rerun"), views.values()):
        with tab:
            if tab.open:
                draw()
