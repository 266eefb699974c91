"""Experiment 2 of the paper: decision processes that grow a training set d labels at a time,
choosing each step's source among agg (checkpoint order), zero-shot and random.

As the authors' ``dp.py``: a source is an ordered (positives, negatives) pair; a step takes a
stratified head of d keys from it (at least one positive while it has any); a source that
cannot give d keys, or gives its last ones, is exhausted; the keys taken leave every source.
Except greedy oracle, a process first tries each source once. Epsilon-greedy and UCB score a
source by the mean of its AP gains over the previous step (warm-up: each source's AP from
scratch minus the worst one's). A step with no AP (one class only) counts as AP 0 there.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..dataset.folder import RANDOM, ZERO_SHOT, Dataset
from ..errors import DataError, check_field
from ..method.evaluation import SEED
from ..method.labeled import SplitError
from .experiment1 import CHECKPOINT
from .task_fits import TaskFits

AGG = "agg"
CHOICES = (AGG, ZERO_SHOT, RANDOM)
POLICIES = ("round-robin", "random", "greedy-oracle", "epsilon-greedy", "ucb-0.01", "ucb-0.1")
COLUMNS = ["task", "group", "policy", "step", "choice", "ap_mean", "ap_std", "n_train", "n_pos",
           "reason"]
Ordered = tuple[tuple[str, ...], tuple[str, ...]]


@dataclass(frozen=True)
class Exp2Config:
    d: int = 25
    max_labels: int = 1000
    seed: int = SEED
    epsilon: float = 0.2
    policies: tuple[str, ...] = POLICIES

    def __post_init__(self):
        check_field(isinstance(self.d, int) and self.d >= 1, "Exp2Config", "d", self.d,
                    "must be a whole number of labels, at least 1")
        check_field(self.max_labels >= self.d, "Exp2Config", "max_labels", self.max_labels,
                    f"must be at least d ({self.d})")
        check_field(0 <= self.epsilon <= 1, "Exp2Config", "epsilon", self.epsilon,
                    "must be between 0 and 1")
        unknown = [p for p in self.policies if p not in POLICIES]
        check_field(self.policies and not unknown, "Exp2Config", "policies", self.policies,
                    f"unknown {unknown or 'none given'}; known: {', '.join(POLICIES)}")


def _head(src: Ordered, d: int) -> Ordered:
    pos, neg = src
    rate = len(pos) / (len(pos) + len(neg))
    n_pos = min(len(pos), max(round(rate * d), 1))
    return pos[:n_pos], neg[:min(len(neg), d - n_pos)]


def _drop(src: Ordered, keys: frozenset) -> Ordered:
    return tuple(k for k in src[0] if k not in keys), tuple(k for k in src[1] if k not in keys)


def _ordered_or_none(src: Ordered) -> Ordered | None:
    """An empty source is exhausted."""
    return src if src[0] or src[1] else None


@dataclass(frozen=True)
class Pool:
    """The training set so far and what each source still offers (None: exhausted)."""

    sources: dict[str, Ordered | None]
    pos: frozenset = frozenset()
    neg: frozenset = frozenset()

    def available(self) -> tuple[str, ...]:
        return tuple(c for c in CHOICES if self.sources.get(c) is not None)

    def extend(self, which: str, d: int) -> "Pool":
        pos, neg = _head(self.sources[which], d)
        taken = frozenset(pos + neg)
        short = len(taken) < d
        sources = {c: None if s is None or (c == which and short) else _ordered_or_none(
                   _drop(s, taken)) for c, s in self.sources.items()}
        return replace(self, sources=sources, pos=self.pos | set(pos), neg=self.neg | set(neg))


def _ordered(pairs) -> Ordered | None:
    return _ordered_or_none((tuple(k for k, v in pairs if v), tuple(k for k, v in pairs if not v)))


def agg_order(fits: TaskFits, seed: int = SEED) -> list[tuple[str, bool]]:
    """Agg-labeled keys in checkpoint order: each larger checkpoint appends its new keys, each
    checkpoint's positives then negatives shuffled with ``seed``; validation keys left out."""
    seen: dict[str, bool] = {}
    for cp in fits.checkpoints:
        if len(cp) <= len(seen) and seen:
            continue
        rs = np.random.RandomState(seed)
        shuffled = list(rs.permutation(sorted(cp.pos))) + list(rs.permutation(sorted(cp.neg)))
        for k in shuffled:
            label = k in fits.agg.pos
            if (label or k in fits.agg.neg) and k not in fits.val_keys:
                seen.setdefault(str(k), label)
    return list(seen.items())


