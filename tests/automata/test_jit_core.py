"""The compiled enumeration core (:mod:`automata.jit_core`) gives exactly the numpy path's
arrays: the same elements in the same order, words, Cayley graphs, level starts, Green's
structure and budget behaviour. Each case runs both paths (``AUTOMATA_JIT=1`` and ``0``) in
this process and compares everything."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("numba")

from automata import jit_core  # noqa: E402
from automata.errors import BudgetExceededError  # noqa: E402
from automata.froidure_pin import _froidure_pin  # noqa: E402
from automata.monoid import _enumerate, _Packing, generators_of, transition_monoid  # noqa: E402

from .test_classify_golden import _with_dfa  # noqa: E402


def _tn(n: int) -> np.ndarray:
    """Generators of the full transformation monoid T_n."""
    return np.array([[(i + 1) % n for i in range(n)], [1, 0] + list(range(2, n)),
                     [1] + list(range(1, n))])


def _raw(gens, **kw):
    """``_enumerate``'s results and graph for ``gens`` (identity probed)."""
    gens = np.asarray(gens)
    packing = _Packing.for_states(gens.shape[1])
    graph: dict = {}
    out = _enumerate(gens, packing, kw.pop("max_size", 10**7), kw.pop("max_seconds", 60.0),
                     probe=packing.pack(np.arange(gens.shape[1])[None, :]), graph=graph, **kw)
    return out, graph


def _assert_same_raw(a, b):
    (out_a, graph_a), (out_b, graph_b) = a, b
    assert len(out_a) == len(out_b)
    for x, y in zip(out_a, out_b):
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and x.shape == y.shape
            np.testing.assert_array_equal(x, y)
        else:
            assert x == y
    assert set(graph_b) <= set(graph_a)            # the compiled core adds "left"
    for key in graph_b:
        np.testing.assert_array_equal(graph_a[key], graph_b[key])


def _assert_same_fp(a, b):
    (fa, sa), (fb, sb) = a, b
    if fb is None:
        assert fa is None
        for x, y in zip(sa, sb):
            assert x.dtype == y.dtype
            np.testing.assert_array_equal(x, y)
        return
    for name in ("codes", "parent", "letter"):
        x, y = getattr(fa.monoid, name), getattr(fb.monoid, name)
        assert x.dtype == y.dtype
        np.testing.assert_array_equal(x, y)
    for name in ("right", "left", "r_label", "l_label", "d_label", "idempotent"):
        x, y = getattr(fa, name), getattr(fb, name)
        assert x.dtype == y.dtype, name
        np.testing.assert_array_equal(x, y, err_msg=name)
    assert fa.identity == fb.identity
    assert fa.monoid.identity_in_semigroup == fb.monoid.identity_in_semigroup
    assert fa.d_classes == fb.d_classes


def _random_gens(rng, k: int, n: int) -> np.ndarray:
    gens = rng.integers(0, n, size=(k, n))
    if rng.random() < 0.5:
        gens[0] = rng.permutation(n)               # a unit: groups appear
    return gens


@pytest.mark.parametrize("name", _with_dfa())
def test_registry_languages(both, name):
    from automata.languages import get_language

    gens = generators_of(get_language(name).dfa.minimize())
    _assert_same_raw(*both(lambda: _raw(gens)))
    _assert_same_fp(*both(lambda: _froidure_pin(gens, max_size=200_000, partial_ok=True)))


@pytest.mark.parametrize("n", [3, 4, 5, 6])
def test_full_transformation_monoids(both, n):
    _assert_same_raw(*both(lambda: _raw(_tn(n))))
    fa, fb = both(lambda: _froidure_pin(_tn(n), max_size=10**6))
    _assert_same_fp(fa, fb)
    assert fa[0].size == n ** n


