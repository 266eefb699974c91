"""Folder-only tables kept on disk: the same values as computed, healed when broken."""
from pathlib import Path

import pandas as pd
import pytest

from dashboard.dataset import derived, folder, summary
from dashboard.dataset.folder import fingerprint_of
from dashboard.dataset.folder import read_shots as folder_read_shots


@pytest.mark.parametrize("name", sorted(derived.TABLES))
def test_stored_table_equals_the_computed_one(ds, tmp_path, name):
    direct = derived.TABLES[name](ds)
    seen = []
    first = derived.table(ds, name, tmp_path, progress=lambda f, task: seen.append((f, task)))
    again = derived.table(ds, name, tmp_path)  # read back from disk
    pd.testing.assert_frame_equal(first, direct)
    pd.testing.assert_frame_equal(again, direct)
    assert [t for _, t in seen] == list(ds.tasks) and seen[0][0] == 0.0
    assert derived.path_of(ds, name, tmp_path).parent.name == ds.fingerprint


def test_a_new_process_reads_instead_of_computing(ds, tmp_path, monkeypatch):
    derived.table(ds, "task_table", tmp_path)

    def boom(*a, **k):
        raise AssertionError("computed again")
    monkeypatch.setitem(derived.TABLES, "task_table", boom)
    assert len(derived.table(ds, "task_table", tmp_path)) == len(ds.tasks)


@pytest.mark.parametrize("content", [b"", b"PAR1 truncated", b"not parquet at all"])
def test_a_broken_file_is_computed_again_and_replaced(ds, tmp_path, content):
    path = derived.path_of(ds, "agreement_table", tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    table = derived.table(ds, "agreement_table", tmp_path)
    pd.testing.assert_frame_equal(table, summary.agreement_table(ds))
    pd.testing.assert_frame_equal(pd.read_parquet(path), table)
    assert not list(path.parent.glob("*.partial"))


def test_unknown_table_is_refused(ds, tmp_path):
    with pytest.raises(ValueError, match="unknown derived table 'x'"):
        derived.table(ds, "x", tmp_path)


def test_headline_figures_read_back_as_the_same_numbers_and_types(ds, tmp_path):
    derived.table(ds, "dataset_summary", tmp_path)
    stored = derived.table(ds, "dataset_summary", tmp_path).to_dict("records")[0]
    expected = summary.dataset_summary(ds, summary.task_table(ds))
    assert stored == expected
    assert [type(v) for v in stored.values()] == [type(v) for v in expected.values()]


def test_the_shot_table_is_kept_as_parquet_and_read_back_identical(copy_of_demo, tmp_path,
                                                                   monkeypatch):
    csv = copy_of_demo / "shot-data.csv"
    first = derived.open_dataset(copy_of_demo, fingerprint_of(copy_of_demo), tmp_path)
    assert derived.shots_path(fingerprint_of(copy_of_demo), tmp_path).is_file()

    def boom(path):
        raise AssertionError("shot-data.csv parsed again")
    monkeypatch.setattr(folder, "read_shots", boom)
    again = derived.open_dataset(copy_of_demo, fingerprint_of(copy_of_demo), tmp_path)
    pd.testing.assert_frame_equal(again.shots, folder_read_shots(csv))
    pd.testing.assert_frame_equal(first.shots, again.shots)
    assert again.rows(["nope", again.shots["key"].iloc[7]]).tolist() == [-1, 7]


def test_a_changed_shot_file_is_read_again(copy_of_demo, tmp_path):
    derived.open_dataset(copy_of_demo, fingerprint_of(copy_of_demo), tmp_path)
    csv = copy_of_demo / "shot-data.csv"
    shots = folder_read_shots(csv)
    shots.loc[0, "desc"] = "A new title"
    shots.to_csv(csv, index=False)
    ds = derived.open_dataset(copy_of_demo, fingerprint_of(copy_of_demo), tmp_path)
    assert ds.shots.loc[0, "desc"] == "A new title"
    pd.testing.assert_frame_equal(ds.shots, folder_read_shots(csv))


@pytest.mark.parametrize("content", [b"", b"PAR1 truncated"])
def test_a_broken_shot_copy_is_replaced(ds, tmp_path, content):
    path = derived.shots_path(ds.fingerprint, tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    opened = derived.open_dataset(ds.root, ds.fingerprint, tmp_path)
    pd.testing.assert_frame_equal(opened.shots, ds.shots)
    pd.testing.assert_frame_equal(pd.read_parquet(path), ds.shots)


def test_a_shot_copy_of_another_shape_is_not_used(ds, tmp_path):
    path = derived.shots_path(ds.fingerprint, tmp_path)
    path.parent.mkdir(parents=True)
    ds.shots.drop(columns="genre").to_parquet(path)
    pd.testing.assert_frame_equal(derived.open_dataset(ds.root, ds.fingerprint, tmp_path).shots,
                                  ds.shots)


def test_the_cache_folder_defaults_to_the_repos_dot_cache(monkeypatch):
    """As the README says: ``.cache/`` at the top of the repository (it was dashboard/.cache)."""
    from dashboard.dataset import config

    monkeypatch.delenv("VA_CACHE_DIR", raising=False)
    assert config.cache_dir() == Path(__file__).resolve().parents[2] / ".cache"
