"""The labeling area of *Annotate*: a batch of shots from a feed, Positive / Negative / Skip
per shot with keyboard shortcuts for the focused (first) shot, mark-the-rest-negative, undo,
and a retrain after each batch. It runs as a fragment: a click reruns only this area.

Every click is saved at once (one transaction) through the store; the batch, the model and
its corpus scores live in session state keyed by the task and the model version.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import streamlit as st

from dashboard import Dataset
from dashboard.annotate import feeds, loop
from dashboard.annotate.store import Store, StoreError
from dashboard.dataset.folder import shot_links
from dashboard.live import corpus, estimators

from . import cache
from .annotation import session_id
from .formatting import number, plain

SHORTCUTS = {"positive": "P", "negative": "N", "skip": "S"}
_MODEL, _BATCH, _ERROR = "annotate_model", "annotate_batch", "annotate_error"


@dataclass
class Batch:
    """The shots on screen: from ``feed`` under model ``version`` (or a search query)."""

    task: str
    feed: str
    origin: tuple  # what chose it: (version,) for model feeds, the query for search
    size: int
    keys: list[str]
    scores: list[float]
    done: dict[str, str] = field(default_factory=dict)  # key -> value given in this batch

    @property
    def open_keys(self) -> list[str]:
        return [k for k in self.keys if k not in self.done]


def current_model(ds: Dataset, store: Store, task: str, force: bool = False,
                  spec=loop.FAST) -> loop.Retrain:
    """The task's model in this session; retrained (and checkpointed) when missing, when the
    task or the data folder changed, or when ``force``."""
    held = st.session_state.get(_MODEL)
    if force or held is None or held.labeled.label != task or held.labeled.source is not ds:
        held = loop.retrain(ds, store, task, spec)
        st.session_state[_MODEL] = held
        st.session_state.pop(f"{_MODEL}_scores", None)
    return held


def _model_scores(ds: Dataset, model: loop.Retrain) -> np.ndarray:
    cached = st.session_state.get(f"{_MODEL}_scores")
    if cached is None or cached[0] != (model.labeled.label, model.version):
        cached = ((model.labeled.label, model.version),
                  estimators.score_rows(model.model.estimator, ds.embeddings))
        st.session_state[f"{_MODEL}_scores"] = cached
    return cached[1]


def _new_batch(ds: Dataset, store: Store, task: str, feed: str, origin: tuple,
               scores: np.ndarray, size: int) -> Batch:
    mask = loop.available(ds, store.seen(task))
    rng = np.random.default_rng()
    rows = loop.feed_batch(feed, scores, mask, size, rng)
    return Batch(task, feed, origin, size, ds.shots["key"].to_numpy()[rows].tolist(),
                 scores[rows].astype(float).tolist())


def _record(store: Store, batch: Batch, who: str, version, keys: list[str],
            value: str) -> None:
    """Save one click; on a database error keep the message for the page, lose nothing."""
    try:
        store.record(batch.task, keys, value, annotator=who, feed=batch.feed,
                     model_version=version, session=session_id())
    except StoreError as e:
        st.session_state[_ERROR] = str(e)
        return
    st.session_state.pop(_ERROR, None)
    batch.done.update(dict.fromkeys(keys, value))


def _undo(store: Store, batch: Batch) -> None:
    try:
        keys = store.undo(batch.task, session_id())
    except StoreError as e:
        st.session_state[_ERROR] = str(e)
        return
    for k in keys:
        batch.done.pop(k, None)
    st.session_state["annotate_undone"] = keys


BUTTONS = (("positive", "Positive", "primary"), ("negative", "Negative", "secondary"),
           ("skip", "Skip", "tertiary"))


def shot_card(ds: Dataset, key: str, detail: str, thumbnails: bool, focused: bool,
              on_click, args: tuple, disabled: bool, values=("positive", "negative", "skip"),
              prefix: str = "annotate") -> None:
    """One shot to label: thumbnail, title (plain text), genre, time, ``detail``, a watch
    link, and a button per value in ``values`` calling ``on_click(*args, [key], value)``;
    the focused shot's buttons carry the keyboard shortcuts."""
    shot = ds.shots.iloc[[ds.rows([key])[0]]]
    watch, thumb = shot_links(shot)
    s = shot.iloc[0]
    with st.container(border=True, horizontal=True, vertical_alignment="center"):
        if thumbnails:
            st.image(thumb[0], width=120)
        with st.container(gap="small"):
            st.text(s["desc"])  # untrusted text: never Markdown or HTML
            st.caption(plain(" · ".join(p for p in (
                s["genre"] or "no genre", f"{s['start'] + 0.0:.1f}–{s['end']:.1f} s", detail,
                key) if p)))
        st.link_button("Watch", watch[0], icon=":material/play_circle:", type="tertiary")
        for value, label, kind in BUTTONS:
            if value in values:
                st.button(label, key=f"{prefix}_{value}_{key}", type=kind,
                          shortcut=SHORTCUTS[value] if focused else None,
                          on_click=on_click, args=(*args, [key], value), disabled=disabled)