@pytest.mark.parametrize("seed", range(8))
def test_random_small_alphabets(both, seed):
    rng = np.random.default_rng(seed)
    for _ in range(12):
        gens = _random_gens(rng, int(rng.integers(1, 4)), int(rng.integers(1, 31)))
        _assert_same_fp(*both(lambda: _froidure_pin(gens, max_size=20_000, partial_ok=True)))


@pytest.mark.parametrize("k,n", [(9, 12), (40, 20), (64, 30), (5, 300)])
def test_many_letters_and_wide_fields(both, k, n):
    """Batches of every letter at once (k > 8), and 16-bit fields (n > 256)."""
    rng = np.random.default_rng(k * 1000 + n)
    gens = rng.integers(0, n, size=(k, n))
    gens[:, : n // 2] = rng.integers(0, 3, size=(k, n // 2))      # low rank: small monoid
    _assert_same_raw(*both(lambda: _raw(gens, max_size=50_000, partial_ok=True)))
    _assert_same_fp(*both(lambda: _froidure_pin(gens, max_size=50_000, partial_ok=True)))


def test_duplicate_letters_and_identity_letter(both):
    gens = np.array([[1, 2, 0, 3], [1, 2, 0, 3], [0, 1, 2, 3], [3, 3, 1, 0]])
    _assert_same_raw(*both(lambda: _raw(gens)))
    fa, fb = both(lambda: _froidure_pin(gens))
    _assert_same_fp(fa, fb)
    assert fa[0].monoid.identity_in_semigroup


@pytest.mark.parametrize("max_size", [1, 2, 3, 50, 400, 3124])
def test_max_size_partial_result(both, max_size):
    """Over budget with ``partial_ok``: the same elements found so far, the same graph
    prefix (rows not visited are zero on both paths)."""
    a, b = both(lambda: _raw(_tn(5), max_size=max_size, partial_ok=True))
    _assert_same_raw(a, b)
    assert a[0][3] is False and a[0][0].shape[0] <= max_size


def test_max_size_refused(both):
    def run():
        with pytest.raises(BudgetExceededError, match="max_size"):
            _raw(_tn(5), max_size=3000)
        with pytest.raises(BudgetExceededError, match="max_size"):
            transition_monoid_of(_tn(5), max_size=100)
        return True
    assert both(run) == [True, True]


def transition_monoid_of(gens, **kw):
    from automata.dfa import DFA

    dfa = DFA([f"l{a}" for a in range(gens.shape[0])], gens.T, 0, [0])
    return transition_monoid(dfa, minimize=False, **kw)


def test_transition_monoid_without_graph(both):
    a, b = both(lambda: transition_monoid_of(_tn(5)))
    for name in ("codes", "parent", "letter"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert a.identity_in_semigroup == b.identity_in_semigroup and a.size == 3125


def test_time_budget(both):
    def run():
        with pytest.raises(BudgetExceededError, match="max_seconds"):
            _raw(_tn(7), max_seconds=0.0)
        out, _ = _raw(_tn(7), max_seconds=0.0, partial_ok=True)
        return out[3], out[0].shape[0] < 7 ** 7
    assert both(run) == [(False, True), (False, True)]


@pytest.mark.parametrize("at", [1, 27, 200])
def test_check_callback(both, at):
    """``check``: called once with the elements found, stopping the run when it says no."""
    seen = []

    def check(codes):
        seen.append(codes.copy())
        return codes.shape[0] < 100

    a, b = both(lambda: _raw(_tn(4), check=(at, check)))
    _assert_same_raw(a, b)
    assert len(seen) == 2
    np.testing.assert_array_equal(seen[0], seen[1])
    assert a[0][3] == (seen[0].shape[0] < 100)


def test_disabled_by_environment(monkeypatch):
    monkeypatch.setenv("AUTOMATA_JIT", "0")
    assert not jit_core.enabled()
    monkeypatch.setenv("AUTOMATA_JIT", "1")
    assert jit_core.enabled()


def test_environment_read_at_every_call(monkeypatch):
    """``enabled()`` reads the dict behind ``os.environ``: assignment, ``update``, deletion
    and ``pop`` all take effect at once, as ``os.environ.get`` would see them."""
    monkeypatch.setenv("AUTOMATA_JIT", "1")
    for change, want in ((lambda: os.environ.__setitem__("AUTOMATA_JIT", "0"), False),
                         (lambda: os.environ.pop("AUTOMATA_JIT"), True),
                         (lambda: os.environ.update(AUTOMATA_JIT="0"), False),
                         (lambda: os.environ.__delitem__("AUTOMATA_JIT"), True),
                         (lambda: os.environ.setdefault("AUTOMATA_JIT", "00"), True)):
        change()
        assert jit_core.enabled() is want
        assert (os.environ.get("AUTOMATA_JIT") != "0") is want


def test_classify_same_dict(both):
    """Whole classification, both paths, on a few languages with groups and without."""
    from automata.classify import classify

    for name in ("parity", "word_problem_a5", "tomita3", "dyck_2_4"):
        a, b = both(lambda: classify(name).to_dict())
        assert a == b


def test_one_letter_long_cycle(both):
    """A cyclic monoid of order 5 * 7 * 9 * 11 * 13 = 45,045 from one permutation of 45 states:
    one element per level, so there are as many level starts as elements (all kept when the
    arrays grow)."""
    perm, start = [], 0
    for length in (5, 7, 9, 11, 13):
        perm += [start + (i + 1) % length for i in range(length)]
        start += length
    gens = np.array([perm])
    a, b = both(lambda: _raw(gens))
    _assert_same_raw(a, b)
    assert a[0][0].shape[0] == 45_045 and a[1]["levels"].size == 45_046


def test_letter_by_letter_batches(both):
    """Over 8,192 states with 8 letters the numpy path adds products letter by letter (not all
    letters in one batch); the compiled core follows that order and budget granularity."""
    from automata.monoid import _blocks

    rng = np.random.default_rng(5)
    n, k = 8_200, 8
    gens = rng.integers(0, 3, size=(k, n))
    gens[:, :3] = rng.permutation(3)              # images within {0, 1, 2}: a small monoid
    assert _blocks(k, _Packing.for_states(n).words)[1] is False
    _assert_same_raw(*both(lambda: _raw(gens)))
    _assert_same_raw(*both(lambda: _raw(gens, max_size=20, partial_ok=True)))


@pytest.mark.parametrize("max_size", [5, 60, 700])
def test_max_size_partial_many_letters(both, max_size):
    rng = np.random.default_rng(max_size)
    gens = rng.integers(0, 6, size=(12, 6))
    _assert_same_raw(*both(lambda: _raw(gens, max_size=max_size, partial_ok=True)))


def test_compiling_is_left_out_of_the_time_budget(tmp_path):
    """In a process with an empty kernel cache the first enumeration compiles for seconds; a
    0.5 s budget must still give the complete monoid (the compile is not the caller's work)."""
    import subprocess
    import sys

    code = ("import numpy as np\n"
            "from automata.froidure_pin import cached_froidure_pin\n"
            "fp, _ = cached_froidure_pin(np.array([[1, 2, 0], [1, 0, 2], [1, 1, 2]]), "
            "max_size=100, max_seconds=0.5)\n"
            "print(None if fp is None else fp.size)\n")
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path), "AUTOMATA_JIT": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=300, cwd=str(Path(__file__).resolve().parents[2]))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "27"                     # T_3, complete


