"""String-level bootstrap confidence intervals for per-position accuracies.

Positions of one string are not independent, so the resampling unit is the string (PROBING.md
item 9): draw strings with replacement, pool their positions, recompute the accuracy.
"""
from __future__ import annotations

import numpy as np

N_BOOT = 1000
LEVEL = 0.95


def bootstrap_accuracy_ci(correct: np.ndarray, string_id: np.ndarray, mask: np.ndarray, *,
                          seed: int, n_boot: int = N_BOOT, level: float = LEVEL
                          ) -> list[float] | None:
    """Percentile interval of the accuracy over ``mask`` with strings resampled.

    Parameters
    ----------
    correct : bool array (N,)
        Whether each position's prediction is right.
    string_id : int array (N,)
        The string each position belongs to.
    mask : bool array (N,)
        Positions that count.
    seed : int
        Seed of the resampling (``np.random.default_rng(seed)``).

    Returns
    -------
    [low, high], or None when no position counts.

    >>> c = np.array([1, 1, 0, 1, 1, 1], bool); s = np.array([0, 0, 1, 1, 2, 2])
    >>> lo, hi = bootstrap_accuracy_ci(c, s, np.ones(6, bool), seed=0)
    >>> lo <= 5 / 6 <= hi
    True
    """
    m = np.asarray(mask, bool)
    if not m.any():
        return None
    ids, inv = np.unique(np.asarray(string_id)[m], return_inverse=True)
    n_ok = np.bincount(inv, weights=np.asarray(correct, float)[m], minlength=len(ids))
    n_all = np.bincount(inv, minlength=len(ids)).astype(float)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(ids), size=(n_boot, len(ids)))
    acc = n_ok[draws].sum(axis=1) / n_all[draws].sum(axis=1)
    alpha = (1.0 - level) / 2
    lo, hi = np.quantile(acc, [alpha, 1.0 - alpha])
    return [float(lo), float(hi)]
