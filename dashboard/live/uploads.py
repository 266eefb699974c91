"""Embeddings a user brings as a ``.npy`` file: read safely (never unpickled) and checked."""
from __future__ import annotations

import io

import numpy as np

from ..errors import DataError

MAX_BYTES = 64 * 1024 * 1024  # 64 MiB: about 32,000 float32 vectors of dimension 512


def check_size(data: bytes, name: str, max_bytes: int = MAX_BYTES) -> None:
    """Raise :class:`DataError` naming ``name`` when an upload is larger than ``max_bytes``."""
    if len(data) > max_bytes:
        raise DataError(name, f"is {len(data) / 2**20:.1f} MiB; the limit is "
                              f"{max_bytes / 2**20:.0f} MiB")


def read_embeddings(data: bytes, name: str, dim: int, max_bytes: int = MAX_BYTES) -> np.ndarray:
    """The rows of an uploaded ``.npy`` (one vector or a matrix) as float32 ``(k, dim)``.

    Raises :class:`DataError` naming ``name`` and what is wrong: too large, not a ``.npy``,
    pickled objects, non-float dtype, wrong shape or dimension, NaN or inf.
    """
    check_size(data, name, max_bytes)
    if not data.startswith(b"\x93NUMPY"):
        raise DataError(name, "is not a NumPy .npy file (save one with numpy.save)")
    try:
        arr = np.load(io.BytesIO(data), allow_pickle=False)
    except ValueError as e:
        if "pickle" in str(e).lower():
            raise DataError(name, "holds pickled Python objects, which are never loaded; "
                                  "save a float array instead") from None
        raise DataError(name, f"cannot be read as .npy: {e}") from None
    except Exception as e:  # truncated or corrupt files raise several types
        raise DataError(name, f"cannot be read as .npy: {e}") from None
    if not np.issubdtype(arr.dtype, np.floating):
        raise DataError(name, f"has dtype {arr.dtype}; expected float (float16/32/64)")
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise DataError(name, f"has shape {arr.shape}; expected ({dim},) or (rows, {dim})")
    if arr.shape[1] != dim:
        raise DataError(name, f"has dimension {arr.shape[1]}; the dataset's embeddings have {dim}")
    _check_finite(arr, name, "holds NaN or inf")
    with np.errstate(over="ignore"):
        x = arr.astype(np.float32)
    _check_finite(x, name, "holds values beyond float32's range (about ±3.4e38)")
    return x


def _check_finite(arr: np.ndarray, name: str, problem: str) -> None:
    bad = ~np.isfinite(arr).all(axis=1)
    if bad.any():
        raise DataError(name, f"{problem} in {int(bad.sum())} of {len(arr)} rows "
                              f"(first: row {int(np.flatnonzero(bad)[0])})")
