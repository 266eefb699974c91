"""The heap is frozen around a page's first run, once per page; garbage is collected before
the freeze after it."""
import gc
import weakref

import pytest
from streamlit.testing.v1 import AppTest

from components import heap


class Node:
    pass


@pytest.fixture(autouse=True)
def unfrozen():
    yield
    gc.unfreeze()  # give the rest of the test session its usual collector back


def test_freezes_what_survives_after_collecting_garbage():
    cycle = Node()
    cycle.me = cycle
    gone = weakref.ref(cycle)
    del cycle
    kept = Node()
    kept.me = kept
    heap.freeze_after_first_run("test-page")
    assert gone() is None  # unreachable before the freeze: collected, not kept forever
    assert gc.get_freeze_count() > 0
    assert not any(o is kept for o in gc.get_objects())  # out of the collector's walks


def test_before_a_first_run_what_is_alive_is_frozen_once():
    kept = Node()
    heap.freeze_before_first_run("test-before")
    frozen = gc.get_freeze_count()
    assert frozen > 0 and not any(o is kept for o in gc.get_objects())
    more = [Node() for _ in range(100)]
    heap.freeze_before_first_run("test-before")
    assert gc.get_freeze_count() == frozen and more


def test_only_the_first_run_of_a_page_freezes():
    heap.freeze_after_first_run("test-once")
    frozen = gc.get_freeze_count()
    more = [Node() for _ in range(100)]
    heap.freeze_after_first_run("test-once")
    assert gc.get_freeze_count() == frozen and more


def test_the_app_freezes_after_running_a_page(demo_dir):
    heap._before.discard("")  # Overview, the default page, has the empty url path
    heap._after.discard("")
    at = AppTest.from_file("../../app.py", default_timeout=60).run()
    assert not at.exception
    assert "" in heap._before and "" in heap._after
