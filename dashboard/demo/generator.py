"""A generated dataset in the released layout, with realistic statistics and real structure.

Shots belong to videos and to one of 10 clusters; every task has a latent factor per shot
that decides its ground truth and a direction in embedding space that carries it, so a
logistic regression learns it from labels. Each task's text embedding is a noisy copy of that
direction: zero-shot search helps, but less than labels do. Three annotators vote with
per-task error rates that give the release's range of agreement. The primary labels with the
loop itself (:mod:`.session`): its checkpoints are the labeled set after each batch and agg is
what it labeled, re-labeled by the two secondaries; the cmp baselines are a uniform sample and
the top of the zero-shot ranking, labeled by the primary.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Callable

import h5py
import numpy as np
import pandas as pd

from ..dataset.folder import Dataset
from ..dataset.tasks import ALL_TASKS, AVE_TASKS
from . import session

VERSION = 3  # bump when the generator's output changes: cached demo folders are per version
DIM = 512
N_CLUSTERS = 10
ANNOTATORS = ("A", "B", "C")
RARE_TASKS = ("timelapse", "alcohol", "shutter-shot", "jump-scare")
CHUNK = 32_768
Progress = Callable[[float, str], None]
LOOP = (0.6, 0.95)  # the share of the progress bar before and after the labeling sessions

_GENRES = ("action", "comedy", "drama", "horror", "sci-fi", "romance", "thriller",
           "documentary", "animation", "fantasy")
_TITLE_A = ("The Last", "Midnight", "Silent", "Broken", "Golden", "Crimson", "Lost", "Iron",
            "Hidden", "Wild", "Frozen", "Electric", "Burning", "Distant", "Savage", "Little")
_TITLE_B = ("Harbor", "Empire", "Road", "Garden", "Witness", "Kingdom", "Storm", "Signal",
            "Horizon", "Legacy", "Summer", "Frontier", "Circus", "Orchard", "Machine", "River")
_SCENES = ("The Chase", "First Meeting", "Final Fight", "The Escape", "Dinner Scene",
           "Rooftop Standoff", "The Reveal", "Goodbye", "Opening Scene", "The Heist",
           "Car Crash", "Wedding", "The Interview", "Night Walk", "Training Montage",
           "Storm Arrives", "Argument", "The Kiss", "Ambush", "Homecoming")
_ID_CHARS = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"))


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def _shot_table(rng: np.random.Generator, n_shots: int) -> tuple[pd.DataFrame, np.ndarray]:
    """shot-data.csv rows and each shot's video index."""
    lengths = []
    while sum(lengths) < n_shots:
        lengths.append(int(rng.integers(3, 25)))
    lengths[-1] -= sum(lengths) - n_shots
    lengths = np.array(lengths)
    n_videos = len(lengths)
    video = np.repeat(np.arange(n_videos), lengths)
    ids = np.array(["".join(r) for r in _ID_CHARS[rng.integers(0, 64, (n_videos, 11))]])
    cluster_of_video = rng.integers(0, N_CLUSTERS, n_videos)
    genre_of_cluster = rng.choice(len(_GENRES), N_CLUSTERS)
    genre_idx = np.where(rng.random(n_videos) < 0.6, genre_of_cluster[cluster_of_video],
                         rng.integers(0, len(_GENRES), n_videos))
    genres = np.array(_GENRES)[genre_idx].astype(object)
    genres[rng.random(n_videos) < 0.05] = ""
    titles = [f"{_TITLE_A[a]} {_TITLE_B[b]} ({y}) - {_SCENES[s]}" for a, b, y, s in zip(
        rng.integers(0, len(_TITLE_A), n_videos), rng.integers(0, len(_TITLE_B), n_videos),
        rng.integers(1960, 2024, n_videos), rng.integers(0, len(_SCENES), n_videos))]
    fps = rng.choice([23.976, 24.0, 25.0, 29.97], n_videos)[video]
    duration = rng.uniform(0.8, 8.0, n_shots).round(3)
    first = np.r_[0, np.cumsum(lengths)[:-1]]
    end = np.cumsum(duration)
    end = end - np.repeat(np.r_[0.0, end[first[1:] - 1]], lengths)
    start = end - duration
    frame_in = np.round(start * fps).astype(np.int64)
    frame_out = np.maximum(np.round(end * fps).astype(np.int64) - 1, frame_in)
    cluster = np.where(rng.random(n_shots) < 0.8, cluster_of_video[video],
                       rng.integers(0, N_CLUSTERS, n_shots))
    yt = ids[video]
    shots = pd.DataFrame({
        "key": [f"{y}|{f}" for y, f in zip(yt, frame_in)], "yt_id": yt,
        "desc": np.array(titles, dtype=object)[video], "genre": genres[video],
        "frame_in": frame_in, "frame_out": frame_out, "start": start.round(3),
        "end": end.round(3), "fps": fps, "cluster_index": cluster,
    })
    return shots, video


