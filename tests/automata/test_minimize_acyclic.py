"""The linear-time acyclic minimization (Revuz 1992) agrees with Hopcroft's refinement."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from automata import minimize as mz
from automata.dfa import DFA
from automata.minimize import acyclic_partition, hopcroft_partition
from tests.automata.strategies import dfas


@st.composite
def acyclic_dfas(draw, max_states=9, k=2):
    """Transitions only go forward or to a dead sink (the last state), so no live cycle."""
    n = draw(st.integers(2, max_states))
    sink = n - 1
    delta = np.full((n, k), sink, dtype=np.int64)
    for q in range(n - 1):
        for a in range(k):
            delta[q, a] = draw(st.integers(q + 1, sink))
    acc = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    acc[sink] = False
    return DFA("ab"[:k], delta, 0, np.flatnonzero(acc).tolist())


def _same_partition(b1, n1, b2, n2):
    assert n1 == n2
    pairs = set(zip(b1.tolist(), b2.tolist()))
    assert len(pairs) == n1                 # a bijection between the blocks


@settings(max_examples=200, deadline=None)
@given(acyclic_dfas())
def test_acyclic_partition_is_hopcrofts(d):
    got = acyclic_partition(d.delta.astype(np.int64), d.accepting_mask)
    assert got is not None
    _same_partition(*got, *hopcroft_partition(d.delta, d.accepting_mask))


@settings(max_examples=200, deadline=None)
@given(dfas(max_states=7))
def test_cycles_fall_back_and_results_agree(d):
    got = acyclic_partition(d.delta.astype(np.int64), d.accepting_mask)
    if got is not None:
        _same_partition(*got, *hopcroft_partition(d.delta, d.accepting_mask))
    old = mz.ACYCLIC_MIN_STATES
    try:
        mz.ACYCLIC_MIN_STATES = 0
        fast = d.minimize()
    finally:
        mz.ACYCLIC_MIN_STATES = old
    assert fast.same_structure(mz.minimize(d, small_round=0))   # canonical numbering: identical
    assert fast == d
