"""The other regular languages of Bhattamishra et al. 2020's suite (Sarrof et al. 2024, Table 1).

``D_n = (a D_{n-1} b)*`` with ``D_0 = {empty}`` is the Dyck-1 language over {a, b} of depth at
most ``n``; ``d2``, ``d3``, ``d4``, ``d12`` are registered and ``d<n>`` resolves for any n >= 1.

>>> from automata.languages import get_language
>>> d2 = get_language("d2")
>>> d2.accepts("aabbab"), d2.accepts("aaabbb")
(True, False)
>>> get_language("012_02").accepts("1202"), get_language("abcde_star").accepts("abbcde")
(True, True)
"""
from __future__ import annotations

from ..budgets import family_parameter
from .base import Language, dfa_from_function


def _cyclic_word(word: str):
    """(word)* over the letters of ``word``: state = position in the word."""
    n = len(word)
    return dfa_from_function(sorted(set(word)), 0,
                             lambda q, s: (q + 1) % n if s == word[q] else None,
                             lambda q: q == 0)


def _parity():
    return dfa_from_function("01", 0, lambda q, s: q ^ (s == "1"), lambda q: q == 0)


def dn_dfa(n: int):
    """The DFA of D_n (depth counter 0..n)."""
    def step(q, s):
        q2 = q + 1 if s == "a" else q - 1
        return q2 if 0 <= q2 <= n else None

    return dfa_from_function("ab", 0, step, lambda q: q == 0)


def _abcde():
    letters = "abcde"

    # state: index of the current block (-1 before the first a)
    def step(q, s):
        i = letters.index(s)
        return i if i in (q, q + 1) else None

    return dfa_from_function(letters, -1, step, lambda q: q == 4)


def _ab_d_bc():
    def step(q, s):
        if q == 0:
            return {"a": 0, "b": 0, "d": 1}.get(s)
        return 1 if s in "bc" else None

    return dfa_from_function("abcd", 0, step, lambda q: q == 1)


def _012_02():
    # state: 0 = not (yet) in L, 1 = the string ends in 0 2*
    def step(q, s):
        if s == "0":
            return 1
        if s == "2":
            return q
        return 0

    return dfa_from_function("012", 0, step, lambda q: q == 1)


def _dn_language(n: int) -> Language:
    group = "star-free" if n in (2, 3, 4, 12) else None
    return Language(f"d{n}", dn_dfa(n), paper_group=group,
                    description=f"D_{n} = (a D_{n - 1} b)*: Dyck-1 over a/b of depth at most {n}")


def _dn_pattern(m):
    return _dn_language(family_parameter(m.group(1), "d<n>", 1))


BUILTINS = [
    ("parity", lambda: Language("parity", _parity(), paper_group="non-star-free",
                                description="even number of 1s over {0,1}"), ("Parity",)),
    ("aa_star", lambda: Language("aa_star", _cyclic_word("aa"), paper_group="non-star-free",
                                 description="(aa)* over {a}"), ("AAStar",)),
    ("aaaa_star", lambda: Language("aaaa_star", _cyclic_word("aaaa"), paper_group="non-star-free",
                                   description="(aaaa)* over {a}"), ("AAAAStar",)),
    ("abab_star", lambda: Language("abab_star", _cyclic_word("abab"), paper_group="non-star-free",
                                   description="(abab)* over {a,b}"), ("ABABStar",)),
    *[(f"d{n}", (lambda n=n: _dn_language(n)), (f"D-{n}",)) for n in (2, 3, 4, 12)],
    ("abcde_star", lambda: Language("abcde_star", _abcde(), paper_group="star-free",
                                    description="aa*bb*cc*dd*ee*"),
     ("AAStarBBStarCCStarDDStarEEStar",)),
    ("ab_d_bc", lambda: Language("ab_d_bc", _ab_d_bc(), paper_group="star-free",
                                 description="{a,b}*d{b,c}*"), ("ABStar_D_BCStar",)),
    ("012_02", lambda: Language("012_02", _012_02(), paper_group="star-free",
                                description="{0,1,2}*02*"), ("012Star_0_2Star",)),
]

PATTERNS = [(r"d(\d+)", _dn_pattern)]
