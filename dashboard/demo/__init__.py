"""The generated demo dataset: a folder in the released layout whose labels were made by the
labeling loop (:mod:`dashboard.annotate`), so it sits above every other package.

``generate(out, n_shots, seed)`` writes one; ``demo_dir()`` is the cached default folder and
``data_dir()`` / ``get_dataset()`` the configured folder, else that demo.
"""
from .config import DEMO_SEED, DEMO_SHOTS, data_dir, demo_dir, get_dataset
from .generator import VERSION, generate

__all__ = ["DEMO_SEED", "DEMO_SHOTS", "VERSION", "data_dir", "demo_dir", "generate",
           "get_dataset"]
