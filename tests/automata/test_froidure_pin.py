"""automata.froidure_pin: Green's relations from the Cayley graphs, against brute force, the
orbit method and libsemigroups; the method choice inside automata.green.green_structure."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings

from automata.dfa import DFA
from automata.errors import BudgetExceededError, InvalidAutomatonError
from automata.froidure_pin import enumeration_work_limit, froidure_pin
from automata.green import green_structure
from automata.monoid import compose, generators_of, has_nontrivial_cycle, transition_monoid
from tests.automata._algebra_oracle import brute_green, full_transformation_gens
from tests.automata.strategies import dfas


def _summary(g):
    return (g.monoid_size, g.n_d_classes, g.is_aperiodic, g.r_trivial(), g.l_trivial(),
            sorted((d.size, d.n_l_classes, d.n_r_classes, d.h_size, d.regular, d.rank)
                   for d in g.d_classes),
            sorted(int(G.order()) for G in g.maximal_subgroups()))


@settings(max_examples=80, deadline=None)
@given(dfas(max_states=6, alphabet="abc"))
def test_random_dfas_against_brute_force(d):
    gens = generators_of(d.minimize())
    size, n_d, n_idem, aperiodic, orders = brute_green(gens)
    fp = froidure_pin(gens)
    assert (fp.size, fp.n_d_classes, fp.idempotent_count, fp.is_aperiodic) == \
        (size, n_d, n_idem, aperiodic)
    assert sorted(dc.h_size for dc in fp.d_classes if dc.regular) == orders


@settings(max_examples=60, deadline=None)
@given(dfas(max_states=7, alphabet="abcd"))
def test_both_methods_agree_on_random_dfas(d):
    dm = d.minimize()
    a = green_structure(dm, minimize=False, method="orbits")
    b = green_structure(dm, minimize=False, method="enumeration")
    assert (a.method, b.method) == ("orbits", "enumeration")
    assert _summary(a) == _summary(b)


@pytest.mark.parametrize("seed", range(12))
def test_both_methods_agree_with_groups(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(4, 7))
    gens = rng.integers(0, n, size=(int(rng.integers(2, 5)), n))
    gens[0] = rng.permutation(n)
    if seed % 3 == 0:
        gens[1] = rng.permutation(n)
    d = DFA([f"s{i}" for i in range(len(gens))], gens.T, 0, [0])
    a = green_structure(d, minimize=False, method="orbits")
    b = green_structure(d, minimize=False, method="enumeration", max_orbit=10**6)
    assert _summary(a) == _summary(b)


def test_cayley_graphs_are_the_products():
    gens = full_transformation_gens(4)
    fp = froidure_pin(gens)
    X = fp._elements_of(np.arange(fp.size))
    assert np.unique(X, axis=0).shape[0] == fp.size == 256
    for a, g in enumerate(gens):
        np.testing.assert_array_equal(X[fp.right[:, a]], compose(X, g[None, :]))   # x * a
        np.testing.assert_array_equal(X[fp.left[:, a]], compose(g[None, :], X))    # a * x
    np.testing.assert_array_equal(X[fp.identity], np.arange(4))


def test_words_witnesses_and_groups():
    gens = full_transformation_gens(4)
    fp = froidure_pin(gens)
    for i in range(0, fp.size, 17):
        t = np.arange(4)
        for a in fp.word(i):
            t = gens[a][t]
        np.testing.assert_array_equal(t, fp.element(i))
    assert [dc.h_size for dc in fp.d_classes] == [24, 6, 2, 1]
    for d, dc in enumerate(fp.d_classes):
        w = fp.witness_word(d)
        assert (w is None) == (dc.h_size == 1)
        if w is not None:
            t = np.arange(4)
            for a in w:
                t = gens[a][t]
            assert has_nontrivial_cycle(t[None, :])[0]
        P = fp.group_permutations(d)
        assert P.shape == (dc.h_size, dc.rank)
        assert np.unique(compose(P[:, None, :], P[None, :, :]).reshape(-1, dc.rank),
                         axis=0).shape[0] == dc.h_size                      # closed: a group


@pytest.mark.parametrize("seed", range(4))
def test_group_permutations_of_same_on_both_paths(both, seed):
    """All maximal subgroups in one compiled pass: the arrays (values, dtype, shape, row
    order) of group_permutations, None on the non-regular D-classes, the identity's group
    (a unit letter: the identity is an element of the monoid) included."""
    rng = np.random.default_rng(seed)
    kinds = set()
    for _ in range(15):
        n, k = int(rng.integers(2, 9)), int(rng.integers(1, 4))
        gens = rng.integers(0, n, size=(k, n))
        gens[0] = rng.permutation(n)
        if rng.random() < 0.5:
            gens[-1] = np.arange(n)                                  # an identity letter

        def run(gens=gens):
            fp = froidure_pin(gens)
            ds = list(range(len(fp.d_classes)))
            return ([fp.group_permutations(d) for d in ds],
                    fp.group_permutations_of(ds[::-1] + ds[:1])[:-1])      # a D-class twice
        (one, many), (one0, many0) = both(run)
        for got in (many[::-1], one0, many0[::-1]):
            assert len(got) == len(one)
            for x, y in zip(one, got):
                assert (x is None) == (y is None)
                if x is not None:
                    assert x.dtype == y.dtype and x.shape == y.shape
                    np.testing.assert_array_equal(x, y)
        kinds |= {"none" if x is None else "group" if x.shape[0] > 1 else "trivial" for x in one}
    assert {"none", "group", "trivial"} <= kinds


def test_group_rows_repeats_and_refusals():
    """A representative asked twice gives the same array; two elements of one H-class (not
    idempotents) are refused instead of overrunning the kernel's room."""
    from automata import jit_core

    if not jit_core.enabled():
        pytest.skip("compiled core off")
    fp = froidure_pin(np.array([[1, 0, 2], [0, 0, 2]]))
    d = int(fp.d_classes.group_indices()[0])
    rep = int(fp.d_classes.reps[d])
    m = fp.monoid
    a, b = jit_core.group_rows(m.codes, m._packing, m.semigroup_size, fp.r_label, fp.l_label,
                               [rep, rep])
    np.testing.assert_array_equal(a, fp.group_permutations(d))
    np.testing.assert_array_equal(b, a)
    g = froidure_pin(np.array([[1, 0]]))              # Z_2: one H-class, the whole monoid
    with pytest.raises(ValueError, match="must be idempotents"):
        jit_core.group_rows(g.monoid.codes, g.monoid._packing, g.monoid.semigroup_size,
                            g.r_label, g.l_label, [0, 1])


