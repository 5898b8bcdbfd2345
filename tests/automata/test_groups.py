"""automata.groups: names, orders and solvability of familiar groups."""
from __future__ import annotations

import pytest
from sympy.combinatorics import Permutation, PermutationGroup
from sympy.combinatorics.named_groups import (AbelianGroup, AlternatingGroup, CyclicGroup,
                                              DihedralGroup, SymmetricGroup)

from automata.groups import group_info

Q8 = PermutationGroup([Permutation([[0, 1, 2, 3], [4, 5, 6, 7]]),
                       Permutation([[0, 4, 2, 6], [1, 7, 3, 5]])])


def _regular(g: PermutationGroup) -> PermutationGroup:
    """The same abstract group acting on itself (names must not depend on the action)."""
    els = list(g.generate())
    idx = {tuple(e.array_form): i for i, e in enumerate(els)}
    return PermutationGroup([Permutation([idx[tuple((e * s).array_form)] for e in els])
                             for s in g.generators])


@pytest.mark.parametrize("group, name, order, abelian, solvable, dl", [
    (PermutationGroup([Permutation([0, 1, 2])]), "trivial", 1, True, True, 0),
    (CyclicGroup(2), "Z_2", 2, True, True, 1),
    (CyclicGroup(6), "Z_6", 6, True, True, 1),
    (AbelianGroup(2, 2), "Z_2×Z_2", 4, True, True, 1),
    (AbelianGroup(2, 6), "Z_2×Z_6", 12, True, True, 1),
    (SymmetricGroup(3), "S_3", 6, False, True, 2),
    (DihedralGroup(4), "D_4", 8, False, True, 2),
    (DihedralGroup(5), "D_5", 10, False, True, 2),
    (Q8, "Q_8", 8, False, True, 2),
    (AlternatingGroup(4), "A_4", 12, False, True, 2),
    (SymmetricGroup(4), "S_4", 24, False, True, 3),
    (AlternatingGroup(5), "A_5", 60, False, False, None),
    (SymmetricGroup(5), "S_5", 120, False, False, None),
])
def test_named_groups(group, name, order, abelian, solvable, dl):
    for g in (group, _regular(group)) if order > 1 else (group,):
        info = group_info(g)
        assert (info.name, info.order, info.abelian, info.solvable, info.derived_length) == \
            (name, order, abelian, solvable, dl)


def test_two_groups_and_frattini_length():
    assert group_info(AbelianGroup(2, 2, 2)).elementary_2_length == 1
    assert group_info(CyclicGroup(4)).elementary_2_length == 2
    assert group_info(CyclicGroup(8)).elementary_2_length == 3
    assert group_info(DihedralGroup(4)).elementary_2_length == 2
    assert group_info(CyclicGroup(3)).elementary_2_length is None
    assert group_info(CyclicGroup(3)).prime_factors == (3,)


def test_to_dict_is_plain():
    d = group_info(SymmetricGroup(3)).to_dict()
    assert d["name"] == "S_3" and d["prime_factors"] == [2, 3]


def test_group_info_remembers_element_sets_in_any_order():
    import numpy as np

    from automata.group_tables import closure
    from automata.groups import _MEMO, clear_memo, group_info, group_info_from_elements

    clear_memo()
    s4 = closure(np.array([[1, 0, 2, 3], [1, 2, 3, 0]]))
    a = group_info(s4)
    assert len(_MEMO) == 1
    b = group_info(s4[::-1].copy())                       # same set, other order: one entry
    assert b is a and len(_MEMO) == 1
    assert a == group_info_from_elements(s4)
    d4 = closure(np.array([[1, 2, 3, 0], [3, 2, 1, 0]]))
    assert group_info(d4).name == "D_4" and len(_MEMO) == 2
    clear_memo()
    assert not _MEMO


def _rows_groups():
    """Generator rows of groups of several kinds and sizes: named ones, the full symmetric
    groups past the compiled closure's 8,192 elements (S_8), random ones with redundant
    generators, and groups on fewer points than the degree."""
    import numpy as np

    from sympy.combinatorics.named_groups import (AlternatingGroup, CyclicGroup,
                                                  DihedralGroup, SymmetricGroup)

    out = [np.array([p.array_form for p in g.generators])
           for g in (SymmetricGroup(3), SymmetricGroup(5), SymmetricGroup(8),
                     AlternatingGroup(5), AlternatingGroup(7), DihedralGroup(6),
                     CyclicGroup(4))]
    rng = np.random.default_rng(5)
    for _ in range(25):
        r, g = int(rng.integers(2, 8)), int(rng.integers(1, 6))
        rows = np.tile(np.arange(r), (g, 1))
        for row in rows:                                  # a few points moved
            pts = rng.choice(r, size=int(rng.integers(2, r + 1)), replace=False)
            row[pts] = rng.permutation(pts)
        rows = rows[(rows != np.arange(r)).any(axis=1)]
        if rows.size:
            out.append(np.unique(rows, axis=0)[rng.permutation(len(np.unique(rows, axis=0)))])
    return out


def test_rows_group_is_the_sympy_group_of_its_rows():
    """A ``RowsGroup`` answers order, triviality and degree from its rows, and everything else
    (generators in order, membership, elements) as the sympy group of the same rows; its
    order and ``group_info`` equal the sympy group's (the next test: without numba)."""
    import copy
    import pickle

    import numpy as np
    from sympy.combinatorics import Permutation, PermutationGroup

    from automata.groups import RowsGroup

    for rows in _rows_groups():
        ref = PermutationGroup([Permutation(list(map(int, p))) for p in rows])
        g = RowsGroup(rows, rows.shape[1])
        assert g._group is None                      # nothing built by making it
        assert g.degree == ref.degree and g.is_trivial == ref.is_trivial
        assert g.order() == ref.order()
        assert group_info(g) == group_info(ref)
        assert list(g.generators) == list(ref.generators)   # now built: the same group
        assert g.contains(ref.generators[0])
        if ref.order() <= 720:
            assert sorted(map(str, g.generate())) == sorted(map(str, ref.generate()))
        h = pickle.loads(pickle.dumps(g))
        assert h.order() == g.order() and copy.copy(g).degree == g.degree
        np.testing.assert_array_equal(h.rows, g.rows)


def test_rows_group_without_the_compiled_core(monkeypatch):
    from sympy.combinatorics import Permutation, PermutationGroup

    from automata.groups import RowsGroup

    monkeypatch.setenv("AUTOMATA_JIT", "0")
    for rows in _rows_groups()[:8]:
        ref = PermutationGroup([Permutation(list(map(int, p))) for p in rows])
        assert RowsGroup(rows).order() == ref.order()
        assert group_info(RowsGroup(rows)) == group_info(ref)


def test_rows_group_of_identity_rows_is_trivial():
    import pytest

    from automata.groups import RowsGroup

    g = RowsGroup([[0, 1, 2], [0, 1, 2]])
    assert g.is_trivial and g.order() == 1
    assert RowsGroup([], 4).is_trivial and RowsGroup([], 4).degree == 4
    assert RowsGroup([1, 2, 0]).order() == 3                    # one permutation
    with pytest.raises(ValueError):
        RowsGroup([[1, 0, 2]], 4)
