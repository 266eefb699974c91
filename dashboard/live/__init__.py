"""One task, live: training sources (agg train split, a checkpoint, the cmp baselines), model
specs (the paper's LR-CV, fixed C, an MLP), a training run and its quality, scoring and
searching the whole corpus, saved model files and uploaded embeddings.

Imports :mod:`dashboard.dataset`, :mod:`dashboard.method` and the per-task inputs and source
lists of :mod:`dashboard.experiments` (so that a live model and an experiment cell trained on
the same labels are the same fit).
"""
