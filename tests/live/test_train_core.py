"""Core of the live trainer: sources, models, quality, corpus search, uploads, export."""
import io
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.metrics import average_precision_score, precision_score, recall_score
from sklearn.neural_network import MLPClassifier

from dashboard import DataError
from dashboard.cli import main
from dashboard.experiments.task_fits import TaskFits
from dashboard.live import corpus, estimators, model_io, quality, runs, sources, uploads
from dashboard.live.estimators import ModelSpec
from dashboard.live.sources import Source
from dashboard.method.evaluation import bootstrap_average_precision, bootstrap_indices
from dashboard.method.training import fit_and_score, zero_shot_ap

TASK = "closeup"


@pytest.fixture(scope="module")
def fits(ds):
    return TaskFits(ds, TASK)


@pytest.fixture(scope="module")
def run(ds):
    return runs.train_run(ds, TASK, Source(), ModelSpec())


@pytest.fixture(scope="module")
def norms(ds):
    return corpus.row_norms(ds.embeddings)


def test_paper_model_on_agg_beats_the_baseline_clearly(ds, run, fits):
    assert run.ok
    assert run.quality.ap.mean > run.quality.baseline + 0.25
    assert run.quality.ap.mean > run.quality.zero_shot.mean
    assert run.quality.zero_shot == zero_shot_ap(ds.text_embeddings[TASK], fits.val)
    assert run.quality.ap == fit_and_score(*ds.agg_labeled(TASK).split()).ap  # the shared path
    assert 0 < run.data_score <= 1


@pytest.mark.parametrize("source", [
    Source(), Source(sources.CHECKPOINT, checkpoint=0), Source(sources.CHECKPOINT, checkpoint=-1),
    Source("random", n=100), Source("zero_shot", n=1000), Source("combined", n=50)])
def test_training_set_never_holds_a_validation_key(ds, fits, source):
    ts = sources.training_set(ds, fits, source)
    assert ts.train is not None, ts.reason
    assert (ts.train.pos | ts.train.neg).isdisjoint(fits.val_keys)


def test_removed_counts_and_first_n(ds, fits):
    agg = sources.training_set(ds, fits, Source())
    assert agg.removed == len(fits.val) and len(agg.train) + agg.removed == len(fits.agg)
    cp = fits.checkpoints[-1]
    last = Source(sources.CHECKPOINT, checkpoint=len(fits.checkpoints) - 1)
    ts = sources.training_set(ds, fits, last)
    assert ts.removed == len((cp.pos | cp.neg) & fits.val_keys)
    n = 40
    zs = sources.training_set(ds, fits, Source("zero_shot", n=n))
    assert len(zs.train) == n  # the first n after removing validation keys
    consumed = [k for k, _ in fits.cmp.zero_shot][:n + zs.removed]
    assert sum(k in fits.val_keys for k in consumed) == zs.removed


def test_a_broken_task_gives_a_reason_not_a_crash(ds):
    r = runs.train_run(ds, "no-such-task", Source(), ModelSpec())
    assert not r.ok and "no-such-task" in r.reason


@pytest.mark.parametrize("spec", [ModelSpec(estimators.LR_C, C=0.1, balanced=True),
                                  ModelSpec(estimators.MLP)])
def test_other_models_learn(ds, spec):
    r = runs.train_run(ds, TASK, Source(), spec)
    assert r.ok and r.quality.ap.mean > r.quality.baseline + 0.2
    corpus_scores = estimators.score_rows(r.model.estimator, ds.embeddings)
    assert corpus_scores.dtype == np.float32
    np.testing.assert_allclose(corpus_scores[:50], r.model.predict_proba(ds.embeddings[:50]),
                               atol=1e-5)


def test_bootstrap_and_threshold_metrics_match_sklearn_on_a_hand_made_case():
    y = np.array([1, 0, 1, 1, 0, 0, 1, 0, 0, 0], bool)
    s = np.array([0.9, 0.8, 0.7, 0.6, 0.55, 0.4, 0.3, 0.2, 0.1, 0.05])
    # hand computed: hits at ranks 1, 3, 4, 7 -> (1 + 2/3 + 3/4 + 4/7) / 4
    assert average_precision_score(y, s) == pytest.approx((1 + 2 / 3 + 3 / 4 + 4 / 7) / 4)
    boot = bootstrap_average_precision(y, s)
    expected = [average_precision_score(y[i], s[i]) for i in (bootstrap_indices(10, r)
                                                              for r in range(5)) if y[i].any()]
    assert boot.values == pytest.approx(expected)
    assert boot.mean == pytest.approx(np.mean(expected))
    assert boot.std == pytest.approx(np.std(expected))
    m = quality.at_threshold(y, s, 0.5)
    assert (m.tp, m.fp, m.fn, m.tn) == (3, 2, 1, 4)
    assert m.precision == pytest.approx(precision_score(y, s >= 0.5))
    assert m.recall == pytest.approx(recall_score(y, s >= 0.5))
    assert m.f1 == pytest.approx(2 * 0.6 * 0.75 / 1.35)
    pr = quality.pr_curve(y, s)
    assert pr["recall"].iloc[0] == 1 and pr["recall"].iloc[-1] == 0
    cal = quality.calibration(y, s)
    assert cal["count"].sum() == len(y)


