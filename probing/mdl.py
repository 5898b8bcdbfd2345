"""Minimum-description-length probing with the online code (Voita & Titov 2020).

The labels of the probe-training positions are transmitted block by block: the first block
(a fraction ``fractions[0]`` of the rows) with the uniform code (``log2 K`` bits per label),
every later block with a linear probe trained on all rows sent before it (``-log2 p(y | x)``).
A representation that makes the target easy to learn gives a short code even with few
examples; *compression* = uniform codelength / online codelength. As Voita & Titov do, the
same code is computed for the control task (random labels keyed on the last k tokens); the
difference in bits is the MDL analogue of selectivity.

Rows are transmitted in a seeded random order (at most ``max_rows`` of them). The probe is
scikit-learn's multinomial logistic regression (standardized features, ``C`` fixed); its
probabilities are mixed with ``epsilon`` of the uniform distribution so that a class unseen
in earlier blocks costs ``log2(K / epsilon)`` bits, not infinity.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .errors import ProbingError

__all__ = ["MDLResult", "online_codelength", "DEFAULT_FRACTIONS"]

DEFAULT_FRACTIONS = (0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.0625, 0.125, 0.25, 0.5, 1.0)


@dataclass(frozen=True)
class MDLResult:
    codelength_bits: float
    uniform_bits: float
    n_rows: int
    n_classes: int
    block_ends: tuple[int, ...]
    block_bits: tuple[float, ...]

    @property
    def compression(self) -> float:
        return self.uniform_bits / self.codelength_bits if self.codelength_bits > 0 else float("inf")

    def to_dict(self) -> dict[str, Any]:
        return {"codelength_bits": self.codelength_bits, "uniform_bits": self.uniform_bits,
                "compression": self.compression, "n_rows": self.n_rows,
                "n_classes": self.n_classes, "block_ends": list(self.block_ends),
                "block_bits": list(self.block_bits)}


def _probs(X_fit: np.ndarray, y_fit: np.ndarray, X: np.ndarray, classes: np.ndarray, C: float,
           seed: int) -> np.ndarray:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    K = len(classes)
    present = np.unique(y_fit)
    out = np.zeros((len(X), K))
    if len(present) == 1:
        out[:, np.searchsorted(classes, present[0])] = 1.0
        return out
    mean, scale = X_fit.mean(0), X_fit.std(0)
    scale[scale == 0] = 1.0
    clf = LogisticRegression(C=C, max_iter=1000, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit((X_fit - mean) / scale, y_fit)
    p = clf.predict_proba((X - mean) / scale)
    out[:, np.searchsorted(classes, clf.classes_)] = p
    return out


def online_codelength(X: np.ndarray, y: np.ndarray, seed: int = 0,
                      fractions: Sequence[float] = DEFAULT_FRACTIONS, C: float = 1.0,
                      max_rows: int = 10_000, epsilon: float = 1e-3) -> MDLResult:
    """Online codelength (bits) of labels ``y`` given features ``X`` (see module docstring).

    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 600)
    >>> easy = online_codelength(np.c_[y + 0.1 * rng.normal(size=600)], y)
    >>> hard = online_codelength(rng.normal(size=(600, 1)), y)
    >>> easy.codelength_bits < 0.3 * hard.codelength_bits
    True
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim != 2 or len(X) != len(y):
        raise ProbingError(f"X must be (N, F) with N = len(y); got {X.shape} and {len(y)}")
    fr = list(fractions)
    if not fr or any(not 0 < f <= 1 for f in fr) or sorted(fr) != fr or fr[-1] != 1.0:
        raise ProbingError("fractions must increase within (0, 1] and end at 1")
    if not 0 < epsilon < 1:
        raise ProbingError(f"epsilon must lie in (0, 1), got {epsilon}")
    rng = np.random.default_rng([seed, 8080])
    order = rng.permutation(len(y))[:max_rows]
    X, y = X[order], y[order]
    N = len(y)
    if N < 2:
        raise ProbingError("the online code needs at least 2 rows")
    classes = np.unique(y)
    K = max(2, len(classes))
    ends = sorted({max(1, min(N, int(round(f * N)))) for f in fr})
    bits = [ends[0] * np.log2(K)]
    for a, b in zip(ends[:-1], ends[1:]):
        p = _probs(X[:a], y[:a], X[a:b], classes, C, seed)
        p = (1 - epsilon) * p + epsilon / K
        bits.append(float(-np.log2(p[np.arange(b - a), np.searchsorted(classes, y[a:b])]).sum()))
    return MDLResult(float(sum(bits)), float(N * np.log2(K)), N, int(len(classes)),
                     tuple(ends), tuple(float(b) for b in bits))
