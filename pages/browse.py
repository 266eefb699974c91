"""Browse a task: its description and the shots of one label source, filtered and paged."""
import streamlit as st

from components import cache
from components.annotation import use_as_examples
from components.data_source import require_dataset, thumbnails_load
from components.export import chart, csv
from components.formatting import PERCENT, plain
from components.task_picker import task_picker
from dashboard import DataError
from dashboard.dataset import browse
from dashboard.figures import views as figures_views
from dashboard.figures.theme import group_label, task_label

ds = require_dataset()
task = task_picker(ds, "browse")
st.title(f"Browse a task: {task_label(task)}")
st.markdown("One row per labeled shot in a label source of the task, with its label (and each "
            "annotator's vote where they voted): filter and page them, select rows to search "
            "Annotate with, and read the positive rate by genre below.")
st.caption(f"Group: {group_label(ds.group(task))}")
row = cache.task_table(ds, ds.version()).set_index("task").loc[task]
if row["error"]:
    st.error(plain(row["error"]), icon=":material/error:")
    st.stop()
try:
    about = ds.task_descriptions.get(task)
except DataError as e:
    about = None
    st.warning(f"Task descriptions unavailable. {plain(e)}", icon=":material/warning:")
if about:  # plain text: the file is data, not markup
    st.text(about["description"])
    st.text(f"Keywords: {about['keywords']}")
metrics = st.container()  # filled once the source is known: its figures, not agg's
names = cache.sources(ds, ds.version(task), task)
if st.session_state.get("browse_source") not in names:  # first visit, or another task
    wanted = st.query_params.get("source")
    st.session_state["browse_source"] = wanted if wanted in names else names[0]
source = st.selectbox("Label source", names, key="browse_source")
st.query_params["source"] = source  # the link to this view names the source too
table = cache.shot_table(ds, ds.version(task), task, source)
primary, *secondaries = ds.agg_votes(task).annotators
annotators = sorted([primary, *secondaries])  # one order on every page: by name
positives = int(table["label"].sum())
cols = metrics.columns(4)
cols[0].metric("Positives", f"{positives:,}", help=f"Positive labels in {source}")
cols[1].metric("Negatives", f"{len(table) - positives:,}", help=f"Negative labels in {source}")
if source == browse.AGG_SOURCE:
    cols[2].metric("Agreement", PERCENT.format(row["agreement"]),
                   help="Share of shots where all annotators agree")
    cols[3].metric("Data score", f"{row['data_score']:.2f}",
                   help="The paper's data diversity score")
else:
    cols[2].metric("Positive rate", PERCENT.format(positives / len(table)) if len(table) else "—",
                   help=f"Share of {source}'s labels that are positive")
    cols[3].metric("With agg votes", f"{int(table['pos_cnt'].notna().sum()):,}",
                   help="Shots of this source that the three annotators also voted on")
voted = [c for c in (*annotators, "agg", "pos_cnt") if table[c].notna().any()]  # else hidden
if "browse_search" not in st.session_state:
    st.session_state["browse_search"] = st.query_params.get("search", "")
left, mid, right = st.columns([3, 2, 2])
kind = left.segmented_control("Show", browse.FILTERS, default="all", key="browse_filter") or "all"
genres = mid.multiselect("Genre", sorted(set(table["genre"]) - {""}), key="browse_genres")
text = right.text_input("Title or key contains", key="browse_search")
shown = browse.filter_shots(table, kind, genres, text, len(annotators))

thumbnails = st.sidebar.toggle("Show thumbnails", value=thumbnails_load(ds.root),
                               key="browse_thumbnails",
                               help="Thumbnails load from YouTube: off when they cannot (the "
                                    "demo's made-up videos, or no connection).")
size = st.sidebar.selectbox("Rows per page", [25, 50, 100, 250], index=1, key="browse_page_size")
pages = browse.n_pages(len(shown), size)
st.session_state["browse_page"] = min(st.session_state.get("browse_page", 1), pages)
page = st.sidebar.number_input("Page", 1, pages, key="browse_page")
st.caption(f"{len(shown):,} of {len(table):,} shots of *{source}* · page {page} of {pages}")
votes = {name: st.column_config.CheckboxColumn(
    f"{name} (primary)" if name == primary else name, help=f"Annotator {name}'s vote")
    for name in annotators}
rows = browse.page_of(shown, page, size)
picked = st.dataframe(
    rows, hide_index=True, width="stretch", height=560, key="browse_rows",
    on_select="rerun", selection_mode="multi-row",
    row_height=64 if thumbnails else None,
    column_order=[*(["thumbnail"] if thumbnails else []), "rank", "title", "genre", "start",
                  "end", "label", *voted, "validation", "watch", "key"],
    column_config={
        "thumbnail": st.column_config.ImageColumn("Thumbnail"),
        "rank": st.column_config.NumberColumn("#", help="Position in the source"),
        "title": "Title", "genre": "Genre",
        "start": st.column_config.NumberColumn("Start (s)", format="%.1f"),
        "end": st.column_config.NumberColumn("End (s)", format="%.1f"),
        "label": st.column_config.CheckboxColumn("Label", help=f"The label in {source}"),
        **votes,
        "agg": st.column_config.CheckboxColumn("Agg", help="Majority of the three votes"),
        "pos_cnt": st.column_config.NumberColumn("Positive votes"),
        "validation": st.column_config.CheckboxColumn(
            "Validation", help="In the paper's validation split (mmh3 % 5 == 0)"),
        "watch": st.column_config.LinkColumn("Watch", display_text="▶ YouTube"),
        "key": "Key",
    },
)
picked_keys = rows["key"].iloc[picked.selection.rows].tolist()
actions = st.container(horizontal=True)
if actions.button(f"Search Annotate with {len(picked_keys)} selected shots",
                  disabled=not picked_keys, icon=":material/label:", key="browse_examples",
                  help="Select rows above: they become the query-by-example shots on Annotate."):
    use_as_examples(picked_keys)
csv("Download these shots (CSV)", shown, f"{task}-{source.replace(' ', '-')}.csv",
    "browse_csv", container=actions)

rates = browse.positive_rate_by_genre(table)
chart(figures_views.positive_rate_by_genre(rates, task, source), rates, key="browse_genre_rate")
