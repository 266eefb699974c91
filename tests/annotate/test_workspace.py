"""App-made tasks beside the folder's: the same answers as the same labels written as a data
folder, in the summaries, in Experiment 1 and on the command line."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

from dashboard import cli
from dashboard.annotate import exchange
from dashboard.annotate.store import default_url, open_store
from dashboard.annotate.workspace import MY_TASKS, Workspace, open_workspace
from dashboard.dataset import summary
from dashboard.dataset.folder import Dataset
from dashboard.experiments import runner
from tests.annotate.team_support import MINE, copy_task

@pytest.fixture(scope="module")
def team_store(ds, tmp_path_factory):
    store = open_store(default_url(tmp_path_factory.mktemp("team-state")))
    copy_task(ds, store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def exported(ds, demo_dir, team_store, tmp_path_factory):
    """The demo folder plus the app-made task written by the export."""
    folder = tmp_path_factory.mktemp("exported") / "data"
    shutil.copytree(demo_dir, folder)
    exchange.export_task(team_store, MINE, folder)
    return Dataset(folder)


def test_app_made_task_is_listed_in_its_group(ds, team_store):
    w = Workspace(ds, team_store)
    assert w.tasks == (*ds.tasks, MINE)
    assert w.group(MINE) == MY_TASKS and w.group("zoom") == ds.group("zoom")
    assert w.only_app_tasks().tasks == (MINE,)
    assert w.task_descriptions[MINE]["description"] == "copy of zoom"
    assert w.version("zoom") == ds.fingerprint != w.version(MINE)


def test_same_agg_checkpoints_and_cmp_as_the_exported_folder(ds, team_store, exported):
    w = Workspace(ds, team_store)
    mine, theirs = w.agg_votes(MINE), exported.agg_votes(MINE)
    assert (mine.primary, mine.secondaries) == (theirs.primary, theirs.secondaries)
    pd.testing.assert_frame_equal(mine.table, theirs.table.sort_values("key")
                                  .reset_index(drop=True))
    assert [(c.pos, c.neg) for c in w.checkpoints(MINE)] == [
        (c.pos, c.neg) for c in exported.checkpoints(MINE)]
    assert w.cmp(MINE) == exported.cmp(MINE) == ds.cmp("zoom")
    assert summary.agreement_table(w.only_app_tasks()).drop(columns="group").equals(
        summary.agreement_table(exported).query("task == @MINE").drop(columns="group")
        .reset_index(drop=True))


def test_experiment1_equals_the_exported_folder_cell_for_cell(ds, team_store, exported,
                                                              fresh_cache):
    w = Workspace(ds, team_store)
    mine = runner.run(w, "experiment1", [MINE]).table
    theirs = runner.run(exported, "experiment1", [MINE]).table
    assert len(mine) > 20 and mine["ap_mean"].notna().sum() > 10
    pd.testing.assert_frame_equal(mine.drop(columns="group"), theirs.drop(columns="group"))
    assert set(mine["group"]) == {MY_TASKS}
    assert runner.run(w, "experiment1", [MINE]).seconds == {}  # read from the cache


def test_a_new_label_makes_the_cached_results_stale(ds, tmp_path, fresh_cache):
    store = open_store(default_url(tmp_path / "state"))
    copy_task(ds, store)
    w = Workspace(ds, store)
    runner.run(w, "experiment1", [MINE])
    assert runner.run(w, "experiment1", [MINE]).seconds == {}
    store.record(MINE, ds.cmp("pan").random[0][0], "negative", annotator="P")
    # jobs=2 asks for worker processes; a workspace cannot travel, so it runs here
    assert set(runner.run(w, "experiment1", [MINE], jobs=2).seconds) == {MINE}
    store.close()


def test_cli_lists_and_runs_app_made_tasks(ds, demo_dir, team_store, monkeypatch, capsys,
                                           fresh_cache):
    monkeypatch.setenv("VA_STATE_DB", team_store.url)
    assert isinstance(open_workspace(demo_dir), Workspace)
    assert cli.main(["info", str(demo_dir)]) == 0
    line = [x for x in capsys.readouterr().out.splitlines() if x.strip().startswith(MINE)]
    assert len(line) == 1 and MY_TASKS in line[0]
    assert cli.main(["experiment1", str(demo_dir), "--tasks", MINE]) == 0
    assert "1 tasks computed" in capsys.readouterr().out


def test_without_a_store_the_folder_is_opened_alone(demo_dir, monkeypatch, tmp_path):
    monkeypatch.delenv("VA_STATE_DB", raising=False)
    monkeypatch.setenv("VA_STATE_DIR", str(tmp_path / "none"))
    opened = open_workspace(demo_dir)
    assert type(opened) is Dataset
    assert not (tmp_path / "none").exists()  # looking did not create a database
