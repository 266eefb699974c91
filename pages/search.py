"""Search & score: use the trained model on the whole corpus, search by text or example,
score a shot or your own embeddings with every task's model."""
import streamlit as st

from components import cache
from components.annotation import add_example
from components.data_source import require_dataset, thumbnails_load
from components.export import chart, csv
from components.formatting import PERCENT, code, competition_rank, plain, styled
from components.model_controls import model_controls
from components.task_picker import task_picker
from components.uploads import kept_upload
from components.views import lazy_tabs
from dashboard import DataError
from dashboard.experiments.task_fits import text_embedding
from dashboard.figures import train as figs
from dashboard.figures.theme import task_label
from dashboard.live import runs, uploads

SHOT_COLUMNS = {
    "rank": "Rank", "key": "Key", "title": "Title", "genre": "Genre",
    "start": st.column_config.NumberColumn("Start (s)", format="%.1f"),
    "end": st.column_config.NumberColumn("End (s)", format="%.1f"),
    "score": st.column_config.NumberColumn("Score", format="%.3f"),
    "watch": st.column_config.LinkColumn("Watch", display_text="YouTube"),
    "thumbnail": st.column_config.ImageColumn("Thumbnail"),
}

st.title("Search & score")
st.markdown("Shots of the whole corpus ranked for the task: by the model trained in the sidebar, "
            "by the task's text, or by likeness to one shot (the higher the score, the more "
            "likely a match; equal scores share a rank), and every task's score of a shot or of "
            "your own embeddings.")
ds = require_dataset()
task = task_picker(ds, "search")
source, spec = model_controls(ds, task)


def shot_list(table, name: str, key: str, pick: bool = True) -> None:
    """The shots with a CSV download; with ``pick`` (only for tables rendered before the
    example's input), selecting a row makes it the example of *Query by example*. Equal
    scores share a rank; thumbnails only where they can load."""
    table = table.assign(rank=competition_rank(table["score"]))
    shown = [c for c in table.columns if c != "thumbnail" or thumbnails_load(ds.root)]
    event = st.dataframe(table, hide_index=True, width="stretch", column_config=SHOT_COLUMNS,
                         column_order=shown,
                         key=f"{key}_table", on_select="rerun" if pick else "ignore",
                         selection_mode="single-row")
    rows = event.selection.rows if pick else []
    if rows and st.session_state.get("search_picked") != (key, table["key"].iloc[rows[0]]):
        st.session_state["search_picked"] = (key, table["key"].iloc[rows[0]])
        st.session_state["search_example"] = table["key"].iloc[rows[0]]
        st.session_state["_search_example"] = table["key"].iloc[rows[0]]
        add_example(table["key"].iloc[rows[0]])
    csv("Download these shots (CSV)", table, f"{name}.csv", key)


def left_out_note() -> None:
    """Say which shots a corpus-wide ranking cannot score (NaN or inf embeddings)."""
    if note := ds.unusable_note():
        st.warning(plain(note), icon=":material/warning:")


# the example shot outlives its widget (Streamlit forgets the state of a widget not drawn)
st.session_state.setdefault("_search_example", ds.shots["key"].iloc[0])


def top_unlabeled() -> None:
    with st.spinner(f"Training {spec.describe()} on {source.describe()}…"):
        run = cache.train_run(ds, ds.version(task), task, source, spec)
    if not run.ok:
        st.warning(plain(f"No model for this choice: {run.reason}"), icon=":material/warning:")
    else:
        st.caption(f"**{task_label(task)}** · {spec.describe()} on {source.describe()} · "
                   f"validation AP {run.quality.ap.mean:.3f}")
        left_out_note()
        args = ds, ds.version(task), task, source, spec  # every corpus-wide number is cached
        cols = st.columns(2)
        threshold = cols[0].slider("Threshold", 0.0, 1.0, 0.5, 0.01, key="search_threshold")
        k = cols[1].slider("Shots to list", 10, 200, 50, 10, key="search_k")
        above, share_above = cache.count_above(*args, threshold)
        st.metric("Shots at or above the threshold", f"{above:,}",
                  f"{PERCENT.format(share_above)} of {ds.n_shots:,}", delta_color="off", delta_arrow="off")
        shot_list(cache.top_unlabeled(*args, k), f"{task}-top-unlabeled", "search_dl_top")
        hist = cache.score_histogram(*args)
        chart(figs.corpus_histogram_figure(hist, threshold, f"Scores of all {ds.n_shots:,} shots"),
              hist, name=f"{task}-corpus-scores", key="search_hist")
        share = cache.share_above_by_genre(*args, threshold)
        chart(figs.genre_share_figure(share, threshold), share, name=f"{task}-share-by-genre",
              key="search_genre")