def initial_pool(fits: TaskFits, seed: int = SEED) -> Pool:
    return Pool({AGG: _ordered(agg_order(fits, seed)),
                 ZERO_SHOT: _ordered(fits.without_validation(fits.cmp.zero_shot)),
                 RANDOM: _ordered(fits.without_validation(fits.cmp.random))})


@dataclass
class _Bandit:
    """Epsilon-greedy / UCB state: AP gains per source, last AP per source, pull counts."""

    gains: dict[str, list[float]] = field(default_factory=lambda: {c: [] for c in CHOICES})
    last: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=lambda: {c: 0 for c in CHOICES})
    previous: str = ""

    def mean(self, c: str) -> float:
        return float(np.mean(self.gains[c])) if self.gains[c] else 0.0

    def update(self, choice: str, ap: float) -> None:
        self.gains[choice].append(ap - self.last[self.previous])
        self.last[choice] = ap
        self.counts[choice] += 1
        self.previous = choice


class _Process:
    def __init__(self, fits: TaskFits, policy: str, config: Exp2Config):
        self.fits, self.policy, self.config = fits, policy, config
        self.pool = initial_pool(fits, config.seed)
        self.bandit = _Bandit() if policy.startswith(("epsilon", "ucb")) else None

    def ap(self, pool: Pool) -> float:
        result = self.fits.score(self.fits.labeled(pool.pos, pool.neg))
        return result.ap.mean if result.ok else 0.0

    def warm_up(self) -> None:
        aps = {c: self.ap(self.pool.extend(c, self.config.d)) if c in self.pool.available()
               else 0.0 for c in CHOICES}
        worst = min(CHOICES, key=lambda c: (aps[c], c))
        self.bandit.last = dict(aps)
        self.bandit.previous = worst
        for c in CHOICES:
            self.bandit.gains[c].append(aps[c] - aps[worst])

    def select(self, i: int) -> str:
        available = self.pool.available()
        if self.policy != "greedy-oracle" and i < len(CHOICES) and CHOICES[i] in available:
            return CHOICES[i]
        rs = np.random.RandomState(self.config.seed + i)
        if self.policy == "round-robin":
            return available[i % len(available)]
        if self.policy == "random":
            return str(rs.choice(available))
        if self.policy == "greedy-oracle":
            return max(available, key=lambda c: (self.ap(self.pool.extend(c, self.config.d)),
                                                 -available.index(c)))
        if self.policy == "epsilon-greedy":
            if rs.rand() < self.config.epsilon:
                return str(rs.choice(available))
            return max((self.bandit.mean(c), c) for c in available)[1]
        c_ucb = float(self.policy.split("-", 1)[1])
        best, best_score = available[0], -math.inf
        for c in available:
            if self.bandit.counts[c] == 0:
                return c
            score = self.bandit.mean(c) + c_ucb * math.sqrt(math.log(i + 1) / self.bandit.counts[c])
            if score > best_score:
                best, best_score = c, score
        return best

    def run(self) -> list[dict]:
        if self.bandit is not None:
            self.warm_up()
        rows = []
        for i in range(self.config.max_labels // self.config.d):
            if not self.pool.available():
                break
            choice = self.select(i)
            self.pool = self.pool.extend(choice, self.config.d)
            result = self.fits.score(self.fits.labeled(self.pool.pos, self.pool.neg))
            if self.bandit is not None:
                self.bandit.update(choice, result.ap.mean if result.ok else 0.0)
            rows.append({"policy": self.policy, "step": i + 1, "choice": choice,
                         "ap_mean": result.ap.mean if result.ok else np.nan,
                         "ap_std": result.ap.std if result.ok else np.nan,
                         "n_train": result.n_train, "n_pos": result.n_pos,
                         "reason": result.reason})
        return rows


def experiment2(ds: Dataset, task: str, config: Exp2Config = Exp2Config(),
                fits: TaskFits | None = None) -> pd.DataFrame:
    """Experiment 2 for one task: one row per (policy, step)."""
    try:
        fits = fits or TaskFits(ds, task, config.seed)
    except (SplitError, DataError) as e:
        rows = [{"policy": p, "step": 0, "choice": "", "ap_mean": np.nan, "ap_std": np.nan,
                 "n_train": 0, "n_pos": 0, "reason": str(e)} for p in config.policies]
    else:
        rows = [r for p in config.policies for r in _Process(fits, p, config).run()]
    table = pd.DataFrame(rows, columns=COLUMNS[2:])
    table.insert(0, "task", task)
    table.insert(1, "group", ds.group(task))
    return table


def best_checkpoint_ap(exp1: pd.DataFrame) -> pd.Series:
    """Per task, the best AP of any Video Annotator checkpoint (Experiment 1's table)."""
    return exp1[exp1["method"] == CHECKPOINT].groupby("task")["ap_mean"].max()
