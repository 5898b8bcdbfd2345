"""automata.groups on large groups: cyclic ones in closed form, and tables on a base of points
(the dihedral group of a 1,000-gon), without sympy's Schreier-Sims."""
from __future__ import annotations

import numpy as np
import pytest
from sympy.combinatorics import Permutation, PermutationGroup

from automata import groups
from automata.classify import classify
from automata.dfa import DFA
from automata.groups import RowsGroup, group_info


def _cycle(n: int, degree: int | None = None) -> list[int]:
    degree = n if degree is None else degree
    return [(i + 1) % n for i in range(n)] + list(range(n, degree))


def _powers(p: list[int]) -> np.ndarray:
    """All powers of the permutation p, as rows (identity first)."""
    rows, x = [list(range(len(p)))], p
    while x != rows[0]:
        rows.append(x)
        x = [p[i] for i in x]
    return np.array(rows, dtype=np.int64)


@pytest.fixture
def no_sympy_naming(monkeypatch):
    """Fail if a group is named by sympy (the path this shortcut avoids)."""
    def refuse(g):
        raise AssertionError("named by sympy")
    monkeypatch.setattr(groups, "group_info_sympy", refuse)
    groups.clear_memo()
    yield
    groups.clear_memo()


@pytest.mark.parametrize("n", [2, 3, 4, 6, 8, 9, 12, 16, 30, 64, 97, 128, 360])
def test_closed_form_matches_sympy(n):
    ref = groups.group_info_sympy(PermutationGroup([Permutation(_cycle(n))]))
    assert groups._cyclic_info(n) == ref


def test_large_cyclic_element_array_needs_no_sympy(no_sympy_naming):
    els = _powers(_cycle(300))                 # 300² · 300 entries: past the table's budget
    np.random.default_rng(0).shuffle(els)
    info = group_info(els)
    assert (info.name, info.order, info.cyclic, info.abelian_invariants) == \
        ("Z_300", 300, True, (300,))


def test_cyclic_on_more_points_than_its_order(no_sympy_naming):
    # a 3-cycle, a 4-cycle and a 5-cycle on 12 points: Z_60, every element listed
    p = _cycle(3) + [3 + x for x in _cycle(4)] + [7 + x for x in _cycle(5)]
    els = _powers(p)
    assert els.shape == (60, 12)
    assert group_info(RowsGroup(np.array([p]))) == groups._cyclic_info(60)


def test_non_cyclic_large_array_still_goes_to_sympy():
    # Z_40 × Z_60 (order 2,400, past the table): no element has order 2,400
    a = _cycle(40, 100)
    b = list(range(40)) + [40 + x for x in _cycle(60)]
    els = groups._elements_np(PermutationGroup([Permutation(a), Permutation(b)]))
    assert els.shape[0] == 2400
    assert groups._large_cyclic(els) is None
    groups.clear_memo()
    info = group_info(els)
    assert (info.cyclic, info.abelian, info.abelian_invariants) == (False, True, (20, 120))


def test_one_generator_group_is_named_without_closure(no_sympy_naming):
    gens = np.array([_cycle(5000), _cycle(5000), list(range(5000))])   # repeats, identity
    info = group_info(RowsGroup(gens))
    assert (info.name, info.order, info.exponent) == ("Z_5000", 5000, 5000)
    assert groups._large_cyclic(RowsGroup(np.array([[1, 0, 2], [0, 2, 1]]))) is None    # S_3


def test_unary_cycle_classifies_without_sympy(no_sympy_naming):
    n = 1000
    d = DFA.from_transitions("a", {i: {"a": (i + 1) % n} for i in range(n)}, 0, [0])
    out = classify(d).to_dict()
    assert [(g["name"], g["order"]) for g in out["groups"]] == [("Z_1000", 1000)]


def _dihedral(n: int) -> np.ndarray:
    """The 2n elements of D_n acting on the n corners."""
    return np.array([[(s * i + k) % n for i in range(n)] for s in (1, -1) for k in range(n)])


def test_dihedral_on_many_points_uses_the_table(no_sympy_naming):
    # 1,000 elements on 500 points: 10^6 · 500 entries by the degree, 10^6 · 2 by the base
    els = _dihedral(500)
    info = group_info(els)
    assert (info.name, info.order, info.abelian, info.solvable, info.derived_length,
            info.exponent) == ("D_500", 1000, False, True, 2, 500)


def test_dihedral_past_the_table_by_sympy_matches():
    from automata.group_tables import table_base

    els = _dihedral(1200)                               # 2,400 elements: past TABLE_MAX_ORDER
    assert table_base(els) is None
    groups.clear_memo()
    info = group_info(els)
    assert (info.name, info.order, info.derived_length, info.exponent) == \
        ("D_1200", 2400, 2, 1200)


def test_dihedral_facts_without_the_compiled_core(monkeypatch):
    """The exponent and the dihedral test read element orders from the cycle lengths, compiled
    or not: the same facts either way."""
    from sympy.combinatorics.named_groups import DihedralGroup

    fast = groups.group_info_sympy(DihedralGroup(12))
    monkeypatch.setenv("AUTOMATA_JIT", "0")
    slow = groups.group_info_sympy(DihedralGroup(12))
    assert fast == slow
    assert (fast.name, fast.exponent) == ("D_12", 12)
