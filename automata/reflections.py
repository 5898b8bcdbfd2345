"""How many Householder reflections per token a one-layer exact model of a permutation automaton
needs: the quantitative side of the ``lrnn_householder`` verdict.

When every letter of a DFA permutes its states (a *permutation automaton*: the minimal DFA of a
group word problem, of parity, of counting mod m), a one-layer linear RNN can run it exactly
with the state one-hot (or any vector with distinct coordinates) over the DFA's states and each
letter's transition its permutation matrix. A permutation with c cycles on n points is a product
of n - c transpositions, and a transposition of points i, j is the Householder reflection
I - 2 k kᵀ with k = (e_i - e_j)/√2 (β = 2, eigenvalue -1). So DeltaProduct with
``n_householder >= reflections_per_token(dfa)`` factors per token has an exact one-layer model
(Siems et al. 2025, DeltaProduct, arXiv 2502.10297: one layer with n_h = n - 1 tracks S_n;
Grazzi et al. 2025, ICLR: β in [0, 2] is what makes reflections, hence parity, reachable).

A smaller faithful permutation representation can need fewer factors (S_3's word problem acts
on 6 states, where its 3-cycle letter costs 4 reflections; on 3 points it costs 2). The readout
still identifies the DFA state: in a faithful action, a vector with distinct coordinates has a
different image under every group element. So the count is minimised over the faithful actions
reachable from the DFA's by passing to block systems (an action on blocks is an action on the
cosets of a larger subgroup; sympy's ``minimal_blocks``), a breadth-first search bounded by
``max_actions``, and for a cyclic group the plane rotation (2 reflections, Z_m for any m). The
result is a sufficient count (an upper bound), not a lower bound: other orthogonal
representations can need fewer.

>>> from automata.languages import get_language
>>> reflections_per_token(get_language("parity").dfa.minimize())
1
>>> reflections_per_token(get_language("word_problem_s3").dfa.minimize())   # S_3 on 3 points
2
>>> reflections_per_token(get_language("word_problem_z7").dfa.minimize())   # a plane rotation
2
>>> reflections_per_token(get_language("tomita3").dfa.minimize()) is None   # has resets
True
"""
from __future__ import annotations

import numpy as np

from .dfa import DFA

__all__ = ["reflections_per_token", "smallest_action", "cycle_count", "cyclic_powers",
           "permutation_order"]


def cycle_count(perm: np.ndarray) -> int:
    """The number of cycles (fixed points included) of a permutation given as an index array.

    >>> cycle_count(np.array([1, 2, 0, 3]))
    2
    """
    seen = np.zeros(len(perm), dtype=bool)
    cycles = 0
    for start in range(len(perm)):
        if not seen[start]:
            cycles += 1
            j = start
            while not seen[j]:
                seen[j] = True
                j = int(perm[j])
    return cycles


def permutation_order(perm) -> int:
    """The order of a permutation (the lcm of its cycle lengths).

    >>> permutation_order([1, 2, 0, 4, 3])
    6
    """
    perm = np.asarray(perm, dtype=np.int64)
    seen = np.zeros(len(perm), dtype=bool)
    order = 1
    for start in range(len(perm)):
        if not seen[start]:
            j, length = start, 0
            while not seen[j]:
                seen[j] = True
                j = int(perm[j])
                length += 1
            order = order * length // np.gcd(order, length)
    return int(order)


