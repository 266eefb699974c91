"""The shared data-source choice: a folder in the sidebar, else VA_DATA_DIR, else the demo."""
from __future__ import annotations

import argparse
import functools
import os
import socket
import sys
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from dashboard import DataError, Dataset, demo
from dashboard.annotate.config import store_url
from dashboard.annotate.store import StoreError
from dashboard.annotate.workspace import Workspace, store_configured, with_app_tasks
from dashboard.dataset import config
from dashboard.dataset.folder import fingerprint_of

from .cache import annotation_store, open_dataset
from .formatting import plain

_KEY = "data_dir"
_shell_checked = False


def _demo_with_progress() -> Path:
    bar = st.progress(0.0, text="Generating the demo dataset (first run only)…")
    path = demo.demo_dir(progress=lambda f, msg: bar.progress(min(f, 1.0), text=f"Demo data: {msg}"))
    bar.empty()
    return path


def configured_folder() -> str | None:
    """``--data DIR`` after ``streamlit run serve.py --``, else ``VA_DATA_DIR``, as the data
    folder box shows it (``~`` expanded); None: the demo."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--data")
    chosen = parser.parse_known_args(sys.argv[1:])[0].data or os.environ.get(config.DATA_ENV)
    return str(Path(chosen).expanduser()) if chosen else None


def is_demo(path: str | Path) -> bool:
    """Whether ``path`` is the generated demo dataset: a ``demo-…`` folder of the cache folder,
    where the app and the command line generate it."""
    path = Path(path).expanduser()
    return path.name.startswith("demo-") and path.parent.resolve() == config.cache_dir().resolve()


THUMBNAIL_HOST = "i.ytimg.com"  # where dataset.folder.shot_links points the thumbnails


@functools.lru_cache(maxsize=1)
def _thumbnail_host_answers() -> bool:
    try:
        socket.create_connection((THUMBNAIL_HOST, 443), timeout=1).close()
    except OSError:
        return False
    return True


def thumbnails_load(path: str | Path) -> bool:
    """Whether the shots' thumbnails can load: not for the demo (its video ids are made up),
    else when YouTube's image host answers (asked once per server process)."""
    return not is_demo(path) and _thumbnail_host_answers()


def data_dir_sidebar() -> str:
    """Render the data-folder input in the sidebar, with a badge when the generated demo is in
    use, and return the chosen folder. An emptied box means the demo, as its help says."""
    if _KEY not in st.session_state:
        st.session_state[_KEY] = configured_folder() or str(_demo_with_progress())
    elif not st.session_state[_KEY].strip():  # cleared: set before the box is drawn again
        st.session_state[_KEY] = str(_demo_with_progress())
    st.sidebar.text_input("Data folder", key=_KEY,
                          help="A folder in the released Video Annotator layout. Empty: the "
                               "generated demo dataset.")
    if is_demo(st.session_state[_KEY]):
        st.sidebar.badge("Demo data", icon=":material/science:", color="orange",
                         help="Generated shots and labels, not the released dataset: the "
                              "numbers show how the app works, not the paper's results.")
    return st.session_state[_KEY]


def _ensure_app_shell() -> None:
    """Make sure app.py, which owns the data folder, runs around the page.

    On a server's first visit straight to a page URL, Streamlit runs the page file alone: its
    legacy discovery of pages/ stays on until st.navigation has run once. Switch it off
    and rerun, once per process, so that app.py runs the page inside its shell (Streamlit 1.67
    internals; AppTest switches discovery back on for every run, hence the once).
    """
    global _shell_checked
    if PagesManager.uses_pages_directory and not _shell_checked:
        _shell_checked = True
        PagesManager.uses_pages_directory = False
        st.rerun()


def current_dataset() -> Dataset | None:
    """The dataset of the chosen folder, or None after showing why it cannot be opened."""
    _ensure_app_shell()
    path = st.session_state.get(_KEY) or str(demo.data_dir())
    try:
        folder = open_dataset(path, fingerprint_of(path))
    except (DataError, OSError) as e:  # OSError: e.g. a folder the app may not read
        if isinstance(e, OSError):
            e = DataError(e.filename or path, e.strerror or str(e))
        st.error(f"Cannot open the dataset. {plain(e)}", icon=":material/error:")
        return None
    return _with_app_tasks(folder)


def _with_app_tasks(folder: Dataset) -> Dataset | Workspace:
    """The folder with the tasks made in the app beside its own (group "my tasks"), when an
    annotation store exists and holds some; a store that cannot be opened is reported and the
    folder shown alone."""
    if not store_configured():
        return folder
    try:
        return with_app_tasks(folder, annotation_store(store_url()))
    except StoreError as e:
        st.warning(f"Tasks made in the app are not listed. {plain(str(e))}",
                   icon=":material/database:")
        return folder


def require_dataset() -> Dataset:
    """The current dataset, or stop the page (after the error is shown)."""
    ds = current_dataset()
    if ds is None:
        st.stop()
    return ds
