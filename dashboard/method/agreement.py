"""Inter-annotator agreement of a task's agg labels: the paper's unanimity rate beside the
standard chance-corrected statistics, per task and per annotator.

Votes are a boolean matrix, one row per shot and one column per annotator (primary first).
A statistic that is undefined for the data (e.g. kappa when every vote is the same) is NaN.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import evaluation

STAT_COLUMNS = ["unanimity", "fleiss_kappa", "krippendorff_alpha", "gwet_ac1", "cohen_mean"]
ANNOTATOR_COLUMNS = ["task", "annotator", "role", "shots", "pos_rate", "majority_agreement"]
STAT_NAMES = {"unanimity": "Unanimity (paper)", "fleiss_kappa": "Fleiss' kappa",
              "krippendorff_alpha": "Krippendorff's alpha", "gwet_ac1": "Gwet's AC1",
              "cohen_mean": "Mean pairwise Cohen's kappa"}


@dataclass(frozen=True)
class AggLabels:
    """The votes of a task (the release's agg file): one row per key, a vote column per
    annotator, primary first."""

    task: str
    primary: str
    secondaries: tuple[str, ...]
    table: pd.DataFrame  # key, one bool column per annotator, agg, pos_cnt

    @property
    def annotators(self) -> tuple[str, ...]:
        return (self.primary, *self.secondaries)

    @property
    def agreement(self) -> float:
        """Share of unanimous shots; NaN with one annotator (nobody to agree with)."""
        if len(self.annotators) < 2:
            return float("nan")
        return evaluation.unanimity_rate(self.table["pos_cnt"], len(self.annotators))


def vote_matrix(agg: AggLabels) -> np.ndarray:
    """Votes as a (shots, annotators) boolean array, primary first."""
    return agg.table[list(agg.annotators)].to_numpy(bool)


def _observed_agreement(votes: np.ndarray) -> float:
    """Mean over shots of the share of agreeing rater pairs (Fleiss' P-bar)."""
    r = votes.shape[1]
    pos = votes.sum(axis=1)
    neg = r - pos
    return float(np.mean((pos * (pos - 1) + neg * (neg - 1)) / (r * (r - 1))))


def _too_few(votes: np.ndarray) -> bool:
    """No shots, or one annotator: no agreement statistic is defined."""
    return len(votes) == 0 or votes.shape[1] < 2


def fleiss_kappa(votes: np.ndarray) -> float:
    """Fleiss' kappa (statsmodels); NaN when it is undefined (no shots, one annotator, or one
    class only)."""
    from statsmodels.stats.inter_rater import fleiss_kappa as _fleiss

    if _too_few(votes):
        return float("nan")
    pos = votes.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(_fleiss(np.c_[votes.shape[1] - pos, pos]))


def krippendorff_alpha(votes: np.ndarray) -> float:
    """Krippendorff's alpha, nominal (krippendorff package); NaN with fewer than two values
    or one annotator."""
    import krippendorff

    if _too_few(votes) or votes.all() or not votes.any():
        return float("nan")
    return float(krippendorff.alpha(reliability_data=votes.T.astype(float),
                                    level_of_measurement="nominal"))


def gwet_ac1(votes: np.ndarray) -> float:
    """Gwet's AC1 for two categories: (Pa - Pe) / (1 - Pe) with Pe = 2·p·(1 - p).

    Unlike kappa it stays defined (and high) when positives are rare or absent.
    """
    if _too_few(votes):
        return float("nan")
    p = float(votes.mean())
    pe = 2 * p * (1 - p)
    return (_observed_agreement(votes) - pe) / (1 - pe)


def cohen_kappa(a: np.ndarray, b: np.ndarray) -> float:
    """Cohen's kappa of two annotators (scikit-learn); NaN when undefined."""
    from sklearn.metrics import cohen_kappa_score

    if len(a) == 0:
        return float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(cohen_kappa_score(a, b, labels=[False, True]))


def pairwise_cohen(agg: AggLabels) -> pd.DataFrame:
    """Square table of Cohen's kappa between annotators (diagonal 1.0)."""
    votes, names = vote_matrix(agg), list(agg.annotators)
    m = np.ones((len(names), len(names)))
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            m[i, j] = m[j, i] = cohen_kappa(votes[:, i], votes[:, j])
    return pd.DataFrame(m, index=names, columns=names)


def task_stats(agg: AggLabels) -> dict[str, float]:
    """Unanimity and the chance-corrected statistics of one task."""
    votes = vote_matrix(agg)
    cohen = pairwise_cohen(agg).to_numpy()
    upper = cohen[np.triu_indices(len(cohen), k=1)]
    return {
        "shots": len(votes),
        "pos_rate": float(agg.table["agg"].mean()) if len(votes) else float("nan"),
        "unanimity": agg.agreement,
        "fleiss_kappa": fleiss_kappa(votes),
        "krippendorff_alpha": krippendorff_alpha(votes),
        "gwet_ac1": gwet_ac1(votes),
        "cohen_mean": float(np.mean(upper)) if len(upper) and not np.isnan(upper).all()
        else float("nan"),
    }


def annotator_table(agg: AggLabels) -> pd.DataFrame:
    """Per annotator: role, positive rate and agreement with the aggregated (majority) label."""
    votes = vote_matrix(agg)
    majority = agg.table["agg"].to_numpy(bool)
    rows = []
    for j, name in enumerate(agg.annotators):
        rows.append({"task": agg.task, "annotator": name,
                     "role": "primary" if name == agg.primary else "secondary",
                     "shots": len(votes),
                     "pos_rate": float(votes[:, j].mean()) if len(votes) else float("nan"),
                     "majority_agreement": float((votes[:, j] == majority).mean())
                     if len(votes) else float("nan")})
    return pd.DataFrame(rows, columns=ANNOTATOR_COLUMNS)


def role_summary(annotators: pd.DataFrame) -> pd.DataFrame:
    """Primary versus secondaries: mean positive rate and agreement with the majority."""
    return (annotators.groupby("role", sort=True)
            .agg(annotations=("shots", "sum"), pos_rate=("pos_rate", "mean"),
                 majority_agreement=("majority_agreement", "mean"))
            .reset_index())
