"""A file uploader whose last file is kept in the session across reruns and tab switches."""
from __future__ import annotations

import streamlit as st


def kept_upload(label: str, file_type: str, key: str) -> tuple[str, bytes] | None:
    """(name, bytes) of the last file given to this uploader, stored under ``key``."""
    file = st.file_uploader(label, type=[file_type], key=f"{key}_file")
    if file is not None:
        st.session_state[key] = (file.name, file.getvalue())
    return st.session_state.get(key)
