"""Every bad-input case raises DataError naming the file and the reason (or warns)."""
import json

import h5py
import numpy as np
import pandas as pd
import pytest

from dashboard import DataError, Dataset
from dashboard.dataset.validate import validate


def _open_error(path) -> DataError:
    with pytest.raises(DataError) as info:
        Dataset(path)
    return info.value


def test_missing_required_file(copy_of_demo):
    (copy_of_demo / "embeddings.h5").unlink()
    err = _open_error(copy_of_demo)
    assert err.path.endswith("embeddings.h5") and "missing" in err.reason


def test_missing_agg_folder(copy_of_demo):
    import shutil

    shutil.rmtree(copy_of_demo / "agg")
    err = _open_error(copy_of_demo)
    assert err.path.endswith("agg") and "missing" in err.reason


def test_malformed_json_names_line_and_column(copy_of_demo):
    (copy_of_demo / "agg" / "zoom.json").write_text('{"primary": "A",\n  "data": [}')
    ds = Dataset(copy_of_demo)
    with pytest.raises(DataError) as info:
        ds.agg_votes("zoom")
    assert info.value.path.endswith("agg/zoom.json")
    assert "malformed JSON at line 2, column" in info.value.reason


def test_wrong_schema(copy_of_demo):
    (copy_of_demo / "cmp" / "zoom.json").write_text(json.dumps({"random": [{"key": 1}],
                                                                "zero_shot": []}))
    with pytest.raises(DataError, match=r"cmp/zoom.json: wrong schema: random\[0\]"):
        Dataset(copy_of_demo).cmp("zoom")


def test_embedding_rows_differ_from_csv_rows(copy_of_demo):
    shots = pd.read_csv(copy_of_demo / "shot-data.csv")
    shots.iloc[:-5].to_csv(copy_of_demo / "shot-data.csv", index=False)
    err = _open_error(copy_of_demo)
    assert err.path.endswith("embeddings.h5") and "4000 rows" in err.reason and "3995" in err.reason


def test_text_embedding_dimension_differs(copy_of_demo):
    path = copy_of_demo / "text-embeddings.json"
    text = json.loads(path.read_text())
    text["zoom"] = text["zoom"][:100]
    path.write_text(json.dumps(text))
    with pytest.raises(DataError, match=r"text-embeddings.json: .*'zoom' has dimension 100.* 512"):
        Dataset(copy_of_demo).text_embeddings


def test_nan_rows(copy_of_demo):
    with h5py.File(copy_of_demo / "embeddings.h5", "r+") as f:
        f["embeddings"][7, 3] = np.nan
    ds = Dataset(copy_of_demo)
    key = ds.shots["key"].iloc[7]
    with pytest.raises(DataError, match=r"embeddings.h5: 1 embedding rows hold NaN or inf"):
        ds.vectors([key])
    problems = validate(copy_of_demo)
    assert any(p.level == "error" and "rows 7" in p.reason for p in problems)


def test_duplicate_keys(copy_of_demo):
    shots = pd.read_csv(copy_of_demo / "shot-data.csv", keep_default_na=False)
    shots.loc[5, "key"] = shots.loc[4, "key"]
    shots.to_csv(copy_of_demo / "shot-data.csv", index=False)
    err = _open_error(copy_of_demo)
    assert err.path.endswith("shot-data.csv") and "1 duplicate keys" in err.reason


def test_unknown_keys_are_dropped_with_a_warning(copy_of_demo):
    path = copy_of_demo / "checkpoints" / "zoom.json"
    cps = json.loads(path.read_text())
    cps[0]["pos"] += ["ghost|1", "ghost|2"]
    path.write_text(json.dumps(cps))
    ds = Dataset(copy_of_demo)
    assert "ghost|1" not in ds.checkpoints("zoom")[0].pos
    assert any("2 keys not in shot-data.csv were dropped" in str(w) and "zoom.json" in w.path
               for w in ds.warnings)


def test_unsafe_task_names_never_become_paths(copy_of_demo):
    (copy_of_demo / "agg" / "bad name;rm.json").write_text("{}")
    ds = Dataset(copy_of_demo)
    assert "bad name;rm" not in ds.tasks
    assert any("not a safe file name" in w.reason for w in ds.warnings)
    with pytest.raises(DataError, match="not a safe file name"):
        ds.agg_votes("../../etc/passwd")


def test_validate_reports_every_problem_and_exit_codes(copy_of_demo, capsys):
    from dashboard.cli import main

    assert main(["validate", str(copy_of_demo)]) == 0
    (copy_of_demo / "agg" / "zoom.json").write_text("[")
    (copy_of_demo / "cmp" / "pan.json").write_text('{"random": 1}')
    (copy_of_demo / "cmp" / "zoom.json").unlink()  # a task without baselines: a warning only
    problems = validate(copy_of_demo)
    level = {p.path.split("/")[-2] + "/" + p.path.split("/")[-1]: p.level for p in problems}
    assert level["agg/zoom.json"] == level["cmp/pan.json"] == "error"
    assert level["cmp/zoom.json"] == "warning"
    assert main(["validate", str(copy_of_demo)]) == 1
    assert "agg/zoom.json: malformed JSON" in capsys.readouterr().out


def test_warnings_only_exit_zero(copy_of_demo):
    from dashboard.cli import main

    path = copy_of_demo / "cmp" / "zoom.json"
    cmp = json.loads(path.read_text())
    cmp["random"].append({"key": "ghost|9", "value": True})
    path.write_text(json.dumps(cmp))
    problems = validate(copy_of_demo)
    assert problems and all(p.level == "warning" for p in problems)
    assert main(["validate", str(copy_of_demo)]) == 0


@pytest.mark.parametrize("bad, shown", [(10, "10"), (-1, "-1"), (2.5, "2.5")])
def test_cluster_index_outside_0_to_9_names_the_file_and_value(copy_of_demo, bad, shown):
    shots = pd.read_csv(copy_of_demo / "shot-data.csv")
    shots["cluster_index"] = shots["cluster_index"].astype(float)
    shots.loc[[3, 7], "cluster_index"] = bad  # 3.0 stays valid: a whole number
    shots.to_csv(copy_of_demo / "shot-data.csv", index=False)
    err = _open_error(copy_of_demo)
    assert err.path.endswith("shot-data.csv")
    assert "'cluster_index' must hold integers 0..9: 2 rows do not" in err.reason
    assert f"(e.g. {shown}" in err.reason


@pytest.mark.parametrize("make", ["folder", "unreadable"])
def test_unreadable_json_is_a_data_error(copy_of_demo, monkeypatch, make):
    path = copy_of_demo / "agg" / "zoom.json"
    if make == "folder":
        path.unlink()
        path.mkdir()
    else:  # tests may run as root, who can read anything: fake the refusal
        real_open = open

        def refuse(file, *args, **kwargs):
            if str(file) == str(path):
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)
        monkeypatch.setattr("builtins.open", refuse)
    with pytest.raises(DataError) as info:
        Dataset(copy_of_demo).agg_votes("zoom")
    assert info.value.path.endswith("agg/zoom.json")
    assert info.value.reason == ("cannot be read: Is a directory" if make == "folder"
                                 else "cannot be read: Permission denied")
