"""Overview: the dataset in figures, the table of its tasks and, in their own tab, the groups."""
import streamlit as st

from components import cache
from components.data_source import require_dataset
from components.export import chart
from components.formatting import PERCENT, plain, styled
from components.links import browse_url
from components.views import lazy_tabs
from dashboard.figures import views as figures_views
from dashboard.figures.theme import group_label, task_label

st.title("Video Annotator dataset")
st.markdown("The dataset in figures, then one row per task (click a header to sort, *Open* for "
            "its shots); *Groups* compares the groups and shows how a task figure spreads "
            "within each, one point per task.")
ds = require_dataset()
tasks = cache.task_table(ds, ds.version())
summary = cache.dataset_summary(ds, ds.version())

row = st.container(horizontal=True, gap="medium")  # metrics as wide as their labels: no "…"
for label, value, about in (
        ("Shots", f"{summary['shots']:,}", None),
        ("Tasks", f"{summary['tasks']:,}", None),
        ("Agg labels", f"{summary['agg_labels']:,}", "The three annotators' labels (majority)"),
        ("All labels", f"{summary['all_labels']:,}", "agg + cmp random + cmp zero-shot"),
        ("Labeled shots", f"{summary['unique_labeled_shots']:,}",
         "Shots with at least one label, counted once"),
        ("Mean agreement", PERCENT.format(summary["mean_agreement"]),
         "Share of a task's shots on which all three annotators agree, averaged over tasks"),
        ("Mean positive rate", PERCENT.format(summary["mean_pos_rate"]),
         "Share of a task's agg labels that are positive, averaged over tasks")):
    row.metric(label, value, help=about, width="content")

broken = tasks[tasks["error"] != ""]
for message in broken["error"]:
    st.error(plain(message), icon=":material/error:")

METRICS = {"agg": "Agg labels (count)", "positives": "Positives (count)",
           "pos_rate": "Positive rate (% of agg labels)", "agreement": "Agreement (% of shots)",
           "data_score": "Data diversity score (0 to 1)"}


def tasks_view() -> None:
    """One row per task, filtered by group, with its Browse link and the CSV."""
    st.caption("The cmp random, cmp zero-shot and AVE label counts are in the CSV.")
    picked = st.pills("Groups", list(dict.fromkeys(tasks["group"])), selection_mode="multi",
                      format_func=group_label, key="overview_groups",
                      help="Show only these groups (none: all)")
    table = tasks.assign(task=tasks["task"].map(task_label),
                         group=tasks["group"].map(group_label))
    table.insert(1, "browse", tasks["task"].map(browse_url))
    st.dataframe(
        styled(table[tasks["group"].isin(picked)] if picked else table,
               percent=("pos_rate", "agreement"), count=("agg", "positives"),
               decimals={"data_score": 2}),
        hide_index=True, width="stretch", height=560,
        column_order=["task", "browse", "group", "agg", "positives", "pos_rate", "agreement",
                      "data_score", "checkpoints", *([] if broken.empty else ["error"])],
        column_config={
            "task": "Task", "group": "Group",
            "browse": st.column_config.LinkColumn("Shots", display_text="Open ↗"),
            "agg": "Agg labels", "positives": "Positives", "pos_rate": "Positive rate",
            "agreement": st.column_config.Column("Agreement", help="Share of shots on which all "
                                                 "annotators agree (the paper's agreement)"),
            "data_score": st.column_config.Column("Data score",
                                                  help="The paper's data diversity score"),
            "checkpoints": "Checkpoints", "error": "Error",
        },
    )
    st.download_button("Download the task table (CSV)", tasks.to_csv(index=False),
                       file_name="tasks.csv", mime="text/csv", icon=":material/download:")


def groups_view() -> None:
    """Group means, and how one task figure spreads within each group."""
    groups = cache.group_summary(ds, ds.version())
    st.dataframe(styled(groups.assign(group=groups["group"].map(group_label)),
                        percent=("pos_rate", "agreement"), count=("agg", "positives"),
                        decimals={"data_score": 2, "checkpoints": 1}),
                 hide_index=True, width="stretch", column_config={
                     "group": "Group", "tasks": "Tasks", "agg": "Mean agg labels",
                     "positives": "Mean positives", "pos_rate": "Mean positive rate",
                     "agreement": "Mean agreement", "data_score": "Mean data score",
                     "checkpoints": "Mean checkpoints"})

    metric = st.segmented_control("Distribution of", list(METRICS), default="pos_rate",
                                  format_func=lambda c: METRICS[c].split(" (")[0],
                                  key="overview_metric") or "pos_rate"
    ok = tasks[tasks["error"] == ""]
    chart(figures_views.group_distribution(ok, metric, METRICS[metric]),
          ok[["task", "group", metric]], key="overview_distribution")


lazy_tabs({"Tasks": tasks_view, "Groups": groups_view}, key="overview_view")
