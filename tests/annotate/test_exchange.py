"""Labels in and out of the store in the released layout."""
from __future__ import annotations

import json
import shutil

import pytest

from dashboard import cli
from dashboard.annotate import exchange, loop
from dashboard.annotate.exchange import (
    export_task,
    import_task,
    read_released,
)
from dashboard.annotate.team import primary_of
from dashboard.annotate.store import default_url, open_store
from dashboard.dataset.folder import Dataset
from dashboard.dataset.validate import validate
from dashboard.errors import DataError

TASK = "my-task"


@pytest.fixture
def other(tmp_path):
    s = open_store(default_url(tmp_path / "state2"))
    yield s
    s.close()


def _labels(store, task) -> dict[str, bool]:
    df = store.labels(task)
    return dict(zip(df["key"], df["label"].astype(bool)))


def _pos_neg(store, task) -> tuple[set[str], set[str]]:
    labels = _labels(store, task)
    return {k for k, v in labels.items() if v}, {k for k, v in labels.items() if not v}


def _labeled_task(ds, store, name=TASK, primary="alice") -> None:
    """A task on real demo keys with two retrains and a label change after the last one."""
    agg = ds.agg_labeled("pan")
    pos, neg = sorted(agg.pos)[:13], sorted(agg.neg)[:10]
    store.create_task(name, primary=primary)
    store.record(name, pos[:6] + neg[:5], ["positive"] * 6 + ["negative"] * 5,
                 annotator=primary, feed="search")
    loop.retrain(ds, store, name)
    store.record(name, pos[6:12] + neg[5:], ["positive"] * 6 + ["negative"] * 5,
                 annotator=primary, feed="top", model_version=1)
    store.record(name, [pos[0]], "negative", annotator="bob", feed="borderline")
    store.record(name, [neg[0]], "delete", annotator=primary)
    loop.retrain(ds, store, name)
    store.record(name, [pos[12]], "positive", annotator=primary, feed="top", model_version=2)
    assert len(store.checkpoints(name)) == 2


# ---- export -------------------------------------------------------------------------------------

def test_export_writes_the_released_schema(ds, store, tmp_path):
    _labeled_task(ds, store)
    store.record(TASK, [sorted(ds.agg_labeled("pan").neg)[20]], "negative", annotator="alice")
    out = tmp_path / "out"
    paths = export_task(store, TASK, out)
    assert paths == [out / "agg" / f"{TASK}.json", out / "checkpoints" / f"{TASK}.json"]
    assert sorted(p.name for p in out.rglob("*")) == ["agg", "checkpoints", f"{TASK}.json",
                                                      f"{TASK}.json"]  # no temporary files

    agg = json.loads(paths[0].read_text())
    assert set(agg) == {"primary", "secondaries", "data"}
    assert agg["primary"] == "alice" and agg["secondaries"] == []
    labels = _labels(store, TASK)
    assert [d["key"] for d in agg["data"]] == sorted(labels)
    for d in agg["data"]:
        assert set(d) == {"key", "primary", "secondaries", "agg", "pos_cnt"}
        v = labels[d["key"]]
        assert d["primary"] is v and d["agg"] is v and d["secondaries"] == {}
        assert type(d["pos_cnt"]) is int and d["pos_cnt"] == int(v)

    cps = json.loads(paths[1].read_text())
    stored = store.checkpoints(TASK)
    assert cps == [{"pos": c["pos"], "neg": c["neg"]} for c in stored]  # oldest first
    assert [len(c["pos"]) + len(c["neg"]) for c in cps] == [11, 21]
    assert all(set(c) == {"pos", "neg"} for c in cps)


def test_export_into_a_dataset_folder_is_read_by_the_loader(ds, store, demo_dir, tmp_path):
    _labeled_task(ds, store)
    copy = tmp_path / "copy"
    shutil.copytree(demo_dir, copy)
    export_task(store, TASK, copy)

    loaded = Dataset(copy)
    assert TASK in loaded.tasks
    assert loaded.group(TASK) == "other"
    agg = loaded.agg_labeled(TASK)
    pos, neg = _pos_neg(store, TASK)
    assert (set(agg.pos), set(agg.neg)) == (pos, neg)
    votes = loaded.agg_votes(TASK)
    assert votes.primary == "alice" and votes.secondaries == ()
    cps = loaded.checkpoints(TASK)
    stored = store.checkpoints(TASK)
    assert len(cps) == len(stored) == 2
    for got, want in zip(cps, stored):
        assert (sorted(got.pos), sorted(got.neg)) == (want["pos"], want["neg"])
    assert loaded.warnings == []

    problems = validate(copy)
    assert [p for p in problems if p.level == "error"] == []
    mine = [p for p in problems if TASK in p.path or TASK in p.reason]
    assert {p.level for p in mine} == {"warning"}
    assert any(p.path.endswith(f"cmp/{TASK}.json") and "missing" in p.reason for p in mine)
    # agg consistency (pos_cnt, majority) holds: no warning about agg/my-task.json
    assert not [p for p in mine if p.path.endswith(f"agg/{TASK}.json")]


