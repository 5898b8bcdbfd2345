"""The counter languages of Bhattamishra et al. 2020's suite, as counter automata.

- ``dyck1``: balanced brackets ``( )``.
- ``shuffle<k>``: the shuffle (interleaving) of ``k`` Dyck-1 languages over the bracket pairs
  ``()``, ``[]``, ``{}``, ``<>``, ``+-``, ``ab`` (the first ``k`` of them; that is the pair order of
  the authors' targets). One counter per pair.
- ``boolean3`` / ``boolean5``: Boolean expressions in prefix (Polish) notation over the operands
  ``0``, ``1`` with the operators ``~`` (arity 1), ``+`` (2), ``>`` (3), and for Boolean-5 also
  ``*`` (4) and ``^`` (5). This is the grammar the authors' data follow: their "expression
  complete" target is exactly "the number of operands still needed is 0" under these arities
  (checked by ``tests/automata/test_reference_suite.py``). One counter: operands still needed,
  starting at 1.
- ``anbn``, ``anbncn``, ``anbncndn``: ``a^n b^n (c^n (d^n))`` with ``n >= 0``.

Every automaton here is trim (each configuration other than the dead one can be completed),
which the tests verify with :meth:`~automata.counter.CounterAutomaton.check_trim`.

>>> from automata.languages import get_language
>>> get_language("shuffle2").accepts("([)]"), get_language("boolean3").accepts("+~>1001")
(True, True)
>>> get_language("anbncn").trace("aabbc")[-1]      # (control state, #a-#b, #a-#c)
(2, 0, 1)
"""
from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache
from math import comb

import numpy as np

from ..counter import CounterAutomaton
from ..errors import EmptyLengthError
from .base import Language

BRACKET_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"), ("<", ">"), ("+", "-"), ("a", "b"))


def dyck1_automaton() -> CounterAutomaton:
    return CounterAutomaton("()", ["q"], "q", 1,
                            [("q", "(", "*", "q", (1,)), ("q", ")", "+", "q", (-1,))],
                            accepting={"q": "0"})


def shuffle_automaton(k: int) -> CounterAutomaton:
    pairs = BRACKET_PAIRS[:k]
    alphabet = [s for p in pairs for s in p]
    rules = []
    for i, (o, c) in enumerate(pairs):
        e = tuple(1 if j == i else 0 for j in range(k))
        rules.append(("q", o, "*" * k, "q", e))
        rules.append(("q", c, "*" * i + "+" + "*" * (k - i - 1), "q", tuple(-x for x in e)))
    return CounterAutomaton(alphabet, ["q"], "q", k, rules, accepting={"q": "0" * k})


BOOLEAN_OPERATORS = {"~": 1, "+": 2, ">": 3, "*": 4, "^": 5}


def boolean_automaton(n_ops: int) -> CounterAutomaton:
    ops = list(BOOLEAN_OPERATORS.items())[:n_ops]
    alphabet = [o for o, _ in ops] + ["0", "1"]
    rules = [("q", o, "+", "q", (arity - 1,)) for o, arity in ops]
    rules += [("q", v, "+", "q", (-1,)) for v in "01"]
    return CounterAutomaton(alphabet, ["q"], "q", 1, rules, accepting={"q": "0"},
                            initial_counters=(1,))


def anbn_automaton(n_letters: int) -> CounterAutomaton:
    """``a^n b^n ...`` over the first ``n_letters`` letters (2, 3 or 4).

    Control state ``i`` = inside the block of letter ``i``; counter ``j`` (0-based) = number of
    letters ``j + 1`` still owed (#a - #letter_{j+1}). A letter may start the next block only
    when the previous block is complete.
    """
    letters = "abcd"[:n_letters]
    k = n_letters - 1
    rules = [(letters[0], letters[0], "*" * k, letters[0], (1,) * k)]
    for i in range(1, n_letters):
        tests = "0" * (i - 1) + "+" + "*" * (k - i)
        dec = tuple(-1 if j == i - 1 else 0 for j in range(k))
        for src in (letters[i - 1], letters[i]):
            rules.append((src, letters[i], tests, letters[i], dec))
    accepting = {letters[0]: "0" * k, letters[-1]: "0" * k}
    return CounterAutomaton(letters, list(letters), letters[0], k, rules, accepting=accepting)


# ---------------------------------------------------------------- shuffle counting / sampling
def randbelow(rng: np.random.Generator, n: int) -> int:
    """An exactly uniform integer in ``[0, n)`` for an arbitrarily large Python int ``n``
    (rejection sampling on random 32-bit words).

    >>> rng = np.random.default_rng(0)
    >>> all(0 <= randbelow(rng, 10**40) < 10**40 for _ in range(5))
    True
    """
    if n <= 0:
        raise ValueError("randbelow needs n > 0")
    if n <= 2**62:
        return int(rng.integers(0, n))
    bits = (n - 1).bit_length()
    n_bytes = (bits + 7) // 8
    while True:
        x = int.from_bytes(rng.bytes(n_bytes), "little") >> (8 * n_bytes - bits)
        if x < n:
            return x


def ballot(c: int, m: int) -> int:
    """Walks of ``m`` steps of +-1 from height ``c`` to 0 that never go below 0.

    >>> [ballot(0, m) for m in range(0, 9, 2)]      # Catalan numbers
    [1, 1, 2, 5, 14]
    """
    if c < 0 or m < c or (m - c) % 2:
        return 0
    up = (m - c) // 2
    return comb(m, up) - comb(m, up - 1) if up >= 1 else 1


