"""The security pass: the server listens on loopback only with XSRF protection on, nothing
from disk or an upload is unpickled, and the pinned requirements have no known
vulnerability (pip-audit)."""
from __future__ import annotations

import dataclasses
import io
import json
import os
import pickle
import re
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from benchmarks.common import serve_app
from dashboard import DataError
from dashboard.dataset import derived
from dashboard.experiments import checkpoints
from dashboard.experiments.results_cache import ResultsCache
from dashboard.live import model_io, uploads

ROOT = Path(__file__).resolve().parents[1]


# ---- the server ------------------------------------------------------------------------------

def test_config_binds_to_loopback_with_xsrf_and_cors_pinned_on():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert config["browser"]["serverAddress"] == "127.0.0.1"
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["enableCORS"] is True


def test_config_turns_the_source_watcher_off():
    """Its walk over every module delays the end of a session's first runs (config.toml)."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["fileWatcherType"] == "none"


def _listening(port: int) -> set[str]:
    """The local addresses of the sockets listening on ``port`` (from /proc/net/tcp*)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def test_the_running_server_listens_on_loopback_only_and_wants_an_xsrf_token(demo_dir):
    with serve_app({}) as url:
        port = int(url.rsplit(":", 1)[1])
        assert _listening(port) == {"0100007F"}  # 127.0.0.1, and no other address or IPv6
        upload = urllib.request.Request(f"{url}/_stcore/upload_file/s/f", data=b"x",
                                        method="PUT")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(upload, timeout=10)
        assert refused.value.code == 403 and b"XSRF" in refused.value.read()


# ---- nothing is unpickled ----------------------------------------------------------------------

# calls that unpickle (or run) what they read; np.load is allowed only with allow_pickle=False
_UNSAFE = re.compile(r"pickle\.loads?\(|joblib\.load\(|read_pickle\(|torch\.load\(|\bdill\b|"
                     r"cloudpickle|\bshelve\b|marshal\.loads?\(|yaml\.(unsafe_)?load\(|"
                     r"allow_pickle\s*=\s*True|\btrusted\s*=|persist\s*=|\beval\(|\bexec\(")


def _sources() -> list[Path]:
    return [ROOT / "app.py", *(p for d in ("dashboard", "components", "pages", "scripts")
                               for p in (ROOT / d).rglob("*.py"))]


def test_no_source_unpickles_or_evaluates_what_it_reads():
    found = []
    for path in _sources():
        for n, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#", 1)[0]
            if _UNSAFE.search(code) or ("np.load(" in code and "allow_pickle=False" not in code):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not found, "\n".join(found)


class _Payload:
    """Unpickling this creates the folder ``marker``: proof that a pickle was run."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return os.mkdir, (str(self.marker),)


@dataclasses.dataclass
class _Config:
    seed: int = 0


def test_pickle_payloads_are_refused_and_never_run(ds, tmp_path):
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Payload(marker))
    buf = io.BytesIO()
    np.save(buf, np.array([_Payload(marker)], dtype=object), allow_pickle=True)

    with pytest.raises(DataError, match="is not a NumPy .npy file"):
        uploads.read_embeddings(payload, "evil.npy", ds.dim)
    with pytest.raises(DataError, match="holds pickled Python objects"):
        uploads.read_embeddings(buf.getvalue(), "evil.npy", ds.dim)
    with pytest.raises(DataError, match="is not a skops model file"):
        model_io.load(payload, "evil.skops", ds.dim)

    # a cache file replaced by a pickle reads as "not computed", never as a result
    cache = tmp_path / "cache"
    derived_path = derived.path_of(ds, "task_table", cache)
    aps_path = checkpoints.cache_path(cache, ds, "zoom")
    results = ResultsCache("experiment1", ds.fingerprint, _Config(), cache)
    for path in (derived_path, aps_path, results.folder / "zoom.parquet"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(payload)
    assert derived.read(ds, "task_table", cache) is None
    assert checkpoints.cached_aps(ds, "zoom", cache) is None
    assert results.load("zoom") is None
    assert not marker.exists()

    pickle.loads(payload)  # the payload is live: unpickled, it does run
    assert marker.is_dir()


# ---- known vulnerabilities in the pinned requirements -------------------------------------------

# Findings that are not fixed by a newer pin, each with the reason it does not apply:
# {"VULN-ID": "why"}. Empty: none so far.
ACCEPTED: dict[str, str] = {}


def test_pinned_requirements_have_no_known_vulnerability():
    pytest.importorskip("pip_audit", reason="pip-audit is installed by requirements-dev.txt")
    ignores = [arg for vuln in ACCEPTED for arg in ("--ignore-vuln", vuln)]
    done = subprocess.run(
        [sys.executable, "-m", "pip_audit", "-r", "requirements.txt", "-r",
         "requirements-dev.txt", "--no-deps", "--disable-pip", "--progress-spinner", "off",
         "--format", "json", *ignores],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    try:
        deps = json.loads(done.stdout)["dependencies"]
    except ValueError:
        if "ConnectionError" in done.stderr or "Max retries" in done.stderr:
            pytest.skip(f"pip-audit cannot reach its vulnerability service: "
                        f"{done.stderr.strip().splitlines()[-1]}")
        raise AssertionError(f"pip-audit failed: {done.stderr[-2000:]}") from None
    unaudited = [d["skip_reason"] for d in deps if "skip_reason" in d]
    if unaudited and len(unaudited) == len(deps):
        pytest.skip("pip-audit's vulnerability service has no record of any pinned release "
                    "(the package registry reached from here serves no per-release "
                    f"vulnerability data), so nothing was audited: {unaudited[0]}")
    found = [f"{d['name']} {d['version']}: {v['id']} (fixed in {', '.join(v['fix_versions'])})"
             for d in deps for v in d.get("vulns", [])]
    assert not found, "bump the pin or justify the finding in ACCEPTED:\n" + "\n".join(found)
    assert not unaudited, unaudited
