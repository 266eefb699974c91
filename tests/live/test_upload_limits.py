"""Defect 6: uploads that overflow float32, zip bombs in model files, and the server's upload
limit set to the app's."""
from __future__ import annotations

import io
import tomllib
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest

from dashboard import DataError
from dashboard.live import model_io, uploads


def _npy(arr) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr)
    return buf.getvalue()


def test_float64_beyond_float32_is_refused_not_infinity():
    x = np.ones((3, 8))
    x[1, 2] = 1e300
    with pytest.raises(DataError, match=r"big.npy: holds values beyond float32's range "
                                        r"\(about ±3.4e38\) in 1 of 3 rows \(first: row 1\)"):
        uploads.read_embeddings(_npy(x), "big.npy", 8)


def _zip(members: dict[str, int], compression=zipfile.ZIP_DEFLATED) -> bytes:
    """A zip whose members are ``size`` zero bytes each (a bomb when large)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression, compresslevel=1) as z:
        for name, size in members.items():
            with z.open(name, "w", force_zip64=True) as f:
                for _ in range(size // 2**20):
                    f.write(bytes(2**20))
    return buf.getvalue()


def test_a_zip_bomb_is_refused_before_it_inflates():
    bomb = _zip({"schema.json": 2**27})  # 128 KiB that inflates to 128 MiB
    assert len(bomb) < 2**20
    import skops.io  # noqa: F401 (imported before tracing: only the file's cost is measured)

    tracemalloc.start()
    try:
        with pytest.raises(DataError, match=r"bomb.skops: inflates to more than 64 MiB, the limit"):
            model_io.load(bomb, "bomb.skops")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 3 * uploads.MAX_BYTES  # was twice the inflated size


def test_members_whose_output_cannot_be_bounded_are_refused():
    with pytest.raises(DataError, match=r"m.skops: uses a zip compression that is not accepted"):
        model_io.load(_zip({"schema.json": 2**20}, zipfile.ZIP_LZMA), "m.skops")


def test_a_real_model_still_loads():
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression().fit(np.eye(16)[:4], [0, 1, 0, 1])
    assert model_io.load(model_io.dump(clf), "ok.skops", 16).n_features_in_ == 16


def test_the_server_refuses_uploads_over_the_apps_limit():
    config = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit/config.toml")
                           .read_text())
    assert config["server"]["maxUploadSize"] * 2**20 == uploads.MAX_BYTES  # MiB, as Streamlit