def zero_shot_search() -> None:
    text, problem = text_embedding(ds, task)  # optional: a broken file is only a warning
    if text is None:
        st.warning(plain(f"No zero-shot ranking for {task!r}: {problem}."),
                   icon=":material/warning:")
    else:
        st.caption("Shots ranked by cosine similarity to the text embedding of "
                   f"**{task_label(task)}**.")
        left_out_note()
        shot_list(cache.zero_shot_top(ds, ds.version(task), task, 50), f"{task}-zero-shot",
                  "search_dl_zs")


def _keep_example() -> None:
    st.session_state["_search_example"] = st.session_state["search_example"]


def query_by_example() -> None:
    st.session_state.setdefault("search_example", st.session_state["_search_example"])
    key = st.text_input("Shot key (yt_id|frame_in)", key="search_example",
                        on_change=_keep_example,
                        help="Or select a row in the tables of the first two tabs.").strip()
    try:
        near = cache.nearest(ds, ds.fingerprint, key, 21)
        st.caption(f"The 20 shots most like {code(key)} (cosine similarity of the embeddings); "
                   "the shot itself is left out.")
        shot_list(near[near["key"] != key].head(20), "nearest-shots", "search_dl_nn",
                  pick=False)
    except KeyError:
        st.error(f"Shot key: no shot has the key {plain(repr(key))} in shot-data.csv.",
                 icon=":material/error:")
    except DataError as e:  # the shot's own embedding is unusable
        st.error(plain(e), icon=":material/error:")
    else:
        left_out_note()


def every_task_score() -> None:
    key = st.session_state["_search_example"].strip()
    st.caption(f"Every task's model (the paper's LR-CV on its agg train split) scores shot "
               f"{code(key)} (set it under *Query by example*).")
    if st.button("Score with every task's model", key="search_every_go"):
        st.session_state["search_every"] = True
    if st.session_state.get("search_every") and ds.rows([key])[0] >= 0:
        try:
            vector = ds.vectors([key])[0]
        except DataError as e:
            st.error(plain(e), icon=":material/error:")
            return
        ranking = runs.ranking(ds, cache.every_task_model(ds), vector)
        chart(figs.task_scores_figure(ranking, f"Every task's score of shot {key}"), ranking,
              name="every-task-score", key="search_every_chart")


def your_embeddings() -> None:
    st.caption(f"Upload a .npy file: one embedding ({ds.dim},) or a matrix (rows, {ds.dim}) "
               f"in the dataset's embedding space, at most {uploads.MAX_BYTES // 2**20} MiB. "
               "It is read without unpickling.")
    x = kept_upload("Embeddings (.npy)", "npy", "search_upload",
                    lambda name, data: uploads.read_embeddings(data, name, ds.dim))
    if x is not None:
        table = runs.score_with_all(cache.every_task_model(ds), x)
        tasks = list(table.columns)
        table.insert(0, "row", range(len(table)))
        st.dataframe(styled(table, decimals=dict.fromkeys(tasks, 3)), hide_index=True,
                     width="stretch", column_config={
                         "row": st.column_config.Column("Row", width=50, pinned=True),
                         **{t: st.column_config.Column(task_label(t), width=80) for t in tasks}})
        csv("Download the scores (CSV)", table, "scores-by-task.csv", "search_dl_upload")


def saved_model() -> None:
    st.caption("Score the corpus with a model file saved from *Train & tune* (.skops). Only "
               "types that skops trusts by default are loaded; nothing is unpickled. At most "
               f"{uploads.MAX_BYTES // 2**20} MiB.")
    given = kept_upload("Model (.skops)", "skops", "search_model", lambda name, data: (
        name, cache.saved_model_top(ds, ds.version(task), task, name, data, 50)))
    if given is not None:
        name, best = given
        st.caption(f"Top unlabeled shots of **{task_label(task)}** under {code(name)}.")
        shot_list(best, "saved-model-top", "search_dl_saved",
                  pick=False)  # rendered after the example's input: it cannot set it


VIEWS = {"Top unlabeled": top_unlabeled, "Zero-shot search": zero_shot_search,
         "Query by example": query_by_example, "Every task's score": every_task_score,
         "Your embeddings": your_embeddings, "Saved model": saved_model}
lazy_tabs(VIEWS, key="search_view")
