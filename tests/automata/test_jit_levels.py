"""The compiled kernels of :mod:`automata.jit_levels` give exactly the numpy code's results:
the same length levels (sets, parents, letters, start, period, element ids), AC0 certificates,
cycle orders and parity reductions, and the same budget refusals. Each case runs both paths
(``AUTOMATA_JIT=1`` and ``0``) in this process and compares everything."""
from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

pytest.importorskip("numba")

from automata.ac0 import ac0_certificate, cycle_orders, length_levels  # noqa: E402
from automata.classify import parity_reduction  # noqa: E402
from automata.dfa import DFA  # noqa: E402
from automata.errors import BudgetExceededError  # noqa: E402
from automata.froidure_pin import froidure_pin  # noqa: E402

from .test_classify_golden import _with_dfa  # noqa: E402


MLREGTEST = next((p / "shared" / "data" / "mlregtest" for p in Path(__file__).resolve().parents[3:]
                  if (p / "shared" / "data" / "mlregtest" / "att").exists()),
                 Path(__file__).resolve().parents[3] / "shared" / "data" / "mlregtest")


def _everything(d: DFA, cayley: bool = True, **kw):
    """Levels (on the Cayley graph when ``cayley`` and the monoid is small enough), the AC0
    certificate, the parity reduction and the cycle orders of every level; or the message of
    the budget that ran out."""
    fp = froidure_pin(np.asarray(d.delta).T, max_size=300_000, partial_ok=True) if cayley else None
    try:
        lv = length_levels(d, cayley=fp, **{"max_elements": 400_000, **kw})
    except BudgetExceededError as e:
        return str(e)
    cert = ac0_certificate(d, levels=lv).to_dict()
    return lv, cert, parity_reduction(d, lv), [cycle_orders(x) for x in lv.sets]


def _assert_same(a, b):
    if isinstance(a, str) or isinstance(b, str):
        assert a == b
        return
    (la, ca, ra, oa), (lb, cb, rb, ob) = a, b
    assert (la.start, la.period, len(la.sets)) == (lb.start, lb.period, len(lb.sets))
    assert (la.ids is None) == (lb.ids is None)
    for name in ("sets", "parent", "letter") + (("ids",) if la.ids is not None else ()):
        for x, y in zip(getattr(la, name), getattr(lb, name)):
            assert x.dtype == y.dtype and x.shape == y.shape, name
            np.testing.assert_array_equal(x, y, err_msg=name)
    assert ca == cb and ra == rb
    for x, y in zip(oa, ob):
        assert x.dtype == y.dtype
        np.testing.assert_array_equal(x, y)


def _random_dfa(rng) -> DFA:
    n, k = int(rng.integers(1, 9)), int(rng.integers(1, 5))
    delta = rng.integers(0, n, size=(n, k))
    if rng.random() < 0.6:
        delta[:, 0] = rng.permutation(n)               # a unit: groups, parity reductions
    if k > 1 and rng.random() < 0.3:
        delta[:, k - 1] = delta[:, 0]                  # a repeated letter
    return DFA("abcd"[:k], delta, 0, list(np.flatnonzero(rng.random(n) < 0.5)))


@pytest.mark.parametrize("name", _with_dfa())
def test_registry_languages(both, name):
    from automata.languages import get_language

    d = get_language(name).dfa.minimize()
    _assert_same(*both(lambda: _everything(d)))


@pytest.mark.parametrize("seed", range(6))
def test_random_dfas(both, seed):
    rng = np.random.default_rng(seed)
    found = 0
    for _ in range(20):
        d = _random_dfa(rng)
        a, b = both(lambda d=d: _everything(d))
        _assert_same(a, b)
        found += not isinstance(a, str) and a[2] is not None
        # the direct (no Cayley graph) levels: the same sets, scans and reductions
        c, e = both(lambda d=d: _everything(d, cayley=False))
        _assert_same(c, e)
        if not isinstance(a, str) and not isinstance(c, str):
            assert a[1:3] == c[1:3]
    assert found or seed % 2            # parity reductions do turn up


def test_more_than_256_states(both):
    """Rows with entries >= 256: the byte order of int32 rows is not the numeric one."""
    n = 300
    a = (np.arange(n) + 75) % n                         # 4 blocks of 75 states in a cycle
    b = np.arange(n) % 4
    c = np.where(np.arange(n) % 75 == 0, np.arange(n) + 1, np.arange(n))
    d = DFA("abc", np.stack([a, b, c]).T, 0, [0, 5])
    x, y = both(lambda: _everything(d))
    _assert_same(x, y)
    assert not isinstance(x, str) and len(x[0].sets) > 2 and x[0].sets[0].max() >= 256
    _assert_same(*both(lambda: _everything(d, cayley=False)))   # rows wider than 63 bits


