"""The loop run unattended with a simulated annotator, and its command line."""
from __future__ import annotations

import json
import shutil

import mmh3
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score

from dashboard import cli
from dashboard.annotate import simulate as sim
from dashboard.annotate.simulate import Plan, known_labels, simulate
from dashboard.annotate.store import default_url, open_store
from dashboard.dataset.folder import Dataset

TASK = "zoom"
PLAN = Plan(budget=100, batch=25, seed=3)


def _store(path):
    return open_store(default_url(path))


def _in_validation(key: str) -> bool:
    """The paper's rule, written out: bucket 0 of 5 of the signed mmh3 hash, seed 0."""
    return mmh3.hash(key, 0) % 5 == 0


@pytest.fixture(scope="module")
def run(ds, tmp_path_factory):
    """One simulation of zoom (budget 100, batches of 25, seed 3) into its own store."""
    store = _store(tmp_path_factory.mktemp("sim-a"))
    reports = []
    table = simulate(ds, store, TASK, PLAN, report=reports.append)
    yield store, table, reports
    store.close()


# ---- one run ------------------------------------------------------------------------------------

def test_batches_and_columns(run):
    store, table, reports = run
    assert list(table.columns) == sim.COLUMNS == [
        "batch", "feed", "labels", "positives", "negatives", "ap_mean", "ap_std",
        "quality_mean", "data_score", "seconds"]
    assert table["batch"].tolist() == [1, 2, 3, 4]
    assert table["labels"].tolist() == [25, 50, 75, 100]
    assert (table["positives"] + table["negatives"]).tolist() == [25, 50, 75, 100]
    assert [r["labels"] for r in reports] == [25, 50, 75, 100]  # report after each batch
    assert pd.DataFrame(reports, columns=sim.COLUMNS)["feed"].tolist() == table["feed"].tolist()
    assert (table["seconds"] > 0).all()
    info = store.task(TASK)
    assert info["primary"] == sim.ANNOTATOR and info["description"] == f"simulated from {TASK}"


def test_feeds_take_turns_after_the_first_model(run):
    _, table, _ = run
    # zoom has a text embedding: zero-shot search until a model can be trained (one label of
    # each class), then the feeds in the plan's order
    assert table["feed"].iloc[0] == "search"
    expected, turn = [], 0
    trained = False
    for _, row in table.iterrows():
        if trained:
            expected.append(PLAN.feeds[turn % len(PLAN.feeds)])
            turn += 1
        else:
            expected.append("search")
        trained = trained or (row["positives"] > 0 and row["negatives"] > 0)
    assert table["feed"].tolist() == expected


def test_events_match_the_batches(run):
    store, table, _ = run
    events = store.events(TASK)
    assert len(events) == 100 and events["key"].is_unique
    assert events["action"].nunique() == 4
    assert events.groupby("action", sort=True).size().tolist() == [25, 25, 25, 25]
    feeds_per_action = events.groupby("action", sort=True)["feed"].agg(lambda s: set(s))
    assert [f for (f,) in map(tuple, feeds_per_action)] == table["feed"].tolist()
    assert set(events["annotator"]) == {sim.ANNOTATOR}
    assert set(events["session"]) == {"simulate-3"}
    # the shots of batch b were ranked by the model of the checkpoint after batch b - 1
    versions = events.groupby("action", sort=True)["model_version"].first().tolist()
    assert pd.isna(versions[0])
    cps = store.checkpoints(TASK)
    assert [int(v) for v in versions[1:]] == [c["seq"] for c in cps[:3]]
    assert len(cps) == 4  # every batch changed the labels and could be trained


def test_labels_are_the_known_labels_outside_validation(ds, run):
    store, _, _ = run
    known = known_labels(ds, TASK)
    labels = store.labels(TASK)
    assert len(labels) == 100
    for key, label in zip(labels["key"], labels["label"]):
        assert known[key] == bool(label), key
    agg = ds.agg_labeled(TASK)
    agg_keys = agg.pos | agg.neg
    val = {k for k in agg_keys if _in_validation(k)}
    assert val, "the demo task has a validation split"
    assert not set(labels["key"]) & val
    # known labels: agg wins wherever it has the key
    assert all(known[k] for k in agg.pos) and not any(known[k] for k in agg.neg)
    assert (ds.rows(list(labels["key"])) >= 0).all()


