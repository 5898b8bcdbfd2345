"""Pipeline calibration without any model (docs/probing.md, "Acceptance figures").

Three synthetic representations go through the identical protocol (:mod:`probing.protocol`):

(a) ``onehot_noise``: one-hot minimal-DFA state plus Gaussian noise (and pure-noise
    dimensions). A working pipeline probes it at >= 99 % in range *and* on longer bins.
(b) ``memoriser``: a fixed random vector per distinct prefix. It carries no information about
    prefixes never seen in probe training, so on unseen-prefix positions the probe must stay
    at most 2 points above the majority baseline on those same positions; if it does better,
    the split leaks. (Fitted without the null-model guard of :mod:`probing.probes`, so the
    bar is met by the split, not by the guard.)
(c) ``shuffled``: the one-hot representation with shuffled training labels must score the
    majority rate (within 2 points).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .controls import majority_predict, shuffled_labels
from .errors import ProbingError
from .protocol import ProbeData, _fit_predict, prepare, score
from .targets import as_language

__all__ = ["CalibrationResult", "calibrate", "calibration_words", "onehot_noise_features",
           "memoriser_features"]

TOLERANCE = 0.02


def calibration_words(language: Any, train_range: tuple[int, int], n_per_range: int,
                      long_factor: int, seed: int) -> list:
    """Strings for calibration: ``n_per_range`` in the training range and as many in every
    doubling bin up to ``long_factor`` x its upper end.

    Strings are uniform random walks on the minimal DFA that keep every prefix extendable to
    an accepted word (prefixes of members; the calibration needs no particular distribution).
    """
    lang = as_language(language)
    if lang.dfa is None:
        raise ProbingError(f"calibration needs a regular language; {lang.name} is a counter language")
    rng = np.random.default_rng(seed)
    lo, hi = train_range
    ranges = [(lo, hi)]
    a = hi
    while a < long_factor * hi:
        ranges.append((a + 1, 2 * a))
        a *= 2
    words: list = []
    for a, b in ranges:
        words.extend(_random_walks(lang.dfa, rng.integers(a, b + 1, size=n_per_range), rng))
    if not words:
        raise ProbingError("could not sample any calibration strings")
    return words


def _random_walks(dfa, lengths: Sequence[int], rng: np.random.Generator) -> list[list[str]]:
    live = dfa.coreachable_mask()
    if not live[dfa.initial]:
        raise ProbingError("the language is empty")
    out = []
    for L in lengths:
        q, w = dfa.initial, []
        for _ in range(int(L)):
            ok = np.flatnonzero(live[dfa.delta[q]])
            a = int(rng.choice(ok))
            w.append(dfa.alphabet[a])
            q = int(dfa.delta[q, a])
        out.append(w)
    return out


def onehot_noise_features(labels: np.ndarray, n_classes: int, seed: int, noise: float = 0.2,
                          extra_dims: int = 8) -> np.ndarray:
    """One-hot ``labels`` plus N(0, noise^2), with ``extra_dims`` pure-noise columns; (N, K + extra)."""
    rng = np.random.default_rng(seed)
    X = np.zeros((len(labels), n_classes + extra_dims), dtype=np.float32)
    X[np.arange(len(labels)), labels] = 1.0
    X += rng.normal(scale=noise, size=X.shape).astype(np.float32)
    return X


def memoriser_features(codes: Sequence[np.ndarray], seed: int, dim: int = 64) -> np.ndarray:
    """A fixed random Gaussian vector per distinct prefix, (N, dim) float32."""
    trie: dict[tuple[int, int], int] = {}
    ids = []
    for c in codes:
        node = 0
        for s in c.tolist():
            nxt = trie.get((node, s))
            if nxt is None:
                nxt = trie[(node, s)] = len(trie) + 1
            node = nxt
            ids.append(node)
    table = np.random.default_rng(seed).normal(size=(len(trie) + 1, dim)).astype(np.float32)
    return table[np.array(ids, dtype=np.int64)]


@dataclass(frozen=True)
class CalibrationResult:
    """The three calibration figures and whether each meets its bar."""

    language: str
    n_positions: int
    onehot_in_range: float
    onehot_by_bin: dict[str, float | None]
    memoriser_unseen: float | None
    majority_unseen: float | None
    n_unseen: int
    shuffled: float
    majority: float
    seed: int

    @property
    def passed(self) -> dict[str, bool]:
        longer = [v for k, v in self.onehot_by_bin.items() if k != "in_range" and v is not None]
        return {
            "onehot": self.onehot_in_range >= 0.99 and bool(longer) and min(longer) >= 0.99,
            "memoriser": (self.memoriser_unseen is not None
                          and self.memoriser_unseen <= self.majority_unseen + TOLERANCE),
            "shuffled": abs(self.shuffled - self.majority) <= TOLERANCE,
        }

    def to_dict(self) -> dict[str, Any]:
        return {"language": self.language, "n_positions": self.n_positions, "seed": self.seed,
                "onehot_noise": {"in_range": self.onehot_in_range, "by_bin": self.onehot_by_bin},
                "memoriser": {"unseen_prefix_accuracy": self.memoriser_unseen,
                              "majority_unseen_prefix_accuracy": self.majority_unseen,
                              "n_unseen_prefix_positions": self.n_unseen},
                "shuffled": {"accuracy": self.shuffled, "majority": self.majority},
                "passed": self.passed}


def calibrate(language: Any, seed: int = 0, train_range: tuple[int, int] = (1, 50),
              n_per_range: int = 300, long_factor: int = 4, words: Sequence[Any] | None = None,
              data: ProbeData | None = None, backend: str = "auto") -> CalibrationResult:
    """Run the three calibrations on the ``state`` target of ``language``."""
    lang = as_language(language)
    if data is None:
        if words is None:
            words = calibration_words(lang, train_range, n_per_range, long_factor, seed)
        data = prepare(lang, words, train_range, seed=seed, targets=["state"])
    tl = data.targets["state"]
    y, K = tl.labels, tl.n_classes
    m = data.masks

    X = onehot_noise_features(y, K, seed=seed)
    _, pred = _fit_predict(X, y, data, seed, (1.0,), backend)
    s = score(y, pred, data, K)
    onehot_bins = {k: v["accuracy"] for k, v in s["by_bin"].items()}

    Xm = memoriser_features(data.codes, seed=seed)
    _, pm = _fit_predict(Xm, y, data, seed, (0.01, 0.1, 1.0), backend, null_z=None)
    unseen = m["eval"] & m["unseen_prefix"]
    maj = majority_predict(y[m["fit"]], len(y))
    mem_acc = float((pm[unseen] == y[unseen]).mean()) if unseen.any() else None
    maj_unseen = float((maj[unseen] == y[unseen]).mean()) if unseen.any() else None

    ys = shuffled_labels(y, m["fit"], seed=seed)
    _, ps = _fit_predict(X, ys, data, seed, (0.01, 0.1, 1.0), backend)
    test = m["in_range"]
    return CalibrationResult(
        language=str(getattr(lang, "name", "dfa")), n_positions=data.n_positions,
        onehot_in_range=float(s["accuracy"]), onehot_by_bin=onehot_bins,
        memoriser_unseen=mem_acc, majority_unseen=maj_unseen, n_unseen=int(unseen.sum()),
        shuffled=float((ps[test] == y[test]).mean()),
        majority=float((maj[test] == y[test]).mean()), seed=int(seed))
