"""Embedding map: a task's labeled shots in a plane, to see how labels, disputes and a model's
scores lie among the shots; select shots to list them, watch them or search Annotate with them."""
import streamlit as st

from components import cache
from components.annotation import MAX_EXAMPLES, use_as_examples
from components.data_source import require_dataset
from components.formatting import plain
from components.links import browse_url
from components.task_picker import task_picker
from dashboard import DataError
from dashboard.figures import embedding_map as figures_map
from dashboard.figures.theme import task_label
from dashboard.live.estimators import ModelSpec
from dashboard.live.sources import Source

ds = require_dataset()
task = task_picker(ds, "map")
st.title(f"Embedding map: {task_label(task)}")
st.caption("Each point is one of the task's agg-labeled shots, placed by the two directions in "
           "which their embeddings vary most (PCA); the grey shading is where a sample of the "
           "whole corpus lies in the same plane (darker: more shots). Nearby shots look alike "
           "to the model. Draw a lasso or a box around points to list them.")
color_by = st.segmented_control("Colour by", list(figures_map.COLOR_BY),
                                format_func=figures_map.COLOR_BY.get, default="label",
                                key="map_color") or "label"
try:
    agg = ds.agg_votes(task)
    if agg.table.empty:  # e.g. a task made in the app whose secondaries have not voted yet
        st.info(plain(f"{task_label(task)} has no agg-labeled shot yet: nothing to map."),
                icon=":material/info:")
        st.stop()
    emap = cache.embedding_map(ds, ds.version(task), task, "pca", 0)
except DataError as e:  # the task's files or its embeddings: say which, not a traceback
    st.error(plain(str(e)), icon=":material/error:")
    st.stop()
annotators = agg.annotators
scores = None
if color_by == "score":
    run = cache.train_run(ds, ds.version(task), task, Source(), ModelSpec())
    if run.ok:
        scores = run.model.predict_proba(ds.vectors(emap.points["key"]))
        st.caption("Score of the paper's model (LR-CV) trained on the agg train split, as on "
                   "*Train & tune*; training shots are scored too.")
    else:
        st.warning(f"No model to colour by: {run.reason}", icon=":material/warning:")
        color_by = "label"
event = st.plotly_chart(figures_map.embedding_map(emap, annotators, color_by, scores),
                        width="stretch", theme=None, key="map_chart", on_select="rerun",
                        selection_mode=("lasso", "box"))
picked = [p["customdata"][0] for p in event.selection.points if p.get("customdata")]
if not picked:
    st.caption(f"{len(emap.points):,} shots; select some with the lasso or box tool.")
    st.stop()
rows = emap.points[emap.points["key"].isin(picked)]
st.subheader(f"{len(rows):,} selected shots")
st.dataframe(rows.assign(open=[browse_url(task, k) for k in rows["key"]]), hide_index=True,
             width="stretch",
             column_order=["title", "genre", *annotators, "agg", "agreement", "watch", "open",
                           "key"],
             column_config={"title": "Title", "genre": "Genre",
                            "agg": st.column_config.CheckboxColumn("Agg"),
                            "agreement": "Agreement",
                            "watch": st.column_config.LinkColumn("Watch", display_text="▶ YouTube"),
                            "open": st.column_config.LinkColumn("Browse", display_text="Open ↗"),
                            "key": "Key"})
if st.button(f"Search Annotate with these {min(len(rows), MAX_EXAMPLES)} shots",
             key="map_examples",
             icon=":material/label:", help="They become the query-by-example shots on Annotate "
                                           f"(at most {MAX_EXAMPLES})."):
    use_as_examples(rows["key"].tolist())
