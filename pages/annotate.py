"""Annotate: build a classifier by labeling — start a task, label shots from search and the
model's feeds, review, retrain; every label is saved in the annotation database at once."""
import functools

import streamlit as st

from components.annotation import annotator_sidebar, examples_into, require_store
from components.data_source import require_dataset, thumbnails_load
from components.export import chart, download
from components.formatting import code, plain
from components.labeling import labeling_area
from components.team import baselines_section, blind_area, secondaries_section
from dashboard import DataError
from dashboard.annotate import exchange, feeds, loop, review, team
from dashboard.annotate.config import state_dir
from dashboard.annotate.store import StoreError
from dashboard.dataset.tasks import check_task_name
from dashboard.figures.annotate import history_figure
from dashboard.figures.theme import task_label

REVIEW_COLUMNS = {
    "key": "Key", "title": "Title", "label": st.column_config.CheckboxColumn("Positive"),
    "oof_score": st.column_config.ProgressColumn("Out-of-fold score", min_value=0.0,
                                                 max_value=1.0, format="%.2f"),
    "disagreement": st.column_config.NumberColumn("Disagreement", format="%.2f"),
    "annotator": "Annotator", "feed": "Feed",
    "time": st.column_config.DatetimeColumn("When (UTC)", format="YYYY-MM-DD HH:mm:ss"),
    "model_version": "Model",
}

st.title("Annotate")
st.markdown("Build a task's classifier by labeling: start or continue a task, label the shots "
            "each feed proposes, retrain, and watch the model quality score rise in the "
            "history chart (higher is better).")
ds = require_dataset().folder  # the data folder's shots; tasks come from the store
store = require_store()
who = annotator_sidebar()
thumbnails = st.sidebar.toggle("Show thumbnails", value=thumbnails_load(ds.root),
                               key="annotate_thumbnails",
                               help="Turn off to work offline (thumbnails load from YouTube).")
st.caption(plain(f"Labels are saved in {store.name} the moment they are given."))


def start_section() -> None:
    """Continue a task of the data folder or create a new one (as the primary annotator)."""
    if not who:
        st.caption("Type your name in the sidebar first: you become the task's primary "
                   "annotator.")
    left, right = st.columns(2)
    with left.form("annotate_continue"):
        st.markdown("**Continue a task of the data folder**")
        task = st.selectbox("Task", ds.tasks, key="annotate_from_task", format_func=task_label)
        start = st.radio("Start from", exchange.STARTS, horizontal=True, key="annotate_from",
                         format_func={"checkpoint": "its latest checkpoint", "agg": "its agg "
                                      "labels", "empty": "nothing"}.get)
        if st.form_submit_button("Start", icon=":material/play_arrow:", disabled=not who):
            try:
                n = exchange.import_task(store, ds.root, task, start=start, annotator=who,
                                         ds=ds)
            except (ValueError, DataError, StoreError) as e:
                st.error(plain(str(e)), icon=":material/error:")
            else:
                choose(task, f"Started {task} with {n:,} labels.")
    with right.form("annotate_new"):
        st.markdown("**Create a new task**")
        name = st.text_input("Name", key="annotate_new_name", placeholder="e.g. rainy-street",
                             help="Letters, digits, '-', '_' and '.'")
        description = st.text_input("One-line description", key="annotate_new_description")
        if st.form_submit_button("Create", icon=":material/add:", disabled=not who):
            try:
                store.create_task(check_task_name(name.strip()), description.strip(),
                                  primary=who)
            except (ValueError, DataError, StoreError) as e:
                st.error(plain(str(e)), icon=":material/error:")
            else:
                choose(name.strip(), f"Created {name.strip()}.")


def choose(task: str, message: str = "") -> None:
    st.session_state["annotate_task"] = task
    st.session_state.pop("annotate_batch", None)
    st.session_state.pop("annotate_model", None)
    if message:
        st.toast(message, icon=":material/check:")
    st.rerun()


tasks = store.tasks()["name"].tolist()
wanted = st.query_params.get("task")
if wanted in tasks and "annotate_task" not in st.session_state:
    st.session_state["annotate_task"] = wanted
current = st.session_state.get("annotate_task")
with st.expander("Start or switch task", expanded=current not in tasks,
                 icon=":material/add_task:"):
    if tasks:
        pick = st.selectbox("Work on a task of the annotation database", tasks,
                            index=tasks.index(current) if current in tasks else None,
                            format_func=task_label,
                            key="annotate_pick", placeholder="choose a task")
        if pick and pick != current:
            choose(pick)
    start_section()
if current not in tasks:
    st.info("Start a task above: continue one of the data folder or create your own.",
            icon=":material/arrow_upward:")
    st.stop()
task = current
st.query_params["task"] = task
info = store.task(task)
st.subheader(task)
if info["description"]:
    st.caption(plain(info["description"]))
primary = team.primary_of(store, task)
size = st.sidebar.number_input("Batch size", 1, 100, 10, key="annotate_size")
if who and who != primary and who in store.secondaries(task):
    # a secondary re-labels blind: no feed, no score, no review of the primary's labels
    blind_area(ds, store, task, who, int(size), thumbnails)
    st.stop()

# switching tabs reruns the page; the other tabs are computed only while open
label_tab, review_tab, team_tab, progress_tab = st.tabs(
    ["Label", "Review", "Team & baselines", "Progress & export"], key="annotate_view",
    on_change="rerun")

