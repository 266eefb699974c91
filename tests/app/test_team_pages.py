"""AppTest of the team protocol: a secondary's blind feed, asking secondaries and labeling the
baselines on *Annotate*, and an app-made task on every page beside the folder's tasks."""
from __future__ import annotations

import pytest
from apptest_support import APP, open_annotate
from apptest_support import run as _run
from streamlit.testing.v1 import AppTest

from dashboard.annotate import team
from dashboard.annotate.config import store_url
from dashboard.annotate.store import open_store
from dashboard.annotate.workspace import MY_TASKS
from dashboard.figures.theme import task_label
from tests.annotate.team_support import MINE, copy_task

TASK = "street-rain"
PAGES = ["pages/overview.py", "pages/browse.py", "pages/agreement.py", "pages/checkpoints.py",
         "pages/experiments.py", "pages/train.py", "pages/search.py", "pages/embedding_map.py",
         "pages/report.py"]


@pytest.fixture
def store(demo_dir, tmp_path, monkeypatch):
    """The store the app opens (a fresh state folder), read from the test."""
    monkeypatch.setenv("VA_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("VA_STATE_DB", raising=False)
    opened = open_store(store_url())
    yield opened
    opened.close()


@pytest.fixture
def labeled(store, ds):
    """Task TASK: primary P labeled 6 shots (3 positive); S is asked to re-label them."""
    keys = ds.shots["key"].tolist()[100:106]
    store.create_task(TASK, "rain on a street", primary="P")
    store.record(TASK, keys, ["positive", "negative"] * 3, annotator="P")
    store.assign_secondaries(TASK, ["S"])
    return keys


def _shown(at: AppTest, role: str) -> list[str]:
    prefix = f"team_{role}_positive_"
    return [b.key.removeprefix(prefix) for b in at.button if b.key and b.key.startswith(prefix)]


def _texts(at: AppTest) -> str:
    return "\n".join(e.value for kind in ("caption", "markdown", "text", "info", "success")
                     for e in getattr(at, kind))


def test_blind_feed_shows_neither_the_primary_label_nor_a_score(labeled, store):
    at = open_annotate("S", TASK)
    shown = _shown(at, "secondary")
    assert shown == team.blind_batch(store, TASK, "S", 10) and sorted(shown) == sorted(labeled)
    cards = [c.value for c in at.caption if any(k in c.value for k in shown)]
    assert len(cards) == len(shown) and not [c for c in cards if "score" in c.lower()]
    assert "6 to do" in _texts(at)
    assert not at.dataframe and not at.metric and not at.tabs  # no labels, counts or review
    assert not [b for b in at.button if b.key and b.key.startswith("annotate_positive_")]

    at.button(key=f"team_secondary_negative_{shown[0]}").click()
    _run(at)
    votes = store.votes(TASK)
    assert votes[["key", "annotator", "label"]].values.tolist() == [[shown[0], "S", False]]
    assert set(store.events(TASK).query("annotator == 'S'")["feed"]) == {team.BLIND_FEED}
    assert _shown(at, "secondary") == shown[1:]
    assert store.labels(TASK)["annotator"].unique().tolist() == ["P"]  # the primary's stand

    at.button(key="team_undo_secondary").click()
    _run(at)
    assert store.votes(TASK).empty and _shown(at, "secondary") == shown


def test_primary_asks_secondaries_and_labels_the_baselines(labeled, store, ds):
    at = open_annotate("P", TASK)
    at.session_state["annotate_view"] = "Team & baselines"
    _run(at)
    at.text_input(key="team_names").set_value("S2, S3")
    next(b for b in at.button if b.label == "Ask").click()
    _run(at)
    assert store.secondaries(TASK) == ["S", "S2", "S3"]
    progress = next(d for d in at.dataframe if "to_do" in d.value.columns).value
    assert progress.to_dict("list") == {"secondary": ["S", "S2", "S3"], "voted": [0, 0, 0],
                                        "to_do": [6, 6, 6]}

    at.number_input(key="team_n").set_value(20)
    at.multiselect(key="team_query").set_value(["zoom"])
    next(b for b in at.button if b.label == "Draw the baselines").click()
    _run(at)
    assert len(store.baseline(TASK, "random")) == len(store.baseline(TASK, "zero_shot")) == 20
    shown = _shown(at, "random")
    assert shown == store.baseline(TASK, "random")[:10]
    at.button(key=f"team_random_positive_{shown[0]}").click()
    _run(at)
    assert store.labels(TASK, role="random")[["key", "label"]].values.tolist() == [
        [shown[0], True]]
    assert _shown(at, "random") == store.baseline(TASK, "random")[1:11]
    assert any("1 of 20 labeled" in c.value for c in at.caption)


@pytest.fixture
def app_made(store, ds):
    copy_task(ds, store)
    return MINE


@pytest.mark.parametrize("page", PAGES)
def test_app_made_task_on_every_page(app_made, page):
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["task"] = app_made
    at.switch_page(page)
    _run(at)
    assert not at.error, [e.value for e in at.error]
    pickers = {s.label: s.value for s in at.sidebar.selectbox}
    if "Task" in pickers:
        assert (pickers["Group"], pickers["Task"]) == (MY_TASKS, app_made)
    if page == "pages/overview.py":
        table = next(d for d in at.dataframe if "task" in d.value.columns).value
        assert task_label(app_made) in set(table["task"])
    if page == "pages/agreement.py":
        assert "Blind re-labeling. S1: " in _texts(at)


@pytest.mark.parametrize("page", PAGES)
def test_app_made_task_with_an_empty_agg_on_every_page(labeled, page):
    """TASK's secondary has not voted yet: its agg holds no shot, and every page says so or
    shows empty figures, never an exception."""
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["task"] = TASK
    at.switch_page(page)
    _run(at)
    pickers = {s.label: s.value for s in at.sidebar.selectbox}
    if "Task" in pickers:
        assert (pickers["Group"], pickers["Task"]) == (MY_TASKS, TASK)
    if page == "pages/agreement.py":
        assert "S: 0 done, 6 to do" in _texts(at)
    if page == "pages/embedding_map.py":
        assert any("no agg-labeled shot yet" in i.value for i in at.info)