def cyclic_powers(perms, max_order: int = 100_000):
    """``(m, g, powers)`` when the permutations generate a cyclic group of order ``m``: ``g`` (an
    index array) generates it and ``perms[i] = g^powers[i]``; ``None`` when the group is not
    cyclic, or has more than ``max_order`` elements (then :class:`ValueError`).

    Cyclicity is read off the permutations themselves: the generators must commute (a cyclic
    group is abelian), and some element of the group they generate must have order ``|G|``
    (found among the elements, listed by breadth-first search).

    >>> m, g, k = cyclic_powers([np.array([1, 2, 0, 4, 3])])       # a 3-cycle times a swap
    >>> m, k
    (6, [1])
    >>> cyclic_powers([np.array([1, 0, 3, 2]), np.array([2, 3, 0, 1])]) is None   # Klein four
    True
    """
    perms = [np.asarray(p, dtype=np.int64) for p in perms]
    if not perms:
        return None
    n = len(perms[0])
    for i, a in enumerate(perms):
        for b in perms[i + 1:]:
            if not np.array_equal(a[b], b[a]):
                return None                                   # not abelian, so not cyclic
    ident = np.arange(n)
    elements = {ident.tobytes(): ident}
    frontier = [ident]
    while frontier:
        nxt = []
        for x in frontier:
            for p in perms:
                y = p[x]
                key = y.tobytes()
                if key not in elements:
                    elements[key] = y
                    if len(elements) > max_order:
                        raise ValueError(f"the group has more than {max_order} elements (budget)")
                    nxt.append(y)
        frontier = nxt
    m = len(elements)
    gen = next((x for x in elements.values() if permutation_order(x) == m), None)
    if gen is None:
        return None
    power, x = {}, ident
    for k in range(m):
        power[x.tobytes()] = k
        x = gen[x]
    return m, gen, [power[p.tobytes()] for p in perms]


def _cost(perms: list) -> int:
    return max((len(p) - cycle_count(p) for p in perms), default=0)


def _on_blocks(perms: list, blocks: list) -> list:
    """The letters' permutations of the blocks (``blocks[i]`` = representative of i's block)."""
    reps = sorted(set(blocks))
    index = {r: i for i, r in enumerate(reps)}
    return [np.array([index[blocks[int(p[r])]] for r in reps]) for p in perms]


def _letter_permutations(dfa: DFA) -> list | None:
    n = dfa.n_states
    perms = []
    for a in range(dfa.n_symbols):
        col = np.asarray(dfa.delta[:, a], dtype=np.int64)
        if len(np.unique(col)) != n:
            return None
        perms.append(col)
    return perms


def smallest_action(dfa: DFA, max_actions: int = 200) -> dict[str, list[int]] | None:
    """``{letter: images}`` of the faithful permutation action with the fewest reflections per
    token found (module docstring; the DFA's own action when nothing smaller is found), or
    ``None`` when some letter is not a permutation. ``ssm.constructions.certify`` builds its
    one-layer Householder model on it."""
    perms = _letter_permutations(dfa)
    if perms is None:
        return None
    best = perms
    if _cost(perms) > 1 and dfa.n_states > 2:
        from sympy.combinatorics import Permutation, PermutationGroup  # only for groups

        def group(ps):
            return PermutationGroup([Permutation([int(x) for x in p]) for p in ps])

        order = group(perms).order()
        queue, seen, explored = [perms], {dfa.n_states}, 0
        while queue and explored < max_actions:
            cur = queue.pop(0)
            explored += 1
            for blocks in group(cur).minimal_blocks():
                induced = _on_blocks(cur, list(blocks))
                m = len(induced[0])
                if m in seen or m < 2 or group(induced).order() != order:
                    continue                # same degree met already, or not faithful
                seen.add(m)
                if _cost(induced) < _cost(best):
                    best = induced
                queue.append(induced)
    return {str(a): [int(x) for x in p] for a, p in zip(dfa.alphabet, best)}


def reflections_per_token(dfa: DFA, max_actions: int = 200) -> int | None:
    """The fewest reflections per token (max over letters of ``n - cycles``) over the faithful
    actions found (:func:`smallest_action`), and 2 where that is more and the group is cyclic
    (:func:`cyclic_powers`; a plane rotation); ``None`` when some letter is not a permutation (resets: no one-layer claim)."""
    act = smallest_action(dfa, max_actions)
    if act is None:
        return None
    best = _cost([np.asarray(p) for p in act.values()])
    if best > 2 and cyclic_powers(_letter_permutations(dfa)) is not None:
        # a cyclic group of order m acts faithfully on the plane by rotations (angle 2πk/m),
        # and a plane rotation is a product of 2 reflections: 2 factors, whatever the degree
        # (built: ssm.constructions.householder_rotation)
        best = 2
    return best