@pytest.mark.parametrize("seed", range(4))
def test_aperiodicity_index_both_paths(both, seed):
    """``TransitionMonoid.aperiodicity_index`` (compiled: the longest path to a fixed point)
    equals the numpy powers on aperiodic, non-aperiodic and not-yet-known monoids, and
    ``find_nonaperiodic_element`` finds the same first element with a cycle (complete and
    partial enumerations)."""
    from automata.monoid import find_nonaperiodic_element

    rng = np.random.default_rng(100 + seed)
    cases = [np.array([[1, 2, 3, 4, 4]]), np.array([[1, 0, 2]]), np.array([[0, 0, 1, 2, 3, 4]])]
    for _ in range(10):
        n = int(rng.integers(2, 12))
        gens = rng.integers(0, n, size=(int(rng.integers(1, 4)), n))
        if rng.random() < 0.5:
            gens = np.minimum(gens, np.arange(n))        # x[q] <= q: aperiodic
        cases.append(gens)
    for gens in cases:
        def run():
            m = transition_monoid(_dfa_of(gens), minimize=False)
            m._facts.pop("aperiodic", None)               # make the test see the scan
            return m.aperiodicity_index()
        a, b = both(run)
        assert a == b
        a, b = both(lambda: find_nonaperiodic_element(gens, max_elements=300))
        assert a == b


