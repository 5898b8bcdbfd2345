"""Hopcroft minimization against brute-force oracles (languages, Myhill-Nerode counts)."""
from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automata.dfa import DFA
from automata.minimize import hopcroft_partition, minimize
from automata.random_dfa import random_dfa

from .strategies import accepted_words, dfas, myhill_nerode_count

# both Hopcroft refinement paths (moore=False): every round vectorized (0) and every round in
# Python (huge threshold); the compiled Moore refinement is tested on its own below
PATHS = [0, 10**9]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def moore_partition(delta: np.ndarray, accepting: np.ndarray) -> list[int]:
    """Reference: Moore's refinement in plain Python (class ids of every state)."""
    cls = [int(a) for a in accepting]
    n_cls = len(set(cls))
    while True:
        sigs: dict[tuple, int] = {}
        new = [sigs.setdefault((cls[q], *(cls[t] for t in row)), len(sigs))
               for q, row in enumerate(delta.tolist())]
        if len(sigs) == n_cls:
            return new
        cls, n_cls = new, len(sigs)


def same_partition(a, b) -> bool:
    """Whether two labelings of the same items induce the same partition."""
    pairs = set(zip(np.asarray(a).tolist(), np.asarray(b).tolist()))
    return len(pairs) == len(set(np.asarray(a).tolist())) == len(set(np.asarray(b).tolist()))


def blow_up(small: DFA, copies: int, seed: int, junk: int = 0) -> DFA:
    """An equivalent DFA: ``copies`` copies of every state, each transition to a random copy,
    plus ``junk`` unreachable states, with the states shuffled."""
    rng = np.random.default_rng(seed)
    m, k = small.delta.shape
    n = m * copies
    q = np.arange(n) % m
    delta = small.delta[q] + m * rng.integers(0, copies, size=(n, k))
    acc = np.isin(q, list(small.accepting))
    if junk:
        delta = np.vstack([delta, rng.integers(0, n + junk, size=(junk, k))])
        acc = np.concatenate([acc, rng.random(junk) < 0.5])
    perm = rng.permutation(len(delta))              # new id of old state i is perm[i]
    new_delta = np.empty_like(delta)
    new_delta[perm] = perm[delta]
    new_acc = np.zeros(len(acc), dtype=bool)
    new_acc[perm] = acc
    return DFA(small.alphabet, new_delta, int(perm[small.initial]), np.flatnonzero(new_acc).tolist())


@pytest.mark.parametrize("small_round", PATHS)
@SETTINGS
@given(d=dfas(max_states=6, alphabet="ab"))
def test_minimize_preserves_language(d, small_round):
    m = minimize(d, small_round=small_round, moore=False)
    assert accepted_words(m, 8) == accepted_words(d, 8)


@pytest.mark.parametrize("small_round", PATHS)
@SETTINGS
@given(d=dfas(max_states=6, alphabet="ab"))
def test_minimize_state_count_is_myhill_nerode(d, small_round):
    m = minimize(d, small_round=small_round, moore=False)
    n = d.n_states
    assert m.n_states == myhill_nerode_count(d.accepts, "ab", n - 1, n)


@SETTINGS
@given(d=dfas(max_states=4, alphabet="abc"))
def test_minimize_three_letters_against_brute_force(d):
    m = d.minimize()
    assert accepted_words(m, 6) == accepted_words(d, 6)
    assert m.n_states == myhill_nerode_count(d.accepts, "abc", d.n_states - 1, d.n_states)


@SETTINGS
@given(d=dfas(max_states=6, alphabet="ab"))
def test_minimize_is_idempotent_and_canonical(d):
    m = d.minimize()
    assert m.minimize().same_structure(m)
    assert m.initial == 0
    # canonical BFS numbering: state i+1 is first reached from a smaller state
    assert m.relabel_bfs().same_structure(m)


@SETTINGS
@given(d=dfas(max_states=5, alphabet="ab"), copies=st.integers(1, 4), junk=st.integers(0, 3),
       seed=st.integers(0, 2**32 - 1))
def test_equal_languages_give_identical_tables(d, copies, junk, seed):
    other = blow_up(d, copies, seed, junk)
    assert other == d
    assert other.minimize().same_structure(d.minimize())


@SETTINGS
@given(d1=dfas(max_states=4, alphabet="ab"), d2=dfas(max_states=4, alphabet="ab"))
def test_identical_tables_iff_same_language(d1, d2):
    same_lang = accepted_words(d1, 8) == accepted_words(d2, 8)   # 8 >= 4 + 4 - 2 suffices
    assert d1.minimize().same_structure(d2.minimize()) == same_lang
    assert (d1 == d2) == same_lang


