"""The released data folder: opening it (shots, memory-mapped embeddings, per-task label files
read with errors that name the file), the 56 task names and groups, validation of a whole
folder, the demo generator, which folder and cache to use, and the tables derived from a folder
alone (task table, dataset summary, shots of a label source, agreement across tasks).

Imports :mod:`dashboard.method` (the split and scores that its labeled sets carry) and
:mod:`dashboard.errors`; nothing above it.
"""
from .folder import AggLabels, CmpLists, Dataset, fingerprint_of, open_dataset

__all__ = ["AggLabels", "CmpLists", "Dataset", "fingerprint_of", "open_dataset"]