@pytest.mark.parametrize("seed", range(3))
def test_aperiodicity_index_on_the_cayley_graph(both, seed):
    """``FroidurePin.aperiodicity_index`` (compiled: each element's powers walked on the right
    Cayley graph when its word is short, else its transformation's tails) equals the numpy
    powers of the transition monoid, on aperiodic and non-aperiodic monoids; so do every
    element walked and every element by its tails."""
    from automata.froidure_pin import froidure_pin

    rng = np.random.default_rng(200 + seed)
    shift = np.maximum(np.arange(12) - 1, 0)               # index 11
    cases = [np.array([[1, 2, 3, 4, 4]]), np.array([[1, 0, 2]]), _tn(4), shift[None, :],
             np.stack([shift, np.where(np.arange(12) == 5, 11, np.arange(12))]),
             np.stack([shift, np.minimum(np.arange(12) + 1, 11)])]
    for _ in range(12):
        aperiodic = rng.random() < 0.7
        n = int(rng.integers(2, 30 if aperiodic else 7))
        gens = rng.integers(0, n, size=(int(rng.integers(1, 4)), n))
        if aperiodic:                                     # x[q] <= q, most of them fixed
            gens = np.where(rng.random(gens.shape) < 0.8, np.arange(n),
                            np.minimum(gens, np.arange(n)))
        cases.append(gens)
    for gens in cases:
        want = both(lambda: transition_monoid(_dfa_of(gens), minimize=False)
                    .aperiodicity_index())[1]
        fp = froidure_pin(gens)
        assert fp.aperiodicity_index() == want
        # every element walked, every element by its tails, and the default mixture agree
        mon = fp.monoid
        for walk_max in (10 ** 9, 0, None):
            k = jit_core.power_index(fp.right, mon.parent, mon.letter, mon.codes, mon._packing,
                                     mon.semigroup_size, walk_max)
            assert k == (-1 if want is None else want)


def _dfa_of(gens):
    from automata.dfa import DFA

    gens = np.asarray(gens)
    return DFA([f"s{i}" for i in range(len(gens))], gens.T, 0, [0])


def test_orbit_sccs_compiled_equal_python(both):
    """``automata.green._sccs`` (the orbit method's image and kernel graphs) numbers the
    components by least node the same way compiled and in Python, on random graphs with
    one to many components and on T_5's image orbit."""
    from automata.green import _sccs, image_orbit

    rng = np.random.default_rng(11)
    graphs = [rng.integers(0, m, size=(m, k)) for m, k in ((1, 1), (5, 2), (60, 1), (300, 3))]
    graphs.append(np.minimum(np.arange(200)[:, None] + rng.integers(0, 3, size=(200, 2)), 199))
    graphs.append(image_orbit(_tn(5)).edges)
    for g in graphs:
        a, b = both(lambda: _sccs(g))
        assert a.dtype == b.dtype == np.int64
        np.testing.assert_array_equal(a, b)
    assert len(np.unique(both(lambda: _sccs(graphs[-2]))[0])) > 1


