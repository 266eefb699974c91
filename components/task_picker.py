"""Group -> task picker whose choice lives in the URL (?task=...), so a view can be shared."""
from __future__ import annotations

import streamlit as st

from dashboard import Dataset
from dashboard.figures.theme import group_label, task_label

from .formatting import plain


def task_picker(ds: Dataset, key: str, container=st.sidebar) -> str:
    """Pick a group then a task; ``?task=`` in the URL selects and records the choice.

    ``key`` is the page's prefix for its session keys.
    """
    tasks = list(ds.tasks)
    if not tasks:
        st.error(plain(f"No task to show: no task files in {ds.root / 'agg'} (one JSON file "
                       "per task)."), icon=":material/error:")
        st.stop()
    wanted = st.query_params.get("task")
    default = wanted if wanted in tasks else tasks[0]
    groups = list(dict.fromkeys(ds.group(t) for t in tasks))
    group_key, task_key, url_key = f"{key}_group", f"{key}_task", f"{key}_url_task"
    # the URL wins only when it changed (a link, a deep link, back/forward): after the user
    # picks another task the URL still holds the old one until this run rewrites it
    if wanted in tasks and wanted != st.session_state.get(url_key):
        st.session_state[group_key] = ds.group(wanted)
        st.session_state[task_key] = wanted
    st.session_state.setdefault(group_key, ds.group(default))  # not index=: Streamlit warns
    group = container.selectbox("Group", groups, key=group_key,  # when both set a value
                                format_func=group_label)
    in_group = [t for t in tasks if ds.group(t) == group]
    if st.session_state.get(task_key) not in in_group:
        st.session_state[task_key] = in_group[0]
    task = container.selectbox("Task", in_group, key=task_key, format_func=task_label)
    st.query_params["task"] = st.session_state[url_key] = task
    return task
