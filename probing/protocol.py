"""The probing protocol for one representation: fit, stratify, compare to baselines and controls.

:func:`prepare` fixes everything that does not depend on a model (strings, targets, the
string-disjoint split, held-out length bins, the unseen-prefix and non-local strata, k-gram
keys); :func:`probe_representation` fits the probe on one site's features for one target and
scores it on every stratum and bin, with the controls of :mod:`probing.controls`;
:func:`baseline_results` scores the model-free baselines once per target.

Headline numbers (``accuracy``, ``nonlocal_accuracy``, ``far_accuracy`` (ten or more tokens
since the state was last fixed by a short window), ``unseen_prefix_accuracy``) are on the
in-range *test* strings; ``by_bin`` repeats them for every held-out length bin.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from .controls import (
    control_task_labels,
    kgram_keys,
    lookup_predict,
    majority_predict,
    random_nondefinite_dfa,
    selectivity,
    shuffled_labels,
)
from .bootstrap import bootstrap_accuracy_ci
from .errors import ProbingError
from .probes import DEFAULT_CS, classification_metrics, fit_linear_probe, fit_mlp_probe
from .splits import (
    FAR,
    StringSplit,
    distance_since_local,
    local_mask,
    string_disjoint_split,
    unseen_prefix_mask,
)
from .targets import Targets, as_language, compute_targets, dfa_states, encode_words, position_index

__all__ = ["ProbeData", "prepare", "score", "baseline_results", "probe_representation"]


@dataclass(frozen=True)
class ProbeData:
    """Model-independent probing data over N positions (flat layout of :mod:`probing.targets`).

    Attributes
    ----------
    words : list of words
    codes : list of int arrays (symbol indices)
    string_id, position, length : int arrays, shape (N,)
    split : StringSplit
    masks : dict str -> bool array (N,)
        ``train``, ``val``, ``fit`` (= train | val), ``eval`` (test and every bin), one per bin
        name, ``nonlocal``, ``unseen_prefix``.
    targets : Targets
    kgram : dict int -> int array (N,)
        Last-k-token keys, k = 1..3.
    dfa : DFA or None
        The minimal DFA (regular languages).
    """

    words: list
    codes: list
    string_id: np.ndarray
    position: np.ndarray
    length: np.ndarray
    split: StringSplit
    masks: dict[str, np.ndarray]
    targets: Targets
    kgram: dict[int, np.ndarray]
    dfa: Any
    alphabet: tuple[str, ...]
    seed: int

    @property
    def n_positions(self) -> int:
        return int(len(self.string_id))

    def to_dict(self) -> dict[str, Any]:
        return {"n_strings": len(self.codes), "n_positions": self.n_positions,
                "seed": self.seed, "split": self.split.to_dict(),
                "strata": {k: int(v.sum()) for k, v in self.masks.items()},
                "targets": self.targets.to_dict()}


def prepare(language: Any, words: Sequence[Any], train_range: tuple[int, int], seed: int,
            targets: Sequence[str] | None = None, bins: dict[str, tuple[int, int]] | None = None,
            fractions: tuple[float, float, float] = (0.6, 0.2, 0.2)) -> ProbeData:
    """Targets, split and strata for ``words`` (see :class:`ProbeData`)."""
    lang = as_language(language)
    words = list(words)
    codes = encode_words(words, lang.alphabet)
    lengths = np.array([len(c) for c in codes], dtype=np.int64)
    split = string_disjoint_split(lengths, train_range, random_state=seed, fractions=fractions,
                                  bins=bins)
    sid, pos = position_index(lengths)
    tg = compute_targets(lang, words, targets)
    masks = {"train": split.position_mask("train", sid), "val": split.position_mask("val", sid)}
    masks["fit"] = masks["train"] | masks["val"]
    ev = np.zeros(len(sid), dtype=bool)
    for name in split.bins:
        masks[name] = split.position_mask(name, sid)
        ev |= masks[name]
    masks["eval"] = ev
    if lang.dfa is not None:
        masks["nonlocal"] = ~local_mask(lang.dfa, codes)
    else:                       # counter languages: no finite DFA, every position counts
        masks["nonlocal"] = np.ones(len(sid), dtype=bool)
    masks["far"] = distance_since_local(~masks["nonlocal"], lengths) >= FAR
    masks["unseen_prefix"] = unseen_prefix_mask(
        codes, np.concatenate([split.train, split.val]))
    kg = {k: kgram_keys(codes, k, len(lang.alphabet)) for k in (1, 2, 3)}
    return ProbeData(words, codes, sid, pos, lengths[sid], split, masks, tg, kg, lang.dfa,
                     tuple(lang.alphabet), int(seed))


def _acc(y: np.ndarray, p: np.ndarray, m: np.ndarray) -> float | None:
    n = int(m.sum())
    return None if n == 0 else float((y[m] == p[m]).mean())


def score(y: np.ndarray, pred: np.ndarray, data: ProbeData, n_classes: int,
          detail: bool = False) -> dict[str, Any]:
    """Accuracy of ``pred`` on the in-range test strings, its strata, and every length bin.

    Parameters
    ----------
    y, pred : int arrays (N,); ``pred`` only matters on evaluation positions.
    detail : also return metrics (confusions), accuracy by position, by bin.
    """
    m = data.masks
    test = m["in_range"]
    correct = y == pred

    def ci(mask):  # 95 % string-level bootstrap interval
        return bootstrap_accuracy_ci(correct, data.string_id, mask, seed=data.seed)

    out: dict[str, Any] = {
        "accuracy": _acc(y, pred, test),
        "accuracy_ci": ci(test),
        "nonlocal_accuracy": _acc(y, pred, test & m["nonlocal"]),
        "nonlocal_accuracy_ci": ci(test & m["nonlocal"]),
        "far_accuracy": _acc(y, pred, test & m["far"]),
        "unseen_prefix_accuracy": _acc(y, pred, test & m["unseen_prefix"]),
        "by_bin": {},
    }
    for name in data.split.bins:
        b = m[name]
        out["by_bin"][name] = {
            "range": list(data.split.bin_ranges[name]),
            "n_positions": int(b.sum()),
            "accuracy": _acc(y, pred, b),
            "accuracy_ci": ci(b),
            "nonlocal_accuracy": _acc(y, pred, b & m["nonlocal"]),
            "nonlocal_accuracy_ci": ci(b & m["nonlocal"]),
            "far_accuracy": _acc(y, pred, b & m["far"]),
            "unseen_prefix_accuracy": _acc(y, pred, b & m["unseen_prefix"]),
        }
    if detail:
        ev = m["eval"]
        L = int(data.position.max()) + 1
        n_at = np.bincount(data.position[ev], minlength=L)
        ok_at = np.bincount(data.position[ev], weights=(y[ev] == pred[ev]), minlength=L)
        out["by_position"] = {"n": n_at.tolist(),
                              "accuracy": [None if n == 0 else float(o / n)
                                           for o, n in zip(ok_at, n_at)]}
        out["metrics"] = {name: classification_metrics(y[m[name]], pred[m[name]], n_classes)
                          for name in data.split.bins}
    return out


def baseline_results(data: ProbeData, target: str) -> dict[str, dict[str, Any]]:
    """Majority, P(label | position) and k-gram (k = 1..3) lookup baselines for ``target``."""
    tl = data.targets[target]
    y = tl.labels
    tr = data.masks["fit"]
    N = len(y)
    preds = {"majority": majority_predict(y[tr], N),
             "position": lookup_predict(data.position[tr], y[tr], data.position)}
    for k, keys in data.kgram.items():
        preds[f"kgram{k}"] = lookup_predict(keys[tr], y[tr], keys)
    return {name: score(y, p, data, tl.n_classes) for name, p in preds.items()}


@dataclass(frozen=True)
class RepresentationResult:
    """Probe results for one (site, target) on one representation."""

    target: str
    scores: dict[str, Any]
    probe: Any
    predictions: np.ndarray
    controls: dict[str, Any] = field(default_factory=dict)
    mlp: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.target, "probe": self.probe.to_dict(), **self.scores,
                "controls": self.controls, "mlp": self.mlp}


def _fit_predict(X: np.ndarray, y: np.ndarray, data: ProbeData, seed: int, Cs, backend: str,
                 **kw):
    m = data.masks
    probe = fit_linear_probe(X[m["train"]], y[m["train"]], X[m["val"]], y[m["val"]], Cs=Cs,
                             seed=seed, backend=backend, **kw)
    pred = np.full(len(y), -1, dtype=np.int64)
    pred[m["eval"]] = probe.predict(X[m["eval"]])
    return probe, pred


def _random_dfa_control(X: np.ndarray, data: ProbeData, seed: int, Cs, backend: str) -> dict:
    m = data.masks
    if data.dfa is None or data.dfa.n_states < 2:
        return {"skipped": "no DFA with two or more states", "accuracy": None}
    try:
        rd = random_nondefinite_dfa(data.dfa.n_states, data.alphabet, seed=seed, avoid=data.dfa)
    except ProbingError as e:
        return {"skipped": str(e), "accuracy": None}
    yr = dfa_states(rd, data.codes)
    _, pr = _fit_predict(X, yr, data, seed, Cs, backend)
    out = score(yr, pr, data, rd.n_states)
    maj = majority_predict(yr[m["fit"]], len(yr))
    rd_nl = ~local_mask(rd, data.codes)
    rd_nonlocal = m["in_range"] & rd_nl
    fit_nl = m["fit"] & rd_nl
    out.update(
        majority_accuracy=score(yr, maj, data, rd.n_states)["accuracy"],
        own_nonlocal_accuracy=_acc(yr, pr, rd_nonlocal),
        own_nonlocal_majority=(_acc(yr, majority_predict(yr[fit_nl], len(yr)), rd_nonlocal)
                               if fit_nl.any() else None),
        n_own_nonlocal=int(rd_nonlocal.sum()), delta=rd.delta.tolist())
    return out


def probe_representation(X: np.ndarray, data: ProbeData, target: str, seed: int,
                         controls: bool = True, mlp: bool = False, control_k: int = 3,
                         Cs: Sequence[float] = DEFAULT_CS, backend: str = "auto",
                         detail: bool = True, cache: dict | None = None) -> RepresentationResult:
    """Fit the linear probe for ``target`` on features ``X`` (N, F) and score it.

    With ``controls``: the control task on the last ``control_k`` tokens, a random non-definite
    DFA of the minimal DFA's size (regular languages; scored on all positions and on the
    positions that are non-local *for that DFA*, each beside its own majority rate) and
    shuffled labels, each through the identical protocol at the ``C`` chosen for the real
    probe (as Hewitt & Liang fix the probe's hyperparameters before the control);
    ``selectivity`` = accuracy - control-task accuracy (in-range test). The random-DFA control
    does not depend on the target: pass the same ``cache`` dict for every target of one
    representation to fit it once.
    With ``mlp``: a small MLP probe as a secondary check, with its own control task.
    """
    if target not in data.targets:
        raise ProbingError(f"target {target!r} was not prepared; have {list(data.targets)}")
    X = np.asarray(X)
    if X.shape[0] != data.n_positions:
        raise ProbingError(f"features have {X.shape[0]} rows for {data.n_positions} positions")
    tl = data.targets[target]
    y = tl.labels
    probe, pred = _fit_predict(X, y, data, seed, Cs, backend)
    scores = score(y, pred, data, tl.n_classes, detail=detail)
    ctrl: dict[str, Any] = {}
    if controls:
        m = data.masks
        keys = data.kgram.get(control_k)
        if keys is None:
            keys = kgram_keys(data.codes, control_k, len(data.alphabet))
        yc = control_task_labels(keys, y, m["fit"], seed=seed)
        Cc = (probe.C,) if probe.C == probe.C else tuple(Cs[:1])       # nan for constants
        _, pc = _fit_predict(X, yc, data, seed, Cc, backend)
        ctrl["control_task"] = {"k": control_k, **score(yc, pc, data, tl.n_classes)}
        ys = shuffled_labels(y, m["fit"], seed=seed)
        _, ps = _fit_predict(X, ys, data, seed, Cc, backend)
        ctrl["shuffled"] = score(y, ps, data, tl.n_classes)
        if cache is not None and "random_dfa" in cache:
            ctrl["random_dfa"] = cache["random_dfa"]
        else:
            ctrl["random_dfa"] = _random_dfa_control(X, data, seed, Cc, backend)
            if cache is not None:
                cache["random_dfa"] = ctrl["random_dfa"]
        acc, cacc = scores["accuracy"], ctrl["control_task"]["accuracy"]
        scores["control_accuracy"] = cacc
        scores["selectivity"] = None if acc is None or cacc is None else selectivity(acc, cacc)
    mlp_out = None
    if mlp:
        m = data.masks
        mp = fit_mlp_probe(X[m["train"]], y[m["train"]], X[m["val"]], y[m["val"]], seed=seed)
        pm = np.full(len(y), -1, dtype=np.int64)
        pm[m["eval"]] = mp.predict(X[m["eval"]])
        mlp_out = {"probe": mp.to_dict(), **score(y, pm, data, tl.n_classes)}
        if controls:
            mc = fit_mlp_probe(X[m["train"]], yc[m["train"]], X[m["val"]], yc[m["val"]], seed=seed)
            pmc = np.full(len(y), -1, dtype=np.int64)
            pmc[m["eval"]] = mc.predict(X[m["eval"]])
            ca = score(yc, pmc, data, tl.n_classes)["accuracy"]
            mlp_out["control_accuracy"] = ca
            mlp_out["selectivity"] = (None if ca is None or mlp_out["accuracy"] is None
                                      else selectivity(mlp_out["accuracy"], ca))
    return RepresentationResult(target, scores, probe, pred, ctrl, mlp_out)
