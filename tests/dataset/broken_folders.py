"""A corpus of broken data folders, each one defect away from a good one.

The good folder is the session's demo cut down to three tasks (``TASKS``; zoom and closeup
have AVE sets), so that every page renders in well under a second. Each :class:`Case` names
a generator that breaks a copy of it and what ``validate`` must say: the level (``None``:
no problem at all, the folder is fine), the file and a pattern of the reason.
Used by ``test_broken_validate.py`` (the CLI) and ``tests/app/test_broken_pages.py``.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import h5py
import numpy as np
import pandas as pd
import pytest

TASKS = ("zoom", "car-chase", "closeup")
TASK = "zoom"  # the task most cases break
MARKDOWN_KEY = "[click me](http://evil.example)|0"


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], None]
    level: str | None  # "error", "warning", or None when the folder is fine
    file: str = ""  # the end of the path the problem names
    reason: str = ""  # a regular expression the reason matches
    page_shows: bool = True  # the file is named on a page (or the sidebar); False: no page
                             # reads it (validate reports it)
    shown: str = ""  # what a page must show instead of the file's name


CASES: list[Case] = []


def case(level: str | None, file: str = "", reason: str = "", page_shows: bool = True,
         shown: str = ""):
    def register(make: Callable[[Path], None]):
        CASES.append(Case(make.__name__, make, level, file, reason, page_shows, shown))
        return make
    return register


# --- helpers -----------------------------------------------------------------------------
def _json(root: Path, name: str):
    return json.loads((root / name).read_text())


def _write(root: Path, name: str, value) -> None:
    (root / name).write_text(json.dumps(value))


def _truncate(root: Path, name: str) -> None:
    text = (root / name).read_text()
    (root / name).write_text(text[: len(text) // 2])


def _shots(root: Path) -> pd.DataFrame:
    return pd.read_csv(root / "shot-data.csv", keep_default_na=False)


def _rewrite_embeddings(root: Path, x: np.ndarray, **options) -> None:
    (root / "embeddings.h5").unlink()
    with h5py.File(root / "embeddings.h5", "w") as f:
        f.create_dataset("embeddings", data=x, **options)


def _embeddings(root: Path) -> np.ndarray:
    with h5py.File(root / "embeddings.h5", "r") as f:
        return f["embeddings"][:]


def _set_rows(root: Path, rows, value: float) -> None:
    with h5py.File(root / "embeddings.h5", "r+") as f:
        for r in rows:
            f["embeddings"][r, 5] = value


def unlabeled_row(root: Path) -> int:
    """The first row that no task's file uses."""
    used = set()
    for task in TASKS:
        used |= {d["key"] for d in _json(root, f"agg/{task}.json")["data"]}
        cmp = _json(root, f"cmp/{task}.json")
        used |= {d["key"] for d in cmp["random"] + cmp["zero_shot"]}
        used |= {k for cp in _json(root, f"checkpoints/{task}.json") for k in cp["pos"] + cp["neg"]}
        if (root / f"ave/validation/{task}.json").is_file():
            ave = _json(root, f"ave/validation/{task}.json")
            used |= set(ave["pos"] + ave["neg"])
    return next(i for i, k in enumerate(_shots(root)["key"]) if k not in used)


def ave_only_row(root: Path, task: str = TASK) -> int:
    """A row that only the task's AVE set uses (not agg, cmp or checkpoints)."""
    agg = {d["key"] for d in _json(root, f"agg/{task}.json")["data"]}
    cmp = _json(root, f"cmp/{task}.json")
    used = agg | {d["key"] for d in cmp["random"] + cmp["zero_shot"]}
    used |= {k for cp in _json(root, f"checkpoints/{task}.json") for k in cp["pos"] + cp["neg"]}
    ave = _json(root, f"ave/validation/{task}.json")
    key = next(k for k in ave["pos"] + ave["neg"] if k not in used)
    return int(_shots(root)["key"].tolist().index(key))


# --- every file missing in turn ------------------------------------------------------------
@case("error", "shot-data.csv", "file is missing")
def missing_shot_data(root): (root / "shot-data.csv").unlink()


@case("error", "embeddings.h5", "file is missing")
def missing_embeddings(root): (root / "embeddings.h5").unlink()


@case("error", "text-embeddings.json", "file is missing")
def missing_text_embeddings(root): (root / "text-embeddings.json").unlink()


