"""Experiment 1 of the paper: AP versus number of labels, for one task, as a tidy table.

Methods: the cmp sources ``random``, ``zero-shot`` and ``combined`` (first n of each, after
removing the validation keys; combined is the first round(n/2) of random then the first
n - round(n/2) of zero-shot), every Video Annotator ``checkpoint`` (validation keys removed),
``VA`` (per n, the best checkpoint whose training set has at most n + 10 labels), and the
reference lines ``zero-shot scorer``, ``random scorer`` (the authors' baseline: the AP of
random scorers) and ``positive rate`` (of the validation split; its ``ap_mean`` is the rate).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..dataset.folder import RANDOM, ZERO_SHOT, CmpLists, Dataset
from ..errors import DataError, check_field
from ..method.evaluation import SEED
from ..method.labeled import SplitError
from ..method.training import TrainingResult, zero_shot_ap
from .task_fits import TaskFits

COMBINED = "combined"
CHECKPOINT, VA = "checkpoint", "VA"
ZERO_SHOT_SCORER, RANDOM_SCORER, POSITIVE_RATE = ("zero-shot scorer", "random scorer",
                                                  "positive rate")
SOURCES = (RANDOM, ZERO_SHOT, COMBINED)
METHOD_NAMES = {RANDOM: "cmp random", ZERO_SHOT: "cmp zero-shot", COMBINED: "combined"}  # for charts
COLUMNS = ["task", "group", "method", "n", "checkpoint", "ap_mean", "ap_std", "n_train",
           "n_pos", "reason"]
RANDOM_SCORER_DRAWS = 1_000  # the authors' random scorers for a validation set under 1,000 keys


@dataclass(frozen=True)
class Exp1Config:
    """Experiment 1's settings: label counts ``ns``, split ``seed``, checkpoint ``slack``."""

    ns: tuple[int, ...] = (25, 50, 100, 500, 1000)
    seed: int = SEED
    slack: int = 10  # VA at n may use a checkpoint with up to n + slack labels

    def __post_init__(self):
        check_field(len(self.ns) > 0 and all(isinstance(n, int) and n > 0 for n in self.ns),
                    "Exp1Config", "ns", self.ns, "must be positive whole numbers of labels")
        check_field(self.slack >= 0, "Exp1Config", "slack", self.slack, "must be 0 or more")

    def task_fits(self, ds: Dataset, task: str) -> TaskFits:
        return TaskFits(ds, task, self.seed)


def _row(method: str, n, result: TrainingResult | None = None, reason: str = "",
         checkpoint=None) -> dict:
    ap = result.ap if result is not None else None
    return {"method": method, "n": n, "checkpoint": checkpoint,
            "ap_mean": ap.mean if ap else np.nan, "ap_std": ap.std if ap else np.nan,
            "n_train": result.n_train if result is not None else np.nan,
            "n_pos": result.n_pos if result is not None else np.nan,
            "reason": result.reason if result is not None else reason}


def source_parts(cmp: CmpLists, method: str, n: int) -> list[tuple[tuple, int]]:
    """The cmp lists a source of ``n`` labels draws from, and how many it takes from each
    (combined: the first round(n/2) of random, then the rest from zero-shot)."""
    half = round(n / 2)
    return {RANDOM: [(cmp.random, n)], ZERO_SHOT: [(cmp.zero_shot, n)],
            COMBINED: [(cmp.random, half), (cmp.zero_shot, n - half)]}[method]


def source_pairs(fits: TaskFits, method: str, n: int) -> list[tuple[str, bool]]:
    """The (key, label) pairs of the first ``n`` of a cmp source, validation keys removed."""
    return [pair for pairs, k in source_parts(fits.cmp, method, n)
            for pair in fits.without_validation(pairs)[:k]]


def _source_row(fits: TaskFits, method: str, n: int) -> dict:
    pairs = source_pairs(fits, method, n)
    try:
        train = fits.labeled((k for k, v in pairs if v), (k for k, v in pairs if not v))
    except ValueError as e:
        return _row(method, n, reason=f"key labeled both ways: {e}")
    return _row(method, n, fits.score(train))


def _checkpoint_rows(fits: TaskFits) -> list[dict]:
    rows = []
    for i, cp in enumerate(fits.checkpoints):
        train = fits.labeled(cp.pos - fits.val_keys, cp.neg - fits.val_keys)
        row = _row(CHECKPOINT, len(train), fits.score(train), checkpoint=i + 1)  # 1-based
        rows.append(row)
    return rows


