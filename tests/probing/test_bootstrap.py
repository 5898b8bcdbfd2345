"""String-level bootstrap intervals."""
from __future__ import annotations

import numpy as np

from probing.bootstrap import bootstrap_accuracy_ci


def _data(n_strings, per_string, p, seed):
    rng = np.random.default_rng(seed)
    sid = np.repeat(np.arange(n_strings), per_string)
    # each string is all-right or all-wrong: positions within a string are perfectly correlated
    ok_string = rng.random(n_strings) < p
    return ok_string[sid], sid


def test_interval_contains_estimate_is_seeded_and_respects_mask():
    correct, sid = _data(200, 10, 0.7, 0)
    mask = np.ones_like(correct)
    a = bootstrap_accuracy_ci(correct, sid, mask, seed=1)
    assert a == bootstrap_accuracy_ci(correct, sid, mask, seed=1)
    assert a[0] <= correct.mean() <= a[1]
    assert bootstrap_accuracy_ci(correct, sid, np.zeros_like(correct), seed=1) is None
    only_right = correct.copy()
    assert bootstrap_accuracy_ci(correct, sid, only_right, seed=1) == [1.0, 1.0]


def test_resampling_unit_is_the_string():
    # 200 strings x 10 positions, correlated within strings: the interval must reflect 200
    # independent units (half-width ~ 1.96 * sqrt(.21 / 200) = 0.064), not 2,000 (0.020)
    correct, sid = _data(200, 10, 0.7, 0)
    lo, hi = bootstrap_accuracy_ci(correct, sid, np.ones_like(correct), seed=2)
    assert 0.045 < (hi - lo) / 2 < 0.085


def test_more_strings_narrow_the_interval():
    w = []
    for n in (50, 2000):
        correct, sid = _data(n, 5, 0.8, 3)
        lo, hi = bootstrap_accuracy_ci(correct, sid, np.ones_like(correct), seed=0)
        w.append(hi - lo)
    assert w[1] < w[0] / 3
