"""AP vs labels: the paper's Experiment 1 per task and across tasks, Experiment 2, and which
feeds of the loop help (beyond the paper)."""
import streamlit as st

from components import cache
from components.data_source import require_dataset
from components.experiments_compute import compute, compute_button
from components.export import chart, csv
from components.formatting import plain
from components.task_picker import task_picker
from components.views import lazy_tabs
from dashboard.annotate.study import STUDY, median_ap
from dashboard.experiments.experiment2 import best_checkpoint_ap
from dashboard.experiments.summaries import HEADLINE_PROCESS
from dashboard.figures.experiments import (
    ap_vs_labels,
    feed_study_medians,
    feed_study_task,
    lift_bars,
    policy_curves,
    share_curves,
    task_gain_bars,
)
from dashboard.figures.theme import group_label, task_label

st.title("AP versus number of labels")
st.markdown("How the average precision of a task's classifier grows with the number of "
            "training labels, for Video Annotator against the random, zero-shot and combined "
            "baselines (the paper's Experiments 1 and 2): higher and further left is better.")
ds = require_dataset()


def task_results(experiment: str, task: str, result_column: str, button: str, missing: str,
                 key: str):
    """The task's cached results, or None after offering to compute them (not computed) or
    saying why there are none (every row failed, its reason shown)."""
    table = cache.experiment_results(ds, experiment, [task])
    if table is None:
        st.info(missing)
        compute_button(button, key, lambda: compute(ds, experiment, [task]))
    elif table[result_column].isna().all():
        st.error(f"No result for {task}: {plain(table['reason'].iloc[0])}",
                 icon=":material/error:")
    else:
        return table
    return None


def one_task() -> None:
    """The chosen task's Experiment 1 and 2 curves."""
    task = task_picker(ds, "exp", container=st)
    table = task_results("experiment1", task, "ap_mean", "Compute this task",
                         f"Experiment 1 for **{task_label(task)}** is not computed yet (or "
                         "the data changed).", "exp_compute_one")
    if table is not None:
        for reason in table.loc[table["reason"] != "", "reason"].unique():
            st.warning(plain(reason), icon=":material/warning:")
        chart(ap_vs_labels(table, task), table, key="exp_task")

    st.subheader("Decision processes (Experiment 2)")
    steps = task_results("experiment2", task, "step", "Compute Experiment 2 for this task",
                         f"Experiment 2 for **{task_label(task)}** is not computed yet: seven "
                         "policies of 40 steps of 25 labels (about a minute per task).",
                         "exp2_compute_one")
    if steps is not None:
        va_best = None if table is None else best_checkpoint_ap(table).get(task)
        chart(policy_curves(steps, task, va_best), steps, key="exp2_task")
        st.caption("Each marker is a step of 25 labels; its shape is the source the step took. "
                   "Hover a marker for the step's notes (keys left out because the training "
                   "set holds them with the other label, sources found exhausted).")


