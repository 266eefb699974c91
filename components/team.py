"""The team side of *Annotate*: blind re-labeling by a secondary, asking secondaries, and
labeling the two baseline lists. Each labeling area is a fragment: a click reruns only it, and
the next shots come straight from the store (nothing to lose on a reload).

A secondary's batch shows the shot alone: never the primary's label nor a model's score.
"""
from __future__ import annotations

import streamlit as st

from dashboard import DataError, Dataset
from dashboard.annotate import loop, team
from dashboard.annotate.database import BASELINES, SECONDARY
from dashboard.annotate.store import Store, StoreError

from .annotation import session_id
from .formatting import plain
from .labeling import shot_card

BASELINE_NAMES = {"random": "Random sample", "zero_shot": "Zero-shot top"}
_ERROR = "team_error"


def _save(store: Store, task: str, who: str, role: str, feed: str, keys: list[str],
          value: str) -> None:
    """Save one click; a database error is kept for the area to show, nothing is lost."""
    try:
        store.record(task, keys, value, annotator=who, role=role, feed=feed,
                     session=session_id())
        st.session_state.pop(_ERROR, None)
    except StoreError as e:
        st.session_state[_ERROR] = str(e)


def _undo(store: Store, task: str) -> None:
    try:
        undone = store.undo(task, session_id())
        st.session_state.pop(_ERROR, None)
    except StoreError as e:
        st.session_state[_ERROR] = str(e)
        return
    st.session_state["team_undone"] = len(undone)


def _cards(ds: Dataset, store: Store, task: str, who: str, keys: list[str], role: str,
           feed: str, thumbnails: bool, values) -> None:
    if st.session_state.get(_ERROR):
        st.error(plain(st.session_state[_ERROR]), icon=":material/database:")
    with st.container(horizontal=True):
        st.button("Undo", key=f"team_undo_{role}", shortcut="U", icon=":material/undo:",
                  on_click=_undo, args=(store, task))
    if "team_undone" in st.session_state:
        st.caption(f"Undid the last action ({st.session_state.pop('team_undone')} shots).")
    for i, key in enumerate(keys):
        shot_card(ds, key, "", thumbnails, i == 0, _save, (store, task, who, role, feed),
                  disabled=not who, values=values, prefix=f"team_{role}")


@st.fragment
def blind_area(ds: Dataset, store: Store, task: str, who: str, size: int,
               thumbnails: bool) -> None:
    """Secondary ``who`` re-labels the primary's shots blind, in an order of their own."""
    try:
        left = team.progress(store, task).set_index("secondary").loc[who]
        keys = team.blind_batch(store, task, who, size)
    except StoreError as e:
        st.error(plain(str(e)), icon=":material/database:")
        return
    st.info(plain(f"You are a secondary annotator of {task}: label each shot as you see it. "
                  f"{left['voted']:,} done, {left['to_do']:,} to do."),
            icon=":material/visibility_off:")
    if not keys:
        st.success("Nothing left to re-label for now.", icon=":material/done_all:")
    st.caption("Shortcuts for the first shot: **P** positive, **N** negative, **S** skip "
               "(it comes back last); **U** undo.")
    _cards(ds, store, task, who, keys, SECONDARY, team.BLIND_FEED, thumbnails,
           ("positive", "negative", "skip"))


def secondaries_section(store: Store, task: str, primary: str) -> None:
    """Ask secondaries to re-label the task, see how far each one is, stop asking one."""
    progress = team.progress(store, task)
    with st.form("team_ask", clear_on_submit=True, border=False):
        names = st.text_input("Ask secondaries (names, comma-separated)", key="team_names",
                              help="Each one sees the primary's labeled shots, shuffled, "
                                   "without the primary's label or any score, when they "
                                   "type their name in the sidebar.")
        if st.form_submit_button("Ask", icon=":material/group_add:"):
            try:
                store.assign_secondaries(task, [n for n in names.split(",")])
                st.rerun()
            except (ValueError, StoreError) as e:
                st.error(plain(str(e)), icon=":material/error:")
    if progress.empty:
        st.caption(plain(f"No secondary yet: the agg of {task} is {primary}'s labels alone."))
        return
    st.dataframe(progress, hide_index=True, column_config={
        "secondary": "Secondary", "voted": "Re-labeled", "to_do": "To do"})
    gone = st.selectbox("Stop asking", progress["secondary"], index=None, key="team_remove",
                        placeholder="choose a secondary (their votes stay)")
    if gone and st.button(f"Stop asking {gone}", key="team_remove_button"):
        store.remove_secondary(task, gone)
        st.rerun()


def baselines_section(ds: Dataset, store: Store, task: str, who: str, primary: str,
                      size: int, thumbnails: bool) -> None:
    """Draw the random and zero-shot lists once, then let the primary label them in order."""
    drawn = {name: store.baseline(task, name) for name in BASELINES}
    if not all(drawn.values()):
        _draw_form(ds, store, task)
        return
    if who != primary:
        st.caption(plain(f"The baselines are labeled by the primary annotator, {primary}."))
        return
    name = st.segmented_control("List", BASELINES, format_func=BASELINE_NAMES.get,
                                default=BASELINES[0], key="team_baseline") or BASELINES[0]
    baseline_area(ds, store, task, who, name, size, thumbnails)


def _draw_form(ds: Dataset, store: Store, task: str) -> None:
    with st.form("team_draw", border=False):
        st.caption("The paper compares the loop against two lists labeled by the primary: n "
                   "shots drawn uniformly from the corpus, and the top n of a zero-shot "
                   "search. Drawn once; labeled in order.")
        n = st.number_input("n", 10, 5_000, 1_000, step=10, key="team_n")
        try:
            text = list(ds.text_embeddings)
        except DataError:  # reported on the Label tab; the random list still needs none
            text = []
        chosen = st.multiselect("Zero-shot query: the text of", text, key="team_query",
                                default=[task] if task in text else [])
        if st.form_submit_button("Draw the baselines", icon=":material/casino:"):
            query = loop.query_vector(ds, chosen)
            if query is None:
                st.error("Choose at least one task's text for the zero-shot list.",
                         icon=":material/error:")
                return
            try:
                team.draw_baselines(ds, store, task, int(n), query)
            except (ValueError, StoreError) as e:
                st.error(plain(str(e)), icon=":material/error:")
                return
            st.rerun()


@st.fragment
def baseline_area(ds: Dataset, store: Store, task: str, who: str, name: str, size: int,
                  thumbnails: bool) -> None:
    """The next shots of baseline list ``name``, in the list's order."""
    total = len(store.baseline(task, name))
    keys = team.baseline_batch(store, task, name, size)
    done = len(store.labels(task, role=name))
    st.caption(plain(f"{BASELINE_NAMES[name]}: {done:,} of {total:,} labeled. Shortcuts for "
                     "the first shot: P positive, N negative; U undo."))
    if not keys:
        st.success("This list is labeled.", icon=":material/done_all:")
    _cards(ds, store, task, who, keys, name, name, thumbnails, ("positive", "negative"))