@lru_cache(maxsize=1024)
def _shuffle_tables(k: int, n: int) -> list[list[int]]:
    """``W[j][m]``: shuffles of ``j`` Dyck-1 words of total length ``m`` (exact ints)."""
    W = [[1] + [0] * n]
    for _ in range(k):
        prev = W[-1]
        W.append([sum(comb(m, a) * ballot(0, a) * prev[m - a] for a in range(0, m + 1, 2))
                  for m in range(n + 1)])
    return W


def shuffle_count(k: int, length: int) -> int:
    """Number of members of length ``length`` of Shuffle-k.

    >>> shuffle_count(2, 4)     # 2 Dyck words of length 4 per type, plus 6 interleavings of (),[]
    10
    """
    if length < 0:
        return 0
    return _shuffle_tables(k, length)[k][length]


_UP: list[np.ndarray] = []


def _up_prob(n: int) -> np.ndarray:
    """``P[c, r]`` (c, r <= n): probability that a uniform Dyck path at height c with r steps
    left goes up, ``ballot(c+1, r-1) / ballot(c, r)`` (independent of the total length)."""
    if _UP and _UP[0].shape[1] > n:
        return _UP[0]
    size = max(n, 160)
    B = [[ballot(c, r) for r in range(size + 1)] for c in range(size + 2)]
    P = np.zeros((size + 2, size + 1))
    for r in range(1, size + 1):
        for c in range(0, r + 1):
            if B[c][r]:
                P[c, r] = B[c + 1][r - 1] / B[c][r]
    _UP[:] = [P]
    return P


@lru_cache(maxsize=1024)
def _size_tables(k: int, n: int) -> list[list[list[int]]]:
    """``T[j][m]``: cumulative weights over even a = 0, 2, ... of giving ``a`` symbols to pair
    ``j`` (of the first ``j``) when ``m`` symbols remain: binom(m, a) Cat(a/2) W[j-1][m-a]."""
    W = _shuffle_tables(k, n)
    T = [[[] for _ in range(n + 1)]]
    for j in range(1, k + 1):
        rows = []
        for m in range(n + 1):
            acc, cum = 0, []
            for a in range(0, m + 1, 2):
                acc += comb(m, a) * ballot(0, a) * W[j - 1][m - a]
                cum.append(acc)
            rows.append(cum)
        T.append(rows)
    return T


def shuffle_sampler(k: int):
    """Exact uniform sampler of Shuffle-k members: sample the block sizes (n_1..n_k) with weight
    multinomial x product of Catalan numbers (exact integers), a uniform interleaving, and a
    uniform Dyck word per pair (ballot-number ratios, float64)."""

    def sample(length: int, n: int, rng: np.random.Generator) -> np.ndarray:
        if shuffle_count(k, length) == 0:
            raise EmptyLengthError(f"shuffle{k} has no member of length {length}")
        T = _size_tables(k, length)
        Pl = _up_prob(length).tolist()
        out = np.zeros((n, length), dtype=np.int64)
        for row in range(n):
            m = length
            sizes = [0] * k
            for j in range(k, 0, -1):
                cum = T[j][m]
                r = randbelow(rng, cum[-1])
                a = 2 * bisect_right(cum, r)
                sizes[j - 1] = a
                m -= a
            labels = rng.permutation(np.repeat(np.arange(k), sizes)).tolist()
            u = rng.random(length).tolist()
            c = [0] * k
            left = list(sizes)
            sym = [0] * length
            for t in range(length):
                i = labels[t]
                if u[t] < Pl[c[i]][left[i]]:
                    sym[t] = 2 * i
                    c[i] += 1
                else:
                    sym[t] = 2 * i + 1
                    c[i] -= 1
                left[i] -= 1
            out[row] = sym
        return out

    return sample


BUILTINS = [
    ("dyck1", lambda: Language("dyck1", dyck1_automaton(), paper_group="counter",
                               description="Dyck-1: balanced brackets ( )"), ("Dyck1",)),
    *[(f"shuffle{k}", (lambda k=k: Language(
        f"shuffle{k}", shuffle_automaton(k), paper_group="counter",
        description=f"Shuffle-{k}: interleavings of {k} Dyck-1 languages over "
                    + " ".join(o + c for o, c in BRACKET_PAIRS[:k]),
        member_count=lambda n, k=k: shuffle_count(k, n),
        member_sampler=shuffle_sampler(k))), (f"Shuffle{k}",)) for k in (2, 4, 6)],
    *[(f"boolean{n}", (lambda n=n: Language(
        f"boolean{n}", boolean_automaton(n), paper_group="counter",
        description=f"Boolean-{n}: Polish-notation Boolean expressions over 0/1 with operators "
                    + ", ".join(f"{o} (arity {a})" for o, a in list(BOOLEAN_OPERATORS.items())[:n]))),
       (f"Boolean{n}",)) for n in (3, 5)],
    ("anbn", lambda: Language("anbn", anbn_automaton(2), paper_group="counter",
                              description="a^n b^n, n >= 0"), ()),
    ("anbncn", lambda: Language("anbncn", anbn_automaton(3), paper_group="counter",
                                description="a^n b^n c^n, n >= 0"), ()),
    ("anbncndn", lambda: Language("anbncndn", anbn_automaton(4), paper_group="counter",
                                  description="a^n b^n c^n d^n, n >= 0"), ()),
]