def test_first_batch_is_the_top_of_zero_shot_search(ds, run):
    store, _, _ = run
    known = known_labels(ds, TASK)
    agg = ds.agg_labeled(TASK)
    pool = sorted(k for k in known if not ((k in agg.pos or k in agg.neg)
                                           and _in_validation(k)))
    x = ds.vectors(pool).astype(np.float64)
    t = ds.text_embeddings[TASK].astype(np.float64)
    cos = x @ t / (np.linalg.norm(x, axis=1) * np.linalg.norm(t))
    order = np.lexsort((np.arange(len(pool)), -cos))[:25]
    events = store.events(TASK)
    first = events[events["action"] == events["action"].min()]
    assert first["key"].tolist() == [pool[i] for i in order]


def test_ap_and_quality_recomputed(ds, run):
    store, table, _ = run
    last = table.iloc[-1]
    labels = store.labels(TASK)
    pos = sorted(labels["key"][labels["label"]])
    neg = sorted(labels["key"][~labels["label"]])
    x = ds.vectors(pos + neg).astype(np.float64)
    y = np.r_[np.ones(len(pos), int), np.zeros(len(neg), int)]
    clf = LogisticRegression(C=1.0, max_iter=1000).fit(x, y)
    agg = ds.agg_labeled(TASK)
    vpos = sorted(k for k in agg.pos if _in_validation(k))
    vneg = sorted(k for k in agg.neg if _in_validation(k))
    vy = np.r_[np.ones(len(vpos), bool), np.zeros(len(vneg), bool)]
    scores = clf.predict_proba(ds.vectors(vpos + vneg).astype(np.float64))[:, 1]
    aps = []
    for i in range(5):  # resample 0 is the set itself, then RandomState(i).choice(n, n)
        idx = np.arange(len(vy)) if i == 0 else np.random.RandomState(i).choice(len(vy), len(vy))
        if vy[idx].any():
            aps.append(average_precision_score(vy[idx], scores[idx]))
    assert last["ap_mean"] == pytest.approx(np.mean(aps), abs=1e-6)
    assert last["ap_std"] == pytest.approx(np.std(aps), abs=1e-6)
    cp = store.checkpoints(TASK)[-1]
    assert (cp["pos"], cp["neg"]) == (pos, neg)
    assert last["quality_mean"] == cp["metrics"]["quality_mean"]
    assert last["data_score"] == cp["metrics"]["data_score"]
    assert 0 <= last["data_score"] <= 1


# ---- determinism and refusals -------------------------------------------------------------------

def test_same_seed_same_labels_in_another_database(ds, run, tmp_path):
    first, table, _ = run
    with _store(tmp_path / "b") as second:
        again = simulate(ds, second, TASK, PLAN)
        cols = ["key", "value", "feed"]
        a, b = first.events(TASK)[cols], second.events(TASK)[cols]
        assert len(a) == 100
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))
        pd.testing.assert_frame_equal(table.drop(columns="seconds"),
                                      again.drop(columns="seconds"))
        # another seed: the same first batch (search is not random), then other shots
        other = simulate(ds, second, TASK, Plan(budget=100, batch=25, seed=4,
                                                feeds=("random",)), name="other")
        c = second.events("other")[cols]
        assert c["key"].iloc[:25].tolist() == a["key"].iloc[:25].tolist()
        assert c["key"].iloc[25:].tolist() != a["key"].iloc[25:].tolist()
        assert other["feed"].tolist()[1:] == ["random"] * 3


