"""Experiment 2 of the paper: decision processes that grow a training set d labels at a time,
choosing each step's source among agg (checkpoint order), zero-shot and random.

The default configuration (preset ``paper``) is the authors' ``exp2.ipynb`` running their
``dp.py``, whose rules this module follows:

- A source is an ordered (positives, negatives) pair. A step takes its stratified head of d
  keys (at least one positive while it has any); the keys taken leave every source only where
  that source gives them the same label. A source that cannot give d keys, or gives its last
  ones, is given up; a policy finds that out only when it selects it (then it selects again
  without it), so round-robin and the random draws still count it until then.
- All policies but the greedy oracle take agg, zero-shot and random in their first three
  steps. The bandits score a source by the mean of its AP gains over the previous step, after
  a warm-up that scores each source from scratch (gain: its AP minus the worst one's).
- Seeds: ``seed`` (the authors' ``_seed_base``, 1) drives the agg validation split and the
  policies' draws (``seed + step``); the agg order and the LR-CV folds stay at seed 0.

Where the authors' code stops a run (a step would add a key that the training set holds with
the other label), this one leaves the conflicting keys out of the step and goes on, and says
so in ``reason``. A step whose training set has one class only has no AP (NaN) and counts as
AP 0 for the policies. So every step the authors' code completes is reproduced, and every run
goes on until ``max_labels`` or until every source is given up.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Mapping

import numpy as np
import pandas as pd

from ..dataset.folder import RANDOM, ZERO_SHOT, Dataset
from ..errors import DataError, check_field
from ..method.evaluation import SEED
from ..method.labeled import SplitError
from ..method.training import TrainingResult
from .experiment1 import CHECKPOINT
from .policies import PAPER_POLICIES, POLICIES, State
from .task_fits import TaskFits

AGG = "agg"
CHOICES = (AGG, ZERO_SHOT, RANDOM)  # dp.CHOICES: the order of the first steps and of ties
COLUMNS = ["task", "group", "policy", "step", "choice", "ap_mean", "ap_std", "n_train", "n_pos",
           "reason"]
Ordered = tuple[tuple[str, ...], tuple[str, ...]]  # (positives, negatives), in order


# ---- the sources and the training set -------------------------------------------------------

def _head(src: Ordered, d: int) -> Ordered:
    """The first d keys of a source at its positive rate, at least one positive while it has
    any (dp's ``DatasetOrdered.get_n``)."""
    pos, neg = src
    n_pos = min(len(pos), max(round(len(pos) / (len(pos) + len(neg)) * d), 1))
    return pos[:n_pos], neg[:min(len(neg), d - n_pos)]


def _minus(src: Ordered, taken: Ordered) -> Ordered:
    """``src`` without the keys ``taken`` gives the same label (dp's ``DatasetOrdered.__sub__``)."""
    pos, neg = set(taken[0]), set(taken[1])
    return tuple(k for k in src[0] if k not in pos), tuple(k for k in src[1] if k not in neg)


def _size(src: Ordered | None) -> int:
    return 0 if src is None else len(src[0]) + len(src[1])


@dataclass(frozen=True)
class Pool:
    """The training set so far and what each source still offers (None: given up)."""

    sources: Mapping[str, Ordered | None]
    pos: frozenset = frozenset()
    neg: frozenset = frozenset()

    def has_data(self, which: str) -> bool:
        return _size(self.sources[which]) > 0

    def take(self, which: str, d: int) -> tuple["Pool", tuple[str, ...]]:
        """The pool after a step of ``d`` keys from ``which``, and the keys left out of it.

        As dp's ``DatasetManager.extend``: a source without data leaves the training set as it
        is. Where the head would hold a key labeled the other way in the training set (the
        authors' code raises there), the source's conflicting keys are left out first.
        """
        src = self.sources[which]
        if not self.has_data(which):
            return self, ()
        head, left_out = _head(src, d), ()
        if set(head[0]) & self.neg or set(head[1]) & self.pos:
            clashes = (tuple(k for k in src[0] if k in self.neg),
                       tuple(k for k in src[1] if k in self.pos))
            src, left_out = _minus(src, clashes), clashes[0] + clashes[1]
            if not _size(src):
                return replace(self, sources={**self.sources, which: None}), left_out
            head = _head(src, d)
        n = len(head[0]) + len(head[1])
        rest = None if n < d or n == _size(src) else _minus(src, head)
        sources = {c: rest if c == which else None if s is None else _minus(s, head)
                   for c, s in self.sources.items()}
        return Pool(sources, self.pos | set(head[0]), self.neg | set(head[1])), left_out


def _ordered(pairs) -> tuple[Ordered, tuple[str, ...]]:
    """An ordered source from (key, label) pairs, without keys it labels both ways (the
    authors' code refuses such a source), and those keys."""
    pos = tuple(k for k, v in pairs if v)
    neg = tuple(k for k, v in pairs if not v)
    both = set(pos) & set(neg)
    return (tuple(k for k in pos if k not in both), tuple(k for k in neg if k not in both)), \
        tuple(sorted(both))


def agg_order(fits: TaskFits, seed: int = SEED) -> list[tuple[str, bool]]:
    """Agg-labeled keys in checkpoint order: each larger checkpoint appends its new keys, each
    checkpoint's positives then negatives shuffled with ``seed``; validation keys left out
    (dp's ``DatasetManager._get_combined_agg_ordered_dataset``)."""
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


def initial_pool(fits: TaskFits, shuffle_seed: int = SEED) -> tuple[Pool, str]:
    """The three sources with the validation keys removed, and a note on the keys left out
    because a source labels them both ways ('' when none)."""
    sources, notes = {}, []
    for name, pairs in ((AGG, agg_order(fits, shuffle_seed)),
                        (ZERO_SHOT, fits.without_validation(fits.cmp.zero_shot)),
                        (RANDOM, fits.without_validation(fits.cmp.random))):
        sources[name], both = _ordered(pairs)
        if both:
            notes.append(f"{name} labels {_keys(len(both))} both ways; left out: {_few(both)}")
    return Pool(sources), "; ".join(notes)


def _keys(n: int) -> str:
    return f"{n} key" if n == 1 else f"{n} keys"


def _few(keys, k: int = 3) -> str:
    return ", ".join(keys[:k]) + (f" and {len(keys) - k} more" if len(keys) > k else "")


# ---- the configuration ------------------------------------------------------------------------

@dataclass(frozen=True)
class Exp2Config:
    """Experiment 2's settings; the defaults are the authors' ``exp2.ipynb`` (preset
    ``paper``): d = 25, 1000 // d steps, ``_seed_base`` 1, their seven policies."""

    d: int = 25
    max_labels: int = 1000
    seed: int = 1  # the agg validation split and the policies' draws (seed + step)
    shuffle_seed: int = SEED  # the order of the agg source
    fold_seed: int = SEED  # the LR-CV folds
    policies: tuple[str, ...] = PAPER_POLICIES

    def __post_init__(self):
        check_field(isinstance(self.d, int) and self.d >= 1, "Exp2Config", "d", self.d,
                    "must be a whole number of labels, at least 1")
        check_field(isinstance(self.max_labels, int) and self.max_labels >= self.d,
                    "Exp2Config", "max_labels", self.max_labels, f"must be at least d ({self.d})")
        for name in ("seed", "shuffle_seed", "fold_seed"):
            value = getattr(self, name)
            check_field(isinstance(value, int) and 0 <= value < 2**31, "Exp2Config", name,
                        value, "must be a whole number from 0 to 2**31 - 1")
        unknown = [p for p in self.policies if p not in POLICIES]
        check_field(bool(self.policies) and not unknown and len(set(self.policies))
                    == len(self.policies), "Exp2Config", "policies", self.policies,
                    f"unknown {unknown or 'none given or repeated'}; known: {', '.join(POLICIES)}")

    @property
    def steps(self) -> int:
        return self.max_labels // self.d

    def task_fits(self, ds: Dataset, task: str) -> TaskFits:
        return TaskFits(ds, task, self.seed, fold_seed=self.fold_seed)


PRESETS = {"paper": Exp2Config(),
           "paper-and-random": Exp2Config(policies=(*PAPER_POLICIES, "random"))}


# ---- one run -----------------------------------------------------------------------------------

def _ap(result: TrainingResult) -> float:
    """The AP a policy learns from: one class only counts as 0 (dp's warm-up on a failure)."""
    return result.ap.mean if result.ok else 0.0


Scorer = Callable[[Pool], TrainingResult]  # the fit and AP of a pool's training set


@dataclass
class _Run:
    """One policy on one task: the pool, the gains and counts, the rows."""

    score: Scorer
    name: str
    config: Exp2Config
    pool: Pool
    note: str = ""
    gains: dict = field(default_factory=lambda: {c: () for c in CHOICES})
    counts: dict = field(default_factory=lambda: {c: 0 for c in CHOICES})
    given_up: set = field(default_factory=set)  # selected while without data (dp's exhausted)
    last_ap: float = 0.0

    def step_ap(self, which: str) -> float | None:
        """The AP of a step from ``which`` by the authors' rules, None where their code fails."""
        if not self.pool.has_data(which):
            return None
        pool, left_out = self.pool.take(which, self.config.d)
        result = self.score(pool)
        return None if left_out or not result.ok else result.ap.mean

    def fallback_ap(self, which: str) -> float | None:
        if not self.pool.has_data(which):
            return None
        return _ap(self.score(self.pool.take(which, self.config.d)[0]))

    def warm_up(self) -> None:
        """dp's ``EpsilonGreedyMean._warmup``: each source from scratch, gain over the worst.
        Only the bandits read the gains; the fits are shared, so every policy warms up."""
        aps = {c: _ap(self.score(self.pool.take(c, self.config.d)[0])) for c in CHOICES}
        worst = min((v, c) for c, v in aps.items())
        self.gains = {c: (aps[c] - worst[0],) for c in CHOICES}
        self.last_ap = worst[0]

    def select(self, step: int) -> tuple[str | None, list[str]]:
        """The step's source and what was found on the way (sources found exhausted)."""
        policy = POLICIES[self.name]
        if policy.tries_each_first and step < len(CHOICES):
            return CHOICES[step], []
        found = []
        state = State(self.gains, self.counts, self.step_ap, self.fallback_ap)
        while True:
            available = tuple(c for c in CHOICES if c not in self.given_up)
            if not available:
                return None, found
            choice = policy.choose(state, available, step,
                                   np.random.RandomState(self.config.seed + step))
            if choice is not None and self.pool.has_data(choice):
                return choice, found
            for c in [choice] if choice is not None else available:
                self.given_up.add(c)
                found.append(f"{c} found exhausted")

    def rows(self) -> list[dict]:
        self.warm_up()
        rows = []
        for step in range(self.config.steps):
            choice, notes = self.select(step)
            if choice is None:
                if rows:
                    rows[-1]["reason"] = _join(rows[-1]["reason"], "every source exhausted: "
                                               "the run ends here")
                break
            if not self.pool.has_data(choice):
                notes.append(f"{choice} has nothing left: the training set is unchanged")
            self.pool, left_out = self.pool.take(choice, self.config.d)
            if left_out:
                notes.append(f"left out {_keys(len(left_out))} of {choice} labeled the other "
                             f"way in the training set: {_few(left_out)}")
            result = self.score(self.pool)
            ap = _ap(result)
            self.gains = {**self.gains, choice: self.gains[choice] + (ap - self.last_ap,)}
            self.counts = {**self.counts, choice: self.counts[choice] + 1}
            self.last_ap = ap
            if step == 0 and self.note:
                notes.insert(0, self.note)
            rows.append({"policy": self.name, "step": step, "choice": choice,
                         "ap_mean": result.ap.mean if result.ok else np.nan,
                         "ap_std": result.ap.std if result.ok else np.nan,
                         "n_train": result.n_train, "n_pos": result.n_pos,
                         "reason": _join(result.reason, *notes)})
        return rows


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def run_steps(pool: Pool, policy: str, config: Exp2Config, score: Scorer,
              note: str = "") -> list[dict]:
    """One policy's steps from ``pool``, each training set scored by ``score``; ``note`` goes
    into the first step's reason. Rows: ``policy``, ``step``, ``choice``, ``ap_mean``,
    ``ap_std``, ``n_train``, ``n_pos``, ``reason`` (see :func:`experiment2`)."""
    return _Run(score, policy, config, pool, note).rows()


def run_policy(fits: TaskFits, policy: str, config: Exp2Config = Exp2Config()) -> list[dict]:
    """One policy's steps on one task (rows without the task and group columns)."""
    pool, note = initial_pool(fits, config.shuffle_seed)
    return run_steps(pool, policy, config,
                     lambda p: fits.score(fits.labeled(p.pos, p.neg)), note)


def experiment2(ds: Dataset, task: str, config: Exp2Config = Exp2Config(),
                fits: TaskFits | None = None) -> pd.DataFrame:
    """Experiment 2 for one task: one row per (policy, step).

    Columns: ``task``, ``group``, ``policy`` (a name of :data:`POLICIES`), ``step`` (0-based;
    <NA> on the one row per policy of a task that cannot run), ``choice`` (``agg``,
    ``zero_shot`` or ``random``), ``ap_mean`` and ``ap_std`` (bootstrap AP on the agg
    validation split; NaN when the training set has one class only), ``n_train`` and ``n_pos``
    (the training set after the step), ``reason`` (why there is no AP, and what the step worked
    around; '' when nothing).
    """
    try:
        fits = fits or config.task_fits(ds, task)
    except (SplitError, DataError) as e:
        rows = [{"policy": p, "step": None, "choice": "", "ap_mean": np.nan, "ap_std": np.nan,
                 "n_train": 0, "n_pos": 0, "reason": str(e)} for p in config.policies]
    else:
        rows = [r for p in config.policies for r in run_policy(fits, p, config)]
    table = pd.DataFrame(rows, columns=COLUMNS[2:]).astype(
        {"step": "Int64", "n_train": "int64", "n_pos": "int64", "ap_mean": "float64",
         "ap_std": "float64"})
    table.insert(0, "task", task)
    table.insert(1, "group", ds.group(task))
    return table


def best_checkpoint_ap(exp1: pd.DataFrame) -> pd.Series:
    """Per task, the best AP of any Video Annotator checkpoint (Experiment 1's table; the
    authors' ``ap_va_best``)."""
    return exp1[exp1["method"] == CHECKPOINT].groupby("task")["ap_mean"].max()
