"""automata.green against brute-force Green's relations, and T_n without enumeration."""
from __future__ import annotations

import math
import time

import numpy as np
import pytest
from hypothesis import given, settings

from automata.dfa import DFA
from automata.errors import BudgetExceededError
from automata.green import green_structure
from automata.groups import group_info
from automata.monoid import generators_of
from tests.automata._algebra_oracle import brute_green, full_transformation_gens
from tests.automata.strategies import dfas


@settings(max_examples=80, deadline=None)
@given(dfas(max_states=6, alphabet="abc"))
def test_random_dfas_against_brute_force(d):
    dm = d.minimize()
    size, n_d, _, aperiodic, group_orders = brute_green(generators_of(dm))
    g = green_structure(dm, minimize=False)
    assert g.monoid_size == size
    assert g.n_d_classes == n_d
    assert g.is_aperiodic == aperiodic
    # maximal subgroups: one per regular D-class
    assert sorted(int(G.order()) for G in g.maximal_subgroups()) == group_orders


@settings(max_examples=120, deadline=None)
@given(dfas(max_states=6, alphabet="abc"))
def test_orbit_method_against_brute_force(d):
    """The orbit method itself (``"auto"`` enumerates monoids this small): sizes, D-classes,
    their H-class sizes and the maximal subgroups, as brute force finds them."""
    dm = d.minimize()
    size, n_d, _, aperiodic, group_orders = brute_green(generators_of(dm))
    g = green_structure(dm, minimize=False, method="orbits")
    e = green_structure(dm, minimize=False, method="enumeration")
    assert (g.monoid_size, g.n_d_classes, g.is_aperiodic) == (size, n_d, aperiodic)
    assert sorted(int(G.order()) for G in g.maximal_subgroups()) == group_orders
    assert sorted((dc.rank, dc.size, dc.h_size, dc.regular) for dc in g.d_classes) == \
        sorted((dc.rank, dc.size, dc.h_size, dc.regular) for dc in e.d_classes)


def test_orbit_method_d_classes_with_one_trivial_group(monkeypatch):
    """D-classes whose image group is non-trivial while their H-classes are trivial (every
    element of the image group is its own L-class), and pairs of SCCs holding several
    D-classes with both groups trivial (found by one lookup): counted as the enumeration
    counts them. The test checks that both kinds occur."""
    import automata.green as gr

    kinds = []
    init = gr._DGroups.__init__

    def spy(self, *args):
        init(self, *args)
        kinds.append((self.o_img, self.o_ker, self.h))

    monkeypatch.setattr(gr._DGroups, "__init__", spy)
    rng = np.random.default_rng(11)
    pairs = compared = 0
    for _ in range(30):
        n = int(rng.integers(5, 9))
        d = DFA("abc", rng.integers(0, n, size=(n, 3)), 0, [0]).minimize()
        try:
            e = green_structure(d, minimize=False, method="enumeration", max_orbit=200_000)
        except BudgetExceededError:
            continue
        g = green_structure(d, minimize=False, method="orbits")
        compared += 1
        assert (g.monoid_size, g.n_d_classes) == (e.monoid_size, e.n_d_classes)
        assert sorted((dc.rank, dc.size, dc.h_size) for dc in g.d_classes) == \
            sorted((dc.rank, dc.size, dc.h_size) for dc in e.d_classes)
        trivial = {}                  # pair of SCCs -> its D-classes with both groups trivial
        for dc in g.d_classes:
            if g.images.groups[dc.image_scc].order() == 1 and \
                    g.kernels.groups[dc.kernel_scc].order() == 1:
                trivial[(dc.image_scc, dc.kernel_scc)] = \
                    trivial.get((dc.image_scc, dc.kernel_scc), 0) + 1
        pairs += sum(v > 1 for v in trivial.values())
    assert compared >= 20
    assert any(o_img > 1 and h == 1 for o_img, _, h in kinds)
    assert pairs > 0


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])
def test_full_transformation_monoid(n):
    d = DFA(["c", "t", "e"], full_transformation_gens(n).T, 0, [0])
    g = green_structure(d, minimize=False)
    assert g.monoid_size == n ** n
    assert g.n_d_classes == n
    assert sorted(int(G.order()) for G in g.maximal_subgroups()) == [math.factorial(k) for k in range(1, n + 1)]
    assert not g.is_aperiodic


def test_t8_under_a_second():
    d = DFA(["c", "t", "e"], full_transformation_gens(8).T, 0, [0])
    green_structure(d, minimize=False)                       # warm caches
    t = time.perf_counter()
    g = green_structure(d, minimize=False)
    names = [group_info(G).name for G in g.maximal_subgroups()]
    dt = time.perf_counter() - t
    assert g.monoid_size == 8 ** 8 and not g.is_aperiodic
    assert names == ["S_8", "S_7", "S_6", "S_5", "S_4", "S_3", "Z_2", "trivial"]
    assert dt < 3.0                                           # target < 1 s; slack for a busy CI


