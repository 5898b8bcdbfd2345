"""The multiplication-table path of ``group_info`` (numpy) against the sympy path, on every
maximal subgroup of the registry's languages, named groups and random permutation groups."""
from __future__ import annotations

import numpy as np
import pytest

sympy = pytest.importorskip("sympy")
from sympy.combinatorics import Permutation, PermutationGroup  # noqa: E402
from sympy.combinatorics.named_groups import (AbelianGroup, AlternatingGroup,  # noqa: E402
                                              CyclicGroup, DihedralGroup, SymmetricGroup)

from automata.green import green_structure  # noqa: E402
from automata.group_tables import GroupTable, closure  # noqa: E402
from automata.groups import (group_info, group_info_from_elements,  # noqa: E402
                             group_info_sympy)
from automata.languages import get_language, list_languages  # noqa: E402


def _elements(g) -> np.ndarray:
    n = g.degree
    return np.array([p.array_form + list(range(len(p.array_form), n)) for p in g.generate()])


def _q8():
    # the quaternion group in its regular action on 8 points
    i = Permutation([2, 3, 1, 0, 6, 7, 5, 4])
    j = Permutation([4, 5, 7, 6, 1, 0, 2, 3])
    return PermutationGroup([i, j])


NAMED = ([SymmetricGroup(n) for n in range(2, 6)] + [AlternatingGroup(n) for n in range(3, 6)]
         + [DihedralGroup(n) for n in range(3, 9)] + [CyclicGroup(n) for n in (2, 3, 5, 6, 12)]
         + [AbelianGroup(2, 2), AbelianGroup(2, 4), AbelianGroup(2, 2, 2), AbelianGroup(3, 3),
            AbelianGroup(2, 6), AbelianGroup(4, 4, 2), _q8()])


def _registry_groups():
    out = []
    for name in list_languages():
        d = get_language(name).dfa
        if d is None:
            continue
        g = green_structure(d, method="orbits")
        out += [(name, G) for G in g.maximal_subgroups() if not G.is_trivial]
    return out


def _random_groups(count=60, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < count:
        r = int(rng.integers(3, 8))
        k = int(rng.integers(1, 4))
        gens = [Permutation(rng.permutation(r).tolist()) for _ in range(k)]
        G = PermutationGroup(gens)
        if G.order() <= 2000:
            out.append(G)
    return out


@pytest.mark.parametrize("g", NAMED, ids=lambda g: f"order{g.order()}deg{g.degree}")
def test_named_groups_agree(g):
    assert group_info_from_elements(_elements(g)) == group_info_sympy(g)


def test_registry_groups_agree():
    groups = _registry_groups()
    assert len(groups) >= 20
    for name, G in groups:
        assert group_info_from_elements(_elements(G)) == group_info_sympy(G), name
        assert group_info(G) == group_info_sympy(G), name


def test_random_groups_agree():
    names = set()
    for G in _random_groups():
        ref = group_info_sympy(G)
        assert group_info_from_elements(_elements(G)) == ref, G
        assert group_info(G) == ref
        names.add(ref.name)
    assert len(names) >= 4            # the sample is not all one kind of group


def test_products_beside_regular_representations():
    # the same abstract group on different points gives the same facts
    for G in (DihedralGroup(4), AlternatingGroup(4), SymmetricGroup(4)):
        els = _elements(G)
        t = GroupTable(els)
        regular = t.table                                    # row i: right multiplication by ... i
        reg = group_info_from_elements(regular.T.copy())
        assert reg == group_info_sympy(G)


def test_closure_bound_and_not_a_group():
    s5 = np.array([[1, 0, 2, 3, 4], [1, 2, 3, 4, 0]])
    assert closure(s5, max_order=119) is None
    assert closure(s5).shape == (120, 5)
    with pytest.raises(ValueError):
        GroupTable(np.array([[0, 1, 2], [1, 0, 2], [1, 2, 0]]))     # not closed


def test_large_groups_use_sympy():
    g = SymmetricGroup(7)                      # 5040 elements > the table bound
    info = group_info(g)
    assert (info.name, info.order, info.solvable) == ("S_7", 5040, False)


@pytest.mark.parametrize("r", [3, 4, 5, 6, 7])
def test_symmetric_groups_shortcut_agrees(r):
    from automata.groups import _symmetric_info

    g = SymmetricGroup(r)
    ref = group_info_sympy(g)
    assert _symmetric_info(g) == ref
    if r <= 6:
        assert _symmetric_info(_elements(g)) == ref
    # on more points than it moves, and not the full group on them
    wide = PermutationGroup([Permutation(list(p.array_form) + [r, r + 1]) for p in g.generators])
    assert group_info(wide) == group_info_sympy(wide)
    assert _symmetric_info(AlternatingGroup(r)) is None


@pytest.mark.parametrize("p", [2, 3, 5, 7, 11])
def test_prime_order_shortcut_agrees(p):
    from automata.groups import _prime_info

    g = CyclicGroup(p)
    assert _prime_info(p) == group_info_sympy(g) == group_info(_elements(g))
