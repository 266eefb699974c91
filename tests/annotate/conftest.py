"""A fresh annotation store per test (SQLite in the test's tmp folder), and one PostgreSQL
server per session for the tests that run on both backends (tests/annotate/postgres.py)."""
import os

import postgres
import pytest

from dashboard.annotate.store import default_url, open_store


@pytest.fixture
def store(tmp_path):
    s = open_store(default_url(tmp_path / "state"))
    yield s
    s.close()


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server started for this session and stopped at its end (also on failure).
    Where none can be started the tests that need it skip with the reason, or fail under
    CI=true, where both backends must run."""
    try:
        server = postgres.start()
    except postgres.Unavailable as err:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but the PostgreSQL tests cannot run: {err}")
        pytest.skip(f"no PostgreSQL server for the store tests: {err}")
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server):
    """The URL of a new, empty database on the session's server, dropped after the test."""
    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)
