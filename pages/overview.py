"""Overview: the dataset in figures and the table of its tasks."""
import streamlit as st

from components import cache, figures_views
from components.data_source import require_dataset
from components.export import chart
from components.links import browse_url

st.title("Video Annotator dataset")
ds = require_dataset()
tasks = cache.task_table(ds, ds.fingerprint)
summary = cache.dataset_summary(ds, ds.fingerprint)

cols = st.columns(7)
cols[0].metric("Shots", f"{summary['shots']:,}")
cols[1].metric("Tasks", summary["tasks"])
cols[2].metric("Agg labels", f"{summary['agg_labels']:,}")
cols[3].metric("All labels", f"{summary['all_labels']:,}", help="agg + cmp random + cmp zero-shot")
cols[4].metric("Unique labeled shots", f"{summary['unique_labeled_shots']:,}")
cols[5].metric("Mean agreement", f"{summary['mean_agreement']:.1%}",
               help="Share of a task's shots on which all three annotators agree, averaged over tasks")
cols[6].metric("Mean positive rate", f"{summary['mean_pos_rate']:.1%}")

broken = tasks[tasks["error"] != ""]
for message in broken["error"]:
    st.error(message, icon=":material/error:")

st.subheader("Tasks")
st.caption("Sort by clicking a column header; *Browse* opens the task's shots.")
picked = st.pills("Groups", list(dict.fromkeys(tasks["group"])), selection_mode="multi",
                  key="overview_groups", help="Show only these groups (none: all)")
table = tasks.drop(columns="error" if broken.empty else [])
table.insert(1, "browse", tasks["task"].map(browse_url))
st.dataframe(
    table[table["group"].isin(picked)] if picked else table, hide_index=True, width="stretch",
    height=560,
    column_config={
        "task": "Task", "group": "Group",
        "browse": st.column_config.LinkColumn("Browse", display_text="Open ↗"),
        "agg": st.column_config.NumberColumn("Agg labels"),
        "positives": "Positives",
        "pos_rate": st.column_config.ProgressColumn("Positive rate", format="percent",
                                                    min_value=0, max_value=1),
        "agreement": st.column_config.ProgressColumn("Agreement", format="percent",
                                                     min_value=0, max_value=1),
        "data_score": st.column_config.NumberColumn("Data score", format="%.2f",
                                                    help="The paper's data diversity score"),
        "checkpoints": "Checkpoints", "cmp_random": "Random", "cmp_zero_shot": "Zero-shot",
        "ave": "AVE", "error": "Error",
    },
)
st.download_button("Download the task table (CSV)", tasks.to_csv(index=False),
                   file_name="tasks.csv", mime="text/csv", icon=":material/download:")

st.subheader("Groups")
groups = cache.group_summary(ds, ds.fingerprint)
st.dataframe(groups, hide_index=True, width="stretch", column_config={
    "group": "Group", "tasks": "Tasks",
    "agg": st.column_config.NumberColumn("Mean agg labels", format="%.0f"),
    "positives": st.column_config.NumberColumn("Mean positives", format="%.0f"),
    "pos_rate": st.column_config.NumberColumn("Mean positive rate", format="percent"),
    "agreement": st.column_config.NumberColumn("Mean agreement", format="percent"),
    "data_score": st.column_config.NumberColumn("Mean data score", format="%.2f"),
    "checkpoints": st.column_config.NumberColumn("Mean checkpoints", format="%.1f"),
})

METRICS = {"agg": "Agg labels (count)", "positives": "Positives (count)",
           "pos_rate": "Positive rate (% of agg labels)", "agreement": "Agreement (% of shots)",
           "data_score": "Data diversity score (0 to 1)"}
metric = st.segmented_control("Distribution of", list(METRICS), default="pos_rate",
                              format_func=lambda c: METRICS[c].split(" (")[0],
                              key="overview_metric") or "pos_rate"
ok = tasks[tasks["error"] == ""]
chart(figures_views.group_distribution(ok, metric, METRICS[metric]),
      ok[["task", "group", metric]], key="overview_distribution")