@pytest.mark.parametrize("small_round", PATHS + [48])
@pytest.mark.parametrize("seed", range(4))
def test_partition_matches_moore_on_medium_dfas(seed, small_round):
    d = random_dfa(400, "abc"[: 2 + seed % 2], seed, accept_prob=[0.5, 0.05, 0.01, 0.3][seed])
    block, nb = hopcroft_partition(d.delta, d.accepting_mask, small_round)
    ref = moore_partition(d.delta, d.accepting_mask)
    assert nb == len(set(ref))
    assert same_partition(block, ref)


@pytest.mark.parametrize("small_round", PATHS)
def test_blown_up_dfa_collapses(small_round):
    small = random_dfa(30, "ab", seed=7)
    target = minimize(small)
    big = blow_up(small, 300, seed=8, junk=50)
    assert big.n_states == 30 * 300 + 50
    assert minimize(big, small_round=small_round, moore=False).same_structure(target)


def test_deep_cycle():
    # count a's mod 600, accept when the count is 0 or 300: the minimal DFA has period 300
    n = 600
    delta = np.stack([(np.arange(n) + 1) % n, np.arange(n)], axis=1)
    d = DFA("ab", delta, 0, [0, 300])
    m = d.minimize()
    assert m.n_states == 300
    assert all(m.accepts("a" * i) == (i % 300 == 0) for i in range(700))
    assert minimize(d, small_round=0, moore=False).same_structure(m)


def test_trivial_partitions():
    all_acc = DFA("ab", [[1, 1], [0, 0]], 0, [0, 1])
    none_acc = DFA("ab", [[1, 1], [0, 0]], 0, [])
    assert all_acc.minimize().n_states == 1 and all_acc.minimize().accepts("abba")
    assert none_acc.minimize().n_states == 1 and not none_acc.minimize().accepts("")
    one = DFA("a", [[0]], 0, [0])
    assert one.minimize().same_structure(one)


def test_unreachable_states_dropped():
    d = DFA("ab", [[0, 0], [2, 1], [1, 2]], 0, [1])      # 1 and 2 unreachable
    m = d.minimize()
    assert m.n_states == 1 and m.accepting == frozenset()


def test_minimize_100k_random():
    """A full-size run stays correct (timing is reported by the benchmark, not asserted here)."""
    d = random_dfa(100_000, "ab", seed=3)
    t0 = time.perf_counter()
    m = d.minimize()
    elapsed = time.perf_counter() - t0
    assert 0.5 * d.n_states < m.n_states <= d.n_states
    rng = np.random.default_rng(0)
    for _ in range(200):
        w = "".join(rng.choice(["a", "b"], size=int(rng.integers(0, 40))))
        assert m.accepts(w) == d.accepts(w)
    assert elapsed < 10.0, f"minimizing 100k states took {elapsed:.1f}s (quadratic?)"


def test_compiled_moore_matches_the_reference():
    """``automata.jit_minimize.moore_partition`` gives the reference Moore partition on medium
    random DFAs, and None when its rounds run out (a deep cycle needs 300)."""
    from automata import jit_minimize

    if not jit_minimize.available():
        pytest.skip("compiled core off")
    for seed in range(6):
        d = random_dfa(400, "abc"[: 2 + seed % 2], seed, accept_prob=[0.5, 0.05, 0.01, 0.3,
                                                                       0.0, 1.0][seed])
        block, nb = jit_minimize.moore_partition(d.delta, d.accepting_mask)
        ref = moore_partition(d.delta, d.accepting_mask)
        assert nb == len(set(ref)) and same_partition(block, ref)
    n = 600
    deep = np.stack([(np.arange(n) + 1) % n, np.arange(n)], axis=1)
    acc = np.isin(np.arange(n), [0, 300])
    assert jit_minimize.moore_partition(deep, acc) is None
    block, nb = jit_minimize.moore_partition(deep, acc, max_rounds=400)
    assert nb == 300 and same_partition(block, moore_partition(deep, acc))


@SETTINGS
@given(d=dfas(max_states=7, alphabet="abc"))
def test_minimal_table_is_the_same_with_and_without_moore(d):
    from automata.minimize import minimal_table

    a = minimal_table(d.delta, d.initial, d.accepting_mask)
    b = minimal_table(d.delta, d.initial, d.accepting_mask, moore=False)
    assert a[1] == b[1] and np.array_equal(a[0], b[0]) and a[0].dtype == b[0].dtype
