"""The data folder reader against hand-assembled folders: vote types (defect 4), a broken
checkpoint snapshot (3), validate's messages (8), the fingerprint (9) and an embeddings file
changed under a memory map (10)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from dashboard import DataError, Dataset
from dashboard.dataset.folder import fingerprint_of
from dashboard.dataset.jsonfiles import read_json
from dashboard.dataset.validate import validate
from dashboard.experiments.task_fits import TaskFits

from broken_folders import broken_folder, good_folder, small_copy  # noqa: F401 (fixtures)


@pytest.fixture
def folder(demo_dir, tmp_path):
    return small_copy(demo_dir, tmp_path / "data")


def _edit_agg(path, change):
    agg = json.loads(path.read_text())
    change(agg["data"][3])
    path.write_text(json.dumps(agg))


@pytest.mark.parametrize("vote, shown", [("yes", "'yes'"), (None, "None"), (1, "1")])
def test_every_vote_must_be_a_boolean(folder, vote, shown):
    _edit_agg(folder / "agg/zoom.json", lambda row: row["secondaries"].update(B=vote))
    with pytest.raises(DataError, match=rf"agg/zoom.json: wrong schema: data\[3\] .*the vote of "
                                        rf"B must be true or false, not {shown}"):
        Dataset(folder).agg_votes("zoom")
    problems = validate(folder)  # used to print a traceback for "yes", accept null silently
    assert [p.level for p in problems if p.path.endswith("agg/zoom.json")] == ["error"]


def test_one_broken_snapshot_is_left_out_and_the_task_still_trains(folder):
    path = folder / "checkpoints/zoom.json"
    cps = json.loads(path.read_text())
    cps[2]["neg"].append(cps[2]["pos"][0])
    path.write_text(json.dumps(cps))
    ds = Dataset(folder)
    kept = ds.checkpoints("zoom")
    assert len(kept) == len(cps) - 1
    assert [len(c) for c in kept] == [len(c["pos"]) + len(c["neg"])
                                      for i, c in enumerate(cps) if i != 2]
    assert any(w.path.endswith("checkpoints/zoom.json")
               and w.reason.startswith(f"snapshot 3 of {len(cps)} left out: ")
               and "both" in w.reason for w in ds.warnings)
    assert TaskFits(ds, "zoom").checkpoints == kept  # agg training and Experiment 1 go on


def test_validate_reports_tasks_without_positives_or_rows(folder):
    agg = json.loads((folder / "agg/zoom.json").read_text())
    (folder / "agg/zoom.json").write_text(json.dumps({**agg, "data": []}))
    for row in agg["data"]:
        row.update(primary=False, secondaries={k: False for k in row["secondaries"]},
                   agg=False, pos_cnt=0)
    (folder / "agg/closeup.json").write_text(json.dumps(agg))
    found = {p.path.split("/")[-1]: p.reason for p in validate(folder) if p.level == "warning"}
    assert found["zoom.json"].startswith("no rows")
    assert found["closeup.json"].startswith(f"no positive among its {len(agg['data'])} rows")


def test_a_header_only_csv_is_named_as_such(folder):
    text = (folder / "shot-data.csv").read_text().splitlines()[0]
    (folder / "shot-data.csv").write_text(text + "\n")
    with pytest.raises(DataError, match=r"shot-data.csv: has a header but no rows"):
        Dataset(folder)


def test_embeddings_of_another_width_are_blamed_on_embeddings(broken_folder):
    from broken_folders import CASES

    path = broken_folder(next(c for c in CASES if c.name == "embeddings_other_width"))
    with pytest.raises(DataError) as info:
        Dataset(path).text_embeddings
    assert info.value.path.endswith("embeddings.h5")
    assert "width 256, but every text embedding in text-embeddings.json has width 512" in str(
        info.value)


def test_json_files_have_a_size_cap(tmp_path):
    path = tmp_path / "big.json"
    path.write_text("[" + "1," * 600 + "1]")
    assert len(read_json(path)) == 601
    with pytest.raises(DataError, match=r"big.json: is 0 MiB; a JSON file of the layout may be "
                                        r"at most 0 MiB"):
        read_json(path, max_bytes=1000)


def test_a_same_size_rewrite_with_the_old_mtime_changes_the_fingerprint(folder):
    before = fingerprint_of(folder)
    path = folder / "agg/zoom.json"
    st = path.stat()
    text = path.read_text()
    path.write_text(text.replace('"pos_cnt":0', '"pos_cnt":1', 1))  # same size
    assert path.stat().st_size == st.st_size and path.read_text() != text
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert fingerprint_of(folder) != before
    path.write_text(text)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert fingerprint_of(folder) == before


def test_a_truncated_embeddings_file_is_an_error_not_a_sigbus(folder):
    """In a child process: a SIGBUS would kill it, and the test sees the signal."""
    script = textwrap.dedent(f"""
        import os
        from dashboard import DataError, Dataset
        ds = Dataset({str(folder)!r})
        assert ds.memory_mapped
        key = ds.shots["key"].iloc[-1]
        ds.vectors([key])
        os.truncate({str(folder / "embeddings.h5")!r}, 4096)
        try:
            ds.vectors([key])
        except DataError as e:
            print(e)
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=os.getcwd(), timeout=120)
    assert run.returncode == 0, (run.returncode, run.stderr)
    assert "embeddings.h5: changed on disk since the folder was opened and can no longer be " \
           "used: cannot be read as HDF5" in run.stdout


def test_a_replaced_embeddings_file_is_reopened(folder):
    import h5py

    ds = Dataset(folder)
    key = ds.shots["key"].iloc[0]
    with h5py.File(folder / "embeddings.h5", "r") as f:
        x = f["embeddings"][:]
    (folder / "embeddings.h5").unlink()
    with h5py.File(folder / "embeddings.h5", "w") as f:
        f.create_dataset("embeddings", data=x * 2)
    assert np.allclose(ds.vectors([key])[0], x[0] * 2)