def test_many_levels(both):
    """One permutation with cycles of 5, 7 and 9 states: 315 levels of one element each
    (the tables of levels grow many times), and a wider one with 16 letters of 4 distinct
    actions."""
    perm, start = [], 0
    for length in (5, 7, 9):
        perm += [start + (i + 1) % length for i in range(length)]
        start += length
    d = DFA("a", np.array([perm]).T, 0, [0, 6])
    a, b = both(lambda: _everything(d))
    _assert_same(a, b)
    assert len(a[0].sets) == 315 and a[0].start == 1 and a[0].period == 315
    rng = np.random.default_rng(1)
    gens = np.stack([rng.permutation(8), rng.integers(0, 8, 8), rng.permutation(8),
                     rng.integers(0, 8, 8)])[rng.integers(0, 4, 16)]
    d = DFA([f"x{i}" for i in range(16)], gens.T, 0, [0, 1])
    _assert_same(*both(lambda: _everything(d)))


@pytest.mark.parametrize("kw", [{"max_elements": 30}, {"max_levels": 1}, {"max_levels": 3},
                                {"max_seconds": 0.0}])
def test_budgets(both, kw):
    gens = np.array([[(i + 1) % 5 for i in range(5)], [1, 0] + list(range(2, 5)),
                     [1] + list(range(1, 5))])                 # T_5: 3,125 elements
    d = DFA(["c", "t", "e"], gens.T, 0, [0])
    for cayley in (True, False):
        a, b = both(lambda c=cayley: _everything(d, c, **kw))
        assert isinstance(a, str) and a.startswith("AC0 test")
        _assert_same(a, b)


@pytest.mark.parametrize("dense_bits", [0, 22, 63])
def test_direct_levels_tables(both, monkeypatch, dense_bits):
    """The direct (no Cayley graph) levels with each way of removing duplicates: a hash table
    (``_DENSE_BITS = 0``), a table over every code, sorted by radix passes or scanned when
    the level is large (T_4's levels reach all 256 codes of its 8-bit table), against numpy;
    one to three 11-bit radix passes (codes of 6 to 24 bits)."""
    from automata import jit_levels

    monkeypatch.setattr(jit_levels, "_DENSE_BITS", dense_bits)
    cases = []
    for n in (4, 5):                                 # T_4, T_5: 256 and 3,125 elements
        gens = np.array([[(i + 1) % n for i in range(n)], [1, 0] + list(range(2, n)),
                         [1] + list(range(1, n))])
        cases.append(DFA(["c", "t", "e"], gens.T, 0, [0]))
    rng = np.random.default_rng(7)
    for n in (3, 6, 8):
        cases.append(DFA("ab", np.stack([rng.permutation(n), rng.integers(0, n, n)]).T, 0, [0]))
    for d in cases:
        a, b = both(lambda d=d: _everything(d, cayley=False))
        _assert_same(a, b)
        assert not isinstance(a, str) and a[0].ids is None
    assert len(a[0].sets) > 1


def test_cycle_orders_overflow_uses_numpy(both):
    """Cycles of the first 16 primes' lengths (lcm > 2^63): numpy's int64 arithmetic wraps; the
    kernel gives way to it, so the two paths still agree."""
    primes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53]
    perm, start = [], 0
    for p in primes:
        perm += [start + (i + 1) % p for i in range(p)]
        start += p
    xs = np.array([perm, list(range(start))])
    a, b = both(lambda: cycle_orders(xs))
    np.testing.assert_array_equal(a, b)
    small = np.array([perm[:17] + list(range(17, start))])           # 2 * 3 * 5 * 7
    assert cycle_orders(small).tolist() == [210]


@pytest.mark.skipif(not (MLREGTEST / "att").exists(), reason="shared MLRegTest data absent")
@pytest.mark.parametrize("case", ["64.64.Reg.0.0.9", "16.16.SP.6.1.8", "04.04.Zp.3.1.2",
                                  "16.16.SL.4.1.3"])
def test_mlregtest_acceptors(both, case):
    from automata.att import mlregtest_alphabets, read_att

    files = sorted((MLREGTEST / "att").glob("*.att"))
    path = MLREGTEST / "att" / f"{case}.att"
    if not path.exists():
        pytest.skip(f"{case} absent")
    d = read_att(path, mlregtest_alphabets(files)[case.split(".")[0]]).minimize()
    a, b = both(lambda: _everything(d))
    _assert_same(a, b)
    assert not isinstance(a, str) and a[0].ids is not None


