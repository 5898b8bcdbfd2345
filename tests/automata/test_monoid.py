"""automata.monoid: enumeration against a brute-force BFS, budgets, packing, witnesses."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings

from automata.dfa import DFA
from automata.errors import BudgetExceededError
from automata.monoid import (compose, find_nonaperiodic_element, generators_of,
                             has_nontrivial_cycle, transition_monoid)
from tests.automata._algebra_oracle import brute_monoid, full_transformation_gens
from tests.automata.strategies import dfas


def _tn_dfa(n: int) -> DFA:
    return DFA(["c", "t", "e"], full_transformation_gens(n).T, 0, [0])


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_full_transformation_monoid_sizes(n):
    m = transition_monoid(_tn_dfa(n), minimize=False)
    assert m.size == n ** n
    # idempotents of T_n: sum_k C(n,k) k^(n-k)
    assert m.idempotent_count() == sum(math.comb(n, k) * k ** (n - k) for k in range(1, n + 1))
    assert m.is_aperiodic() == (n == 1)


def test_elements_are_the_transformations_of_their_words():
    d = _tn_dfa(4)
    m = transition_monoid(d, minimize=False)
    els = m.elements()
    rng = np.random.default_rng(0)
    for i in rng.integers(0, m.semigroup_size, 50):
        word = m.word(int(i))
        t = np.arange(4)
        for a in word:
            t = d.delta[t, a]
        assert np.array_equal(els[i], t)
    # breadth-first: word lengths never decrease
    lengths = [len(m.word(i)) for i in range(m.semigroup_size)]
    assert lengths == sorted(lengths)


def test_wide_states_use_multiword_codes():
    # 20 states: 8-bit fields, 3 uint64 words per element; a 20-cycle and a reset
    n = 20
    cyc = [(i + 1) % n for i in range(n)]
    reset = [0] * n
    d = DFA("ab", np.array([cyc, reset]).T, 0, [0])
    m = transition_monoid(d, minimize=False)
    assert m.size == len(brute_monoid(generators_of(d)))
    assert m.codes.shape[1] == 3


@settings(max_examples=60, deadline=None)
@given(dfas(max_states=6, alphabet="abc"))
def test_random_dfas_against_brute_force(d):
    dm = d.minimize()
    gens = generators_of(dm)
    E = brute_monoid(gens)
    m = transition_monoid(d)
    assert m.size == len(E)
    assert m.idempotent_count() == int((np.take_along_axis(E, E, axis=1) == E).all(axis=1).sum())
    assert m.is_aperiodic() == (not has_nontrivial_cycle(E).any())
    got = {tuple(x) for x in m.elements()}
    assert got <= {tuple(x) for x in E}
    word = find_nonaperiodic_element(gens)
    assert (word is None) == m.is_aperiodic()


def test_budgets_raise():
    d = _tn_dfa(6)
    with pytest.raises(BudgetExceededError, match="max_size"):
        transition_monoid(d, minimize=False, max_size=1000)
    with pytest.raises(BudgetExceededError, match="max_seconds"):
        transition_monoid(d, minimize=False, max_seconds=0.0)


def test_aperiodicity_index():
    # a^k for a chain 0->1->2->3->3: x^3 = x^4 but x^2 != x^3
    chain = DFA("a", [[1], [2], [3], [3]], 0, [3])
    assert transition_monoid(chain).aperiodicity_index() == 3
    parity = DFA("01", [[0, 1], [1, 0]], 0, [0])
    assert transition_monoid(parity).aperiodicity_index() is None


def test_compose_and_cycles():
    x = np.array([1, 2, 0, 3])
    y = np.array([0, 0, 1, 1])
    assert compose(x, y).tolist() == [0, 1, 0, 1]          # apply x then y
    assert has_nontrivial_cycle(np.array([x, y])).tolist() == [True, False]