def test_auto_picks_by_size():
    tn = {n: DFA(["c", "t", "e"], full_transformation_gens(n).T, 0, [0]) for n in (3, 7)}
    assert green_structure(tn[3], minimize=False).method == "enumeration"
    g7 = green_structure(tn[7], minimize=False)
    assert g7.method == "orbits" and g7.monoid_size == 7 ** 7
    parity = DFA("01", [[0, 1], [1, 0]], 0, [0])
    assert green_structure(parity).method == "enumeration"
    # d_classes=False asks for the image orbit: always the orbit method
    assert green_structure(tn[3], minimize=False, d_classes=False).method == "orbits"
    assert enumeration_work_limit(8, 3) > 100_000 > enumeration_work_limit(400, 64)


def test_enumerated_monoid_is_reused_by_transition_monoid():
    d = DFA(["c", "t", "e"], full_transformation_gens(5).T, 0, [0])
    g = green_structure(d, minimize=False, method="enumeration")
    m = transition_monoid(d, minimize=False)
    assert m is g.enumerated.monoid and m.size == 3125 and m.alphabet == ("c", "t", "e")
    with pytest.raises(BudgetExceededError):
        transition_monoid(d, minimize=False, max_size=100)


def test_budgets_and_bad_method():
    d = DFA(["c", "t", "e"], full_transformation_gens(6).T, 0, [0])
    with pytest.raises(BudgetExceededError):
        green_structure(d, minimize=False, method="enumeration", max_orbit=1000)
    with pytest.raises(BudgetExceededError):
        green_structure(d, minimize=False, max_orbit=10)          # auto: orbits over budget
    with pytest.raises(InvalidAutomatonError):
        green_structure(d, minimize=False, method="konieczny")
    assert froidure_pin(full_transformation_gens(6), max_size=1000, partial_ok=True) is None


