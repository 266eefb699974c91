"""The paper's LR-CV, computed like scikit-learn's ``LogisticRegressionCV`` but faster.

Same folds (``StratifiedKFold`` shuffled with the seed), same grid of C
(``np.logspace(-4, 4, 10)``), same objective and L-BFGS-B settings (tol 1e-4, maxls 50, warm
start along the path of C), same choice of C (highest sum of fold APs, first on ties; the fold
APs equal scikit-learn's to the last bit, so exact ties are the same ties), same refit on all
data warm-started from the mean of the best fold coefficients. What is cheaper:
the data is gathered as float64 once, the loss is a few NumPy lines instead of a process
pool and a scorer per C, BLAS runs single-threaded (its threads only cost time on such small
products), and scipy's L-BFGS-B step function (the private ``scipy.optimize._lbfgsb.setulb``)
is driven directly, without the wrappers of ``optimize.minimize`` (same iterates, same
results; ``optimize.minimize`` is the fallback when the step function is absent or has another
signature). That private path is kept because it pays: on Experiment 1 over all 56 tasks of a
504,030-shot dataset (one process, scipy 1.17) it took 57.5 s against 80.5 s through
``optimize.minimize``, a 28.5% saving of wall time (medians of 3 alternating runs; 35.6% in a
5-run repeat), with identical AP tables (benchmarks/bench_lbfgsb.py,
benchmarks/results/lbfgsb.json). Coefficients agree with scikit-learn's to about 1e-12
(tests/method/test_lrcv.py).
(Solving a fold with fewer rows than dimensions in the basis of its rows was tried: it is
slower here and, on separable folds, stops L-BFGS elsewhere and picks another C.)
"""
from __future__ import annotations

import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import optimize
from scipy.special import expit

CS = np.logspace(-4, 4, 10)
TOL = 1e-4
MAX_ITER = 1000
N_SPLITS = 5
MAXLS = 50  # scikit-learn's L-BFGS-B options
FTOL = 64 * np.finfo(float).eps
MAX_FUN = 15_000  # scipy's default


@dataclass(frozen=True)
class LinearFit:
    """A fitted linear classifier: ``p = sigmoid(x @ coef + intercept)``."""

    coef: np.ndarray  # (d,) float64
    intercept: float
    C: float
    n_iter: int
    fold_scores: np.ndarray | None = None  # (n_folds, n_Cs) AP of each fold and C (LR-CV)

    def decision_function(self, x: np.ndarray) -> np.ndarray:
        return x @ self.coef.astype(x.dtype, copy=False) + self.intercept

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """Probability of the positive class, one value per row."""
        return expit(self.decision_function(x))


def average_precision(y: np.ndarray, scores: np.ndarray) -> float:
    """scikit-learn's ``average_precision_score`` for a binary ``y`` (ties grouped; 0.0 when
    there is no positive), without its input checks, bit for bit: the step integral is summed
    in scikit-learn's order (thresholds ascending, ``-sum(diff(recall) * precision)``). The
    last bit matters: fold APs that tie exactly in scikit-learn must tie here too, or the
    choice of C (first best sum) differs from ``LogisticRegressionCV``'s."""
    order = np.argsort(-scores, kind="mergesort")
    s, yy = scores[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]  # end of each group of tied scores
    tps = np.cumsum(yy, dtype=np.float64)[last]
    if len(tps) == 0 or tps[-1] == 0:
        return 0.0
    precision = np.r_[(tps / (last + 1))[::-1], 1.0]
    recall = np.r_[(tps / tps[-1])[::-1], 0.0]
    return float(max(0.0, -np.sum(np.diff(recall) * precision[:-1])))


def balanced_weights(y: np.ndarray) -> np.ndarray:
    """Per-row weights ``n / (2 · count of the row's class)`` (scikit-learn's 'balanced')."""
    n_pos = y.sum()
    return np.where(y, len(y) / (2 * n_pos), len(y) / (2 * (len(y) - n_pos)))


def _loss_grad(w, x, y, sw, sw_sum, l2):
    """scikit-learn's LinearModelLoss(HalfBinomialLoss) objective and gradient."""
    z = x @ w[:-1] + w[-1]
    loss = np.logaddexp(0.0, z) - y * z
    g = expit(z) - y
    if sw is not None:
        loss *= sw
        g *= sw
    g /= sw_sum
    grad = np.empty_like(w)
    grad[:-1] = x.T @ g + l2 * w[:-1]
    grad[-1] = g.sum()
    return loss.sum() / sw_sum + 0.5 * l2 * (w[:-1] @ w[:-1]), grad


def _minimize(x, y, sw, C, w0, max_iter, tol):
    sw_sum = len(y) if sw is None else float(sw.sum())
    args = (x, y, sw, sw_sum, 1.0 / (C * sw_sum))
    if _setulb is not None:
        return _lbfgsb_loop(args, w0, max_iter, tol)
    res = optimize.minimize(_loss_grad, w0, method="L-BFGS-B", jac=True, args=args,
                            options={"maxiter": max_iter, "maxls": MAXLS, "gtol": tol,
                                     "ftol": FTOL})
    return res.x, int(res.nit)


def _find_setulb():
    """scipy's L-BFGS-B step function when it has the signature of scipy >= 1.15, else None
    (then ``optimize.minimize`` is used: same iterates, about 40% more wall time on
    Experiment 1, see benchmarks/results/lbfgsb.json)."""
    try:
        from scipy.optimize import _lbfgsb

        setulb = _lbfgsb.setulb
        n, m = 2, 10
        setulb(m, np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n, np.int32), np.array(0.0),
               np.zeros(n), 1e7, 1e-5, np.zeros(2 * m * n + 5 * n + 11 * m * m + 8 * m),
               np.zeros(3 * n, np.int32), np.zeros(2, np.int32), np.zeros(4, np.int32),
               np.zeros(44, np.int32), np.zeros(29), MAXLS, np.zeros(2, np.int32))
        return setulb
    except Exception:  # private API: absent or another signature in other scipy versions
        return None


