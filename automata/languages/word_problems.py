"""Group word problems: accept iff the product of the generator letters is the identity.

The DFA's states are the group elements (the Cayley graph of the generating set); reading a
letter multiplies on the right by its generator. Permutations act on ``0..n-1`` and compose as
in sympy (``p*q`` applies ``p`` first). Fixed generating sets, one letter each:

====== =================================================== ========
group  generators (letter = permutation)                   order
====== =================================================== ========
Z_n    a = (0 1 ... n-1)                                    n
S3     a = (0 1), b = (0 1 2)                               6
D4     a = (0 1 2 3) (rotation), b = (0 3)(1 2) (reflection) 8
Q8     a = i, b = j (left-regular permutations of {+-1,+-i,+-j,+-k}) 8
A4     a = (0 1 2), b = (0 1)(2 3)                          12
S4     a = (0 1), b = (0 1 2 3)                             24
A5     a = (0 1 2), b = (0 1 2 3 4)                         60
S5     a = (0 1), b = (0 1 2 3 4)                           120
====== =================================================== ========

``word_problem_z2`` .. ``word_problem_z7`` and the non-abelian groups are registered;
``word_problem_z<n>`` resolves for any n >= 2.

>>> from automata.languages import get_language
>>> s3 = get_language("word_problem_S3")
>>> s3.dfa.n_states, s3.accepts("aa"), s3.accepts("bbb"), s3.accepts("ab")
(6, True, True, False)
"""
from __future__ import annotations

from ..budgets import family_parameter
from ..errors import UnknownLanguageError
from .base import Language, dfa_from_function

LETTERS = "abcdefgh"


def _quaternion_generators():
    """Left-regular permutations of i and j on the 8 elements of Q8."""
    # element = (sign, unit) with unit in 1, i, j, k (0..3); unit products with signs
    table = {  # (x, y) -> (sign, unit) for x*y
        (0, 0): (1, 0), (0, 1): (1, 1), (0, 2): (1, 2), (0, 3): (1, 3),
        (1, 0): (1, 1), (1, 1): (-1, 0), (1, 2): (1, 3), (1, 3): (-1, 2),
        (2, 0): (1, 2), (2, 1): (-1, 3), (2, 2): (-1, 0), (2, 3): (1, 1),
        (3, 0): (1, 3), (3, 1): (1, 2), (3, 2): (-1, 1), (3, 3): (-1, 0),
    }
    elems = [(s, u) for s in (1, -1) for u in range(4)]
    idx = {e: i for i, e in enumerate(elems)}

    def left_mult(g):
        perm = []
        for s, u in elems:
            sg, ug = table[(g[1], u)]
            perm.append(idx[(g[0] * s * sg, ug)])
        return perm

    return [left_mult((1, 1)), left_mult((1, 2))]


def group_generators(group: str):
    """The sympy Permutations generating ``group`` (see the module table)."""
    from sympy.combinatorics import Permutation

    g = group.upper()
    if g.startswith("Z") and g[1:].isdigit():
        n = family_parameter(g[1:], "word_problem_z<n>", 2)
        return [Permutation([(i + 1) % n for i in range(n)])]
    cycles = {
        "S3": ([[0, 1]], [[0, 1, 2]]),
        "D4": ([[0, 1, 2, 3]], [[0, 3], [1, 2]]),
        "A4": ([[0, 1, 2]], [[0, 1], [2, 3]]),
        "S4": ([[0, 1]], [[0, 1, 2, 3]]),
        "A5": ([[0, 1, 2]], [[0, 1, 2, 3, 4]]),
        "S5": ([[0, 1]], [[0, 1, 2, 3, 4]]),
    }
    if g == "Q8":
        return [Permutation(p) for p in _quaternion_generators()]
    if g not in cycles:
        raise UnknownLanguageError(f"no word problem for group {group!r}")
    size = max(x for c in cycles[g] for cyc in c for x in cyc) + 1
    return [Permutation(c, size=size) for c in cycles[g]]


def word_problem_language(group: str) -> Language:
    from sympy.combinatorics import Permutation

    gens = group_generators(group)
    letters = LETTERS[:len(gens)]
    size = gens[0].size
    identity = Permutation(list(range(size)))
    by_letter = dict(zip(letters, gens))
    dfa = dfa_from_function(letters, identity, lambda x, s: x * by_letter[s],
                            lambda x: x == identity)
    gdesc = ", ".join(f"{s} = {p.cyclic_form}" for s, p in by_letter.items())
    name = f"word_problem_{group.lower()}"
    return Language(name, dfa, description=f"word problem of {group.upper()}: product of the "
                    f"letters is the identity; generators {gdesc}")


_GROUPS = [f"Z{n}" for n in range(2, 8)] + ["S3", "D4", "Q8", "A4", "S4", "A5", "S5"]

BUILTINS = [(f"word_problem_{g.lower()}", (lambda g=g: word_problem_language(g)), ())
            for g in _GROUPS]


def _z_pattern(m):
    return word_problem_language(f"Z{family_parameter(m.group(1), 'word_problem_z<n>', 2)}")


PATTERNS = [(r"word_problem_z(\d+)", _z_pattern)]