def _search_scores(ds: Dataset, query: np.ndarray) -> np.ndarray:
    return corpus.cosine_to(ds.embeddings, cache.corpus_norms(ds, ds.fingerprint), query)


@st.fragment
def labeling_area(ds: Dataset, store: Store, task: str, who: str, feed: str,
                  query: np.ndarray | None, query_id: tuple, size: int,
                  thumbnails: bool) -> None:
    """The batch of ``feed`` (or of the search ``query``) with its buttons and the model's
    quality; retrains when the batch is done. A database that cannot be written (read-only,
    full) shows its message here; what was saved stays, and labeling resumes when it can."""
    try:
        _labeling(ds, store, task, who, feed, query, query_id, size, thumbnails)
    except StoreError as e:
        st.error(plain(str(e)), icon=":material/database:")


def _labeling(ds: Dataset, store: Store, task: str, who: str, feed: str,
              query: np.ndarray | None, query_id: tuple, size: int, thumbnails: bool) -> None:
    if st.session_state.get(_ERROR):
        st.error(plain(st.session_state[_ERROR]), icon=":material/database:")
    if not who:
        st.info("Type your name in the sidebar to start labeling: it is saved with each label.",
                icon=":material/badge:")
    model = current_model(ds, store, task)
    _status(store, task, model)
    if feed != feeds.SEARCH and model.model is None:
        st.info(plain(f"No model yet ({model.reason}): label shots from a search first."),
                icon=":material/search:")
        feed = feeds.SEARCH
    if feed == feeds.SEARCH and query is None:
        st.warning("Choose a search query above: a task's text or example shots.",
                   icon=":material/search:")
        return
    origin = query_id if feed == feeds.SEARCH else (model.version,)
    batch: Batch | None = st.session_state.get(_BATCH)
    if batch is not None and not batch.open_keys and batch.done:
        _retrain(ds, store, task)  # the batch is done
    if batch is None or (batch.task, batch.feed, batch.origin, batch.size) != (
            task, feed, origin, size):
        scores = _search_scores(ds, query) if feed == feeds.SEARCH else _model_scores(ds, model)
        batch = _new_batch(ds, store, task, feed, origin, scores, size)
        st.session_state[_BATCH] = batch
    open_keys = batch.open_keys
    if not batch.keys:
        st.success("This feed has no unlabeled shot left.", icon=":material/done_all:")
    version = model.version
    with st.container(horizontal=True):
        st.button("Mark the rest negative", key="annotate_rest", shortcut="M",
                  disabled=not (who and open_keys), icon=":material/playlist_remove:",
                  on_click=_record, args=(store, batch, who, version, open_keys, "negative"))
        st.button("Undo", key="annotate_undo", shortcut="U", icon=":material/undo:",
                  on_click=_undo, args=(store, batch))
        if st.button("Retrain now", key="annotate_retrain", shortcut="T",
                     icon=":material/model_training:"):
            _retrain(ds, store, task)
        if st.button("Retrain with the paper's LR-CV", key="annotate_retrain_cv",
                     icon=":material/tune:", help="C chosen by 5-fold CV (slower)"):
            _retrain(ds, store, task, estimators.ModelSpec())
    if st.session_state.get("annotate_undone") is not None:
        undone = st.session_state.pop("annotate_undone")
        st.caption(plain(f"Undid the last action ({len(undone)} shots)." if undone
                         else "Nothing to undo in this session."))
    st.caption(f"{len(open_keys)} of {len(batch.keys)} shots left in this batch · shortcuts for "
               "the first shot: **P** positive, **N** negative, **S** skip; **M** the rest "
               "negative, **U** undo, **T** retrain")
    for key, score in zip(batch.keys, batch.scores):
        if key not in batch.done:
            shot_card(ds, key, f"score {score:.3f}", thumbnails, key == open_keys[0], _record,
                      (store, batch, who, version), disabled=not who)


def _retrain(ds: Dataset, store: Store, task: str, spec=loop.FAST) -> None:
    """Retrain, drop the batch (the feeds refresh) and rerun the whole page once, so that
    the review and the history show the new checkpoint."""
    model = current_model(ds, store, task, force=True, spec=spec)
    if model.model is not None:
        st.toast(f"Retrained: model {model.version}, quality "
                 f"{number(model.quality.mean, '{:.3f}')}", icon=":material/model_training:")
    st.session_state.pop(_BATCH, None)
    st.rerun()


def _status(store: Store, task: str, model: loop.Retrain) -> None:
    labeled = model.labeled
    labels = store.labels(task)
    pos = int(labels["label"].sum())
    cols = st.columns(4)
    cols[0].metric("Labels", f"{len(labels):,}")
    cols[1].metric("Positives / negatives", f"{pos:,} / {len(labels) - pos:,}")
    cols[2].metric("Model", f"v{model.version}" if model.version else "—",
                   help="The checkpoint the current model was trained on.")
    quality = model.quality
    cols[3].metric("Model quality (CV AP)",
                   number(quality.mean if quality else float("nan"), "{:.3f}"),
                   help=f"Cross-validated AP of the {len(labeled):,} labels the model was "
                        "trained on (± " + number(quality.std if quality else float("nan"),
                                                  "{:.3f}") + ")")
