"""Shots picked on Browse or Search become Annotate's query-by-example shots."""
from streamlit.testing.v1 import AppTest

from dashboard.annotate import exchange
from dashboard.annotate.store import default_url, open_store


def test_picked_shots_fill_the_example_box_and_the_search(ds, tmp_path, monkeypatch):
    monkeypatch.setenv("VA_STATE_DIR", str(tmp_path))
    store = open_store(default_url(tmp_path))
    exchange.import_task(store, ds.root, "zoom", start="empty", annotator="ann")
    picked = ds.shots["key"].iloc[[7, 11]].tolist()
    at = AppTest.from_file("../../app.py", default_timeout=120)
    at.query_params["task"] = "zoom"
    at.run()
    at.switch_page("pages/annotate.py")
    at.session_state["annotate_examples"] = picked
    at.run()
    assert not at.exception
    assert at.text_input(key="annotate_query_keys").value == ", ".join(picked)
    # the text of zoom plus two examples: the search's first shots come from that mean query
    assert at.session_state["annotate_batch"].origin == (("zoom",), tuple(picked))
    at.multiselect(key="annotate_query_tasks").set_value([]).run()  # examples alone
    batch = at.session_state["annotate_batch"]
    assert batch.origin == ((), tuple(picked)) and batch.keys[0] in picked


def _fresh_task_page(ds, tmp_path, monkeypatch, start="empty") -> AppTest:
    monkeypatch.setenv("VA_STATE_DIR", str(tmp_path))
    store = open_store(default_url(tmp_path))
    exchange.import_task(store, ds.root, "zoom", start=start, annotator="ann")
    at = AppTest.from_file("../../app.py", default_timeout=120)
    at.query_params["task"] = "zoom"
    at.run()
    at.switch_page("pages/annotate.py")
    at.session_state["annotate_annotator"] = "ann"
    return at.run()


def test_a_model_feed_without_a_model_falls_back_to_the_visible_search(ds, tmp_path,
                                                                        monkeypatch):
    at = _fresh_task_page(ds, tmp_path, monkeypatch)
    at.segmented_control(key="annotate_feed").set_value("top").run()
    assert not at.exception
    assert any(i.value.startswith("No model yet") for i in at.info)
    assert at.multiselect(key="annotate_query_tasks").value == ["zoom"]  # still on screen
    batch = at.session_state["annotate_batch"]
    assert batch.feed == "search" and len(batch.keys) == 10


def test_changing_the_batch_size_takes_effect_at_once(ds, tmp_path, monkeypatch):
    at = _fresh_task_page(ds, tmp_path, monkeypatch)
    first = at.session_state["annotate_batch"].keys
    at.number_input(key="annotate_size").set_value(4).run()
    assert at.session_state["annotate_batch"].keys == first[:4]  # same ranking, 4 shots


def test_a_read_only_database_shows_a_message_and_keeps_what_was_saved(ds, tmp_path,
                                                                      monkeypatch):
    path = tmp_path / "annotations.db"
    store = open_store(f"sqlite:///{path}")
    exchange.import_task(store, ds.root, "zoom", start="checkpoint", annotator="ann")
    before = store.labels("zoom")
    store.close()
    monkeypatch.setenv("VA_STATE_DB", f"sqlite:///file:{path}?mode=ro&uri=true")
    at = AppTest.from_file("../../app.py", default_timeout=120)
    at.query_params["task"] = "zoom"
    at.run()
    at.switch_page("pages/annotate.py")
    at.session_state["annotate_annotator"] = "ann"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    first = at.session_state["annotate_batch"].keys[0]
    at.button(key=f"annotate_positive_{first}").click().run()
    assert not at.exception
    assert any("read-only" in e.value and str(path) in e.value.replace("\\", "")
               for e in at.error), [e.value for e in at.error]
    assert first in at.session_state["annotate_batch"].open_keys  # not shown as labeled
    reopened = open_store(f"sqlite:///{path}")
    assert reopened.labels("zoom").equals(before)  # nothing lost, nothing half-written
    reopened.record("zoom", [first], "positive", annotator="ann")  # writable again: resumes
    assert len(reopened.labels("zoom")) == len(before) + 1
