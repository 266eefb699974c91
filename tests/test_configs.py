"""Config objects check their fields where they are built and name the bad field."""
import pytest

from dashboard.experiments.experiment1 import Exp1Config
from dashboard.experiments.experiment2 import Exp2Config
from dashboard.live.estimators import ModelSpec
from dashboard.live.sources import Source


@pytest.mark.parametrize("build, message", [
    (lambda: Exp2Config(d=0), "Exp2Config.d = 0: must be a whole number of labels"),
    (lambda: Exp2Config(policies=("ucb-0.01", "thompson")), "Exp2Config.policies = .*'thompson'"),
    (lambda: Exp2Config(policies=()), r"Exp2Config.policies = \(\): unknown none given"),
    (lambda: Exp2Config(d=50, max_labels=25), "Exp2Config.max_labels = 25: must be at least d"),
    (lambda: Exp2Config(seed=-1), "Exp2Config.seed = -1: must be a whole number"),
    (lambda: Exp2Config(policies=("round-robin", "round-robin")),
     "Exp2Config.policies = .*repeated"),
    (lambda: Exp1Config(ns=(25, 0)), r"Exp1Config.ns = \(25, 0\)"),
    (lambda: Exp1Config(slack=-1), "Exp1Config.slack = -1"),
    (lambda: Source("zero-shot"), "Source.kind = 'zero-shot': unknown training source"),
    (lambda: Source("random", n=0), "Source.n = 0"),
    (lambda: ModelSpec("svm"), "ModelSpec.kind = 'svm': unknown model"),
    (lambda: ModelSpec("lr_c", C=0), "ModelSpec.C = 0"),
])
def test_bad_setting_fails_at_construction_naming_the_field(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_defaults_are_the_papers():
    assert Exp1Config().ns == (25, 50, 100, 500, 1000) and Exp2Config().d == 25
    assert Source().kind == "agg" and ModelSpec().kind == "lr_cv"