class _Structure:
    """The hidden structure the embeddings and labels are drawn from."""

    def __init__(self, rng: np.random.Generator, n_tasks: int, n_videos: int):
        self.centers = _unit(rng.standard_normal((N_CLUSTERS, DIM)))
        self.task_dirs = _unit(rng.standard_normal((n_tasks, DIM)))
        self.video_basis = rng.standard_normal((32, DIM)) / np.sqrt(32 * DIM)
        self.video_factors = rng.standard_normal((n_videos, 32))
        # tasks depend on the cluster a shot is in (shifts of the latent factor's mean)
        self.cluster_shift = rng.normal(0, 0.6, (N_CLUSTERS, n_tasks))
        # a text embedding points partly at its task, partly at related tasks and a cluster
        quality = rng.uniform(0.3, 0.6, n_tasks)
        related = np.stack([self.task_dirs[rng.choice(n_tasks, 2, replace=False)].sum(0)
                            for _ in range(n_tasks)])
        noise = _unit(related + 0.5 * self.centers[rng.integers(0, N_CLUSTERS, n_tasks)]
                      + _unit(rng.standard_normal((n_tasks, DIM))))
        noise = _unit(noise - (noise * self.task_dirs).sum(1, keepdims=True) * self.task_dirs)
        self.text = _unit(quality[:, None] * self.task_dirs
                          + np.sqrt(1 - quality[:, None] ** 2) * noise).astype(np.float32)

    def chunk(self, rng: np.random.Generator, cluster: np.ndarray, video: np.ndarray):
        """(embeddings, latent task factors) for one chunk of shots."""
        z = rng.standard_normal((len(cluster), len(self.task_dirs))) + self.cluster_shift[cluster]
        raw = (0.9 * self.centers[cluster] + self.video_factors[video] @ self.video_basis * 0.5
               + 0.16 * (z @ self.task_dirs)
               + rng.standard_normal((len(cluster), DIM)) * (1.1 / np.sqrt(DIM)))
        return _unit(raw).astype(np.float32), z.astype(np.float32)


