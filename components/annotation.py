"""The annotation store in the app: opened once per URL, its errors shown in the page (never
a traceback), the annotator's name in the sidebar and this browser session's id."""
from __future__ import annotations

import uuid

import streamlit as st

from dashboard.annotate.config import store_url
from dashboard.annotate.store import Store, StoreError

from . import cache
from .formatting import plain

_NAME_KEY = "annotate_annotator"


def store() -> Store | None:
    """The configured store, or None after showing why it cannot be opened."""
    try:
        return cache.annotation_store(store_url())
    except StoreError as e:
        st.error(plain(str(e)), icon=":material/database:")
        return None


def require_store() -> Store:
    """The configured store; stops the page (with the reason shown) when it cannot open."""
    opened = store()
    if opened is None:
        st.stop()
    return opened


def app_labels(task: str) -> tuple[tuple[str, bool], ...]:
    """The labels made in the app for ``task`` as (key, is positive) pairs (none when the
    store cannot be opened or has no such task)."""
    opened = store()
    if opened is None or opened.task(task) is None:
        return ()
    labels = opened.labels(task)
    return tuple(zip(labels["key"].tolist(), labels["label"].tolist()))


def annotator_sidebar() -> str:
    """The annotator's name (no login), kept across pages; stored with every label."""
    st.session_state.setdefault(_NAME_KEY, st.session_state.get(f"_{_NAME_KEY}", ""))
    name = st.sidebar.text_input("Your name", key=_NAME_KEY, max_chars=64,
                                 placeholder="e.g. alice",
                                 help="Saved with each label you give (no login).")
    st.session_state[f"_{_NAME_KEY}"] = name
    return name.strip()


def session_id() -> str:
    """This browser session's id: what *Undo* reverses."""
    return st.session_state.setdefault("annotate_session", uuid.uuid4().hex)


EXAMPLES_KEY = "annotate_examples"  # shots picked on Browse or Search, for Annotate's search
MAX_EXAMPLES = 20


def add_example(key: str) -> None:
    """Add one picked shot to Annotate's query-by-example shots (newest kept)."""
    keys = [k for k in st.session_state.get(EXAMPLES_KEY, []) if k != key] + [key]
    st.session_state[EXAMPLES_KEY] = keys[-MAX_EXAMPLES:]


def use_as_examples(keys: list[str]) -> None:
    """Make ``keys`` Annotate's query-by-example shots and tell the user."""
    st.session_state[EXAMPLES_KEY] = list(dict.fromkeys(keys))[:MAX_EXAMPLES]
    st.toast(f"{len(st.session_state[EXAMPLES_KEY])} shots will be the examples of Annotate's "
             "search.", icon=":material/label:")


def examples_into(widget_key: str) -> None:
    """Put newly picked example shots into Annotate's example-keys box (once per change)."""
    picked = st.session_state.get(EXAMPLES_KEY, [])
    if picked and st.session_state.get(f"_{EXAMPLES_KEY}_shown") != picked:
        st.session_state[widget_key] = ", ".join(picked)
        st.session_state[f"_{EXAMPLES_KEY}_shown"] = list(picked)