def _lbfgsb_loop(args, w0, max_iter, tol, m=10):
    """scipy's ``_minimize_lbfgsb`` loop without its per-call wrappers: the same calls of
    the same L-BFGS-B step function, so the same iterates."""
    n = len(w0)
    w, f, g = np.array(w0, dtype=np.float64), np.array(0.0), np.zeros(n)
    bounds, nbd = np.zeros(n), np.zeros(n, np.int32)
    wa = np.zeros(2 * m * n + 5 * n + 11 * m * m + 8 * m)
    iwa, task, ln_task = np.zeros(3 * n, np.int32), np.zeros(2, np.int32), np.zeros(2, np.int32)
    lsave, isave, dsave = np.zeros(4, np.int32), np.zeros(44, np.int32), np.zeros(29)
    factr = FTOL / np.finfo(float).eps
    n_iter = n_eval = 0
    while True:
        _setulb(m, w, bounds, bounds, nbd, f, g, factr, tol, wa, iwa, task, lsave, isave,
                dsave, MAXLS, ln_task)
        if task[0] == 3:  # evaluate at w
            f, g = _loss_grad(w, *args)
            n_eval += 1
        elif task[0] == 1:  # a new iterate
            n_iter += 1
            if n_iter >= max_iter or n_eval > MAX_FUN:
                task[:] = 5, 504  # stop
        else:  # converged, or stopped
            return w, n_iter


_setulb = _find_setulb()


def fit_path(x, y, Cs, sw=None, w0=None, max_iter=MAX_ITER, tol=TOL):
    """Coefficients (len(Cs), d + 1) along ``Cs``, each warm-started from the previous one,
    and the iteration counts."""
    w = np.zeros(x.shape[1] + 1) if w0 is None else w0
    coefs, iters = [], []
    for C in Cs:
        w, n = _minimize(x, y, sw, C, w, max_iter, tol)
        coefs.append(w)
        iters.append(n)
    return np.array(coefs), iters


@lru_cache(maxsize=1)
def _threadpools():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


_blas_lock = threading.RLock()  # re-entrant: a fit may call another


@contextmanager
def single_threaded_blas():
    """Context: BLAS on one thread for a fit. The limit is process-wide, so fits in several
    threads (app sessions) take turns: each restores the limits it found, none is left on one
    thread."""
    with _blas_lock, _threadpools().limit(limits=1, user_api="blas"):
        yield


def _as_xy(x, y):
    return np.ascontiguousarray(x, dtype=np.float64), np.asarray(y, dtype=bool)


def fit_fixed_c(x, y, C: float, class_weight: str | None = None,
                max_iter: int = MAX_ITER) -> LinearFit:
    """Logistic regression at one C (scikit-learn's ``LogisticRegression(C=C)`` with lbfgs)."""
    x, y = _as_xy(x, y)
    sw = balanced_weights(y) if class_weight == "balanced" else None
    with single_threaded_blas():
        coefs, iters = fit_path(x, y.astype(np.float64), [C], sw, max_iter=max_iter)
    return LinearFit(coefs[0, :-1], float(coefs[0, -1]), float(C), iters[0])


def stratified_folds(y: np.ndarray, n_splits: int, seed: int):
    from sklearn.model_selection import StratifiedKFold

    cv = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    with warnings.catch_warnings():  # "the least populated class has only k members"
        warnings.simplefilter("ignore", UserWarning)
        return list(cv.split(np.zeros(len(y)), y))


def best_c_index(fold_scores: np.ndarray) -> int:
    """The column of (n_folds, n_Cs) fold scores with the highest sum, the first on exact
    ties (``LogisticRegressionCV``'s ``argmax(scores.sum(axis=0))``)."""
    return int(np.argmax(fold_scores.sum(axis=0)))


def fit_cv(x, y, seed: int, Cs=CS, n_splits: int = N_SPLITS, class_weight: str | None = None,
           max_iter: int = MAX_ITER, tol: float = TOL) -> LinearFit:
    """The paper's LR-CV: C chosen by ``n_splits``-fold stratified CV scored by average
    precision, then refit on all rows; the numbers of ``LogisticRegressionCV``."""
    x, y = _as_xy(x, y)
    yf = y.astype(np.float64)
    sw = balanced_weights(y) if class_weight == "balanced" else None
    folds = stratified_folds(y, n_splits, seed)

    def one_fold(fold):
        train, test = fold
        coefs, iters = fit_path(x[train], yf[train], Cs, None if sw is None else sw[train],
                                max_iter=max_iter, tol=tol)
        scores = x[test] @ coefs[:, :-1].T + coefs[:, -1]
        return coefs, [average_precision(y[test], s) for s in scores.T], sum(iters)

    with single_threaded_blas():
        results = [one_fold(f) for f in folds]
        coefs = np.array([r[0] for r in results])  # (folds, Cs, d + 1)
        scores = np.array([r[1] for r in results])  # (folds, Cs)
        best = best_c_index(scores)
        w0 = coefs[:, best].mean(axis=0)
        w, iters = fit_path(x, yf, [Cs[best]], sw, w0=w0, max_iter=max_iter, tol=tol)
    return LinearFit(w[0, :-1], float(w[0, -1]), float(Cs[best]),
                     iters[0] + sum(r[2] for r in results), scores)
