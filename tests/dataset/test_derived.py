"""Folder-only tables kept on disk: the same values as computed, healed when broken."""
import pandas as pd
import pytest

from dashboard.dataset import derived, summary


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