def _scc_trees(cases):
    """``(gens, orbit, comp, members, forward, left)`` for every SCC of the image and kernel
    orbits of each case's letters, both directions and both actions."""
    from automata.green import _sccs, image_orbit, kernel_orbit

    for gens in cases:
        gens = np.asarray(gens, dtype=np.int64)
        for orbit in (image_orbit(gens), kernel_orbit(gens)):
            comp = _sccs(orbit.edges)
            for c in range(int(comp.max()) + 1):
                members = np.flatnonzero(comp == c)
                for forward in (True, False):
                    for left in (False, True):
                        yield gens, orbit, comp, members, forward, left


def test_orbit_spanning_trees_compiled_equal_python(both):
    """``automata.green._tree_maps`` (``automata.jit_orbits`` when compiled): the same members
    in the same order, the same transformations (dtype included) and words, forward and
    backward, for the right (image) and left (kernel) actions, on every SCC of T_4's and
    T_5's orbits and of a random DFA's."""
    from automata.green import _tree_maps

    rng = np.random.default_rng(5)
    cases = [_tn(4), _tn(5), rng.integers(0, 9, size=(3, 9))]
    for gens, orbit, comp, members, forward, left in _scc_trees(cases):
        a, b = both(lambda: _tree_maps(members, comp, orbit.edges, gens, forward, left))
        assert list(a[0]) == list(b[0]) and a[1] == b[1]
        for key in a[0]:
            assert a[0][key].dtype == b[0][key].dtype
            np.testing.assert_array_equal(a[0][key], b[0][key])


def _orbit_cases():
    rng = np.random.default_rng(8)
    cases = [_tn(3), _tn(5), _tn(6), np.array([[1, 0]]), np.zeros((0, 4), dtype=np.int64),
             np.array([[0, 0, 0]])]
    for _ in range(40):
        k, n = int(rng.integers(1, 5)), int(rng.integers(1, 11))
        cases.append(rng.integers(0, n, size=(k, n)))
    return cases


def test_image_and_kernel_orbits_compiled_equal_python(both):
    """``image_orbit`` and ``kernel_orbit`` (the breadth-first search compiled in
    :mod:`automata.jit_orbits`): the same rows in the same order (dtype included), edges,
    words, SCCs, groups' generators and look-up tables, on T_n and random letters."""
    from automata.green import image_orbit, kernel_orbit

    for gens in _orbit_cases():
        gens = np.asarray(gens, dtype=np.int64)
        a, b = both(lambda: (image_orbit(gens), kernel_orbit(gens)))
        for x, y, rows in ((a[0], b[0], "images"), (a[1], b[1], "kernels")):
            rx, ry = getattr(x, rows), getattr(y, rows)
            assert rx.dtype == ry.dtype and rx.shape == ry.shape
            np.testing.assert_array_equal(rx, ry)
            assert x.edges.dtype == y.edges.dtype
            np.testing.assert_array_equal(x.edges, y.edges)
            np.testing.assert_array_equal(x.comp, y.comp)
            assert x._lookup == y._lookup
            if rows == "images":            # generator order matters (L-class reps)
                assert [sorted(map(str, g.generators)) for g in x.groups] == \
                    [sorted(map(str, g.generators)) for g in y.groups]
            else:                           # used as groups only: fewer generators compiled
                assert [g.order() for g in x.groups] == [g.order() for g in y.groups]
                assert all(len(g.generators) <= len(h.generators)
                           for g, h in zip(x.groups, y.groups))
        assert a[0].words == b[0].words and a[0].witness_words == b[0].witness_words


