"""A handful of textbook star-free languages (all aperiodic, none in the paper's suite).

>>> from automata.languages import get_language
>>> get_language("no_aa").accepts("abab"), get_language("no_aa").accepts("baab")
(True, False)
>>> get_language("contains_abc").accepts("cabca")
True
"""
from __future__ import annotations

from .base import Language, dfa_from_function


def _no_aa():
    # state: the last symbol was an a
    return dfa_from_function("ab", False, lambda q, s: None if (q and s == "a") else s == "a",
                             lambda q: True)


def _ends_ab():
    # state: 0 nothing useful, 1 ends in a, 2 ends in ab
    return dfa_from_function("ab", 0, lambda q, s: 1 if s == "a" else (2 if q == 1 else 0),
                             lambda q: q == 2)


def _contains_abc():
    # state: length of the longest suffix that is a prefix of "abc" (3 = seen it)
    def step(q, s):
        if q == 3:
            return 3
        if s == "abc"[q]:
            return q + 1
        return 1 if s == "a" else 0

    return dfa_from_function("abc", 0, step, lambda q: q == 3)


def _a_then_b():
    return dfa_from_function("ab", "A", lambda q, s: "B" if s == "b" else ("A" if q == "A" else None),
                             lambda q: True)


def _first_last_same():
    # state: (first symbol, last symbol) or "" for the empty word
    return dfa_from_function("ab", "", lambda q, s: (s, s) if q == "" else (q[0], s),
                             lambda q: q == "" or q[0] == q[1])


_DEFS = [
    ("no_aa", _no_aa, "no two consecutive a's: ~(.*aa.*) over {a,b}"),
    ("ends_ab", _ends_ab, "ends with ab: .*ab over {a,b}"),
    ("contains_abc", _contains_abc, "contains the factor abc: .*abc.* over {a,b,c}"),
    ("a_then_b_only", _a_then_b, "a*b* over {a,b}"),
    ("first_last_same", _first_last_same,
     "empty, or first and last symbols equal, over {a,b} (locally testable)"),
]

BUILTINS = [(n, (lambda n=n, b=b, d=d: Language(n, b(), description=d)), ()) for n, b, d in _DEFS]