def test_compiling_is_left_out_of_the_time_budget(tmp_path):
    """With an empty kernel cache the first length levels compile the kernels for seconds; a
    0.5 s budget must still give the levels (compiling is not the caller's work)."""
    import os
    import subprocess
    import sys

    code = ("import numpy as np\n"
            "from automata.ac0 import length_levels\n"
            "from automata.dfa import DFA\n"
            "from automata.froidure_pin import froidure_pin\n"
            "d = DFA('ab', np.array([[1, 2, 0], [1, 0, 2]]).T, 0, [0])\n"
            "fp = froidure_pin(np.asarray(d.delta).T, max_size=100)\n"
            "lv = length_levels(d, cayley=fp, max_seconds=0.5)\n"
            "print(lv.ids is not None, sum(map(len, lv.sets)))\n")
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path), "AUTOMATA_JIT": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=300, cwd=str(Path(__file__).resolve().parents[2]), check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[0] == "True"


def test_sort_rows_is_the_byte_order():
    """``_sort_rows`` (refinement by digits of 8 or 2 entries) orders int32 rows as numpy
    sorts their raw bytes, on short and long shared prefixes, entries past 255, row lengths
    that are no multiple of a digit and groups past the insertion sort's size; two equal rows
    answer False."""
    from automata import jit_levels

    if os.environ.get("AUTOMATA_JIT") == "0":
        pytest.skip("the compiled core is turned off (AUTOMATA_JIT=0)")
    assert jit_levels.enabled()
    rng = np.random.default_rng(7)
    for m, n, hi, prefix in ((1, 3, 3, 0), (2, 1, 2, 0), (40, 5, 3, 0), (300, 30, 700, 20),
                             (2000, 12, 4, 6), (500, 4, 70000, 0), (400, 37, 256, 17),
                             (300, 9, 2, 8), (200, 7, 300, 5)):
        for _ in range(3):
            rows = rng.integers(0, hi, size=(m, n)).astype(np.int32)
            rows[:, :prefix] = rows[0, :prefix]              # a prefix shared by every row
            view = np.ascontiguousarray(rows).view(np.dtype((np.void, 4 * n))).ravel()
            distinct = np.unique(view).size == m
            order, tmp = np.empty(m, dtype=np.int64), np.empty(m, dtype=np.int64)
            assert jit_levels._sort_rows(rows, order, tmp) == distinct
            if distinct:
                np.testing.assert_array_equal(order, np.argsort(view, kind="stable"))


def test_shortlex_order_wide_letters(monkeypatch):
    """Letters up to 60,000 (a level's key range far wider than the level: the kernel sorts
    it instead of placing each key), and levels of every width: the numpy order."""
    from automata.classify import shortlex_order

    rng = np.random.default_rng(5)
    for k in (3, 700, 60_000):
        m = 400
        parent = np.full(m, -1, dtype=np.int64)
        letter = np.empty(m, dtype=np.int64)
        used = set()
        for i in range(m):
            while True:
                p = -1 if i < 3 else int(rng.integers(-1, i))
                a = int(rng.integers(0, k))
                if (p, a) not in used:
                    used.add((p, a))
                    break
            parent[i], letter[i] = p, a
        ns = SimpleNamespace(parent=parent, letter=letter)
        fast = shortlex_order(ns)
        monkeypatch.setenv("AUTOMATA_JIT", "0")
        slow = shortlex_order(ns)
        monkeypatch.delenv("AUTOMATA_JIT")
        np.testing.assert_array_equal(fast, slow)


def test_cycle_orders_many_cycles(both):
    """Rows with fixed points, repeated and coprime cycle lengths (the lcm's shortcuts):
    the numpy orders."""
    rng = np.random.default_rng(9)
    rows = []
    for _ in range(300):
        perm = []
        for length in rng.choice([1, 1, 2, 3, 4, 5, 6, 7, 9, 11], size=int(rng.integers(1, 8))):
            if len(perm) + int(length) > 60:
                break
            perm += [len(perm) + (i + 1) % int(length) for i in range(int(length))]
        rows.append(perm + list(range(len(perm), 60)))              # the rest fixed
    xs = np.array(rows)
    a, b = both(lambda: cycle_orders(xs))
    np.testing.assert_array_equal(a, b)
    assert a.max() > 100


