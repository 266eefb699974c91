"""The dataset folder in the released layout: shots, embeddings and per-task labels.

Opening reads shot-data.csv and the HDF5 header only; the embedding matrix is memory-mapped
when the file allows it, and every per-task file is read on first use.
"""
from __future__ import annotations

import ctypes
import hashlib
import os
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ..errors import DataError, DataWarning
from ..method import evaluation
from ..method.agreement import AggLabels
from ..method.labeled import LabeledDataset
from .jsonfiles import expect, expect_text, parse_key_values, parse_pos_neg, read_json
from .tasks import ALL_TASKS, check_task_name, group_of

SHOT_COLUMNS = ("key", "yt_id", "desc", "genre", "frame_in", "frame_out", "start", "end",
                "fps", "cluster_index")
_TEXT_COLUMNS = ("key", "yt_id", "desc", "genre")
RANDOM, ZERO_SHOT = "random", "zero_shot"  # the two lists of cmp/{label}.json, as named there


def _read_csv(path: Path) -> pd.DataFrame:
    """Parse the CSV with pyarrow (several times faster than pandas' own parser)."""
    options = pacsv.ConvertOptions(column_types={c: pa.string() for c in _TEXT_COLUMNS})
    return pacsv.read_csv(path, convert_options=options).to_pandas()


def _release_freed_memory() -> None:
    """Hand the parser's freed buffers back to the OS (about 150 MB at full size)."""
    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the memory is merely kept for reuse
        pass


def read_shots(path: Path) -> pd.DataFrame:
    """shot-data.csv as a DataFrame, checked: columns, unique keys, cluster indices."""
    if not path.is_file():
        raise DataError(path, "file is missing")
    try:
        shots = _read_csv(path)
    except (pa.ArrowException, OSError, UnicodeDecodeError) as e:
        raise DataError(path, f"cannot be read as CSV: {e}") from None
    missing = [c for c in SHOT_COLUMNS if c not in shots.columns]
    if missing:
        raise DataError(path, f"missing columns: {', '.join(missing)}")
    if shots.empty:
        raise DataError(path, "has a header but no rows (one row per shot is needed)")
    empty = int((shots["key"] == "").sum())
    if empty:
        raise DataError(path, f"{empty} rows have an empty key")
    for col in ("frame_in", "frame_out", "start", "end", "fps", "cluster_index"):
        if not pd.api.types.is_numeric_dtype(shots[col]) or shots[col].isna().any():
            raise DataError(path, f"column {col!r} must be numeric with no empty cells")
    clusters = shots["cluster_index"]
    bad = ~clusters.isin(range(evaluation.N_CLUSTERS))  # 2.5 and 10 are out, 3.0 is in
    if bad.any():
        raise DataError(path, f"column 'cluster_index' must hold integers 0.."
                              f"{evaluation.N_CLUSTERS - 1}: {int(bad.sum())} rows do not "
                              f"(e.g. {clusters[bad].iloc[0]:g} for key "
                              f"{shots['key'][bad].iloc[0]!r})")
    shots["cluster_index"] = clusters.astype(np.int16)
    _release_freed_memory()
    return shots


