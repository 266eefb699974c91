"""AP vs labels: the paper's Experiment 1 per task and across tasks, and Experiment 2."""
import streamlit as st

from components.data_source import require_dataset
from components.experiments_compute import compute
from components.export import chart
from components.figures_experiments import ap_vs_labels, share_curves, task_gain_bars
from components.task_picker import task_picker
from dashboard import exp_summary
from dashboard.experiment_runner import cached

st.title("AP versus number of labels")
ds = require_dataset()
one_tab, all_tab = st.tabs(["One task", "All tasks"])

with one_tab:
    task = task_picker(ds, "exp", container=st)
    table = cached(ds, "experiment1", [task])
    if table is None:
        st.info(f"Experiment 1 for **{task}** is not computed yet (or the data changed).")
        if st.button("Compute this task", key="exp_compute_one", icon=":material/play_arrow:"):
            compute(ds, "experiment1", [task])
            st.rerun()
    elif table["ap_mean"].isna().all():
        st.error(f"No result for {task}: {table['reason'].iloc[0]}", icon=":material/error:")
    else:
        for reason in table.loc[table["reason"] != "", "reason"].unique():
            st.warning(reason, icon=":material/warning:")
        chart(ap_vs_labels(table, task), table, key="exp_task")

with all_tab:
    exp1 = cached(ds, "experiment1")
    done = 0 if exp1 is None else exp1["task"].nunique()
    st.caption(f"Experiment 1 is cached for {done} of {len(ds.tasks)} tasks.")
    if done < len(ds.tasks) and st.button("Compute all tasks", key="exp_compute_all",
                                          icon=":material/play_arrow:"):
        compute(ds, "experiment1", ds.tasks, all_cores=True)
        st.rerun()
    if exp1 is not None:
        groups = sorted(exp1["group"].unique())
        chosen = st.multiselect("Groups", groups, default=groups, key="exp_groups")
        exp1 = exp1[exp1["group"].isin(chosen)]
    if exp1 is not None and not exp1.empty:
        shares = exp_summary.enough_data(exp1)
        chart(share_curves(shares, "Share of tasks with enough data (Fig 7)",
                           "tasks with a trainable set (%)"), shares, key="exp_fig7")
        beats = exp_summary.va_beats(exp1)
        chart(share_curves(beats, "Share of tasks where VA beats each method (Fig 9)",
                           "tasks where VA has the higher AP (%)"), beats, key="exp_fig9")
        st.subheader("Median AP gain of VA over combined, in points (Table 2)")
        table2 = exp_summary.median_gain_table(exp1)
        st.dataframe(table2.style.format("{:+.1f}"), width="stretch")
        st.download_button("Table 2 (CSV)", table2.to_csv(), file_name="table2.csv",
                           mime="text/csv", key="exp_table2_csv", icon=":material/download:")
        gains = exp_summary.task_gains(exp1)
        n = int(gains["n"].max())
        chart(task_gain_bars(gains[gains["n"] == n], n), gains[gains["n"] == n], key="exp_gain")

        st.subheader("Decision processes: lift over the best VA checkpoint (Table 3)")
        exp2 = cached(ds, "experiment2", sorted(exp1["task"].unique()))
        if exp2 is None:
            st.info("Experiment 2 is not cached: run `python -m dashboard experiment2`.")
        else:
            st.caption(f"Experiment 2 is cached for {exp2['task'].nunique()} of these "
                       f"{exp1['task'].nunique()} tasks.")
            table3 = exp_summary.lift_percentiles(exp2, exp1)
            st.dataframe(table3.style.format("{:+.1f}"), width="stretch")
            st.download_button("Table 3 (CSV)", table3.to_csv(), file_name="table3.csv",
                               mime="text/csv", key="exp_table3_csv", icon=":material/download:")
            st.dataframe(exp_summary.cumulative_gain(exp2, exp1), hide_index=True,
                         width="stretch", column_config={
                             "method": "Method", "median_gain": st.column_config.NumberColumn(
                                 "Median AP gain over the best baseline, largest n (points)",
                                 format="%+.1f")})
