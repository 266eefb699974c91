"""The examples in the core's docstrings run as written."""
import doctest
import importlib
import pkgutil

import pytest

import dashboard

MODULES = sorted(m.name for m in pkgutil.walk_packages(dashboard.__path__, "dashboard.")
                 if not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_the_feeds_carry_examples():
    assert doctest.testmod(importlib.import_module("dashboard.annotate.feeds")).attempted >= 2