def test_orbit_budgets_compiled_equal_python(both):
    """Over ``max_orbit`` both paths raise the same error; at exactly ``max_orbit`` rows both
    finish."""
    from automata.errors import BudgetExceededError
    from automata.green import image_orbit, kernel_orbit

    gens = _tn(5)
    for fn, size in ((image_orbit, 31), (kernel_orbit, 52)):
        def over():
            try:
                fn(gens, max_orbit=size - 1)
            except BudgetExceededError as e:
                return str(e)
            return None
        msgs = both(over)
        assert msgs[0] is not None and msgs[0] == msgs[1]
        sizes = both(lambda: len(fn(gens, max_orbit=size).edges))
        assert sizes == [size, size]


def test_orbit_clock_compiled_equal_python(both):
    """A spent time budget raises the same error on both paths (the compiled search checks
    the clock when it returns to Python, the numpy one after each level)."""
    from automata.errors import BudgetExceededError
    from automata.green import image_orbit, kernel_orbit

    for fn, what in ((image_orbit, "image orbit"), (kernel_orbit, "kernel orbit")):
        def spent():
            try:
                fn(_tn(6), max_seconds=0.0)
            except BudgetExceededError as e:
                return str(e)
            return None
        assert both(spent) == [f"{what} exceeded 0 s (max_seconds budget)"] * 2


def test_orbit_grows_past_its_first_allocation():
    """An orbit of more rows than the compiled search first allocates (1,024) and than its
    first hash table holds: T_8's 4,140 kernels (the Bell number B_8), each found once."""
    from math import comb

    from automata import jit_orbits

    if not jit_orbits.available():
        pytest.skip("compiled orbits off")
    got = jit_orbits.orbit(_tn(8), True, 10**6, lambda: None)
    rows = got[0]
    assert rows.shape == (4140, 8)
    assert len({r.tobytes() for r in rows}) == 4140
    imgs = jit_orbits.orbit(_tn(8), False, 10**6, lambda: None)[0]
    assert imgs.shape[0] == sum(comb(8, r) for r in range(1, 9))


def test_unique_rows_is_numpys_unique_rows():
    """``green._unique_rows`` (one integer per row) gives ``np.unique(P, axis=0)``: the same
    rows in the same (lexicographic) order, also past the 63-bit codes."""
    from automata.green import _unique_rows

    rng = np.random.default_rng(2)
    for _ in range(2000):
        r = int(rng.integers(1, 20))
        P = rng.integers(0, r, size=(int(rng.integers(1, 40)), r))
        np.testing.assert_array_equal(_unique_rows(P, r), np.unique(P, axis=0))


def test_permutation_group_order_matches_sympy():
    """The compiled closure's order equals sympy's; when the closure stops at its size limit
    the order is None and the generators it kept still generate the whole group."""
    from sympy.combinatorics import Permutation, PermutationGroup

    from automata import jit_orbits

    if not jit_orbits.available():
        pytest.skip("compiled orbits off")
    rng = np.random.default_rng(1)
    stopped = 0
    for _ in range(400):
        r, g = int(rng.integers(1, 10)), int(rng.integers(1, 8))
        if rng.random() < 0.5:
            gens = np.array([rng.permutation(r) for _ in range(g)])
        else:                                               # transpositions: small groups
            gens = np.tile(np.arange(r), (g, 1))
            for row in gens:
                i, j = rng.integers(0, r, 2)
                row[i], row[j] = row[j], row[i]
        limit = int(rng.choice([2, 8, 64, 2048]))
        order, kept, looked = jit_orbits.permutation_group_order(gens, max_elements=limit)
        want = PermutationGroup([Permutation(list(x)) for x in gens]).order()
        assert order == want or (order is None and want > limit)
        assert looked == g or order is None
        stopped += order is None
        rest = [Permutation(list(gens[i])) for i in kept + list(range(looked, g))]
        assert PermutationGroup(rest).order() == want
        assert kept == sorted(set(kept)) and all(i < looked for i in kept)
    assert stopped > 20


