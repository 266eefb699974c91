"""Report: one self-contained HTML file of the chosen tasks and sections, previewed here and
downloaded (or printed to PDF) for people who will not run the dashboard."""
import functools

import streamlit as st

from components import cache
from components.data_source import require_dataset
from components.experiments_compute import compute
from components.export import download
from dashboard.figures.theme import group_label, task_label
from dashboard.report import SECTIONS, build_report, pdf, to_html

# each experiment, its name and the sections that read its results
EXPERIMENTS = {"experiment1": ("Experiment 1", ("checkpoints", "ap-vs-labels", "experiment2",
                                                "model")),
               "experiment2": ("Experiment 2", ("experiment2",))}

st.title("Report")
st.caption("One HTML file for people who will not run the dashboard: each chart with a "
           "sentence that states what it shows in numbers, tables as tables, nothing fetched "
           "when it opens. Pick the tasks and sections, build, check the preview, download.")
ds = require_dataset()

scope = st.segmented_control("Tasks", ["All tasks", "A group", "One task"], default="All tasks",
                             key="report_scope") or "All tasks"
if scope == "A group":
    group = st.selectbox("Group", list(dict.fromkeys(ds.group(t) for t in ds.tasks)),
                         format_func=group_label, key="report_group")
    tasks = [t for t in ds.tasks if ds.group(t) == group]
elif scope == "One task":
    tasks = [st.selectbox("Task", ds.tasks, format_func=task_label, key="report_task")]
else:
    tasks = list(ds.tasks)
sections = st.multiselect("Sections", list(SECTIONS), default=list(SECTIONS),
                          format_func=lambda k: SECTIONS[k][0], key="report_sections")

for experiment, (label, readers) in EXPERIMENTS.items():
    if not set(readers) & set(sections):
        continue
    cached = cache.experiment_results(ds, experiment, tasks)  # read again only when it changed
    done = set() if cached is None else set(cached["task"])
    missing = [t for t in tasks if t not in done]
    if missing:
        st.info(f"{label} is not computed for "
                f"{len(missing)} of these {len(tasks)} tasks; without it the report says what "
                "is missing.", icon=":material/info:")
        if st.button(f"Compute {label} for {len(missing)} tasks", key=f"report_{experiment}",
                     icon=":material/play_arrow:"):
            compute(ds, experiment, missing, all_cores=True)
            st.rerun()

wanted = (ds.fingerprint, tuple(tasks), tuple(sections))
if st.button("Build the report", type="primary", disabled=not sections, key="report_build",
             icon=":material/description:"):
    with st.spinner(f"Building the report of {len(tasks)} tasks…"):
        st.session_state["report_html"] = (wanted, to_html(build_report(ds, tasks, sections)))
built = st.session_state.get("report_html")
if built and built[0] == wanted:
    html = built[1]
    name = f"video-annotator-report-{ds.root.name}"
    row = st.container(horizontal=True)
    row.download_button("Report (HTML)", html, file_name=f"{name}.html", mime="text/html",
                        icon=":material/download:", on_click="ignore", key="report_download")
    if pdf.chromium():
        download("Report (PDF, printed by Chromium)", functools.partial(pdf.html_to_pdf, html),
                 f"{name}.pdf", "application/pdf", "report_pdf", row)
    st.caption(f"{len(html) / 1e6:.1f} MB · preview:")
    st.iframe(html, height=900)
elif built:
    st.caption("The choice changed since the last build: build again for its preview.")