with label_tab:
    names = [*feeds.FEEDS, feeds.SEARCH]
    feed = st.segmented_control("Feed", names, format_func=feeds.FEED_NAMES.get,
                                default=feeds.SEARCH, key="annotate_feed", help=feeds.FEED_HELP)
    query, query_id = None, ()
    with st.expander("Search query", expanded=(feed or feeds.SEARCH) == feeds.SEARCH,
                     icon=":material/search:"):  # the search feed's query; also the start
        try:
            text_tasks = list(ds.text_embeddings)
        except DataError as e:  # optional for labeling: search by example still works
            text_tasks = []
            st.warning(plain(f"No zero-shot search: {e}"), icon=":material/warning:")
        q_cols = st.columns(2)
        chosen = q_cols[0].multiselect(
            "Zero-shot: the text of", text_tasks, key="annotate_query_tasks",
            default=[task] if task in text_tasks else [],
            help="The mean of these tasks' text embeddings (for a new task, pick the "
                 "closest existing ones).")
        examples_into("annotate_query_keys")
        example = q_cols[1].text_input(
            "Query by example: shot keys (comma-separated)", key="annotate_query_keys",
            help="Shots selected on Browse or picked on Search & score appear here.")
        keys = [k.strip() for k in example.split(",") if k.strip()]
        unknown = [k for k in keys if ds.rows([k])[0] < 0]
        if unknown:
            st.warning(plain(f"Unknown shot keys ignored: {', '.join(unknown)}"),
                       icon=":material/warning:")
        query = loop.query_vector(ds, chosen, keys)
        query_id = (tuple(chosen), tuple(k for k in keys if k not in unknown))
    labeling_area(ds, store, task, who, feed or feeds.SEARCH, query, query_id, int(size),
                  thumbnails)

def review_view() -> None:
    table = review.review_table(ds, store, task)
    st.caption(f"{len(table):,} labels, the most likely label errors first (where the "
               "out-of-fold score disagrees most with the label). Select rows to flip or "
               "delete them.")
    event = st.dataframe(table, hide_index=True, width="stretch", column_config=REVIEW_COLUMNS,
                         on_select="rerun", selection_mode="multi-row",
                         key=f"annotate_review_{hash(tuple(zip(table['key'], table['label'])))}")
    picked = table.iloc[event.selection.rows]
    cols = st.columns(4)
    try:
        if cols[0].button(f"Flip {len(picked)} selected", disabled=picked.empty or not who,
                          key="annotate_flip", icon=":material/swap_horiz:"):
            store.record(task, picked["key"].tolist(), review.flipped(picked["label"]),
                         annotator=who, feed="review", session=st.session_state.get(
                             "annotate_session", ""))
            st.rerun()
        if cols[1].button(f"Delete {len(picked)} selected", disabled=picked.empty or not who,
                          key="annotate_delete", icon=":material/delete:"):
            store.record(task, picked["key"].tolist(), "delete", annotator=who, feed="review",
                         session=st.session_state.get("annotate_session", ""))
            st.rerun()
    except StoreError as e:
        st.error(plain(str(e)), icon=":material/database:")

def team_view() -> None:
    st.markdown("**Blind re-labeling**")
    secondaries_section(store, task, primary)
    st.markdown("**Baselines**")
    baselines_section(ds, store, task, who, primary, int(size), thumbnails)


def progress_view() -> None:
    hist = loop.history(store, task)
    if hist.empty:
        st.info("No retrain yet: label a batch to see the model's quality grow.",
                icon=":material/timeline:")
    else:
        chart(history_figure(hist, task), hist, name=f"{task}-labeling-history",
              key="annotate_history")
    stats = store.stats(task)
    st.dataframe(stats, hide_index=True)
    st.markdown("**Export in the released layout**")
    # a fixed folder on the server: a path typed in the page could overwrite any file there
    out = state_dir() / "exports" / task
    st.caption(plain(f"Writes agg/, checkpoints/ and (once drawn) cmp/{task}.json under {out} "
                     "on the server (or download them below). `python -m dashboard labels "
                     "export --out DIR` writes them anywhere."))
    if st.button("Export", key="annotate_export", icon=":material/save:"):
        try:
            paths = exchange.export_task(store, task, out)
        except (OSError, ValueError, DataError) as e:
            st.error(plain(f"Cannot export to {out}: {e}"), icon=":material/error:")
        else:
            st.success("Wrote " + ", ".join(code(p) for p in paths), icon=":material/check:")
    row = st.container(horizontal=True)
    download(f"agg/{task}.json", functools.partial(exchange.agg_json, store, task),
             f"{task}-agg.json", "application/json", "annotate_dl_agg", row)
    download(f"checkpoints/{task}.json", functools.partial(exchange.checkpoints_json, store,
                                                           task),
             f"{task}-checkpoints.json", "application/json", "annotate_dl_cp", row)
    download(f"cmp/{task}.json", functools.partial(exchange.cmp_json, store, task),
             f"{task}-cmp.json", "application/json", "annotate_dl_cmp", row)


for tab, view in ((review_tab, review_view), (team_tab, team_view),
                  (progress_tab, progress_view)):
    with tab:
        if tab.open:
            view()

