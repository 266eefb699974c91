"""Train & tune: fit a classifier on a chosen source and see its quality at once."""
import functools

import streamlit as st

from components import cache
from components.data_source import require_dataset
from components.export import chart, download
from components.formatting import number, plain
from components.model_controls import model_controls
from components.task_picker import task_picker
from components.views import lazy_tabs
from dashboard.figures import train as figs
from dashboard.figures.theme import task_label
from dashboard.live import model_io, quality

st.title("Train & tune")
st.markdown("A classifier trained on the label source and model chosen in the sidebar, measured "
            "at once on the task's agg validation split: its average precision against the "
            "reference levels (higher is better), then the charts and the counts at a threshold.")
ds = require_dataset()
task = task_picker(ds, "train")
source, spec = model_controls(ds, task)

with st.spinner(f"Training {spec.describe()} on {source.describe()}…"):
    run = cache.train_run(ds, ds.version(task), task, source, spec)
if run.training is not None:
    st.caption(f"**{task_label(task)}** · {source.describe()} · {spec.describe()} · "
               f"{run.training.removed:,} validation keys removed from the source")
if not run.ok:
    st.warning(plain(f"No model for this choice: {run.reason}"), icon=":material/warning:")
    st.stop()

q, model = run.quality, run.model


def ap_metric(col, label: str, ap, help: str) -> None:
    """AP mean as the value and ± std under it ("—" when undefined)."""
    ok = ap is not None and ap.values
    col.metric(label, f"{ap.mean:.3f}" if ok else "—", f"± {ap.std:.3f}" if ok else None,
               delta_color="off", delta_arrow="off", help=help)


cols = st.columns([1, 1, 1.3, 1, 1, 1, 1])  # "Random scorer AP" whole at 1400 px
ap_metric(cols[0], "Model AP", q.ap, "The paper's model quality score: average precision on "
          "the agg validation split, mean ± std over 5 bootstrap resamples")
cols[1].metric("Positive rate", number(q.no_skill.positive_rate, "{:.3f}"),
               help=f"Share of positives in validation ({q.n_val_pos} of {q.n_val}): the "
                    "precision of calling every shot positive")
cols[2].metric("Random scorer AP", number(q.no_skill.random_scorer, "{:.3f}"),
               help="Mean AP of 1,000 random scorers on validation (the positive rate from "
                    "1,000 keys): the paper's baseline, as on the AP vs labels page")
ap_metric(cols[3], "Zero-shot AP", q.zero_shot, "Cosine similarity to the task's text "
          "embedding, on the same validation split")
if run.ave_problem:
    cols[4].metric("AVE AP", "—", help="The task's AVE set cannot be used (see the message)")
elif q.ave is None:
    cols[4].metric("AVE AP", "n/a", help="Only the 19 AVE shot-type tasks have an AVE set")
else:
    ap_metric(cols[4], "AVE AP", q.ave, "AP on the task's AVE validation set")
cols[5].metric("Data diversity", number(run.data_score), help="The paper's data diversity "
               "score of the training set: 1.0 when every cluster holds ≥ 10 of each class")
cols[6].metric("Training labels", f"{model.n_train:,}", f"{model.n_pos:,} positive",
               delta_color="off", delta_arrow="off",
               help=f"C = {model.C:.3g}" if model.C else None)

if run.ave_problem:
    st.warning(plain(f"No AVE AP: {run.ave_problem}"), icon=":material/warning:")

threshold = st.slider("Threshold (a shot is called positive at score ≥ threshold)", 0.0, 1.0,
                      0.5, 0.01, key="train_threshold")
m = quality.at_threshold(run.val_y, run.val_scores, threshold)
cols = st.columns([1, 1, 1, 3])
cols[0].metric("Precision", number(m.precision, "{:.3f}"))
cols[1].metric("Recall", number(m.recall, "{:.3f}"))
cols[2].metric("F1", number(m.f1, "{:.3f}"))
cols[3].dataframe(m.confusion(), width="stretch")



def pr_view() -> None:
    pr = quality.pr_curve(run.val_y, run.val_scores)
    zs_pr = (None if run.zero_shot_scores is None
             else quality.pr_curve(run.val_y, run.zero_shot_scores))
    chart(figs.pr_figure(pr, q.ap.mean, q.no_skill.positive_rate, threshold,
                         (m.recall, m.precision), zs_pr),
          pr, name=f"{task}-pr-curve", key="train_pr")


def scores_view() -> None:
    scores = quality.score_table(run.val_y, run.val_scores)
    chart(figs.score_histogram_figure(scores, threshold), scores,
          name=f"{task}-validation-scores", key="train_hist")


def roc_view() -> None:
    roc = quality.roc_curve(run.val_y, run.val_scores)
    chart(figs.roc_figure(roc, m), roc, name=f"{task}-roc-curve", key="train_roc")


def calibration_view() -> None:
    cal = quality.calibration(run.val_y, run.val_scores)
    chart(figs.calibration_figure(cal), cal, name=f"{task}-calibration", key="train_cal")


def cv_view() -> None:
    if model.cv_scores is None:
        st.caption("Only the paper's LR-CV chooses C by cross-validation.")
        return
    curve = quality.cv_curve(model.cv_scores)
    chart(figs.cv_figure(curve, model.C), curve, name=f"{task}-cv-of-C", key="train_cv")


lazy_tabs({"Precision–recall": pr_view, "Score distribution": scores_view, "ROC": roc_view,
           "Calibration": calibration_view, "CV of C": cv_view}, key="train_view")

st.subheader("Export the model")
card = model_io.card(model, task, source.describe(), ds.fingerprint, q.ap.mean, q.ap.std,
                     q.n_val)
cols = st.columns([1, 1, 3])
# the files are written only when a button is clicked: a rerun does not serialise the model
download("Model (skops)", functools.partial(model_io.dump, model.estimator),
         f"{task}-{spec.kind}.skops", "application/octet-stream", "train_dl_model", cols[0])
download("Card (JSON)", functools.partial(model_io.card_json, card), f"{task}-{spec.kind}.json",
         "application/json", "train_dl_card", cols[1])
cols[2].caption("A scikit-learn estimator in skops format (no pickle). Load it with "
                "`dashboard.live.model_io.load(data)`, which accepts only trusted types.")
