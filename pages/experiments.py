"""AP vs labels: the paper's Experiment 1 per task and across tasks, and Experiment 2."""
import streamlit as st

from components import cache
from components.data_source import require_dataset
from components.experiments_compute import compute
from components.export import chart, csv
from components.figures_experiments import ap_vs_labels, share_curves, task_gain_bars
from components.formatting import plain
from components.task_picker import task_picker

st.title("AP versus number of labels")
ds = require_dataset()
one_tab, all_tab = st.tabs(["One task", "All tasks"])

with one_tab:
    task = task_picker(ds, "exp", container=st)
    table = cache.experiment_results(ds, "experiment1", [task])
    if table is None:
        st.info(f"Experiment 1 for **{task}** is not computed yet (or the data changed).")
        if st.button("Compute this task", key="exp_compute_one", icon=":material/play_arrow:"):
            compute(ds, "experiment1", [task])
            st.rerun()
    elif table["ap_mean"].isna().all():
        st.error(f"No result for {task}: {plain(table['reason'].iloc[0])}",
                 icon=":material/error:")
    else:
        for reason in table.loc[table["reason"] != "", "reason"].unique():
            st.warning(plain(reason), icon=":material/warning:")
        chart(ap_vs_labels(table, task), table, key="exp_task")

with all_tab:
    exp1 = cache.experiment_results(ds, "experiment1")
    done = 0 if exp1 is None else exp1["task"].nunique()
    st.caption(f"Experiment 1 is cached for {done} of {len(ds.tasks)} tasks.")
    if done < len(ds.tasks) and st.button("Compute all tasks", key="exp_compute_all",
                                          icon=":material/play_arrow:"):
        compute(ds, "experiment1", ds.tasks, all_cores=True)
        st.rerun()
    tables = None
    if exp1 is not None:
        groups = sorted(exp1["group"].unique())
        chosen = st.multiselect("Groups", groups, default=groups, key="exp_groups")
        tables = cache.experiment_tables(ds, chosen)
    if tables is not None:
        chart(share_curves(tables["enough_data"], "Share of tasks with enough data (Fig 7)",
                           "tasks with a trainable set (%)"), tables["enough_data"],
              key="exp_fig7")
        chart(share_curves(tables["va_beats"], "Share of tasks where VA beats each method (Fig 9)",
                           "tasks where VA has the higher AP (%)"), tables["va_beats"],
              key="exp_fig9")
        st.subheader("Median AP gain of VA over combined, in points (Table 2)")
        table2 = tables["table2"]
        st.dataframe(table2.style.format("{:+.1f}"), width="stretch")
        csv("Table 2 (CSV)", table2, "table2.csv", "exp_table2_csv", index=True)
        chart(task_gain_bars(tables["gains"], tables["gain_n"]), tables["gains"], key="exp_gain")

        st.subheader("Decision processes: lift over the best VA checkpoint (Table 3)")
        if "table3" not in tables:
            st.info("Experiment 2 is not cached: run `python -m dashboard experiment2`.")
        else:
            st.caption(f"Experiment 2 is cached for {tables['exp2_tasks']} of these "
                       f"{tables['exp1_tasks']} tasks.")
            table3 = tables["table3"]
            st.dataframe(table3.style.format("{:+.1f}"), width="stretch")
            csv("Table 3 (CSV)", table3, "table3.csv", "exp_table3_csv", index=True)
            st.dataframe(tables["cumulative"], hide_index=True, width="stretch", column_config={
                "method": "Method", "median_gain": st.column_config.NumberColumn(
                    "Median AP gain over the best baseline, largest n (points)",
                    format="%+.1f")})
