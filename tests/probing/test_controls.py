"""Baselines and controls."""
from __future__ import annotations

import numpy as np
import pytest

from automata.languages import get_language
from probing.controls import (
    control_task_labels,
    is_definite,
    kgram_keys,
    lookup_predict,
    majority_predict,
    random_nondefinite_dfa,
    selectivity,
    shuffled_labels,
)
from probing.errors import ProbingError


def test_kgram_keys_pad_and_base():
    keys = kgram_keys([np.array([2, 0]), np.array([1])], k=2, n_symbols=3)
    assert keys.tolist() == [3 * 4 + 2, 2 * 4 + 0, 3 * 4 + 1]


def test_lookup_is_majority_per_key():
    keys = np.array([0, 0, 0, 1, 1, 2, 3])
    y = np.array([1, 1, 0, 2, 2, 0, 1])
    # unseen key 7 falls back to the overall majority (1)
    assert lookup_predict(keys, y, np.array([0, 1, 2, 7])).tolist() == [1, 2, 0, 1]
    assert majority_predict(y, 2).tolist() == [1, 1]
    assert majority_predict(np.array([2, 0, 2, 0]), 1).tolist() == [0]     # ties: smallest id
    with pytest.raises(ProbingError):
        majority_predict(np.array([], dtype=int), 1)


def test_control_task_keyed_and_marginal():
    rng = np.random.default_rng(0)
    keys = rng.integers(0, 200, 20000)
    y = (rng.random(20000) < 0.25).astype(int)
    train = rng.random(20000) < 0.5
    c = control_task_labels(keys, y, train, seed=1)
    for k in np.unique(keys)[:20]:
        assert len(set(c[keys == k])) == 1          # a function of the key
    assert abs(c.mean() - 0.25) < 0.1               # matched marginal (in expectation)
    assert not np.array_equal(c, control_task_labels(keys, y, train, seed=2))


def test_shuffled_keeps_marginal_and_test_labels():
    y = np.arange(10) % 3
    fit = np.arange(10) < 6
    s = shuffled_labels(y, fit, seed=0)
    assert np.array_equal(s[~fit], y[~fit])
    assert sorted(s[fit]) == sorted(y[fit])


def test_is_definite_against_kgram_images():
    for name in ("tomita1", "tomita2", "parity", "tomita4", "no_aa", "ends_ab"):
        d = get_language(name).dfa
        # definite (from every reachable state) <=> some k-gram length fixes the state
        k_fix = any((kgram_image_sizes_all(d, k) == 1).all() for k in range(1, 2 * d.n_states ** 2))
        assert is_definite(d) == k_fix, name


def kgram_image_sizes_all(d, k):
    # images over all reachable states (live or not), for the classical definition
    from itertools import product
    reach = d.reachable_states()
    out = []
    for g in product(range(d.n_symbols), repeat=min(k, 6)):
        q = reach
        for a in g:
            q = d.delta[q, a]
        out.append(len(np.unique(q)))
    return np.array(out)


def test_random_nondefinite_dfa():
    parity = get_language("parity").dfa
    d = random_nondefinite_dfa(parity.n_states, parity.alphabet, seed=0, avoid=parity)
    assert d.n_states == 2 and not is_definite(d)
    assert not (d == parity or d == ~parity) or d.delta.tolist() != parity.delta.tolist()
    ff = get_language("flip_flop").dfa
    r = random_nondefinite_dfa(ff.n_states, ff.alphabet, seed=0, avoid=ff)
    assert r.n_states == ff.n_states and not is_definite(r)
    with pytest.raises(ProbingError):
        random_nondefinite_dfa(1, "ab", seed=0)


def test_selectivity():
    assert selectivity(0.9, 0.6) == pytest.approx(0.3)