ls = None
try:
    import libsemigroups_pybind11 as ls
except ImportError:                                     # pragma: no cover
    pass


@pytest.mark.skipif(ls is None, reason="libsemigroups_pybind11 absent")
@pytest.mark.parametrize("seed", range(10))
def test_against_libsemigroups(seed):
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(5, 10))
    gens = rng.integers(0, n, size=(int(rng.integers(2, 5)), n))
    if seed % 2:
        gens[0] = rng.permutation(n)
    guard = ls.ReportGuard(False)  # noqa: F841
    tg = [ls.Transf(list(range(n)))] + [ls.Transf([int(v) for v in g]) for g in gens]
    S = ls.FroidurePin(tg)
    size, idem = S.size(), S.number_of_idempotents()
    if size > 200_000:
        pytest.skip("too large for a unit test")
    K = ls.Konieczny(tg)
    fp = froidure_pin(gens)
    assert (fp.size, fp.idempotent_count, fp.n_d_classes) == (size, idem, K.number_of_D_classes())


SHARED = Path(__file__).resolve().parents[2].parent / "shared"
ML = SHARED / "data" / "mlregtest"


@pytest.mark.skipif(not (ML / "counts.tsv").exists(), reason="shared MLRegTest data absent")
def test_mlregtest_sample_both_methods():
    from automata.att import mlregtest_alphabets, read_att

    files = sorted((ML / "att").glob("*.att"))
    alph = mlregtest_alphabets(files)
    for f in files[3::50]:
        d = read_att(f, alph[f.name.split(".")[0]]).minimize()
        if d.n_states * d.n_symbols > 2000:
            continue                                   # the orbit method is slow on these
        a = green_structure(d, minimize=False, method="orbits")
        b = green_structure(d, minimize=False, method="enumeration")
        assert _summary(a) == _summary(b), f.name


def test_d_classes_from_r_and_l_equal_the_union_graph_sccs():
    """D-classes spread over R- and L-classes are the SCCs of both Cayley graphs together."""
    from automata.froidure_pin import _d_labels, _froidure_pin, _strong_components

    rng = np.random.default_rng(5)
    for _ in range(150):
        n, k = int(rng.integers(2, 7)), int(rng.integers(1, 4))
        fp, _ = _froidure_pin(rng.integers(0, n, size=(k, n)), max_size=10 ** 6)
        ref = _strong_components(np.concatenate([fp.right, fp.left], axis=1))
        pairs = set(zip(ref.tolist(), fp.d_label.tolist()))
        assert len(pairs) == len(set(ref.tolist())) == fp.n_d_classes
    assert _d_labels(np.array([0, 1, 2]), np.array([0, 0, 1]), max_rounds=0) is None


def test_d_class_table_builds_entries_only_when_read():
    import numpy as np

    from automata.froidure_pin import DClassTable, froidure_pin

    fp = froidure_pin(np.array([[1, 2, 0], [1, 0, 2], [1, 1, 2]]))   # T_3
    table = fp.d_classes
    assert isinstance(table, DClassTable)
    assert not fp.is_aperiodic and len(table) == fp.n_d_classes == 3
    assert table._items is None                       # size, aperiodicity: from the arrays
    assert [d.h_size for d in table] == [6, 2, 1] and table[-1].rank == 1
    assert table._items is not None and table == tuple(table) and list(table[0:2]) == list(table)[:2]
