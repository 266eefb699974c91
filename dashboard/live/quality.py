"""How good a trained model is: the paper's bootstrap AP on the agg validation split next to
its references, and the curve and threshold data behind the charts."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..experiments.experiment1 import NoSkill, no_skill
from ..method.evaluation import BootstrapAP, bootstrap_average_precision
from ..method.labeled import LabeledDataset
from ..method.lrcv import CS

CALIBRATION_BINS = 10


@dataclass(frozen=True)
class Quality:
    """AP (bootstrap mean ± std) of the model, the zero-shot scorer and, where the task has
    one, on the AVE set, next to the two no-skill levels of validation (positive rate and
    random scorer AP, the same numbers as Experiment 1's and the Checkpoints page's)."""

    ap: BootstrapAP
    no_skill: NoSkill
    zero_shot: BootstrapAP | None
    ave: BootstrapAP | None
    n_val: int
    n_val_pos: int

    @property
    def baseline(self) -> float:
        """The validation positive rate (older name; the pages say "positive rate")."""
        return self.no_skill.positive_rate


def quality(val_scores: np.ndarray, val: LabeledDataset, zero_shot_scores: np.ndarray | None,
            ave: LabeledDataset | None = None, ave_scores: np.ndarray | None = None) -> Quality:
    """The headline numbers of a model whose scores on ``val`` (and ``ave``) are given, next
    to the zero-shot scorer's scores on ``val``."""
    return Quality(
        ap=bootstrap_average_precision(val.y, val_scores),
        no_skill=no_skill(val.y),
        zero_shot=(None if zero_shot_scores is None
                   else bootstrap_average_precision(val.y, zero_shot_scores)),
        ave=None if ave is None else bootstrap_average_precision(ave.y, ave_scores),
        n_val=len(val), n_val_pos=val.pos_cnt)


def pr_curve(y: np.ndarray, scores: np.ndarray) -> pd.DataFrame:
    """Precision and recall at every threshold (scikit-learn's curve; recall descending)."""
    from sklearn.metrics import precision_recall_curve

    precision, recall, thresholds = precision_recall_curve(y, scores)
    return pd.DataFrame({"threshold": np.r_[thresholds, np.nan], "precision": precision,
                         "recall": recall})


def roc_curve(y: np.ndarray, scores: np.ndarray) -> pd.DataFrame:
    from sklearn.metrics import roc_auc_score
    from sklearn.metrics import roc_curve as sk_roc

    fpr, tpr, thresholds = sk_roc(y, scores)
    table = pd.DataFrame({"threshold": thresholds, "fpr": fpr, "tpr": tpr})
    table.attrs["auc"] = float(roc_auc_score(y, scores)) if 0 < np.sum(y) < len(y) else np.nan
    return table


def calibration(y: np.ndarray, scores: np.ndarray, bins: int = CALIBRATION_BINS) -> pd.DataFrame:
    """Per score bin of equal width on [0, 1]: mean score, share of positives, count."""
    y = np.asarray(y, bool)
    which = np.clip((np.asarray(scores) * bins).astype(int), 0, bins - 1)
    table = pd.DataFrame({"bin": which, "score": scores, "positive": y})
    out = table.groupby("bin").agg(mean_score=("score", "mean"), positive_rate=("positive", "mean"),
                                   count=("positive", "size")).reset_index()
    out["bin_low"] = out["bin"] / bins
    return out.drop(columns="bin")


def cv_curve(cv_scores: np.ndarray, Cs: np.ndarray = CS) -> pd.DataFrame:
    """Mean and std over folds of the cross-validation AP at each C."""
    return pd.DataFrame({"C": Cs, "mean_ap": cv_scores.mean(axis=0),
                         "std_ap": cv_scores.std(axis=0), "folds": len(cv_scores)})


def score_table(y: np.ndarray, scores: np.ndarray) -> pd.DataFrame:
    """Each validation shot's score and label (for the histograms and their CSV)."""
    return pd.DataFrame({"score": scores, "label": np.where(y, "positive", "negative")})


@dataclass(frozen=True)
class ThresholdMetrics:
    threshold: float
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r > 0 else float("nan")

    def confusion(self) -> pd.DataFrame:
        """Rows: the actual label; columns: the call at the threshold."""
        return pd.DataFrame([[self.tp, self.fn], [self.fp, self.tn]],
                            index=["positive", "negative"],
                            columns=["called positive", "called negative"])


def at_threshold(y: np.ndarray, scores: np.ndarray, threshold: float) -> ThresholdMetrics:
    """Counts when a shot is called positive at ``score >= threshold``."""
    y = np.asarray(y, bool)
    called = np.asarray(scores) >= threshold
    return ThresholdMetrics(float(threshold), int(np.sum(called & y)), int(np.sum(called & ~y)),
                            int(np.sum(~called & y)), int(np.sum(~called & ~y)))
