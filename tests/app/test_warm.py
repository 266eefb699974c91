"""The warm start (serve.py, components/warm.py): the pages' modules imported and the
configured folder opened into the caches the sessions use, before the server answers."""
from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

from benchmarks.common import serve_app
from components import cache, warm
from dashboard.dataset import derived
from dashboard.dataset.folder import fingerprint_of

ROOT = Path(__file__).resolve().parents[2]


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # a name inside a module, not a module
        return False


def _page_imports() -> set[str]:
    """The modules of components/ and dashboard/figures/ that app.py and the pages import."""
    found = set()
    for page in [ROOT / "app.py", *(ROOT / "pages").glob("*.py")]:
        for node in ast.walk(ast.parse(page.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
                found |= {n for n in names if n.startswith(("components.", "dashboard.figures."))
                          and _is_module(n)}
    return found


def test_every_module_the_pages_import_is_imported(demo_dir):
    imported = set(warm.import_app_modules())
    assert "components.cache" in imported and "dashboard.figures.views" in imported
    wanted = _page_imports()
    assert len(wanted) > 10 and wanted <= imported
    assert "components.warm" not in imported
    assert {"sklearn.metrics", "sklearn.model_selection"} <= imported  # the first model's


def test_the_configured_folder_is_opened_into_the_sessions_caches(demo_dir, monkeypatch):
    monkeypatch.setenv("VA_DATA_DIR", str(demo_dir))
    fingerprint = fingerprint_of(str(demo_dir))
    ds = derived.open_dataset(str(demo_dir), fingerprint)
    for name in ("task_table", "dataset_summary"):
        derived.table(ds, name)  # on disk, as after any earlier open
    cache.open_dataset.clear()
    assert warm.open_configured_folder() == str(demo_dir)

    def refuse(*_args, **_kwargs):
        raise AssertionError("a session recomputed what the warm start had made")

    monkeypatch.setattr(derived, "open_dataset", refuse)
    monkeypatch.setattr(derived, "table", refuse)
    opened = cache.open_dataset(str(demo_dir), fingerprint)  # as current_dataset asks
    assert opened.n_shots == ds.n_shots
    assert len(cache.task_table(opened, opened.version())) == len(ds.tasks)
    assert cache.dataset_summary(opened, opened.version())["shots"] == ds.n_shots


def test_a_folder_that_cannot_be_opened_leaves_the_server_cold(tmp_path, monkeypatch):
    monkeypatch.setenv("VA_DATA_DIR", str(tmp_path / "missing"))
    said = []
    monkeypatch.setattr(warm._LOG, "warning", lambda msg, *args: said.append(msg % args))
    warm.warm()  # no exception: the page names the problem
    assert len(said) == 1 and "missing" in said[0]


def test_no_folder_configured_leaves_the_demo_to_the_first_session(monkeypatch):
    monkeypatch.delenv("VA_DATA_DIR", raising=False)
    assert warm.open_configured_folder() is None


def test_the_server_warms_up_before_it_answers(demo_dir, tmp_path):
    log = tmp_path / "server.log"
    with serve_app({"VA_DATA_DIR": str(demo_dir), "VA_STATE_DIR": str(tmp_path)}, log):
        text = log.read_text()
    assert f"data folder {demo_dir} opened" in text