def _write_embeddings(path: Path, rng: np.random.Generator, structure: _Structure,
                      shots: pd.DataFrame, video: np.ndarray, progress: Progress):
    """Write embeddings.h5 chunk by chunk; return (latent factors, zero-shot scores)."""
    n = len(shots)
    n_tasks = len(structure.task_dirs)
    latent = np.empty((n, n_tasks), np.float32)
    zero_shot = np.empty((n, n_tasks), np.float32)
    cluster = shots["cluster_index"].to_numpy()
    seeds = rng.bit_generator.seed_seq.spawn(-(-n // CHUNK)) if n else []
    with h5py.File(path, "w") as f:
        dset = f.create_dataset("embeddings", shape=(n, DIM), dtype="<f4")  # contiguous
        for i, ss in enumerate(seeds):
            lo, hi = i * CHUNK, min(n, (i + 1) * CHUNK)
            emb, z = structure.chunk(np.random.default_rng(ss), cluster[lo:hi], video[lo:hi])
            dset[lo:hi] = emb
            latent[lo:hi] = z
            zero_shot[lo:hi] = emb @ structure.text.T
            progress(0.1 + (LOOP[0] - 0.1) * hi / n, f"embeddings {hi:,}/{n:,}")
    return latent, zero_shot


def _error_rates(agreement: float, spread: np.ndarray) -> np.ndarray:
    """Per-annotator flip rates ``e * spread`` whose chance of a unanimous vote is ``agreement``."""
    lo, hi = 0.0, 0.5 / spread.max()
    for _ in range(50):  # bisection: unanimity falls as e grows on [0, hi]
        e = (lo + hi) / 2
        unanimous = np.prod(1 - e * spread) + np.prod(e * spread)
        lo, hi = (e, hi) if unanimous > agreement else (lo, e)
    return e * spread


class _TaskLabels:
    """Everything labeled for one task, drawn from its latent factor with the task's own
    generator ``rng``, and the primary's session (the loop's batches, set by
    :meth:`set_batches`)."""

    def __init__(self, rng: np.random.Generator, task: str, latent: np.ndarray,
                 zero_shot: np.ndarray, keys: np.ndarray):
        n = len(keys)
        self.rng, self.task, self.keys = rng, task, keys
        rare = task in RARE_TASKS
        base_rate = rng.uniform(0.001, 0.004) if rare else rng.uniform(0.02, 0.25)
        noisy = latent + rng.normal(0, 0.45, n)
        truth = noisy > np.quantile(noisy, 1 - base_rate)
        agreement = rng.uniform(0.93, 0.97) if rare else float(np.clip(rng.normal(0.84, 0.08), 0.68, 0.96))
        rates = _error_rates(agreement, rng.uniform(0.6, 1.4, 3))
        self.votes = {a: truth ^ (rng.random(n) < e) for a, e in zip(ANNOTATORS, rates)}
        self.primary = str(rng.choice(ANNOTATORS))
        self.zero_shot = zero_shot
        self.truth = truth
        self.budget = int(min(rng.integers(250, 1001), n // 4))
        self.batches: list[np.ndarray] = []
        self.pool = np.empty(0, np.int64)  # the primary's shots in agg, in labeling order

    def primary_session(self) -> session.Primary:
        return session.Primary(self.task, self.votes[self.primary], self.zero_shot, self.budget,
                               int(self.rng.integers(2**31)))

    def set_batches(self, batches: list[np.ndarray]) -> None:
        """Keep the primary's batches; a few of its shots are later left out of agg."""
        self.batches = batches
        order = np.concatenate(batches)
        dropped = self.rng.choice(len(order), len(order) // 50 + 1, replace=False)
        self.pool = np.delete(order, dropped)

    def primary_label(self, idx: np.ndarray) -> np.ndarray:
        return self.votes[self.primary][idx]

    def agg_json(self) -> dict:
        secondaries = [a for a in ANNOTATORS if a != self.primary]
        data = []
        for i in self.pool:
            votes = {a: bool(self.votes[a][i]) for a in ANNOTATORS}
            pos_cnt = sum(votes.values())
            data.append({"key": self.keys[i], "primary": votes[self.primary],
                         "secondaries": {a: votes[a] for a in secondaries},
                         "agg": pos_cnt >= 2, "pos_cnt": pos_cnt})
        return {"primary": self.primary, "secondaries": secondaries, "data": data}

    def checkpoints_json(self) -> list[dict]:
        """The primary's labeled set after each batch."""
        order, out = np.concatenate(self.batches), []
        for size in np.cumsum([len(b) for b in self.batches]):
            idx = order[:size]
            label = self.primary_label(idx)
            out.append({"pos": self.keys[idx[label]].tolist(),
                        "neg": self.keys[idx[~label]].tolist()})
        return out

    def cmp_json(self) -> dict:
        m = min(1000, len(self.keys) // 20)
        random = self.rng.choice(len(self.keys), m, replace=False)
        top = np.argsort(-self.zero_shot, kind="stable")[:m]
        return {name: [{"key": self.keys[i], "value": bool(v)}
                       for i, v in zip(idx, self.primary_label(idx))]
                for name, idx in (("random", random), ("zero_shot", top))}

    def ave_json(self) -> dict:
        m = min(300, len(self.keys) // 20)
        top = np.argsort(-self.zero_shot)[: 10 * m]
        idx = np.unique(np.r_[self.rng.choice(top, m // 3, replace=False),
                              self.rng.choice(len(self.keys), m - m // 3, replace=False)])
        label = self.truth[idx]
        return {"pos": self.keys[idx[label]].tolist(), "neg": self.keys[idx[~label]].tolist()}


_DESCRIPTION_HINTS = {
    "car-chase": ("Vehicles pursuing each other at speed", "pursuit, driving, crash"),
    "action": ("Fast-paced, exciting moments", "explosions, fights, stunts"),
    "closeup": ("The subject framed tightly to show detail", "face, hands, detail"),
    "aerial": ("Seen from high above the subject", "drone, helicopter, bird's eye"),
    "happy": ("Characters showing joy", "smiling, joyful, celebrating"),
    "timelapse": ("A long period shown quickly", "fast forward, clouds, traffic"),
}


def _text_files(structure: _Structure, tasks: tuple[str, ...]) -> dict[str, object]:
    """text-embeddings.json, queries.json and task_descriptions.json contents."""
    descriptions = {}
    for t in tasks:
        desc, keywords = _DESCRIPTION_HINTS.get(
            t, (f"Shots showing {t.replace('-', ' ')}", t.replace("-", ", ")))
        descriptions[t] = {"description": desc, "keywords": keywords}
    return {
        "text-embeddings.json": {t: [round(float(v), 6) for v in structure.text[i]]
                                 for i, t in enumerate(tasks)},
        "queries.json": {t: [t.replace("-", " ")] for t in tasks},
        "task_descriptions.json": descriptions,
    }


def _write_json(path: Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, separators=(",", ":")), encoding="utf-8")


def generate(out: str | Path, n_shots: int = 20_000, seed: int = 0,
             progress: Progress | None = None) -> Path:
    """Write a demo dataset folder in the released layout to ``out`` and return its path.

    The folder is built beside ``out`` and renamed into place, so a crash never leaves a
    half-written dataset behind. Deterministic for a seed.
    """
    if n_shots < 2_000:
        raise ValueError("the demo dataset needs at least 2,000 shots")
    progress = progress or (lambda fraction, message: None)
    out = Path(out)
    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    tasks = ALL_TASKS
    progress(0.0, "shot table")
    shots, video = _shot_table(rng, n_shots)
    structure = _Structure(rng, len(tasks), int(video[-1]) + 1)
    latent, zero_shot = _write_embeddings(tmp / "embeddings.h5", rng, structure, shots, video,
                                          progress)
    shots.to_csv(tmp / "shot-data.csv", index=False)
    for name, value in _text_files(structure, tasks).items():
        _write_json(tmp / name, value)
    (tmp / "agg").mkdir()
    keys = shots["key"].to_numpy(dtype=object)
    labels = [_TaskLabels(np.random.default_rng([seed, i]), task, latent[:, i], zero_shot[:, i],
                          keys) for i, task in enumerate(tasks)]
    sessions = session.run(Dataset(tmp), [t.primary_session() for t in labels],
                           lambda f: progress(LOOP[0] + (LOOP[1] - LOOP[0]) * f,
                                              "the primaries label with the loop"))
    for i, (task, task_labels, batches) in enumerate(zip(tasks, labels, sessions)):
        task_labels.set_batches(batches)
        _write_json(tmp / "agg" / f"{task}.json", task_labels.agg_json())
        _write_json(tmp / "checkpoints" / f"{task}.json", task_labels.checkpoints_json())
        _write_json(tmp / "cmp" / f"{task}.json", task_labels.cmp_json())
        if task in AVE_TASKS:
            _write_json(tmp / "ave" / "validation" / f"{task}.json",
                        task_labels.ave_json())
        progress(LOOP[1] + (1 - LOOP[1]) * (i + 1) / len(tasks), f"labels of {task}")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return out