def test_existing_task_is_refused_unless_replace(ds, tmp_path):
    with _store(tmp_path) as store:
        store.create_task(TASK)
        store.record(TASK, ["old|1"], "positive", annotator="me")
        with pytest.raises(ValueError, match=f"'{TASK}' already exists"):
            simulate(ds, store, TASK, Plan(budget=10, batch=10))
        assert store.labels(TASK)["key"].tolist() == ["old|1"]
        table = simulate(ds, store, TASK, Plan(budget=10, batch=10), replace=True)
        assert table["labels"].tolist() == [10]
        assert "old|1" not in set(store.events(TASK)["key"])
        assert len(store.events(TASK)) == 10
        assert store.task(TASK)["primary"] == sim.ANNOTATOR


def test_a_failed_replace_keeps_the_existing_task(ds, tmp_path):
    with _store(tmp_path) as store:
        store.create_task("mine", primary="me")
        store.record("mine", ["old|1"], "positive", annotator="me")
        # timelapse's agg validation split has no positive: no AP can be measured
        with pytest.raises(ValueError, match="validation split .* has no positive"):
            simulate(ds, store, "timelapse", Plan(budget=10, batch=10), name="mine",
                     replace=True)
        assert store.task("mine")["primary"] == "me"
        assert store.labels("mine")["key"].tolist() == ["old|1"]
        with pytest.raises(ValueError, match="has no positive"):
            simulate(ds, store, "timelapse", Plan(budget=10, batch=10))
        assert store.task("timelapse") is None  # nothing created


def test_budget_not_a_multiple_of_the_batch(ds, tmp_path):
    with _store(tmp_path) as store:
        table = simulate(ds, store, TASK, Plan(budget=60, batch=25, seed=1))
        assert table["labels"].tolist() == [25, 50, 60]
        assert store.events(TASK).groupby("action").size().tolist() == [25, 25, 10]


@pytest.mark.parametrize("kwargs, field", [
    (dict(budget=10, batch=0), "batch = 0"), (dict(budget=10, batch=-3), "batch = -3"),
    (dict(budget=0), "budget = 0"), (dict(budget=10, feeds=("top", "nope")), "feeds = "),
    (dict(budget=10, feeds=()), "feeds = ")])
def test_plan_is_checked(kwargs, field):
    with pytest.raises(ValueError, match=field) as err:
        Plan(**kwargs)
    if "feeds" in kwargs and kwargs["feeds"]:
        assert "nope" in str(err.value)


def test_plan_defaults():
    plan = Plan(budget=5)
    assert (plan.batch, plan.feeds, plan.seed) == (25, ("top", "bottom", "borderline",
                                                        "random"), 0)
    assert Plan(budget=5, feeds=["random", "top"]).feeds == ("random", "top")


# ---- a hand-made task ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tiny(demo_dir, tmp_path_factory):
    """A copy of the demo with task "tiny": a few labels in every source, no text embedding."""
    root = tmp_path_factory.mktemp("tiny") / "data"
    shutil.copytree(demo_dir, root)
    keys = pd.read_csv(root / "shot-data.csv")["key"].tolist()
    val = [k for k in keys if _in_validation(k)][:2]
    rest = [k for k in keys if not _in_validation(k)]
    v1, v2 = val
    z1, z2, r1, r2, k1, k2, a1, a2, a3 = rest[:9]
    names = dict(z1=z1, z2=z2, r1=r1, r2=r2, k1=k1, k2=k2, a1=a1, a2=a2, a3=a3, v1=v1, v2=v2)

    def item(key, label):
        return {"key": key, "primary": label, "secondaries": {}, "agg": label,
                "pos_cnt": int(label)}
    agg = {"primary": "P", "secondaries": [],
           "data": [item(v1, True), item(v2, False), item(a1, True), item(a2, False),
                    item(a3, True)]}
    checkpoints = [{"pos": [k1, k2], "neg": [a1]}, {"pos": [], "neg": [k2]}]
    cmp = {"zero_shot": [{"key": z1, "value": True}, {"key": z1, "value": False},
                         {"key": z2, "value": False}, {"key": r1, "value": True}],
           "random": [{"key": r1, "value": False}, {"key": r2, "value": True},
                      {"key": r2, "value": False}, {"key": k1, "value": True},
                      {"key": "unknown|5", "value": True}]}
    for sub, doc in (("agg", agg), ("checkpoints", checkpoints), ("cmp", cmp)):
        (root / sub / "tiny.json").write_text(json.dumps(doc))
    return root, names


