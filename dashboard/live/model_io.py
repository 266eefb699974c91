"""Save a trained model in a safe format (skops, never pickle) with a JSON card, and load one
back accepting only types that skops trusts by default."""
from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
import zlib

from ..errors import DataError
from .uploads import MAX_BYTES, check_size


def card(model, task: str, source: str, fingerprint: str, ap_mean: float, ap_std: float,
         n_val: int) -> dict:
    """The card of a :class:`~dashboard.live.estimators.TrainedModel`: what, on what, how good."""
    return {
        "task": task, "source": source, "model": model.spec.kind,
        "model_description": model.spec.describe(), "parameters": model.spec.params(),
        "chosen_C": model.C, "n_train": model.n_train, "n_train_pos": model.n_pos,
        "validation": {"n": n_val, "ap_mean": ap_mean, "ap_std": ap_std,
                       "metric": "average precision, 5-resample bootstrap, mmh3 agg split"},
        "dataset_fingerprint": fingerprint,
        "created_utc": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "format": "skops", "load": "skops.io.loads(data) (default trusted types only)",
    }


def card_json(card_: dict) -> str:
    return json.dumps(card_, indent=2, allow_nan=True)


def dump(estimator) -> bytes:
    """The scikit-learn estimator as skops bytes."""
    import skops.io as sio

    return sio.dumps(estimator)


_CHUNK = 2**20


def _inflated_copy(data: bytes, name: str, max_bytes: int) -> bytes:
    """The zip ``data`` rewritten uncompressed, refused (DataError) once its members inflate
    beyond ``max_bytes``. Members are read 1 MiB at a time, so a bomb costs at most the limit
    in memory; only stored and deflated members are accepted (bzip2 and LZMA output cannot
    be bounded per read)."""
    out, total = io.BytesIO(), 0
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise DataError(name, f"uses a zip compression that is not accepted "
                                      f"({info.compress_type}); save it with skops")
            parts = []
            with src.open(info) as member:
                while chunk := member.read(_CHUNK):
                    total += len(chunk)
                    if total > max_bytes:
                        raise DataError(name, f"inflates to more than {max_bytes / 2**20:.0f} "
                                              "MiB, the limit")
                    parts.append(chunk)
            dst.writestr(info.filename, b"".join(parts))
    return out.getvalue()


def load(data: bytes, name: str = "model file", dim: int | None = None,
         max_bytes: int = MAX_BYTES):
    """A scikit-learn estimator from skops bytes; any type skops does not trust by default
    is refused, as is a file over ``max_bytes`` (the upload limit of .npy files too) or
    inflating beyond it, or a model for another embedding dimension than ``dim`` (DataError naming the file and what
    is wrong)."""
    import skops.io as sio

    check_size(data, name, max_bytes)
    try:
        data = _inflated_copy(data, name, max_bytes)
        untrusted = sio.get_untrusted_types(data=data)
        if untrusted:
            raise DataError(name, f"holds types that are not trusted: {', '.join(untrusted)}")
        estimator = sio.loads(data)
    except DataError:
        raise
    except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, TypeError, OSError,
            EOFError) as e:
        raise DataError(name, f"is not a skops model file ({e})") from None
    if not hasattr(estimator, "predict_proba"):
        raise DataError(name, f"holds a {type(estimator).__name__}, not a classifier with "
                              "predict_proba")
    n_features = getattr(estimator, "n_features_in_", dim)
    if dim is not None and n_features != dim:
        raise DataError(name, f"is a model of {n_features}-dimensional inputs; the dataset's "
                              f"embeddings have {dim}")
    return estimator