def all_tasks() -> None:
    """The paper's figures and tables over every computed task."""
    exp1 = cache.experiment_results(ds, "experiment1")
    done = 0 if exp1 is None else exp1["task"].nunique()
    st.caption(f"Experiment 1 is cached for {done} of {len(ds.tasks)} tasks.")
    if done < len(ds.tasks):
        compute_button("Compute Experiment 1 for all tasks", "exp_compute_all",
                       lambda: compute(ds, "experiment1", ds.tasks, all_cores=True))
    tables = None
    if exp1 is not None:
        groups = sorted(exp1["group"].unique())
        if (st.session_state.get("_exp_groups_offered") != groups  # more computed, or
                or "exp_groups" not in st.session_state):  # a new visit: every group
            st.session_state["exp_groups"] = st.session_state["_exp_groups_offered"] = groups
        chosen = st.multiselect("Groups", groups, format_func=group_label, key="exp_groups")
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
        st.dataframe(table2.rename(index=group_label, columns="n = {:,}".format)
                     .style.format("{:+.1f}"), width="stretch")
        csv("Table 2 (CSV)", table2, "table2.csv", "exp_table2_csv", index=True)
        chart(task_gain_bars(tables["gains"], tables["gain_n"]), tables["gains"], key="exp_gain")

    st.subheader("Decision processes: lift over the best VA checkpoint (Table 3)")
    exp2 = cache.experiment_results(ds, "experiment2")
    done2 = 0 if exp2 is None else exp2["task"].nunique()
    st.caption(f"Experiment 2 (the authors' seven policies) is cached for {done2} of "
               f"{len(ds.tasks)} tasks; also `python -m dashboard experiment2`.")
    if done2 < len(ds.tasks):
        compute_button("Compute Experiment 2 for all tasks", "exp2_compute_all",
                       lambda: compute(ds, "experiment2", ds.tasks, all_cores=True))
    if tables is not None and "table3" in tables:
        st.caption(f"Over the {tables['exp2_tasks']} of these {tables['exp1_tasks']} tasks with "
                   "both experiments. Per task, the best AP of a process over its steps minus "
                   "Video Annotator's best checkpoint AP; epsilon-greedy at ε = 0.25, UCB the "
                   "better of its two values of c (the authors' grouping).")
        table3 = tables["table3"]
        st.dataframe(table3, width="stretch", column_config={
            **{c: st.column_config.NumberColumn(c, format="%+.1f")
               for c in table3.columns if c != "tasks"},
            "tasks": st.column_config.NumberColumn("tasks", format="%d")})
        csv("Table 3 (CSV)", table3, "table3.csv", "exp_table3_csv", index=True)
        st.dataframe(tables["cumulative"], hide_index=True, width="stretch", column_config={
            "method": "Method", "median_gain": st.column_config.NumberColumn(
                "Median AP gain: VA over combined at the largest n, plus the lift (points)",
                format="%+.1f"), "tasks": st.column_config.NumberColumn("Tasks", format="%d")})
        if HEADLINE_PROCESS in tables["lifts"]:
            chart(lift_bars(tables["lifts"], HEADLINE_PROCESS), tables["lifts"].reset_index(),
                  key="exp2_lifts")
    elif exp2 is not None:
        st.info("Table 3 compares with Experiment 1: compute it for the same tasks above.")


def feeds() -> None:
    """The feed study: median AP per strategy, then one task's curves."""
    st.caption("Beyond the paper: the labeling loop simulated on each task's known labels (the "
               "shots outside the validation split) with each strategy, up to 1,000 labels in "
               "batches of 25; the AP is the loop model's (logistic regression at C = 1) on the "
               "agg validation split. Also `python -m dashboard simulate --study`.")
    study = cache.experiment_results(ds, STUDY)
    done3 = 0 if study is None else study["task"].nunique()
    st.caption(f"The feed study is cached for {done3} of {len(ds.tasks)} tasks.")
    if done3 < len(ds.tasks):
        compute_button("Compute the feed study for all tasks", "feeds_compute_all",
                       lambda: compute(ds, STUDY, ds.tasks, all_cores=True))
    if study is not None:
        medians = median_ap(study)
        chart(feed_study_medians(medians), medians, key="feeds_medians")
    shown = st.query_params.get("task")  # the task of the other tabs, as the URL holds it
    feeds_task = st.selectbox("Task", ds.tasks,
                              index=ds.tasks.index(shown) if shown in ds.tasks else 0,
                              format_func=task_label, key="feeds_task")
    rows = task_results(STUDY, feeds_task, "ap_mean", "Compute the feed study for this task",
                        f"The feed study of **{task_label(feeds_task)}** is not computed yet: "
                        "seven strategies of up to 40 batches.", "feeds_compute_one")
    if rows is not None:
        chart(feed_study_task(rows, feeds_task), rows, key="feeds_task_chart")


lazy_tabs({"One task": one_task, "All tasks": all_tasks, "Which feeds help": feeds},
          key="exp_view")
