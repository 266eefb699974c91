"""A file uploader whose last good file is kept in the session across reruns and tab switches,
and whose rejected files are dropped at once (their bytes freed, the uploader emptied)."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard import DataError
from dashboard.live.uploads import MAX_BYTES

from .formatting import plain

T = TypeVar("T")


def kept_upload(label: str, file_type: str, key: str,
                read: Callable[[str, bytes], T]) -> T | None:
    """``read(name, data)`` of the last file given to this uploader (kept under ``key``), or
    None. A file that ``read`` rejects with DataError is shown by name and reason, then
    forgotten: the session keeps no copy and the server drops its upload."""
    version = st.session_state.get(f"{key}_version", 0)
    file = st.file_uploader(label, type=[file_type], key=f"{key}_file_{version}",
                            max_upload_size=MAX_BYTES // 2**20)
    if file is not None:
        st.session_state[key] = (file.name, file.getvalue())
    if key not in st.session_state:
        return None
    try:
        return read(*st.session_state[key])
    except DataError as e:
        st.error(plain(e), icon=":material/error:")
        del st.session_state[key]
        st.session_state[f"{key}_version"] = version + 1  # a new, empty uploader next run
        if file is not None:
            _drop(file.file_id)
        return None


def _drop(file_id: str) -> None:
    """Free the server's copy of an upload (the in-memory store Streamlit uses by default)."""
    ctx = get_script_run_ctx()
    remove = getattr(ctx.uploaded_file_mgr, "remove_file", None) if ctx else None
    if remove is not None:
        remove(session_id=ctx.session_id, file_id=file_id)