@case(None)
def missing_queries(root): (root / "queries.json").unlink()


@case(None)
def missing_task_descriptions(root): (root / "task_descriptions.json").unlink()


@case("warning", "checkpoints/zoom.json", "there is no agg/zoom.json", page_shows=False)
def missing_agg_file(root): (root / "agg/zoom.json").unlink()


@case("error", "checkpoints/zoom.json", "file is missing")
def missing_checkpoints_file(root): (root / "checkpoints/zoom.json").unlink()


@case("warning", "cmp/zoom.json", "file is missing")
def missing_cmp_file(root): (root / "cmp/zoom.json").unlink()


@case(None)
def missing_ave_file(root): (root / "ave/validation/zoom.json").unlink()


@case("error", "agg", "folder is missing")
def missing_agg_folder(root): shutil.rmtree(root / "agg")


@case("error", "shot-data.csv", "file is missing")
def empty_folder(root):
    shutil.rmtree(root)
    root.mkdir()


@case("error", "", "is a file, not a folder")
def path_is_a_file(root):
    shutil.rmtree(root)
    root.write_text("not a folder")


# --- truncated and wrong-shape JSON for every file kind ----------------------------------
_KINDS = {"agg": "agg/zoom.json", "checkpoints": "checkpoints/zoom.json",
          "cmp": "cmp/zoom.json", "ave": "ave/validation/zoom.json",
          "text": "text-embeddings.json", "queries": "queries.json",
          "descriptions": "task_descriptions.json"}
_WRONG_SHAPE = {"agg": [1], "checkpoints": {"pos": []}, "cmp": [], "ave": [],
                "text": [[0.0]], "queries": ["zoom"], "descriptions": ["zoom"]}


def _register_json_cases() -> None:
    for kind, name in _KINDS.items():
        def truncated(root, name=name): _truncate(root, name)
        def wrong_shape(root, name=name, kind=kind): _write(root, name, _WRONG_SHAPE[kind])
        truncated.__name__, wrong_shape.__name__ = f"truncated_{kind}", f"wrong_shape_{kind}"
        shown = kind != "queries"  # no page reads queries.json
        case("error", name, "malformed JSON at line", shown)(truncated)
        case("error", name, "wrong schema", shown)(wrong_shape)


_register_json_cases()


# --- wrong field types in every schema ---------------------------------------------------
def _agg_row(root, change: Callable[[dict], None], task: str = TASK) -> None:
    agg = _json(root, f"agg/{task}.json")
    change(agg["data"][3])
    _write(root, f"agg/{task}.json", agg)


@case("error", "agg/zoom.json", r"data\[3\].*vote of B must be true or false, not 'yes'")
def agg_vote_is_a_string(root): _agg_row(root, lambda r: r["secondaries"].update(B="yes"))


@case("error", "agg/zoom.json", r"data\[3\].*vote of C must be true or false, not None")
def agg_vote_is_null(root): _agg_row(root, lambda r: r["secondaries"].update(C=None))


@case("error", "agg/zoom.json", r"data\[3\] needs .*pos_cnt \(int\)")
def agg_pos_cnt_is_text(root): _agg_row(root, lambda r: r.update(pos_cnt="3"))


@case("error", "agg/zoom.json", r"data\[3\] needs key \(str\), primary \(bool\)")
def agg_primary_vote_is_a_number(root): _agg_row(root, lambda r: r.update(primary=1))


@case("error", "agg/zoom.json", "'secondaries' must be a list of annotator names")
def agg_annotator_is_a_number(root):
    agg = _json(root, "agg/zoom.json")
    agg["secondaries"][0] = 7
    _write(root, "agg/zoom.json", agg)


@case("warning", "checkpoints/zoom.json", r"snapshot 2 of \d+ left out: .*\[1\]\.pos must be")
def checkpoint_key_is_a_number(root):
    cps = _json(root, "checkpoints/zoom.json")
    cps[1]["pos"][0] = 12
    _write(root, "checkpoints/zoom.json", cps)


@case("error", "cmp/zoom.json", r"random\[0\] must be")
def cmp_value_is_text(root):
    cmp = _json(root, "cmp/zoom.json")
    cmp["random"][0]["value"] = "true"
    _write(root, "cmp/zoom.json", cmp)


@case("error", "ave/validation/zoom.json", r"file\.pos must be a list of key strings")
def ave_pos_is_text(root): _write(root, "ave/validation/zoom.json", {"pos": "a|1", "neg": []})


