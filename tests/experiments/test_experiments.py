"""Experiment 1 and 2 engines and the summaries across tasks (small generated data)."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from dashboard import DataError, Dataset
from dashboard.experiments import experiment2, summaries, task_fits
from dashboard.experiments.experiment1 import (
    CHECKPOINT,
    COMBINED,
    POSITIVE_RATE,
    RANDOM,
    RANDOM_SCORER,
    VA,
    ZERO_SHOT,
    Exp1Config,
    experiment1,
    random_scorer_ap,
    source_pairs,
    va_rows,
)
from dashboard.experiments.results_cache import ResultsCache
from dashboard.experiments.task_fits import TaskFits
from dashboard.method.evaluation import in_validation

TASK = "zoom"  # 6 checkpoints on the demo data: the cheapest task to fit
# split seed 0 (the paper's is 1): Experiment 2 then shares Experiment 1's split and fits
SMALL2 = experiment2.Exp2Config(max_labels=75, seed=0,
                                policies=("round-robin", "greedy-oracle", "ucb-0.1"))


@pytest.fixture(scope="module")
def trained(ds, monkeypatch_module):
    """Experiment 1 and a short Experiment 2 on one task, recording every training set."""
    seen = []
    real = task_fits.fit_and_score

    def spy(train, val, seed):
        seen.append(train.pos | train.neg)
        return real(train, val, seed)

    monkeypatch_module.setattr(task_fits, "fit_and_score", spy)
    fits = TaskFits(ds, TASK)
    exp1 = experiment1(ds, TASK, fits=fits)
    exp2 = experiment2.experiment2(ds, TASK, SMALL2, fits=fits)
    return fits, exp1, exp2, seen


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def test_validation_keys_never_enter_training(ds, trained):
    fits, _, _, seen = trained
    agg = ds.agg_labeled(TASK)
    val = {k for k, v in zip(agg.keys, in_validation(agg.keys)) if v}
    assert val and fits.val_keys == val
    assert seen and all(keys.isdisjoint(val) for keys in seen)


def test_no_training_set_is_fitted_twice(trained):
    fits, _, _, seen = trained
    assert len(seen) == len(set(map(frozenset, seen))) == fits.fits


def test_experiment1_table_has_every_cell(trained):
    fits, exp1, _, _ = trained
    ns = Exp1Config().ns
    for method in (RANDOM, ZERO_SHOT, COMBINED, VA):
        assert sorted(exp1.loc[exp1.method == method, "n"]) == list(ns)
    assert (exp1.method == CHECKPOINT).sum() == len(fits.checkpoints)
    assert exp1.loc[exp1.method == RANDOM_SCORER, "ap_mean"].iloc[0] == pytest.approx(
        random_scorer_ap(fits.val.y)[0])
    assert exp1.loc[exp1.method == POSITIVE_RATE, "ap_mean"].iloc[0] == fits.val.pos_rate
    assert exp1.ap_mean.notna().all() and (exp1.reason == "").all()


def test_va_never_uses_a_checkpoint_over_n_plus_10(trained):
    _, exp1, _, _ = trained
    checkpoints = exp1[exp1.method == CHECKPOINT]
    for row in exp1[exp1.method == VA].itertuples():
        eligible = checkpoints[checkpoints.n_train <= row.n + 10]
        assert row.n_train <= row.n + 10
        assert row.ap_mean == eligible.ap_mean.max()


def test_va_rows_on_hand_made_checkpoints():
    cps = [{"method": CHECKPOINT, "n": n, "checkpoint": i, "ap_mean": ap, "ap_std": 0.0,
            "n_train": n, "n_pos": 1, "reason": ""}
           for i, (n, ap) in enumerate([(20, 0.5), (36, 0.9), (60, 0.7)])]
    rows = {r["n"]: r for r in va_rows(cps, (5, 25, 50), 10)}
    assert np.isnan(rows[5]["ap_mean"]) and "at most 15 labels" in rows[5]["reason"]
    assert rows[25]["checkpoint"] == 0  # 36 labels > 25 + 10
    assert rows[50]["checkpoint"] == 1  # 60 labels are eligible (60 <= 50 + 10), 36 is better


def test_combined_is_half_random_then_half_zero_shot(trained):
    fits, _, _, _ = trained
    random = fits.without_validation(fits.cmp.random)
    zero_shot = fits.without_validation(fits.cmp.zero_shot)
    assert source_pairs(fits, COMBINED, 25) == random[:12] + zero_shot[:13]
    assert source_pairs(fits, COMBINED, 50) == random[:25] + zero_shot[:25]
    assert source_pairs(fits, RANDOM, 50) == random[:50]


def test_experiment2_grows_by_d_from_the_sources(trained):
    _, _, exp2, _ = trained
    assert set(exp2.policy) == set(SMALL2.policies)
    assert list(exp2.columns) == experiment2.COLUMNS
    rr = exp2[exp2.policy == "round-robin"]
    assert list(rr.step) == [0, 1, 2] and str(exp2.step.dtype) == "Int64"
    assert list(rr.choice) == ["agg", "zero_shot", "random"]
    assert list(rr.n_train) == [25, 50, 75]
    assert exp2.ap_mean.notna().all()


def test_experiment2_is_deterministic(ds, trained):
    _, _, exp2, _ = trained
    again = experiment2.experiment2(ds, TASK, SMALL2)
    pd.testing.assert_frame_equal(exp2, again)


def test_split_without_validation_positive_is_reported(ds):
    table = experiment1(ds, "timelapse")
    assert table.ap_mean.isna().all()
    assert table.reason.str.contains("validation split").all()


def test_one_class_source_is_reported_missing(copy_of_demo):
    cmp_file = copy_of_demo / "cmp" / f"{TASK}.json"
    raw = json.loads(cmp_file.read_text())
    raw["random"] = [{**item, "value": False} for item in raw["random"]]
    cmp_file.write_text(json.dumps(raw))
    cps_file = copy_of_demo / "checkpoints" / f"{TASK}.json"
    cps_file.write_text(json.dumps(json.loads(cps_file.read_text())[:1]))
    table = experiment1(Dataset(copy_of_demo), TASK, Exp1Config(ns=(25,)))
    random = table[table.method == RANDOM].iloc[0]
    assert np.isnan(random.ap_mean) and "one class only" in random.reason
    assert table.loc[table.method == ZERO_SHOT, "ap_mean"].notna().all()


# --- summaries on a hand-made table -------------------------------------------------------
def _hand_made() -> pd.DataFrame:
    """4 tasks, 2 groups; AP of VA and the three sources at n = 25 and 1000."""
    ap = {  # task: {(method, n): ap}
        "a": {(VA, 25): .6, (RANDOM, 25): .5, (ZERO_SHOT, 25): .7, (COMBINED, 25): .4,
              (VA, 1000): .9, (RANDOM, 1000): .8, (ZERO_SHOT, 1000): .7, (COMBINED, 1000): .85},
        "b": {(VA, 25): .5, (RANDOM, 25): np.nan, (ZERO_SHOT, 25): .6, (COMBINED, 25): .3,
              (VA, 1000): .7, (RANDOM, 1000): .6, (ZERO_SHOT, 1000): .5, (COMBINED, 1000): .6},
        "c": {(VA, 25): np.nan, (RANDOM, 25): .2, (ZERO_SHOT, 25): .3, (COMBINED, 25): .25,
              (VA, 1000): .4, (RANDOM, 1000): .5, (ZERO_SHOT, 1000): .3, (COMBINED, 1000): .45},
        "d": {(VA, 25): .8, (RANDOM, 25): .1, (ZERO_SHOT, 25): .2, (COMBINED, 25): .2,
              (VA, 1000): .95, (RANDOM, 1000): .7, (ZERO_SHOT, 1000): .9, (COMBINED, 1000): .75},
    }
    group = {"a": "g1", "b": "g1", "c": "g2", "d": "g2"}
    rows = [{"task": t, "group": group[t], "method": m, "n": float(n), "ap_mean": v}
            for t, cells in ap.items() for (m, n), v in cells.items()]
    rows += [{"task": t, "group": group[t], "method": CHECKPOINT, "n": 30.0, "ap_mean": best}
             for t, best in {"a": .9, "b": .7, "c": .4, "d": .95}.items()]
    return pd.DataFrame(rows)


def test_enough_data_shares():
    shares = summaries.enough_data(_hand_made()).set_index(["method", "n"])["share"]
    assert shares[(VA, 25)] == 0.75 and shares[(RANDOM, 25)] == 0.75
    assert shares[(ZERO_SHOT, 25)] == 1.0 and shares[(VA, 1000)] == 1.0


def test_va_beats_shares():
    beats = summaries.va_beats(_hand_made()).set_index(["method", "n"])
    # n=25 vs random: tasks with both = a, d; VA wins both
    assert beats.loc[(RANDOM, 25), "share"] == 1.0 and beats.loc[(RANDOM, 25), "tasks"] == 2
    # n=25 vs zero-shot: a (.6<.7), b (.5<.6), d (.8>.2) -> 1/3
    assert beats.loc[(ZERO_SHOT, 25), "share"] == pytest.approx(1 / 3)
    # n=1000 vs combined: a .9>.85, b .7>.6, c .4<.45, d .95>.75 -> 3/4
    assert beats.loc[(COMBINED, 1000), "share"] == 0.75


def test_median_gain_table():
    table = summaries.median_gain_table(_hand_made())
    # gains over combined at 1000: a +5, b +10, c -5, d +20 (points)
    assert table.loc["g1", 1000] == pytest.approx(7.5)
    assert table.loc["g2", 1000] == pytest.approx(7.5)
    assert table.loc["all", 1000] == pytest.approx(7.5)
    # at 25: a +20, b +20, c missing, d +60 -> all: median 20, g2: 60
    assert table.loc["all", 25] == pytest.approx(20)
    assert table.loc["g2", 25] == pytest.approx(60)


def test_figures_have_titles_axes_and_hover(trained):
    from dashboard.figures.experiments import (
        ap_vs_labels,
        share_curves,
        task_gain_bars,
    )

    _, exp1, _, _ = trained
    figs = [ap_vs_labels(exp1, TASK),
            share_curves(summaries.enough_data(_hand_made()), "Fig 7", "tasks (%)"),
            task_gain_bars(summaries.task_gains(_hand_made()).query("n == 1000"), 1000)]
    for fig in figs:
        assert fig.layout.title.text and fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
        assert any(t.hovertemplate for t in fig.data)
    curve = figs[0]
    assert curve.layout.xaxis.type == "log"
    assert {t.name for t in curve.data if t.name} == {"random", "zero-shot", "combined",
                                                      "Video Annotator checkpoints"}
    assert len(curve.layout.shapes) == 3  # zero-shot scorer, random scorer, positive rate
    notes = {a.text.rsplit(" ", 1)[0] for a in curve.layout.annotations}
    assert notes == {"zero-shot scorer AP", "random scorer AP", "positive rate"}


def test_checkpoints_are_numbered_from_one_as_on_the_checkpoints_page(trained, ds):
    _, exp1, _, _ = trained
    numbers = exp1[exp1.method == CHECKPOINT]["checkpoint"].tolist()
    assert numbers == list(range(1, len(ds.checkpoints(TASK)) + 1))


def test_checkpoint_too_small_for_cv_is_a_reason_in_experiment1(tiny_first_checkpoint):
    folder, task = tiny_first_checkpoint
    table = experiment1(Dataset(folder), task, Exp1Config(ns=(25,)))
    rows = table[table.method == CHECKPOINT]
    assert rows.reason.tolist() == [
        "too few labels for 5-fold cross-validation (3 positive, 1 negative)", ""]
    assert rows.ap_mean.isna().tolist() == [True, False]


@pytest.mark.parametrize("name", ["../../x", "a/b", ".."])
def test_unsafe_task_name_never_becomes_a_results_path(tmp_path, name):
    cache = ResultsCache("exp1", "fp", Exp1Config(), root=tmp_path / "cache")
    for use in (cache.load, lambda t: cache.save(t, pd.DataFrame({"a": [1]})),
                lambda t: cache.missing([t])):
        with pytest.raises(DataError, match="not a safe file name"):
            use(name)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
