"""Experiment 2's decision-process policies, as the authors' ``dp.py`` defines them: pure
functions ``(state, available, step, rng) -> choice`` kept in the :data:`POLICIES` registry,
apart from the loop that runs them (:mod:`.experiment2`)."""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

import numpy as np


@dataclass(frozen=True)
class State:
    """What a policy sees before a step: per source, its AP gains so far (the warm-up's first)
    and how often it was chosen, and ``step_ap(source)``, the AP a step from it would reach
    (None when that step fails: a conflicting key, one class only, no data left)."""

    gains: Mapping[str, tuple[float, ...]]
    counts: Mapping[str, int]
    step_ap: Callable[[str], float | None]
    fallback_ap: Callable[[str], float | None]  # conflicts left out, one class only as AP 0


def _mean(values) -> float:
    """dp's ``Metric.mean``: 0 when empty."""
    return float(np.mean(values)) if len(values) else 0.0


def _first_best(scored) -> str | None:
    """The choice of the highest score, the first on ties (None when nothing scored)."""
    best, best_score = None, -math.inf
    for choice, score in scored:
        if score is not None and score > best_score:
            best, best_score = choice, score
    return best


def round_robin(state: State, available: tuple[str, ...], step: int, rng) -> str:
    """dp's ``RoundRobin``: the available sources in turn."""
    return available[step % len(available)]


def uniform(state: State, available: tuple[str, ...], step: int, rng) -> str:
    """dp's ``Random``: a uniform draw among the available sources."""
    return str(rng.choice(available))


def greedy_oracle(state: State, available: tuple[str, ...], step: int, rng) -> str | None:
    """dp's ``GreedyOracle``: try a step from every available source and keep the best AP (the
    first on ties), skipping the steps that fail. Where every step fails (the authors' code
    stops there), the best with conflicting keys left out and one class only as AP 0."""
    return (_first_best((c, state.step_ap(c)) for c in available)
            or _first_best((c, state.fallback_ap(c)) for c in available))


def epsilon_greedy(state: State, available: tuple[str, ...], step: int, rng,
                   epsilon: float) -> str:
    """dp's ``EpsilonGreedyMean``: with probability ``epsilon`` a uniform draw, else the source
    of the best mean gain (ties to the greatest name, as ``max((mean, name))``)."""
    if rng.rand() < epsilon:
        return str(rng.choice(available))
    return max((_mean(state.gains[c]), c) for c in available)[1]


def ucb(state: State, available: tuple[str, ...], step: int, rng, c: float) -> str:
    """dp's ``UCBMean``: a source never chosen first, else the best ``mean gain + c *
    sqrt(log(step + 1) / count)`` (the first on ties)."""
    for s in available:
        if state.counts[s] == 0:
            return s
    return _first_best((s, _mean(state.gains[s])
                        + c * np.sqrt(np.log(step + 1) / state.counts[s])) for s in available)


@dataclass(frozen=True)
class Policy:
    """A registered policy: its choice function and whether it starts with each source."""

    choose: Callable[..., str | None]  # (state, available, step, rng) -> choice
    tries_each_first: bool = True  # steps 0-2 take agg, zero-shot, random (not dp.GreedyOracle)


POLICIES: dict[str, Policy] = {
    "epsilon-greedy-0.1": Policy(partial(epsilon_greedy, epsilon=0.1)),
    "epsilon-greedy-0.25": Policy(partial(epsilon_greedy, epsilon=0.25)),
    "epsilon-greedy-0.5": Policy(partial(epsilon_greedy, epsilon=0.5)),
    "round-robin": Policy(round_robin),
    "greedy-oracle": Policy(greedy_oracle, tries_each_first=False),
    "ucb-0.01": Policy(partial(ucb, c=0.01)),
    "ucb-0.1": Policy(partial(ucb, c=0.1)),
    "random": Policy(uniform),
}
PAPER_POLICIES = tuple(p for p in POLICIES if p != "random")  # exp2.ipynb's ``dps``, in order
