"""The paper's experiments over a data folder: Experiment 1 (AP versus number of labels),
Experiment 2 (decision processes), the AP of every checkpoint, the shared per-task inputs
(validation split, gathered embeddings, a fit cache), the runner over tasks (joblib or Dask),
the on-disk results cache, the cross-task summaries (Fig 7, Fig 9, Tables 2 and 3) and their
command line.

Imports :mod:`dashboard.dataset` and :mod:`dashboard.method`.
"""