def test_group_order_past_the_closure_limit(both):
    """Group orders of subgroups of S_7 and S_8 (S_8 past the closure's 8,192 elements), given
    with many redundant generators (as the orbits give them): sympy's order, both paths, for
    the orbit method's ``RowsGroup`` and for a sympy group (``groups.sympy_group_order``)."""
    from sympy.combinatorics import Permutation, PermutationGroup

    from automata.groups import RowsGroup, sympy_group_order

    rng = np.random.default_rng(9)
    for r in (7, 8):
        extra = [Permutation(list(rng.permutation(r))) for _ in range(30)]
        cycle = Permutation(list(range(1, r)) + [0])
        swap = Permutation([1, 0] + list(range(2, r)))
        for base in ([cycle, swap], [Permutation([1, 2, 0] + list(range(3, r)))]):
            g = PermutationGroup(base + extra if r == 8 else extra[:3] + base)
            rows = np.array([p.array_form for p in g.generators])
            assert both(lambda: RowsGroup(rows).order()) == [g.order()] * 2
            assert both(lambda: sympy_group_order(g)) == [g.order()] * 2


def test_tree_rows_are_tree_maps_rows():
    """``jit_orbits.tree_rows`` gives the maps of ``tree_maps`` as one array in member order."""
    from automata import jit_orbits
    if not jit_orbits.available():
        pytest.skip("compiled orbits off")
    cases = (_tn(5), np.random.default_rng(3).integers(0, 8, size=(3, 8)))
    for gens, orb, _, members, forward, left in _scc_trees(cases):
        rows = jit_orbits.tree_rows(members, orb.edges.shape[0], orb.edges, gens, forward, left)
        maps, _ = jit_orbits.tree_maps(members, orb.edges.shape[0], orb.edges, gens, forward,
                                       left)
        assert rows is not None and rows.shape == (members.size, gens.shape[1])
        for i, v in enumerate(members.tolist()):
            np.testing.assert_array_equal(rows[i], maps[v])


def test_least_in_class_matches_numpy(monkeypatch):
    """The compiled canonical kernels (each state to the least state of its class) equal the
    numpy ones, on labels inside and outside the range the kernel takes."""
    from automata.green import _canonical_kernels

    rng = np.random.default_rng(21)
    for _ in range(300):
        m, n = int(rng.integers(0, 30)), int(rng.integers(1, 12))
        x = rng.integers(-2 if rng.random() < 0.1 else 0, int(rng.integers(1, 6 * n + 2)),
                         size=(m, n))
        fast = _canonical_kernels(x)
        monkeypatch.setenv("AUTOMATA_JIT", "0")
        slow = _canonical_kernels(x)
        monkeypatch.delenv("AUTOMATA_JIT")
        assert fast.dtype == slow.dtype == np.int64
        np.testing.assert_array_equal(fast, slow)


def test_compile_notice_only_on_a_terminal_once_and_when_uncached(monkeypatch):
    """The first-use notice is printed once per process, only to a terminal, only when none
    of the kernels has a cache entry, and not when numba's cache index cannot be read."""
    import io
    from types import SimpleNamespace

    from automata import jit_core

    def kernel(index):
        def load():
            if index is None:
                raise AttributeError("no index")
            return index
        return SimpleNamespace(_cache=SimpleNamespace(_cache_file=SimpleNamespace(
            _load_index=load)))

    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setitem(jit_core._STATE, "noticed", False)
    cold, warm, broken = [kernel({}), kernel({})], [kernel({}), kernel({"sig": 1})], [kernel(None)]
    pipe = io.StringIO()
    assert not jit_core.notice_if_uncached(cold, pipe) and pipe.getvalue() == ""
    tty = Tty()
    assert not jit_core.notice_if_uncached(warm, tty)
    assert not jit_core.notice_if_uncached(broken, tty)
    assert tty.getvalue() == ""
    assert jit_core.notice_if_uncached(cold, tty)
    assert tty.getvalue().strip() == jit_core.COMPILE_NOTICE
    assert not jit_core.notice_if_uncached(cold, tty)          # once per process
    assert tty.getvalue().count("automata:") == 1


