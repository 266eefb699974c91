"""Video Annotator dashboard core: dataset layer, the paper's semantics, models, experiments.

No Streamlit here: everything is usable from a notebook or the CLI.
"""
from .dataset.folder import AggLabels, CmpLists, Dataset, open_dataset
from .errors import DataError, DataWarning
from .method.labeled import LabeledDataset, SplitError

__all__ = ["AggLabels", "CmpLists", "DataError", "DataWarning", "Dataset", "LabeledDataset",
           "SplitError", "open_dataset"]
