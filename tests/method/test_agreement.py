"""Agreement statistics on hand-computed examples, including the degenerate cases."""
import math

import numpy as np
import pandas as pd
import pytest

from dashboard import AggLabels
from dashboard.dataset import summary
from dashboard.method import agreement as ag


def make_agg(votes, primary="B", secondaries=("A", "C")) -> AggLabels:
    votes = np.asarray(votes, bool)
    names = [primary, *secondaries]
    table = pd.DataFrame(votes, columns=names)
    table.insert(0, "key", [f"yt{i}|0" for i in range(len(votes))])
    table["pos_cnt"] = votes.sum(axis=1)
    table["agg"] = table["pos_cnt"] * 2 > len(names)
    return AggLabels("t", primary, tuple(secondaries), table[["key", *names, "agg", "pos_cnt"]])


# Three shots all negative, one shot with a single positive vote (from the primary B).
RARE = [[0, 0, 0], [0, 0, 0], [0, 0, 0], [1, 0, 0]]


def test_rare_positive_by_hand():
    s = ag.task_stats(make_agg(RARE))
    # Pa = (1 + 1 + 1 + 1/3) / 4 = 5/6; p = 1/12
    assert s["unanimity"] == pytest.approx(3 / 4)
    # Fleiss: Pe = p² + (1-p)² = 61/72 -> (60/72 - 61/72) / (11/72) = -1/11
    assert s["fleiss_kappa"] == pytest.approx(-1 / 11)
    # Gwet: Pe = 2p(1-p) = 11/72 -> (60/72 - 11/72) / (61/72) = 49/61
    assert s["gwet_ac1"] == pytest.approx(49 / 61)
    # Krippendorff (nominal): o01 = o10 = 1, n = 12, n0 = 11, n1 = 1 -> 1 - 11·2/(2·11) = 0
    assert s["krippendorff_alpha"] == pytest.approx(0.0)
    assert s["pos_rate"] == 0.0


def test_pairwise_cohen_by_hand():
    m = ag.pairwise_cohen(make_agg(RARE))
    # B = [0,0,0,1] vs A = [0,0,0,0]: po = 3/4, pe = 3/4 -> 0; A vs C both constant: undefined
    assert m.loc["B", "A"] == pytest.approx(0.0) and m.loc["A", "B"] == m.loc["B", "A"]
    assert math.isnan(m.loc["A", "C"])
    assert list(m.index) == ["B", "A", "C"] and (np.diag(m) == 1).all()


def test_balanced_example_by_hand():
    # pos_cnt 3, 0, 1, 2: Pa = (1 + 1 + 1/3 + 1/3)/4 = 2/3, p = 1/2, Pe = 1/2 -> 1/3
    s = ag.task_stats(make_agg([[1, 1, 1], [0, 0, 0], [1, 0, 0], [1, 1, 0]]))
    assert s["fleiss_kappa"] == pytest.approx(1 / 3)
    assert s["gwet_ac1"] == pytest.approx(1 / 3)
    assert s["unanimity"] == pytest.approx(0.5)


def test_no_positives_kappa_undefined_ac1_defined():
    s = ag.task_stats(make_agg([[0, 0, 0]] * 5))
    assert s["unanimity"] == 1.0
    assert math.isnan(s["fleiss_kappa"]) and math.isnan(s["krippendorff_alpha"])
    assert math.isnan(s["cohen_mean"])
    assert s["gwet_ac1"] == 1.0


def test_everyone_agrees_on_both_classes():
    s = ag.task_stats(make_agg([[1, 1, 1], [0, 0, 0], [0, 0, 0]]))
    for name in ("unanimity", "fleiss_kappa", "krippendorff_alpha", "gwet_ac1", "cohen_mean"):
        assert s[name] == pytest.approx(1.0), name


def test_empty_task_is_all_nan():
    s = ag.task_stats(make_agg(np.zeros((0, 3))))
    assert s["shots"] == 0
    assert all(math.isnan(s[c]) for c in ag.STAT_COLUMNS)


def test_annotator_table_and_roles():
    agg = make_agg(RARE)
    t = ag.annotator_table(agg).set_index("annotator")
    assert t.loc["B", "role"] == "primary" and t.loc["A", "role"] == "secondary"
    assert t.loc["B", "pos_rate"] == pytest.approx(1 / 4)
    assert t.loc["B", "majority_agreement"] == pytest.approx(3 / 4)
    assert t.loc["C", "majority_agreement"] == 1.0
    roles = ag.role_summary(ag.annotator_table(agg)).set_index("role")
    assert roles.loc["primary", "pos_rate"] == pytest.approx(1 / 4)
    assert roles.loc["secondary", "pos_rate"] == 0.0
    assert roles.loc["secondary", "majority_agreement"] == 1.0
    assert roles.loc["secondary", "annotations"] == 8


def test_tables_on_demo(ds):
    table = summary.agreement_table(ds)
    assert list(table["task"]) == list(ds.tasks) and (table["error"] == "").all()
    task = ds.tasks[0]
    assert table.set_index("task").loc[task, "unanimity"] == pytest.approx(ds.agg_votes(task).agreement)
    quality = summary.annotator_quality(ds)
    assert len(quality) == 3 * len(ds.tasks)
    assert quality["majority_agreement"].between(0, 1).all()


def test_broken_task_is_reported_not_raised(copy_of_demo):
    from dashboard import Dataset

    task = Dataset(copy_of_demo).tasks[0]
    (copy_of_demo / "agg" / f"{task}.json").write_text("{not json")
    ds = Dataset(copy_of_demo)
    table = summary.agreement_table(ds)
    assert task in table.loc[table["error"] != "", "task"].tolist()
    assert f"{task}.json" in table.set_index("task").loc[task, "error"]
    assert task not in set(summary.annotator_quality(ds)["task"])