def test_shortlex_order_kernel_matches_numpy(monkeypatch):
    """The compiled shortlex order equals the numpy one on enumerated monoids (the
    enumeration's own order and a shuffled one, where parents may come after children)."""
    from automata.classify import shortlex_order
    from automata.monoid import transition_monoid

    rng = np.random.default_rng(11)
    for _ in range(40):
        mon = transition_monoid(_random_dfa(rng), minimize=False)
        fast = shortlex_order(mon)
        monkeypatch.setenv("AUTOMATA_JIT", "0")
        slow = shortlex_order(mon)
        monkeypatch.delenv("AUTOMATA_JIT")
        np.testing.assert_array_equal(fast, slow)
        assert sorted(fast.tolist()) == list(range(mon.semigroup_size))
        # relabel the elements at random: the same words, in another index order
        m = mon.semigroup_size
        perm = rng.permutation(m)                      # new index of each old element
        parent = np.where(mon.parent >= 0, perm[np.maximum(mon.parent, 0)], -1)
        new_parent, new_letter = np.empty(m, np.int64), np.empty(m, np.int64)
        new_parent[perm], new_letter[perm] = parent, mon.letter
        relabelled = SimpleNamespace(parent=new_parent, letter=new_letter)
        np.testing.assert_array_equal(shortlex_order(relabelled), perm[slow])


def test_first_cyclic_id_is_the_first_order_above_one():
    """``jit_levels.first_cyclic_id`` (the AC0 certificate's scan of the stable level on a
    Cayley graph): the first position whose row's cycle order exceeds 1, or -1."""
    from automata import jit_levels

    if not jit_levels.enabled():
        pytest.skip("compiled levels off")
    rng = np.random.default_rng(8)
    hits = 0
    for _ in range(500):
        n, m = int(rng.integers(1, 10)), int(rng.integers(1, 30))
        rows = rng.integers(0, n, size=(m, n)).astype(np.int32)
        for r in rows:                                   # mostly without cycles
            if rng.random() < 0.8:
                r[:] = np.minimum(r, np.arange(n))
        ids = rng.integers(0, m, size=int(rng.integers(0, 2 * m)))
        bad = np.flatnonzero(cycle_orders(rows[ids]) > 1) if ids.size else np.zeros(0)
        want = int(bad[0]) if bad.size else -1
        assert jit_levels.first_cyclic_id(rows, ids) == want
        hits += want >= 0
    assert 50 < hits < 450


def test_square_hits_level_by_level():
    """square_hits against a direct reading: each level with an element whose square lies
    in the same level, in order, with both positions; levels without one are skipped."""
    from automata import jit_levels

    if not jit_levels.enabled():
        pytest.skip("compiled kernels off")
    rng = np.random.default_rng(4)
    for _ in range(30):
        m = int(rng.integers(1, 40))
        square = np.where(rng.random(m) < 0.4, rng.integers(0, m, size=m), -1)
        levels = [np.sort(rng.choice(m, size=int(rng.integers(1, m + 1)), replace=False))
                  for _ in range(int(rng.integers(1, 6)))]
        flat = np.concatenate(levels)
        offs = np.concatenate([[0], np.cumsum([len(x) for x in levels])]).tolist()
        want = []
        for k, ids in enumerate(levels, start=1):
            where = {int(x): p for p, x in enumerate(ids)}
            its = [p for p, x in enumerate(ids) if square[x] >= 0 and int(square[x]) in where]
            if its:
                want.append((k, its, [where[int(square[ids[p]])] for p in its]))
        assert list(jit_levels.square_hits(square, flat, offs)) == want


@pytest.mark.parametrize("s", [7, 2000])
@pytest.mark.parametrize("n", [1, 2, 3, 15, 16, 17, 255, 256, 300])
def test_unpacked_rows_equal_the_monoid_elements(n, s):
    """The unpacking of packed elements (4-, 8- and 16-bit fields, odd widths; the compiled
    pass for small monoids, numpy's views for large ones) is the monoid's own unpacking, the
    identity appended."""
    from automata import jit_levels
    from automata.monoid import _Packing

    rng = np.random.default_rng(n)
    rows = rng.integers(0, n, size=(s, n))
    packing = _Packing.for_states(n)
    codes = packing.pack(rows)
    got = jit_levels._unpacked(np.ascontiguousarray(codes), packing.bits, s, n, s + 2)
    assert got.dtype == np.int32 and got.shape == (s + 2, n)
    np.testing.assert_array_equal(got[:s], rows)
    np.testing.assert_array_equal(got[s:], np.tile(np.arange(n), (2, 1)))
