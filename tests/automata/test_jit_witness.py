"""The compiled witness searches (:mod:`automata.jit_witness`) give the words of the Python
code: the same ``u``, ``v``, memberships and periods of :func:`nonstar_free_witness`, the same
separating words, and the same "none" answers. Each case runs both paths in this process."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("numba")

from automata import jit_witness  # noqa: E402
from automata.classify import (_separating, letter_period_witness,  # noqa: E402
                               nonstar_free_witness)
from automata.dfa import DFA  # noqa: E402
from automata.languages import get_language  # noqa: E402
from automata.monoid import find_nonaperiodic_element, generators_of  # noqa: E402

from .test_classify_golden import _with_dfa  # noqa: E402


def _random_dfa(rng) -> DFA:
    n, k = int(rng.integers(1, 12)), int(rng.integers(1, 4))
    delta = rng.integers(0, n, size=(n, k))
    if rng.random() < 0.7:
        delta[:, 0] = rng.permutation(n)               # a unit: cycles to find
    return DFA("abc"[:k], delta, 0, list(np.flatnonzero(rng.random(n) < 0.5)))


def _words(d: DFA, rng, count: int = 6) -> list[list[int]]:
    """Random words of length 1-4 and the first non-aperiodic element's word, if any."""
    out = [list(rng.integers(0, d.n_symbols, size=int(rng.integers(1, 5))))
           for _ in range(count)]
    w = find_nonaperiodic_element(generators_of(d), alphabet=d.alphabet)
    return out + ([w] if w is not None else [])


def _all_witnesses(d: DFA, words) -> list:
    seps = [_separating(d, p, q) for p in range(d.n_states) for q in range(d.n_states)]
    return [nonstar_free_witness(d, w) for w in words] + [letter_period_witness(d)] + seps


@pytest.mark.parametrize("seed", range(8))
def test_random_dfas_same_on_both_paths(both, seed):
    rng = np.random.default_rng(seed)
    found = 0
    for _ in range(25):
        d = _random_dfa(rng).minimize()
        words = _words(d, rng)
        a, b = both(lambda d=d, words=words: _all_witnesses(d, words))
        assert a == b
        found += sum(w is not None for w in a[:len(words)])
    assert found > 10                  # the witnesses do turn up


@pytest.mark.parametrize("name", _with_dfa())
def test_registry_languages_same_on_both_paths(both, name):
    d = get_language(name).dfa.minimize()
    rng = np.random.default_rng(len(name))
    words = _words(d, rng, 3)
    a, b = both(lambda: [nonstar_free_witness(d, w) for w in words] + [letter_period_witness(d)])
    assert a == b


def test_parts_by_hand():
    """Z_3 counter accepting 0 mod 3: w = a cycles 0 -> 1 -> 2, u = '', v = '' separates 0
    from 1; memberships of a^k: True, False, False, True, False, False."""
    d = DFA("ab", [[1, 0], [2, 1], [0, 2]], 0, [0])
    if not jit_witness.available():
        pytest.skip("compiled core off")
    q, L, u, v, seq = jit_witness.period_parts(d.delta, d.accepting_mask, d.initial, [0])
    assert (q, L, u, v) == (0, 3, [], [])
    assert seq == [True, False, False, True, False, False]
    assert jit_witness.period_parts(d.delta, d.accepting_mask, d.initial, [1]) is None
    assert jit_witness.separating_word(d.delta, d.accepting_mask, 1, 2) == [0]
    assert jit_witness.separating_word(d.delta, d.accepting_mask, 1, 0) == []
    assert jit_witness.separating_word(d.delta, d.accepting_mask, 1, 1) is None


def test_unreachable_state_is_refused():
    """A cycle the initial state does not reach: the compiled search says so instead of
    returning a wrong word."""
    if not jit_witness.available():
        pytest.skip("compiled core off")
    with pytest.raises(ValueError, match="not reachable"):
        # the only cycle of length > 1, 1 <-> 2, is not reachable from state 0
        jit_witness.period_parts(np.array([[0], [2], [1]]), np.array([True, False, True]), 0,
                                 [0])
    # the cycle 0 <-> 1 is reachable (state 2 is not, and is not needed)
    assert jit_witness.period_parts(np.array([[1], [0], [2]]), np.array([True, False, False]),
                                    0, [0]) is not None


def test_long_pair_search_grows_its_queue():
    """A 300-state cycle with one accepting state: the pair search visits ~300 pairs before
    it separates (its queue starts at 64 entries and grows); the word equals Python's."""
    n = 300
    a = (np.arange(n) + 1) % n
    d = DFA("ab", np.stack([a, np.arange(n)]).T, 0, [n - 1])
    if not jit_witness.available():
        pytest.skip("compiled core off")
    v = jit_witness.separating_word(d.delta, d.accepting_mask, 0, 1)
    assert v == [0] * (n - 2)