def test_nonregular_d_class_with_trivial_image_group():
    # a = (1,0,0), b = (2,1,1): b and ab are L-related but not R-related (|D| = 2, |H| = 1)
    d = DFA("ab", np.array([[1, 0, 0], [2, 1, 1]]).T, 0, [0])
    g = green_structure(d, minimize=False)
    size, n_d, *_ = brute_green(generators_of(d))
    assert (g.monoid_size, g.n_d_classes) == (size, n_d)
    assert any(not dc.regular and dc.size == 2 for dc in g.d_classes)


def test_witness_words_stabilise_with_a_cycle():
    d = DFA(["c", "t", "e"], full_transformation_gens(4).T, 0, [0])
    g = green_structure(d, minimize=False, d_classes=False)
    for c, w in enumerate(g.images.witness_words):
        if w is None:
            assert g.images.groups[c].is_trivial
            continue
        t = np.arange(4)
        for a in w:
            t = d.delta[t, a]
        x0 = np.flatnonzero(g.images.images[g.images.reps[c]])
        assert set(t[x0]) == set(x0) and (t[x0] != x0).any()


def test_budget():
    d = DFA(["c", "t", "e"], full_transformation_gens(6).T, 0, [0])
    with pytest.raises(BudgetExceededError):
        green_structure(d, minimize=False, max_orbit=10)


def test_idempotent_count_from_orbits_matches_enumeration():
    """Green's structure by orbits counts the idempotents (transversal image / kernel pairs of
    the regular D-classes) exactly as the enumeration does."""
    from automata.monoid import transition_monoid

    rng = np.random.default_rng(7)
    cases = [DFA(["c", "t", "e"], full_transformation_gens(n).T, 0, [0]) for n in (2, 3, 4, 5)]
    cases += [DFA("abc"[:k], rng.integers(0, n, size=(n, k)), 0, [0])
              for n, k in zip(rng.integers(2, 8, 60), rng.integers(1, 4, 60))]
    for d in cases:
        d = d.minimize()
        g = green_structure(d, minimize=False, method="orbits")
        assert g.idempotent_count() == transition_monoid(d, minimize=False).idempotent_count()
    assert green_structure(cases[0], method="orbits").idempotent_count(max_work=1) is None


@pytest.mark.parametrize("name", ["word_problem_s4", "dyck_2_3", "tomita5"])
def test_green_structure_takes_the_callers_enumeration(name):
    """``_enumerated`` (the complete enumeration ``classify`` already made) gives the
    structure the recent enumerations would: the same D-classes; past the size the method
    would enumerate (here ``max_orbit``), it is not taken and the orbit method runs."""
    from automata.froidure_pin import clear_caches, froidure_pin
    from automata.languages import get_language
    from automata.monoid import generators_of

    d = get_language(name).dfa.minimize()
    fp = froidure_pin(generators_of(d), alphabet=d.alphabet)

    def facts(g):
        return [(x.rank, x.n_l_classes, x.n_r_classes, x.h_size, x.regular)
                for x in g.d_classes]

    clear_caches()
    a = green_structure(d, minimize=False)
    clear_caches()
    b = green_structure(d, minimize=False, _enumerated=fp)
    assert a.method == b.method == "enumeration" and b.enumerated is fp
    assert facts(a) == facts(b) and a.monoid_size == b.monoid_size == fp.size
    clear_caches()
    c = green_structure(d, minimize=False, max_orbit=fp.size - 1, _enumerated=fp)
    assert c.method == "orbits" and c.enumerated is None
    assert sorted(facts(c)) == sorted(facts(a)) and c.monoid_size == fp.size


def test_orbit_budget_counts_entries_past_128_states():
    """An orbit of sets of n states holds n entries per set: past 128 states the max_orbit
    budget allows max_orbit × 128 entries, and the error says so."""
    from automata import green as gr
    from automata.languages import get_language

    assert gr._orbit_cap(200_000, 16) == gr._orbit_cap(200_000, 128) == 200_000
    assert gr._orbit_cap(200_000, 1_000) == 25_600
    d = get_language("d300").dfa.minimize()                 # 302 states, 45,452 images
    with pytest.raises(BudgetExceededError, match=r"more than 4,238 sets of 302 states: "
                                                  r"over 1,279,876 entries"):
        green_structure(d, minimize=False, max_orbit=10_000, method="orbits")
    g = green_structure(d, minimize=False, max_orbit=400_000, method="orbits",
                        d_classes=False)                     # 51,200,000 entries: room
    assert len(g.images.images) == 45_452