def test_known_labels_by_hand(tiny):
    root, n = tiny
    known = known_labels(Dataset(root), "tiny")
    assert known == {
        n["z1"]: True,   # the first of its two zero-shot entries
        n["z2"]: False,
        n["r1"]: False,  # cmp random overrides cmp zero-shot
        n["r2"]: True,   # the first of its two random entries
        n["k1"]: True,   # random and the first checkpoint agree
        n["k2"]: False,  # the newest checkpoint that holds it
        n["a1"]: True,   # agg overrides the checkpoints
        n["a2"]: False, n["a3"]: True, n["v1"]: True, n["v2"]: False}


def test_tiny_task_without_text_embedding_starts_at_random(tiny, tmp_path):
    root, n = tiny
    ds = Dataset(root)
    assert "tiny" not in ds.text_embeddings
    with _store(tmp_path) as store:
        table = simulate(ds, store, "tiny", Plan(budget=100, batch=4, seed=0))
        # the pool is every known key but the two validation keys: 9 keys, then it runs dry
        assert table["labels"].tolist() == [4, 8, 9]
        assert table["feed"].iloc[0] == "random"
        labels = store.labels("tiny")
        expected = {n[k]: v for k, v in dict(z1=True, z2=False, r1=False, r2=True, k1=True,
                                             k2=False, a1=True, a2=False, a3=True).items()}
        assert dict(zip(labels["key"], labels["label"])) == expected
        assert not {n["v1"], n["v2"]} & set(store.events("tiny")["key"])


# ---- command line -------------------------------------------------------------------------------

def test_cli_simulate(demo_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("VA_STATE_DIR", str(tmp_path / "default-state"))
    monkeypatch.delenv("VA_STATE_DB", raising=False)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    code = cli.main(["simulate", str(demo_dir), "--task", TASK, "--budget", "50", "--batch",
                     "25", "--seed", "1", "--state", url])
    out = capsys.readouterr().out
    assert code == 0
    lines = [ln for ln in out.splitlines() if ln.startswith("batch ")]
    assert len(lines) == 2
    assert "search" in lines[0] and "labels    25" in lines[0] and "AP " in lines[0]
    assert "labels    50" in lines[1] and "AP " in lines[1]
    header = next(ln for ln in out.splitlines() if ln.split()[:3] == ["batch", "feed", "labels"])
    assert header.split() == sim.COLUMNS
    assert "50 labels in" in out and str(tmp_path / "cli.db") in out
    store = open_store(url)
    try:
        assert len(store.labels(TASK)) == 50
        ap = simulate(Dataset(demo_dir), store, TASK, Plan(budget=50, batch=25, seed=1),
                      name="again")["ap_mean"]
    finally:
        store.close()
    # the AP of each batch printed, to 3 decimals
    for line, value in zip(lines, ap):
        assert f"AP {value:.3f}" in line
    assert not (tmp_path / "default-state").exists()  # --state was used


def test_cli_simulate_errors(demo_dir, tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    args = ["simulate", str(demo_dir), "--task", TASK, "--budget", "10", "--state", url]
    assert cli.main(args + ["--batch", "0"]) == 1
    assert "error: batch = 0" in capsys.readouterr().err
    assert cli.main(args + ["--feeds", "top,nope"]) == 1
    assert "nope" in capsys.readouterr().err
    assert cli.main(args) == 0
    capsys.readouterr()
    assert cli.main(args) == 1  # exists
    assert "already exists" in capsys.readouterr().err
    assert cli.main(args + ["--replace", "--as", "other"]) == 0