def test_top_k_excludes_labeled_keys(ds, run):
    scores = run.model.predict_proba(ds.embeddings)
    labeled = corpus.labeled_rows(ds, TASK)
    top = corpus.top_rows(scores, 200, labeled)
    assert len(top) == 200 and not np.isin(top, labeled).any()
    assert np.all(np.diff(scores[top]) <= 0)
    rest = np.setdiff1d(np.arange(len(scores)), np.r_[labeled, top])
    assert scores[rest].max() <= scores[top].min()


def test_nearest_neighbour_of_a_shot_is_itself_first(ds, norms):
    for key in ds.shots["key"].iloc[[0, 1234, 3999]]:
        table = corpus.nearest(ds, norms, key, k=10)
        assert table["key"].iloc[0] == key and table["score"].iloc[0] == pytest.approx(1.0)
        assert len(table) == 10 and np.all(np.diff(table["score"].iloc[1:]) <= 1e-6)
    with pytest.raises(KeyError):
        corpus.nearest(ds, norms, "nope|0")


def test_zero_shot_search_is_cosine(ds, norms):
    text = ds.text_embeddings[TASK]
    sims = corpus.cosine_to(ds.embeddings, norms, text)
    x = ds.embeddings[:5].astype(float)
    expected = x @ text / np.linalg.norm(x, axis=1) / np.linalg.norm(text)
    assert sims[:5] == pytest.approx(expected, abs=1e-5)


def test_genre_share_and_histogram(ds, run):
    scores = run.model.predict_proba(ds.embeddings)
    share = corpus.share_above_by_genre(corpus.genre_index(ds), scores, 0.5)
    assert share["shots"].sum() == ds.n_shots and share["above"].sum() == (scores >= 0.5).sum()
    for genre in ("(none)", ds.shots["genre"].iloc[0] or "(none)"):
        row = share[share["genre"] == genre].iloc[0]
        in_genre = (ds.shots["genre"].replace("", "(none)") == genre).to_numpy()
        assert row["shots"] == in_genre.sum() and row["above"] == (scores[in_genre] >= 0.5).sum()
    assert corpus.score_histogram(scores)["shots"].sum() == ds.n_shots


def _npy(arr) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=True)
    return buf.getvalue()


def test_upload_accepts_a_vector_or_a_matrix(ds):
    one = uploads.read_embeddings(_npy(np.ones(ds.dim, np.float64)), "v.npy", ds.dim)
    assert one.shape == (1, ds.dim) and one.dtype == np.float32
    assert uploads.read_embeddings(_npy(np.zeros((3, ds.dim), np.float16)), "m.npy",
                                   ds.dim).shape == (3, ds.dim)


@pytest.mark.parametrize("data, message", [
    (_npy(np.ones((2, 7), np.float32)), "has dimension 7; the dataset's embeddings have 512"),
    (_npy(np.ones((2, 2, 512), np.float32)), "has shape (2, 2, 512)"),
    (_npy(np.ones((2, 512), np.int64)), "has dtype int64; expected float"),
    (_npy(np.r_[np.ones((1, 512)), np.full((1, 512), np.nan)]),
     "holds NaN or inf in 1 of 2 rows (first: row 1)"),
    (_npy(np.array([{"a": 1}], dtype=object)), "holds pickled Python objects"),
    (pickle.dumps(np.ones(512)), "is not a NumPy .npy file"),
    (_npy(np.ones((2, 512), np.float32))[:-100], "cannot be read as .npy"),
    (b"", "is not a NumPy .npy file"),
])
def test_bad_uploads_are_rejected_with_the_right_message(data, message):
    with pytest.raises(DataError) as e:
        uploads.read_embeddings(data, "upload.npy", 512)
    assert e.value.path == "upload.npy" and message in e.value.reason