def va_rows(checkpoints: list[dict], ns, slack: int) -> list[dict]:
    """Per n, the checkpoint row with the best AP among those with at most n + slack labels."""
    rows = []
    for n in ns:
        eligible = [r for r in checkpoints if r["n_train"] <= n + slack]
        scored = [r for r in eligible if not np.isnan(r["ap_mean"])]
        if scored:
            best = max(scored, key=lambda r: r["ap_mean"])
            rows.append({**best, "method": VA, "n": n})
        else:
            why = (f"no trainable checkpoint with at most {n + slack} labels" if eligible
                   else f"no checkpoint with at most {n + slack} labels")
            rows.append(_row(VA, n, reason=why))
    return rows


def random_scorer_ap(y: np.ndarray, draws: int = RANDOM_SCORER_DRAWS,
                     seed: int = 0) -> tuple[float, float]:
    """(mean, std) AP of a random scorer (the authors' ``_ap_baseline``): the positive rate for
    1,000 keys or more, else the AP of ``draws`` uniform random scorings
    (``RandomState(seed).rand(draws, n)``)."""
    y = np.asarray(y, bool)
    n = len(y)
    if n >= draws:
        return float(y.mean()), 0.0
    scores = np.random.RandomState(seed).rand(draws, n)
    hits = y[np.argsort(-scores, axis=1)]  # ties have probability 0
    precision = np.cumsum(hits, axis=1) / np.arange(1, n + 1)
    aps = (precision * hits).sum(axis=1) / y.sum()
    return float(aps.mean()), float(aps.std())


@dataclass(frozen=True)
class NoSkill:
    """The two levels of a scorer without skill on a validation set, never both called
    "baseline": the ``positive_rate`` (the precision of calling every shot positive) and the
    ``random_scorer`` AP (mean and std, :func:`random_scorer_ap`; higher than the rate on a
    small set). Every page takes both from :func:`no_skill`."""

    positive_rate: float
    random_scorer: float
    random_scorer_std: float


def no_skill(y) -> NoSkill:
    """:class:`NoSkill` of validation labels ``y`` (NaN without labels)."""
    y = np.asarray(y, bool)
    if len(y) == 0:
        return NoSkill(np.nan, np.nan, np.nan)
    return NoSkill(float(y.mean()), *random_scorer_ap(y))


def _reference_rows(fits: TaskFits) -> list[dict]:
    levels = no_skill(fits.val.y)
    n_val = len(fits.val)
    rows = [{**_row(RANDOM_SCORER, np.nan), "ap_mean": levels.random_scorer,
             "ap_std": levels.random_scorer_std, "n_train": n_val, "n_pos": fits.val.pos_cnt},
            {**_row(POSITIVE_RATE, np.nan), "ap_mean": levels.positive_rate, "ap_std": 0.0,
             "n_train": n_val, "n_pos": fits.val.pos_cnt}]
    if fits.text_embedding is None:
        rows.append(_row(ZERO_SHOT_SCORER, np.nan, reason=fits.text_problem))
    else:
        ap = zero_shot_ap(fits.text_embedding, fits.val)
        rows.append({**_row(ZERO_SHOT_SCORER, np.nan), "ap_mean": ap.mean, "ap_std": ap.std,
                     "n_train": n_val, "n_pos": fits.val.pos_cnt})
    return rows


def _error_rows(reason: str, config: Exp1Config) -> list[dict]:
    return ([_row(m, n, reason=reason) for m in (*SOURCES, VA) for n in config.ns]
            + [_row(m, np.nan, reason=reason)
               for m in (ZERO_SHOT_SCORER, RANDOM_SCORER, POSITIVE_RATE)])


def experiment1(ds: Dataset, task: str, config: Exp1Config = Exp1Config(),
                fits: TaskFits | None = None) -> pd.DataFrame:
    """Experiment 1 for one task: one row per (method, n) and per checkpoint."""
    try:
        fits = fits or config.task_fits(ds, task)
    except (SplitError, DataError) as e:
        rows = _error_rows(str(e), config)
    else:
        checkpoints = _checkpoint_rows(fits)
        rows = ([_source_row(fits, m, n) for m in SOURCES for n in config.ns] + checkpoints
                + va_rows(checkpoints, config.ns, config.slack) + _reference_rows(fits))
    table = pd.DataFrame(rows)
    table.insert(0, "task", task)
    table.insert(1, "group", ds.group(task))
    return table[COLUMNS].astype({"n": "float64", "checkpoint": "float64", "n_train": "float64",
                                  "n_pos": "float64"})