def shot_links(shots: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(watch URL at the shot's start, thumbnail URL) for each row of a shot table."""
    yt = shots["yt_id"].astype(str)
    watch = "https://youtu.be/" + yt + "?t=" + shots["start"].astype(int).astype(str)
    return watch.to_numpy(), ("https://i.ytimg.com/vi/" + yt + "/mqdefault.jpg").to_numpy()


def key_index(shots: pd.DataFrame, path: Path) -> pd.Index:
    """The key -> row index, with its hash table built; duplicate keys raise DataError."""
    index = pd.Index(shots["key"])
    if not index.is_unique:  # builds the hash table that every later lookup uses
        dup = index[index.duplicated()]
        raise DataError(path, f"{len(dup)} duplicate keys (e.g. {', '.join(dup[:3])})")
    return index


def file_state(path: Path) -> tuple[int, ...]:
    """What changes when a file is replaced, rewritten, truncated or touched (one stat)."""
    st = path.stat()
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def open_embeddings(path: Path, n_rows: int) -> tuple[np.ndarray, bool]:
    """(matrix, memory_mapped). Memory-map a contiguous uncompressed float32 dataset."""
    if not path.is_file():
        raise DataError(path, "file is missing")
    try:
        with h5py.File(path, "r") as f:
            if "embeddings" not in f or not isinstance(f["embeddings"], h5py.Dataset):
                raise DataError(path, "has no dataset named 'embeddings'")
            dset = f["embeddings"]
            if dset.ndim != 2 or not np.issubdtype(dset.dtype, np.floating):
                raise DataError(path, f"'embeddings' must be a 2-D float matrix, "
                                      f"got shape {dset.shape} dtype {dset.dtype}")
            if dset.shape[0] != n_rows:
                raise DataError(path, f"'embeddings' has {dset.shape[0]} rows but "
                                      f"shot-data.csv has {n_rows}")
            offset = dset.id.get_offset()
            mappable = (offset is not None and dset.chunks is None and dset.compression is None
                        and dset.dtype == np.dtype("<f4"))
            if not mappable:
                return np.ascontiguousarray(dset[:], dtype=np.float32), False
            shape = dset.shape
    except OSError as e:
        raise DataError(path, f"cannot be read as HDF5: {e}") from None
    if n_rows == 0:
        return np.zeros(shape, np.float32), False
    return np.memmap(path, dtype="<f4", mode="r", offset=offset, shape=shape), True


def describe_rows(rows: np.ndarray, shown: int = 5) -> str:
    """The first row numbers of a sorted list and how many others ("7, 12 and 40 more")."""
    text = ", ".join(str(int(r)) for r in rows[:shown])
    return text + (f" and {len(rows) - shown:,} more" if len(rows) > shown else "")


_CHUNK_ROWS = 65_536
_LAYOUT_FILES = ("shot-data.csv", "embeddings.h5", "text-embeddings.json", "queries.json",
                 "task_descriptions.json")
_TASK_FOLDERS = ("agg", "checkpoints", "cmp", "ave/validation")


@lru_cache(maxsize=4096)
def _content_hash(path: str, state: tuple[int, ...]) -> str:
    """SHA-1 of a file's bytes, read again only when its stat ``state`` changes."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha1").hexdigest()


def fingerprint_of(root: str | Path) -> str:
    """A stable hash of a dataset folder's files: every file's name, size and modification
    time, and the content of the JSON files (small), so that a same-size rewrite that keeps
    the old modification time changes it too.

    Cheap on every rerun: a stat per file, and a JSON file is read again only when its stat
    changed. Equal for a copy that keeps modification times (``cp -p``), so caches carry over.
    """
    root = Path(root)
    files = [root / n for n in _LAYOUT_FILES if (root / n).is_file()]
    for sub in _TASK_FOLDERS:
        files += (root / sub).glob("*.json")
    h = hashlib.sha1()
    for path in sorted(files):
        try:
            h.update(f"{path.relative_to(root)}|{_file_token(path)}\n".encode())
        except OSError:  # removed or unreadable since it was listed: its reader says why
            h.update(f"{path.relative_to(root)}|unreadable\n".encode())
    return h.hexdigest()[:16]


def _file_token(path: Path) -> str:
    st = path.stat()
    token = f"{st.st_size}|{st.st_mtime_ns}"
    if path.suffix == ".json":
        token += "|" + _content_hash(str(path), file_state(path))
    return token


def _agg_row(item, i: int, primary: str, secondaries: tuple[str, ...], path: Path) -> dict:
    """One row of agg/{task}.json checked: key, every vote a boolean, agg, pos_cnt."""
    expect(isinstance(item, dict) and isinstance(item.get("key"), str)
           and isinstance(item.get("agg"), bool) and _is_count(item.get("pos_cnt"))
           and isinstance(item.get("primary"), bool)
           and isinstance(item.get("secondaries"), dict), path,
           f"data[{i}] needs key (str), primary (bool), secondaries (object), "
           "agg (bool) and pos_cnt (int)")
    votes = {primary: item["primary"], **item["secondaries"]}
    expect(set(votes) == {primary, *secondaries}, path,
           f"data[{i}] has votes from {sorted(votes)}, expected {sorted({primary, *secondaries})}")
    for name, vote in item["secondaries"].items():
        expect(isinstance(vote, bool), path, f"data[{i}] ({item['key']}): the vote of {name} "
                                             f"must be true or false, not {vote!r}")
    return {"key": item["key"], **votes, "agg": item["agg"], "pos_cnt": item["pos_cnt"]}


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class CmpLists:
    """The baselines of a task: ordered (key, label) lists of the random and zero-shot samples."""

    random: tuple[tuple[str, bool], ...]
    zero_shot: tuple[tuple[str, bool], ...]


class Dataset:
    """One dataset folder: the shot table, the embedding matrix and lazy per-task loaders."""

    def __init__(self, root: str | Path, shots: pd.DataFrame | None = None):
        """``shots``: the folder's shot table as :func:`read_shots` returns it, when the caller
        has it already (``dataset.derived.open_dataset`` keeps a copy on disk); else read."""
        self.root = Path(root)
        if self.root.exists() and not self.root.is_dir():
            raise DataError(self.root, "is a file, not a folder (give the dataset folder)")
        if not self.root.is_dir():
            raise DataError(self.root, "dataset folder does not exist")
        self.warnings: list[DataWarning] = []
        self.shots = read_shots(self.root / "shot-data.csv") if shots is None else shots
        self._open_embeddings()
        self._index = key_index(self.shots, self.root / "shot-data.csv")
        self._clusters = self.shots["cluster_index"].to_numpy()
        self.tasks = self._list_tasks()
        # per-instance caches of the lazy loaders (not lru_cache on methods: no leak of self)
        for name in ("agg_votes", "checkpoints", "cmp", "ave"):
            setattr(self, name, lru_cache(maxsize=None)(getattr(self, name)))

    def __repr__(self) -> str:
        return f"Dataset({str(self.root)!r}, shots={self.n_shots}, tasks={len(self.tasks)})"

    # --- shots and embeddings -------------------------------------------------------------
    @property
    def n_shots(self) -> int:
        return len(self.shots)

    @property
    def dim(self) -> int:
        return int(self._embeddings.shape[1])

    def _open_embeddings(self) -> None:
        path = self.root / "embeddings.h5"
        self._embeddings, self.memory_mapped = open_embeddings(path, len(self.shots))
        self._embeddings_state = file_state(path)

    @property
    def embeddings(self) -> np.ndarray:
        """The embedding matrix (memory-mapped when the file allows it).

        The file is checked (one stat) before every use: a memory map over a file that was
        truncated since would kill the process (SIGBUS) when touched, so a changed file is
        opened again, and one that no longer opens raises DataError.
        """
        path = self.root / "embeddings.h5"
        try:
            changed = file_state(path) != self._embeddings_state
        except OSError:
            raise DataError(path, "file is missing (removed since the folder was opened)") from None
        if changed:
            try:
                self._open_embeddings()
            except DataError as e:
                raise DataError(path, f"changed on disk since the folder was opened and can no "
                                      f"longer be used: {e.reason}") from None
        return self._embeddings

    @cached_property
    def unusable_rows(self) -> np.ndarray:
        """Rows of the embedding matrix holding NaN or inf (read in chunks, once)."""
        x, bad = self.embeddings, []
        for lo in range(0, len(x), _CHUNK_ROWS):
            bad.append(np.flatnonzero(~np.isfinite(np.asarray(x[lo: lo + _CHUNK_ROWS])).all(axis=1))
                       + lo)
        return np.concatenate(bad) if bad else np.empty(0, np.int64)

    def unusable_note(self) -> str:
        """Empty when every embedding is finite, else what a corpus-wide ranking leaves out."""
        rows = self.unusable_rows
        if not len(rows):
            return ""
        keys = ", ".join(self.shots["key"].iloc[rows[:3]])
        return (f"{self.root / 'embeddings.h5'}: {len(rows):,} shots have NaN or inf in their "
                f"embedding (rows {describe_rows(rows)}; keys {keys}"
                f"{', …' if len(rows) > 3 else ''}) and are left out of search and scoring")

    def rows(self, keys) -> np.ndarray:
        """Row index of each key (-1 for a key that is not in shot-data.csv)."""
        return self._index.get_indexer(pd.Index(keys, dtype="str"))

    def _rows_known(self, keys, path: Path) -> np.ndarray:
        rows = self.rows(keys)
        if (rows < 0).any():
            raise DataError(path, f"{int((rows < 0).sum())} keys are not in shot-data.csv")
        return rows

    def vectors(self, keys) -> np.ndarray:
        """Embeddings of ``keys`` as a new float32 array; non-finite rows raise DataError."""
        path = self.root / "embeddings.h5"
        rows = self._rows_known(keys, self.root / "shot-data.csv")
        order = np.argsort(rows, kind="stable")  # sorted reads are kinder to a memory map
        x = np.empty((len(rows), self.dim), np.float32)
        x[order] = self.embeddings[rows[order]]
        bad = ~np.isfinite(x).all(axis=1)
        if bad.any():
            raise DataError(path, f"{int(bad.sum())} embedding rows hold NaN or inf and cannot "
                                  f"be used (rows {describe_rows(np.sort(rows[bad]))})")
        return x

    def clusters(self, keys) -> np.ndarray:
        return self._clusters[self._rows_known(keys, self.root / "shot-data.csv")]

    @cached_property
    def fingerprint(self) -> str:
        return fingerprint_of(self.root)

    @property
    def folder(self) -> Dataset:
        """The dataset of the data folder alone (itself; an overlay of app-made tasks returns
        the folder's)."""
        return self

    portable = True  # an experiment worker process can reopen it from its root

    def is_app_task(self, task: str) -> bool:
        """Whether ``task`` was made in the app (never, for a data folder alone)."""
        return False

    def version(self, task: str | None = None) -> str:
        """The cache key of a task's data (of every task's with None): the folder's
        fingerprint (an overlay gives its own tasks a key of their own)."""
        return self.fingerprint

    # --- tasks ----------------------------------------------------------------------------
    def _list_tasks(self) -> tuple[str, ...]:
        folder = self.root / "agg"
        if not folder.is_dir():
            raise DataError(folder, "folder is missing (it holds one JSON file per task)")
        names = []
        for path in sorted(folder.glob("*.json")):
            try:
                names.append(check_task_name(path.stem, str(path)))
            except DataError as e:
                self.warnings.append(DataWarning(e.path, e.reason + "; task skipped"))
        order = {t: i for i, t in enumerate(ALL_TASKS)}
        return tuple(sorted(names, key=lambda t: (order.get(t, len(order)), t)))

    def group(self, task: str) -> str:
        return group_of(task)

    def task_path(self, sub: str, task: str) -> Path:
        """``{root}/{sub}/{task}.json`` after checking the task name is a safe file name."""
        return self.root / sub / f"{check_task_name(task)}.json"

    def _drop_unknown(self, keys: list[str], path: Path) -> list[str]:
        rows = self.rows(keys)
        unknown = rows < 0
        if unknown.any():
            self.warnings.append(DataWarning(str(path), f"{int(unknown.sum())} keys not in "
                                             "shot-data.csv were dropped"))
            return [k for k, bad in zip(keys, unknown) if not bad]
        return keys

    def agg_votes(self, task: str) -> AggLabels:
        """agg/{task}.json: each annotator's vote, the aggregated label and the vote count."""
        path = self.task_path("agg", task)
        raw = read_json(path)
        expect(isinstance(raw, dict) and isinstance(raw.get("primary"), str)
               and isinstance(raw.get("secondaries"), list) and isinstance(raw.get("data"), list),
               path, "expected {'primary': str, 'secondaries': [str], 'data': [...]}")
        primary, secondaries = raw["primary"], tuple(raw["secondaries"])
        expect(all(isinstance(a, str) for a in secondaries), path,
               "'secondaries' must be a list of annotator names")
        rows = [_agg_row(item, i, primary, secondaries, path) for i, item in enumerate(raw["data"])]
        table = pd.DataFrame(rows, columns=["key", primary, *secondaries, "agg", "pos_cnt"])
        dup = table["key"].duplicated()
        if dup.any():
            raise DataError(path, f"{int(dup.sum())} duplicate keys (e.g. {table.key[dup].iloc[0]})")
        known = self._drop_unknown(table["key"].tolist(), path)
        if len(known) < len(table):
            table = table[table["key"].isin(known)].reset_index(drop=True)
        return AggLabels(task, primary, secondaries, table)

    def agg_labeled(self, task: str) -> LabeledDataset:
        """The aggregated (majority) labels of a task as a labeled set."""
        t = self.agg_votes(task).table
        positive = t["agg"].to_numpy(bool)
        return LabeledDataset.from_keys(task, t["key"][positive], t["key"][~positive], self)

    def checkpoints(self, task: str) -> tuple[LabeledDataset, ...]:
        """checkpoints/{task}.json, oldest first. A broken snapshot (wrong shape, a key both
        positive and negative) is left out with a warning naming it; the others are kept."""
        path = self.task_path("checkpoints", task)
        raw = read_json(path)
        expect(isinstance(raw, list), path, "expected a list of {'pos': [...], 'neg': [...]}")
        out = []
        for i, item in enumerate(raw):
            try:
                pos, neg = parse_pos_neg(item, path, f"[{i}]")
                out.append(self._labeled(task, pos, neg, path))
            except DataError as e:
                self.warnings.append(DataWarning(e.path, f"snapshot {i + 1} of {len(raw)} left "
                                                         f"out: {e.reason}"))
        return tuple(out)

    def cmp(self, task: str) -> CmpLists:
        """cmp/{task}.json: the ordered random and zero-shot baseline samples."""
        path = self.task_path("cmp", task)
        raw = read_json(path)
        expect(isinstance(raw, dict) and RANDOM in raw and ZERO_SHOT in raw, path,
               "expected {'random': [...], 'zero_shot': [...]}")
        lists = []
        for name in (RANDOM, ZERO_SHOT):
            pairs = parse_key_values(raw[name], path, name)
            known = set(self._drop_unknown([k for k, _ in pairs], path))
            lists.append(tuple(p for p in pairs if p[0] in known))
        return CmpLists(*lists)

    def ave(self, task: str) -> LabeledDataset | None:
        """ave/validation/{task}.json, or None when the task has no AVE set."""
        path = self.task_path("ave/validation", task)
        if not path.is_file():
            return None
        pos, neg = parse_pos_neg(read_json(path), path, "file")
        return self._labeled(task, pos, neg, path)

    def _labeled(self, task: str, pos: list[str], neg: list[str], path: Path) -> LabeledDataset:
        pos, neg = self._drop_unknown(pos, path), self._drop_unknown(neg, path)
        try:
            return LabeledDataset.from_keys(task, pos, neg, self)
        except ValueError as e:
            raise DataError(path, str(e)) from None

    # --- text side ------------------------------------------------------------------------
    @cached_property
    def text_embeddings(self) -> dict[str, np.ndarray]:
        """text-embeddings.json as {label: float32 vector}, dimension checked."""
        path = self.root / "text-embeddings.json"
        raw = read_json(path)
        expect(isinstance(raw, dict), path, "expected {label: [floats]}")
        for label, vec in raw.items():
            expect(isinstance(vec, list) and all(_is_number(v) for v in vec),
                   path, f"{label!r} must be a list of numbers")
        self._check_text_widths({label: len(vec) for label, vec in raw.items()}, path)
        out = {}
        for label, vec in raw.items():
            arr = np.asarray(vec, np.float32)
            expect(bool(np.isfinite(arr).all()), path, f"{label!r} holds NaN or inf")
            out[label] = arr
        return out

    def _check_text_widths(self, widths: dict[str, int], path: Path) -> None:
        """Every text vector must have the shot embeddings' width. When they all agree with
        each other on another width, the two files disagree: both are named."""
        wrong = {label: w for label, w in widths.items() if w != self.dim}
        if wrong and len(set(widths.values())) == 1 and len(widths) > 1:
            raise DataError(self.root / "embeddings.h5",
                            f"'embeddings' has width {self.dim}, but every text embedding in "
                            f"{path.name} has width {next(iter(widths.values()))}: the two "
                            "files are not in the same embedding space")
        if wrong:
            label, width = next(iter(wrong.items()))
            raise DataError(path, f"text embedding {label!r} has dimension {width}, video "
                                  f"embeddings have {self.dim}"
                                  + (f" ({len(wrong)} tasks differ)" if len(wrong) > 1 else ""))

    @cached_property
    def queries(self) -> dict[str, list[str]]:
        """queries.json (optional) as {label: [query, ...]}."""
        return self._optional_text_map("queries.json")

    @cached_property
    def task_descriptions(self) -> dict[str, dict[str, str]]:
        """task_descriptions.json (optional): {task: {"description": str, "keywords": str}}."""
        path = self.root / "task_descriptions.json"
        if not path.is_file():
            return {}
        raw = read_json(path)
        expect(isinstance(raw, dict) and all(isinstance(v, dict) for v in raw.values()), path,
               "expected {task: {'description': str, 'keywords': str}}")
        return {t: {k: expect_text(v.get(k, ""), path, f"{t!r}.{k}")
                    for k in ("description", "keywords")} for t, v in raw.items()}

    def _optional_text_map(self, name: str) -> dict[str, list[str]]:
        path = self.root / name
        if not path.is_file():
            return {}
        raw = read_json(path)
        expect(isinstance(raw, dict), path, "expected {label: str | [str]}")
        out = {}
        for label, q in raw.items():
            q = [q] if isinstance(q, str) else q
            expect(isinstance(q, list) and all(isinstance(s, str) for s in q), path,
                   f"{label!r} must be a string or a list of strings")
            out[label] = q
        return out


def open_dataset(root: str | Path) -> Dataset:
    """Open a dataset folder (shorthand for :class:`Dataset`)."""
    return Dataset(os.fspath(root))