@case("error", "text-embeddings.json", "'zoom' must be a list of numbers")
def text_embedding_of_strings(root):
    text = _json(root, "text-embeddings.json")
    text["zoom"] = [str(v) for v in text["zoom"]]
    _write(root, "text-embeddings.json", text)


@case("error", "queries.json", "'zoom' must be a string or a list of strings", page_shows=False)
def query_is_a_number(root):
    _write(root, "queries.json", {**_json(root, "queries.json"), "zoom": 3})


@case("error", "task_descriptions.json", r"'zoom'\.description must be a string")
def description_is_a_number(root):
    about = _json(root, "task_descriptions.json")
    about["zoom"]["description"] = 42
    _write(root, "task_descriptions.json", about)


# --- duplicate keys ------------------------------------------------------------------------
@case("error", "shot-data.csv", "1 duplicate keys")
def duplicate_shot_key(root):
    shots = _shots(root)
    shots.loc[5, "key"] = shots.loc[4, "key"]
    shots.to_csv(root / "shot-data.csv", index=False)


@case("error", "agg/zoom.json", "1 duplicate keys")
def duplicate_agg_key(root):
    agg = _json(root, "agg/zoom.json")
    agg["data"].append(agg["data"][0])
    _write(root, "agg/zoom.json", agg)


# --- shot-data.csv -----------------------------------------------------------------------
@case("error", "shot-data.csv", "missing columns: fps")
def csv_missing_column(root): _shots(root).drop(columns="fps").to_csv(root / "shot-data.csv",
                                                                      index=False)


@case("error", "shot-data.csv", "column 'start' must be numeric")
def csv_bad_number(root):
    shots = _shots(root).astype({"start": str})
    shots.loc[9, "start"] = "1.5s"
    shots.to_csv(root / "shot-data.csv", index=False)


@case("error", "shot-data.csv", "has a header but no rows")
def csv_no_rows(root): _shots(root).iloc[:0].to_csv(root / "shot-data.csv", index=False)


# --- embeddings.h5 -----------------------------------------------------------------------
@case("error", "embeddings.h5", "has 3990 rows but shot-data.csv has 4000")
def embeddings_fewer_rows(root): _rewrite_embeddings(root, _embeddings(root)[:-10])


@case("error", "embeddings.h5", "has 4010 rows but shot-data.csv has 4000")
def embeddings_more_rows(root):
    x = _embeddings(root)
    _rewrite_embeddings(root, np.vstack([x, x[:10]]))


@case("error", "embeddings.h5", "width 256, but every text embedding .* has width 512")
def embeddings_other_width(root): _rewrite_embeddings(root, _embeddings(root)[:, :256])


@case("error", "embeddings.h5", r"2 rows hold NaN or inf: rows \d+, \d+")
def embeddings_nan_rows(root):
    _set_rows(root, [unlabeled_row(root), ave_only_row(root)], np.nan)


@case("error", "embeddings.h5", "1 rows hold NaN or inf: rows 3")
def embeddings_inf_row(root): _set_rows(root, [3], np.inf)


@case("error", "embeddings.h5", "must be a 2-D float matrix.*int32")
def embeddings_integer_dtype(root):
    _rewrite_embeddings(root, (_embeddings(root) * 100).astype(np.int32))


@case(None)
def embeddings_chunked_compressed(root):
    _rewrite_embeddings(root, _embeddings(root), chunks=(256, 64), compression="gzip")


@case("error", "embeddings.h5", "has no dataset named 'embeddings'")
def embeddings_dataset_missing(root):
    _rewrite_embeddings(root, np.zeros(3, np.float32))
    with h5py.File(root / "embeddings.h5", "r+") as f:
        f.move("embeddings", "vectors")


@case("error", "embeddings.h5", "cannot be read as HDF5")
def embeddings_not_hdf5(root): (root / "embeddings.h5").write_bytes(b"not an HDF5 file" * 100)


# --- text embeddings ---------------------------------------------------------------------
@case("error", "text-embeddings.json", "'zoom' has dimension 100, video embeddings have 512")
def text_embedding_wrong_width(root):
    text = _json(root, "text-embeddings.json")
    text["zoom"] = text["zoom"][:100]
    _write(root, "text-embeddings.json", text)


@case("warning", "text-embeddings.json", "no text embedding for task 'zoom'",
      shown="no text embedding for this task")
