"""A fresh annotation store per test (SQLite in the test's tmp folder)."""
import pytest

from dashboard.annotate.store import default_url, open_store


@pytest.fixture
def store(tmp_path):
    s = open_store(default_url(tmp_path / "state"))
    yield s
    s.close()
