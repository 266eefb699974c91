"""Video Annotator dashboard: page registry, data-source choice and the shared sidebar."""
import streamlit as st

from components.data_source import current_dataset, data_dir_sidebar
from components.heap import freeze_after_first_run, freeze_before_first_run

st.set_page_config(page_title="Video Annotator dashboard", page_icon=":material/movie:",
                   layout="wide")

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("pages/browse.py", title="Browse a task", icon=":material/table_view:",
            url_path="browse"),
    st.Page("pages/agreement.py", title="Annotator agreement", icon=":material/groups:",
            url_path="agreement"),
    st.Page("pages/checkpoints.py", title="Checkpoints", icon=":material/timeline:",
            url_path="checkpoints"),
    st.Page("pages/experiments.py", title="AP vs labels", icon=":material/show_chart:",
            url_path="experiments"),
    st.Page("pages/train.py", title="Train & tune", icon=":material/model_training:",
            url_path="train"),
    st.Page("pages/search.py", title="Search & score", icon=":material/search:",
            url_path="search"),
    st.Page("pages/annotate.py", title="Annotate", icon=":material/label:", url_path="annotate"),
    st.Page("pages/embedding_map.py", title="Embedding map", icon=":material/scatter_plot:",
            url_path="embedding_map"),
    st.Page("pages/report.py", title="Report", icon=":material/description:", url_path="report"),
]

page = st.navigation(PAGES)
data_dir_sidebar()
ds = current_dataset()
if ds is not None:
    st.sidebar.caption(f"{ds.n_shots:,} shots · {len(ds.tasks)} tasks · "
                       f"{'memory-mapped' if ds.memory_mapped else 'in memory'} · "
                       f"fingerprint `{ds.fingerprint}`")
    if ds.warnings:
        with st.sidebar.expander(f"{len(ds.warnings)} data warnings", icon=":material/warning:"):
            for w in dict.fromkeys(ds.warnings):
                st.text(str(w))
freeze_before_first_run(page.url_path)  # the collection after each run walks only
page.run()
freeze_after_first_run(page.url_path)  # what is new (components/heap.py)
