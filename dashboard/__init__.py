"""Video Annotator dashboard core: dataset layer, the paper's semantics, models, experiments.

No Streamlit here: everything is usable from a notebook or the CLI.
"""
from .dataset import AggLabels, CmpLists, Dataset, open_dataset
from .errors import DataError, DataWarning
from .labels import LabeledDataset, SplitError

__all__ = ["AggLabels", "CmpLists", "DataError", "DataWarning", "Dataset", "LabeledDataset",
           "SplitError", "open_dataset"]