def test_class_counts_match_numpy():
    """``jit_orbits.class_counts`` (the method probe of ``green._estimate_method``, compiled):
    the numbers of distinct images, kernels and (image, kernel) pairs that the numpy probe
    counts, on random transformations with repeated rows and on T_6's first elements."""
    from automata import green, jit_orbits
    from automata.froidure_pin import _froidure_pin

    if not jit_orbits.available():
        pytest.skip("compiled orbits off")

    def numpy_counts(x):
        m, n = x.shape
        im = np.zeros((m, n), dtype=bool)
        im[np.repeat(np.arange(m), n), x.ravel()] = True
        n_img, r_img = green._row_ranks(im.astype(np.int64), 2)
        n_ker, r_ker = green._row_ranks(green._canonical_kernels(x.astype(np.int64)), n)
        return n_img, n_ker, int(np.unique(r_img * n_ker + r_ker).size)

    rng = np.random.default_rng(11)
    for _ in range(300):
        n, m = int(rng.integers(1, 12)), int(rng.integers(1, 200))
        x = rng.integers(0, int(rng.integers(1, n + 1)), size=(m, n))
        if rng.random() < 0.5:
            x = np.concatenate([x, x[: m // 2]])
        assert jit_orbits.class_counts(x) == numpy_counts(x)
    _, (codes, _, _) = _froidure_pin(_tn(6), max_size=5461, partial_ok=True)
    x = _Packing.for_states(6).unpack(codes)
    assert jit_orbits.class_counts(x) == numpy_counts(x)


def test_strong_components_equal_scipy(monkeypatch):
    """The compiled Tarjan labels equal scipy's components (the numpy path's, numbered by
    least vertex) on random graphs: self-loops, sinks, many letters, and a 20,000-vertex path
    whose depth-first search goes 20,000 deep (the explicit stack)."""
    from automata.froidure_pin import _strong_components

    rng = np.random.default_rng(11)
    graphs = []
    for t in range(400):
        m, k = int(rng.integers(1, 80)), int(rng.integers(1, 6))
        e = rng.integers(0, m, size=(m, k)).astype(np.int32)
        if t % 4 == 0:
            e[:, 0] = np.arange(m)                       # a loop at every vertex
        if t % 4 == 1:
            e[rng.random((m, k)) < 0.6] = m - 1          # a common sink
        graphs.append(e)
    m = 20_000
    graphs.append(np.stack([np.minimum(np.arange(m) + 1, m - 1), np.zeros(m, dtype=np.int64)],
                           axis=1).astype(np.int32))     # a path back to 0: one component
    graphs.append(np.minimum(np.arange(m) + 1, m - 1)[:, None].astype(np.int32))   # m of them
    compiled = [jit_core.strong_components(e) for e in graphs]
    monkeypatch.setenv("AUTOMATA_JIT", "0")
    for e, lab in zip(graphs, compiled):
        assert (lab == _strong_components(e)).all()
    assert len(set(compiled[-2].tolist())) == 1 and len(set(compiled[-1].tolist())) == m


@pytest.mark.parametrize("cap, k, viewed", [(1024, 2, True), (100_000, 64, False)])
def test_trimmed_arrays_are_views_when_little_is_spare(cap, k, viewed):
    from automata.jit_core import _Arrays

    arr = _Arrays(cap, 1, k, True)
    for name in arr.per_element:
        a = getattr(arr, name)
        a[...] = np.arange(a.size, dtype=np.int64).reshape(a.shape) % 251
    before = {name: getattr(arr, name)[:10].copy() for name in arr.per_element}
    levels = arr.levels
    arr.trim(10)
    for name in arr.per_element:
        a = getattr(arr, name)
        assert a.shape[0] == 10 and (a == before[name]).all() and a.flags.c_contiguous
        assert (a.base is not None) == viewed       # a view of the first rows, or resized
    assert arr.levels is levels and levels.shape[0] == cap + 2
