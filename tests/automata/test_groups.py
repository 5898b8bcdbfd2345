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
