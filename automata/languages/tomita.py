"""The seven Tomita languages over {0, 1} (Tomita 1982), as used by Bhattamishra et al. 2020.

Tomita 3 follows the reading of the shared PAPER.md §3 that all of the authors' strings
satisfy: no odd-length (maximal) run of 1s is *immediately* followed by an odd-length maximal
run of 0s.

>>> from automata.languages import get_language
>>> t3 = get_language("tomita3")
>>> [t3.accepts(w) for w in ("10", "100", "1101", "10011", "1001")]
[False, True, True, True, True]
"""
from __future__ import annotations

from .base import Language, dfa_from_function

A = "01"


def _t1():
    return dfa_from_function(A, 0, lambda q, s: 0 if s == "1" else None, lambda q: True)


def _t2():
    return dfa_from_function(A, 0, lambda q, s: {(0, "1"): 1, (1, "0"): 0}.get((q, s)),
                             lambda q: q == 0)


# Tomita 3 states: "ok" (start, or in a 0-run not after an odd 1-run), "odd1"/"even1" (inside a
# run of 1s of that parity), "odd0"/"even0" (inside a run of 0s right after an odd 1-run).
_T3 = {
    ("ok", "0"): "ok", ("ok", "1"): "odd1",
    ("odd1", "1"): "even1", ("odd1", "0"): "odd0",
    ("even1", "1"): "odd1", ("even1", "0"): "ok",
    ("odd0", "0"): "even0",  # odd0 --1--> violation: an odd 1-run then an odd 0-run
    ("even0", "0"): "odd0", ("even0", "1"): "odd1",
}


def _t3():
    return dfa_from_function(A, "ok", lambda q, s: _T3.get((q, s)), lambda q: q != "odd0")


def _t4():
    # state = number of trailing 0s (at most 2)
    return dfa_from_function(A, 0, lambda q, s: 0 if s == "1" else (q + 1 if q < 2 else None),
                             lambda q: True)


def _t5():
    return dfa_from_function(A, (0, 0), lambda q, s: ((q[0] + (s == "0")) % 2, (q[1] + (s == "1")) % 2),
                             lambda q: q == (0, 0))


def _t6():
    return dfa_from_function(A, 0, lambda q, s: (q + (1 if s == "0" else -1)) % 3, lambda q: q == 0)


def _t7():
    # state = number of blocks started in 0*1*0*1* (0..3)
    def step(q, s):
        want = "0" if q % 2 == 0 else "1"
        if s == want:
            return q
        return q + 1 if q < 3 else None

    return dfa_from_function(A, 0, step, lambda q: True)


_DEFS = [
    (1, _t1, "1*", "star-free"),
    (2, _t2, "(10)*", "star-free"),
    (3, _t3, "no odd-length run of 1s immediately followed by an odd-length run of 0s", "non-star-free"),
    (4, _t4, "no 000 substring", "star-free"),
    (5, _t5, "even number of 0s and even number of 1s", "non-star-free"),
    (6, _t6, "(#0 - #1) = 0 mod 3", "non-star-free"),
    (7, _t7, "0*1*0*1*", "star-free"),
]


def _factory(i, build, desc, group):
    return lambda: Language(f"tomita{i}", build(), paper_group=group,
                            description=f"Tomita {i}: {desc}")


BUILTINS = [(f"tomita{i}", _factory(i, b, d, g), (f"Tomita-{i}", f"tomita_{i}"))
            for i, b, d, g in _DEFS]