def text_embedding_missing_a_task(root):
    text = _json(root, "text-embeddings.json")
    del text["zoom"]
    _write(root, "text-embeddings.json", text)


# --- checkpoints ---------------------------------------------------------------------------
@case("warning", "checkpoints/zoom.json", "2 keys not in shot-data.csv were dropped")
def checkpoint_unknown_keys(root):
    cps = _json(root, "checkpoints/zoom.json")
    cps[0]["pos"] += ["ghost|1", "ghost|2"]
    _write(root, "checkpoints/zoom.json", cps)


@case("warning", "checkpoints/zoom.json", r"snapshot 3 of \d+ left out: .*both")
def checkpoint_key_on_both_sides(root):
    cps = _json(root, "checkpoints/zoom.json")
    cps[2]["neg"].append(cps[2]["pos"][0])
    _write(root, "checkpoints/zoom.json", cps)


# --- task files, labels ------------------------------------------------------------------
@case("warning", "bad name;rm.json", "not a safe file name")
def unsafe_task_file_name(root): shutil.copy(root / "agg/zoom.json", root / "agg/bad name;rm.json")


@case("warning", "agg/zoom.json", "no positive among its", shown="has no positive")
def agg_without_positive(root):
    agg = _json(root, "agg/zoom.json")
    for row in agg["data"]:
        row.update(primary=False, secondaries={k: False for k in row["secondaries"]}, agg=False,
                   pos_cnt=0)
    _write(root, "agg/zoom.json", agg)


@case("warning", "agg/zoom.json", "no rows", shown="has no positive")
def agg_without_rows(root): _write(root, "agg/zoom.json", {**_json(root, "agg/zoom.json"),
                                                           "data": []})


@case("error", "agg/zoom.json", "is 33 MiB; a JSON file of the layout may be at most 32 MiB")
def agg_file_too_large(root):
    agg = (root / "agg/zoom.json").read_text()
    (root / "agg/zoom.json").write_text(agg + " " * (33 * 2**20))


# --- HTML and Markdown in titles, genres, descriptions and keys ----------------------------
@case(None)
def html_in_titles_and_genres(root):
    shots = _shots(root)
    shots["desc"] = "<script>alert(1)</script> **bold** [link](http://evil.example)"
    shots["genre"] = "<b>drama</b> _x_"
    shots.to_csv(root / "shot-data.csv", index=False)


@case(None)
def markdown_in_descriptions(root):
    about = _json(root, "task_descriptions.json")
    about["zoom"] = {"description": "# Title [x](http://evil.example) <img src=x>",
                     "keywords": "*a*, `b`, $c$"}
    _write(root, "task_descriptions.json", about)


@case("error", "agg/zoom.json", r"duplicate keys \(e\.g\. \[click me\]")
def markdown_in_keys(root):
    shots = _shots(root)
    agg = _json(root, "agg/zoom.json")
    old = agg["data"][0]["key"]
    shots.loc[shots["key"] == old, "key"] = MARKDOWN_KEY
    shots.to_csv(root / "shot-data.csv", index=False)
    agg["data"][0]["key"] = MARKDOWN_KEY
    agg["data"].append(agg["data"][0])  # a duplicate: the message quotes the key
    _write(root, "agg/zoom.json", agg)


# --- fixtures ------------------------------------------------------------------------------
def small_copy(demo_dir: Path, out: Path) -> Path:
    """The demo with only ``TASKS`` (the good folder every case starts from)."""
    shutil.copytree(demo_dir, out)
    for sub in ("agg", "checkpoints", "cmp", "ave/validation"):
        for path in (out / sub).glob("*.json"):
            if path.stem not in TASKS:
                path.unlink()
    return out


@pytest.fixture(scope="session")
def good_folder(demo_dir, tmp_path_factory) -> Path:
    return small_copy(demo_dir, tmp_path_factory.mktemp("broken") / "good")


@pytest.fixture(scope="session")
def broken_folder(good_folder) -> Callable[[Case], Path]:
    """``broken_folder(case)``: the case's folder, made once per session (read-only)."""
    made: dict[str, Path] = {}

    def get(c: Case) -> Path:
        if c.name not in made:
            path = good_folder.parent / c.name
            shutil.copytree(good_folder, path)
            c.make(path)
            made[c.name] = path
        return made[c.name]
    return get