def test_upload_size_limit():
    with pytest.raises(DataError, match="limit is 1 MiB"):
        uploads.read_embeddings(_npy(np.ones((1024, 512), np.float32)), "big.npy", 512,
                                max_bytes=2**20)


def test_score_with_every_task(ds, run):
    models = {TASK: run.model, "car-chase": runs.train_run(ds, "car-chase", Source(),
                                                             ModelSpec()).model}
    x = ds.vectors(ds.shots["key"].iloc[:3])
    table = runs.score_with_all(models, x)
    assert table.shape == (3, 2)
    assert table[TASK].to_numpy() == pytest.approx(run.model.predict_proba(x))
    ranking = runs.ranking(ds, models, x[0])
    assert list(ranking["score"]) == sorted(ranking["score"], reverse=True)


@pytest.mark.parametrize("spec", [ModelSpec(), ModelSpec(estimators.MLP)])
def test_saved_and_loaded_model_gives_identical_scores(ds, spec):
    r = runs.train_run(ds, TASK, Source(), spec)
    loaded = model_io.load(model_io.dump(r.model.estimator))
    x = ds.embeddings[:500]
    assert np.array_equal(loaded.predict_proba(x), r.model.estimator.predict_proba(x))
    card = model_io.card(r.model, TASK, "agg train split", ds.fingerprint, 0.5, 0.1, 100)
    assert card["task"] == TASK and card["dataset_fingerprint"] == ds.fingerprint
    assert '"n_train"' in model_io.card_json(card)


def _untrusted_model_bytes() -> bytes:
    """skops bytes of a model holding a type skops does not trust (MLP's AdamOptimizer)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sio.dumps(MLPClassifier((4,), max_iter=5).fit(np.eye(4), [0, 1, 0, 1]))


def test_loading_refuses_untrusted_types_and_pickles(run):
    with pytest.raises(DataError, match="not trusted"):
        model_io.load(_untrusted_model_bytes(), "adam.skops")
    with pytest.raises(DataError, match="is not a skops model file"):
        model_io.load(pickle.dumps(run.model.estimator), "model.pkl")


def test_a_model_of_another_dimension_is_refused(ds):
    from sklearn.linear_model import LogisticRegression

    small = LogisticRegression().fit(np.eye(4), [0, 1, 0, 1])
    with pytest.raises(DataError, match="4-dimensional inputs; the dataset's embeddings have 512"):
        model_io.load(model_io.dump(small), "small.skops", ds.dim)


def test_cli_scores_the_corpus_with_a_saved_model_and_refuses_untrusted(ds, run, tmp_path, capsys):
    path = tmp_path / "closeup.skops"
    path.write_bytes(model_io.dump(run.model.estimator))
    out = tmp_path / "top.csv"
    assert main(["score-model", str(path), str(ds.root), "--task", TASK, "--top", "5",
                 "--out", str(out)]) == 0
    assert "LogisticRegression from" in capsys.readouterr().out
    listed = pd.read_csv(out)
    assert len(listed) == 5 and not set(listed["key"]) & set(ds.agg_votes(TASK).table["key"])
    path.write_bytes(_untrusted_model_bytes())
    assert main(["score-model", str(path), str(ds.root)]) == 1
    assert "not trusted" in capsys.readouterr().err


def test_checkpoint_sources_are_described_from_one():
    assert Source(sources.CHECKPOINT, checkpoint=0).describe() == "checkpoint 1"
    assert Source(sources.CHECKPOINT, checkpoint=-1).describe() == "the newest checkpoint"


def test_count_above_matches_the_scores():
    scores = np.array([0.1, 0.5, 0.7, 0.49], np.float32)
    assert corpus.count_above(scores, 0.5) == (2, 0.5)
    assert corpus.count_above(scores, 0.0) == (4, 1.0)
    assert corpus.count_above(np.empty(0, np.float32), 0.5) == (0, 0.0)


def test_model_files_have_the_upload_size_limit(run):
    data = model_io.dump(run.model.estimator)
    with pytest.raises(DataError) as e:
        model_io.load(data, "big.skops", max_bytes=len(data) - 1)
    assert e.value.path == "big.skops" and "the limit is" in e.value.reason
    assert model_io.load(data, "ok.skops", max_bytes=len(data)) is not None
    with pytest.raises(DataError, match="limit is 64 MiB"):  # the default: the .npy limit
        model_io.load(b"\0" * (uploads.MAX_BYTES + 1), "huge.skops")