def test_export_of_an_unknown_or_unsafe_task(store, tmp_path):
    with pytest.raises(ValueError, match="no task 'nope'"):
        export_task(store, "nope", tmp_path / "out")
    with pytest.raises(DataError, match="not a safe file name"):
        export_task(store, "../evil", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_export_of_a_task_without_labels(store, tmp_path):
    store.create_task("t")
    export_task(store, "t", tmp_path)
    assert json.loads((tmp_path / "agg" / "t.json").read_text()) == {
        "primary": "unknown", "secondaries": [], "data": []}
    assert json.loads((tmp_path / "checkpoints" / "t.json").read_text()) == []


def test_primary_of(store):
    store.create_task("named", primary="carol")
    store.record("named", ["a", "b"], "positive", annotator="dave")
    assert primary_of(store, "named") == "carol"
    store.create_task("t")  # no primary recorded: whoever gave most current labels
    store.record("t", ["a", "b", "c"], "positive", annotator="bob")
    store.record("t", ["d", "e"], "negative", annotator="carol")
    store.record("t", ["a", "b"], "delete", annotator="bob")
    store.record("t", ["f"], "negative", annotator="carol")
    assert primary_of(store, "t") == "carol"  # bob has 1 current label, carol 3


# ---- export -> import ---------------------------------------------------------------------------

def test_export_import_round_trip(ds, store, other, tmp_path):
    _labeled_task(ds, store)
    loop.retrain(ds, store, TASK)  # the newest checkpoint holds the current labels
    export_task(store, TASK, tmp_path / "out")
    n = import_task(other, tmp_path / "out", TASK)
    assert n == len(_labels(store, TASK)) == 22
    assert _labels(other, TASK) == _labels(store, TASK)
    strip = [{"pos": c["pos"], "neg": c["neg"]} for c in store.checkpoints(TASK)]
    assert [{"pos": c["pos"], "neg": c["neg"]} for c in other.checkpoints(TASK)] == strip
    assert [c["seq"] for c in other.checkpoints(TASK)] == [1, 2, 3]
    assert [c["model_version"] for c in other.checkpoints(TASK)] == [1, 2, 3]
    info = other.task(TASK)
    assert info["primary"] == "alice"
    assert info["origin"] == str((tmp_path / "out").resolve())
    events = other.events(TASK)
    assert len(events) == 22 and events["action"].nunique() == 1
    assert set(events["feed"]) == {exchange.IMPORT_FEED}
    assert set(events["annotator"]) == {"alice"}
    # exported again from the second store, the files are the same
    export_task(other, TASK, tmp_path / "again")
    for sub in ("agg", "checkpoints"):
        assert json.loads((tmp_path / "again" / sub / f"{TASK}.json").read_text()) == \
            json.loads((tmp_path / "out" / sub / f"{TASK}.json").read_text())


def test_import_under_another_name_and_annotator(ds, store, tmp_path):
    _labeled_task(ds, store)
    loop.retrain(ds, store, TASK)
    export_task(store, TASK, tmp_path)
    import_task(store, tmp_path, TASK, name="copy", annotator="zed")
    assert _labels(store, "copy") == _labels(store, TASK)
    assert store.task("copy")["primary"] == "zed"
    assert set(store.labels("copy")["annotator"]) == {"zed"}


def test_import_refuses_an_existing_task_unless_replace(ds, store, tmp_path):
    _labeled_task(ds, store)
    loop.retrain(ds, store, TASK)
    export_task(store, TASK, tmp_path)
    before = _labels(store, TASK)
    store.record(TASK, ["extra|1"], "positive", annotator="alice")
    with pytest.raises(ValueError, match=f"'{TASK}' already exists"):
        import_task(store, tmp_path, TASK)
    assert _labels(store, TASK) == {**before, "extra|1": True}  # untouched
    assert len(store.checkpoints(TASK)) == 3
    assert import_task(store, tmp_path, TASK, replace=True) == len(before)
    assert _labels(store, TASK) == before
    assert len(store.checkpoints(TASK)) == 3  # the exported three, not 3 + 3
    assert len(store.events(TASK)) == len(before)


def test_import_from_agg(ds, demo_dir, store):
    n = import_task(store, demo_dir, "zoom", start="agg", name="z")
    agg = ds.agg_labeled("zoom")
    assert n == len(agg)
    pos, neg = _pos_neg(store, "z")
    assert (pos, neg) == (set(agg.pos), set(agg.neg))
    raw = json.loads((demo_dir / "agg" / "zoom.json").read_text())
    assert store.task("z")["primary"] == raw["primary"]
    assert set(store.labels("z")["annotator"]) == {raw["primary"]}
    raw_cps = json.loads((demo_dir / "checkpoints" / "zoom.json").read_text())
    assert [{"pos": c["pos"], "neg": c["neg"]} for c in store.checkpoints("z")] == [
        {"pos": sorted(c["pos"]), "neg": sorted(c["neg"])} for c in raw_cps]


def test_import_from_the_latest_checkpoint(ds, demo_dir, store):
    n = import_task(store, demo_dir, "pan")
    newest = ds.checkpoints("pan")[-1]
    assert n == len(newest)
    assert _pos_neg(store, "pan") == (set(newest.pos), set(newest.neg))
    assert len(store.checkpoints("pan")) == len(ds.checkpoints("pan"))


def test_import_empty(demo_dir, store):
    assert import_task(store, demo_dir, "zoom", start="empty", name="fresh") == 0
    assert store.task("fresh") is not None
    assert store.labels("fresh").empty and store.events("fresh").empty
    assert store.checkpoints("fresh") == []


def test_import_of_a_missing_checkpoints_file(ds, store, tmp_path):
    _labeled_task(ds, store)
    export_task(store, TASK, tmp_path)
    (tmp_path / "checkpoints" / f"{TASK}.json").unlink()
    with pytest.raises(DataError) as err:
        import_task(store, tmp_path, TASK, name="x")
    assert err.value.path == str(tmp_path / "checkpoints" / f"{TASK}.json")
    assert f"checkpoints/{TASK}.json" in str(err.value) and "missing" in str(err.value)
    assert store.task("x") is None  # nothing created
    # the agg labels do not need it
    assert import_task(store, tmp_path, TASK, start="agg", name="x") == len(_labels(store, TASK))
    assert store.checkpoints("x") == []


def test_import_from_agg_of_a_missing_agg_file(store, tmp_path):
    (tmp_path / "checkpoints").mkdir()
    (tmp_path / "checkpoints" / "t.json").write_text('[{"pos": ["a"], "neg": ["b"]}]')
    with pytest.raises(DataError) as err:
        import_task(store, tmp_path, "t", start="agg")
    assert err.value.path == str(tmp_path / "agg" / "t.json")
    assert err.value.reason == "file is missing"
    assert store.task("t") is None
    # the latest checkpoint does not need it: no primary then, the labels are "import"'s
    assert import_task(store, tmp_path, "t") == 2
    assert store.task("t")["primary"] == "import"


def test_import_of_an_empty_checkpoints_file(store, tmp_path):
    store.create_task("t")
    store.record("t", ["a|1"], "positive", annotator="ann")
    export_task(store, "t", tmp_path)  # no retrain: []
    with pytest.raises(DataError, match="holds no checkpoint"):
        import_task(store, tmp_path, "t", name="u")
    assert store.task("u") is None


def test_import_checks_its_arguments(demo_dir, store, tmp_path):
    with pytest.raises(ValueError, match="start = 'latest'"):
        import_task(store, demo_dir, "zoom", start="latest")
    with pytest.raises(DataError, match="not a safe file name"):
        import_task(store, demo_dir, "zoom", name="a/b")
    (tmp_path / "checkpoints").mkdir()
    (tmp_path / "checkpoints" / "t.json").write_text('[{"pos": ["a"], "neg": ["a"]}]')
    with pytest.raises(ValueError, match="both positive and negative"):
        import_task(store, tmp_path, "t")
    (tmp_path / "checkpoints" / "t.json").write_text('{"pos": []}')
    with pytest.raises(DataError, match="expected a list"):
        import_task(store, tmp_path, "t")
    assert store.tasks().empty


def test_read_released(demo_dir):
    raw = json.loads((demo_dir / "agg" / "zoom.json").read_text())
    primary, pos, neg, snaps = read_released(demo_dir, "zoom", "agg")
    assert primary == raw["primary"]
    assert pos == [d["key"] for d in raw["data"] if d["agg"]]
    assert neg == [d["key"] for d in raw["data"] if not d["agg"]]
    assert len(snaps) == len(json.loads((demo_dir / "checkpoints" / "zoom.json").read_text()))
    assert read_released(demo_dir, "zoom", "empty") == (raw["primary"], [], [], [])


# ---- command line -------------------------------------------------------------------------------

@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    """A state folder of its own for the command line, and the URL of its store."""
    monkeypatch.setenv("VA_STATE_DIR", str(tmp_path / "cli-state"))
    monkeypatch.delenv("VA_STATE_DB", raising=False)
    return default_url(tmp_path / "cli-state")


def _table(out: str) -> list[list[str]]:
    return [line.split() for line in out.strip().splitlines()]


def test_cli_labels_stats(cli_env, capsys):
    with open_store(cli_env) as store:
        store.create_task("b")
        store.create_task("a")
        store.record("a", ["k1", "k2", "k3"], "positive", annotator="x")
        store.record("a", ["k2", "k4"], ["negative", "skip"], annotator="y")
        store.record("a", ["k3"], "delete", annotator="x")
        store.record("a", ["k5"], "negative", annotator="z", role="secondary")
        store.add_checkpoint("a", ["k1"], ["k2"], model_version=1, metrics={})
    assert cli.main(["labels", "stats"]) == 0  # VA_STATE_DIR
    rows = _table(capsys.readouterr().out)
    assert rows[0] == ["task", "labels", "positives", "negatives", "events", "checkpoints",
                       "annotators"]
    # a: k1 positive, k2 negative (k3 deleted, k4 skipped, k5 not primary); 7 events; x, y, z
    assert rows[1:] == [["a", "2", "1", "1", "7", "1", "3"], ["b", "0", "0", "0", "0", "0", "0"]]
    assert cli.main(["labels", "stats", "--task", "b", "--state", cli_env]) == 0
    assert _table(capsys.readouterr().out)[1:] == [["b", "0", "0", "0", "0", "0", "0"]]
    assert cli.main(["labels", "stats", "--task", "nope", "--state", cli_env]) == 1
    assert "error: no task 'nope'" in capsys.readouterr().err


def test_cli_labels_stats_of_an_empty_store(cli_env, capsys):
    assert cli.main(["labels", "stats", "--state", cli_env]) == 0
    assert _table(capsys.readouterr().out) == [["task", "labels", "positives", "negatives",
                                                "events", "checkpoints", "annotators"]]


def test_cli_export_import_round_trip(ds, cli_env, tmp_path, capsys):
    with open_store(cli_env) as store:
        _labeled_task(ds, store)
        loop.retrain(ds, store, TASK)
        want_labels = _labels(store, TASK)
        want_cps = [(c["pos"], c["neg"]) for c in store.checkpoints(TASK)]
    out = tmp_path / "exported"
    assert cli.main(["labels", "export", "--task", TASK, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"wrote {out / 'agg' / f'{TASK}.json'}" in printed
    assert f"wrote {out / 'checkpoints' / f'{TASK}.json'}" in printed
    assert cli.main(["labels", "import", str(out), "--task", TASK, "--as", "X"]) == 0
    printed = capsys.readouterr().out
    assert f"imported 22 labels of {TASK} as X" in printed
    with open_store(cli_env) as store:
        assert _labels(store, "X") == want_labels
        assert [(c["pos"], c["neg"]) for c in store.checkpoints("X")] == want_cps
    # again without --replace: refused; with it: replaced
    assert cli.main(["labels", "import", str(out), "--task", TASK, "--as", "X"]) == 1
    assert "error:" in capsys.readouterr().err
    assert cli.main(["labels", "import", str(out), "--task", TASK, "--as", "X", "--from", "empty",
                     "--replace"]) == 0
    with open_store(cli_env) as store:
        assert store.labels("X").empty and store.checkpoints("X") == []


def test_cli_export_of_an_unknown_task(cli_env, tmp_path, capsys):
    assert cli.main(["labels", "export", "--task", "nope", "--out", str(tmp_path / "o"),
                     "--state", cli_env]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("error:") and "'nope'" in captured.err
    assert captured.out == ""
    assert not (tmp_path / "o").exists()


def test_cli_import_of_a_missing_file(cli_env, tmp_path, capsys):
    assert cli.main(["labels", "import", str(tmp_path), "--task", "t", "--state",
                     cli_env]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error:") and "checkpoints/t.json" in err and "missing" in err


def test_import_with_the_dataset_scores_every_checkpoint(store, ds):
    import_task(store, ds.root, "zoom", ds=ds)
    released = ds.checkpoints("zoom")
    recorded = store.checkpoints("zoom")
    assert len(recorded) == len(released)
    for snap, cp in zip(released, recorded):
        want = loop.metrics(snap)
        assert cp["metrics"]["data_score"] == pytest.approx(snap.data_score)
        assert cp["metrics"]["quality_mean"] == pytest.approx(want["quality_mean"], nan_ok=True)
    history = loop.history(store, "zoom")
    assert history["quality_mean"].notna().all()  # the chart has a line from the start
