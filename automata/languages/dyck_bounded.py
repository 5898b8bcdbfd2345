"""Bounded-depth Dyck languages Dyck(K, h) (Hewitt et al. 2020; Yao et al. 2021).

``dyck_K_h``: well-nested strings over ``K`` bracket types whose nesting depth never exceeds
``h``. The language is regular, but its minimal DFA has ``sum_{d<=h} K^d`` live states (over a
billion for Dyck(8, 10)), so it is given by a stack machine (:class:`BoundedDyckMachine`,
``kind == "counter"``, ``is_regular == True``) with exact ``accepts``/``trace``/labels and its own
exact sampler. When the DFA has at most :data:`EXPLICIT_DFA_MAX_STATES` states (e.g.
``dyck_2_3``), the language carries the explicit minimal DFA instead (``kind == "regular"``).

Brackets: the first four types are ``() [] {} <>``, further types are letter pairs ``aA``,
``bB``, ... The alphabet lists all opening brackets, then all closing ones.

A configuration is ``(control, depth, s_1, ..., s_h)``: control 0 (alive) or 1 (dead), the
depth, and the stack, ``s_i`` = 1 + type of the open bracket at depth ``i`` (0 above the depth).
That is the paper's two-layer construction laid out: a depth counter and one slot per depth.

>>> from automata.languages import get_language
>>> big = get_language("dyck_8_10")
>>> big.kind, big.is_regular, len(big.alphabet)
('counter', True, 16)
>>> big.accepts("([]{<>})"), big.accepts("([)]")
(True, False)
>>> get_language("dyck_2_3").kind
'regular'
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..budgets import family_parameter
from ..dfa import SymbolEncoding
from ..errors import EmptyLengthError, UnknownLanguageError
from .base import Language, dfa_from_function

EXPLICIT_DFA_MAX_STATES = 5000
_PAIRS = ["()", "[]", "{}", "<>"] + [c + c.upper() for c in "abcdefghijklmnopqrstuvwxyz"]


def bracket_pairs(K: int) -> list[tuple[str, str]]:
    return [(p[0], p[1]) for p in _PAIRS[:K]]


class BoundedDyckMachine(SymbolEncoding):
    """Stack machine for Dyck(K, h); configurations as in the module docstring."""

    def __init__(self, K: int, h: int):
        pairs = bracket_pairs(K)
        self.K, self.h = K, h
        self.alphabet = tuple(o for o, _ in pairs) + tuple(c for _, c in pairs)
        self._sym = {s: i for i, s in enumerate(self.alphabet)}
        self.dead = (1, 0) + (0,) * h
        self.n_counters = 1 + h

    @property
    def initial_config(self):
        return (0, 0) + (0,) * self.h

    def step(self, config, a: int):
        if config[0] == 1:
            return self.dead
        d = config[1]
        stack = list(config[2:])
        a = int(a)
        if a < self.K:  # open
            if d == self.h:
                return self.dead
            stack[d] = a + 1
            return (0, d + 1, *stack)
        if d == 0 or stack[d - 1] != a - self.K + 1:
            return self.dead
        stack[d - 1] = 0
        return (0, d - 1, *stack)

    def is_accepting(self, config) -> bool:
        return config[0] == 0 and config[1] == 0

    def is_live(self, config) -> bool:
        return config[0] == 0


    def __repr__(self) -> str:
        return f"BoundedDyckMachine(K={self.K}, h={self.h})"


@lru_cache(maxsize=32)
def _completions(K: int, h: int, n: int) -> list[list[int]]:
    """``C[m][d]``: completions of ``m`` symbols from depth ``d`` (exact ints)."""
    C = [[1 if d == 0 else 0 for d in range(h + 1)]]
    for _ in range(n):
        prev = C[-1]
        C.append([(K * prev[d + 1] if d < h else 0) + (prev[d - 1] if d > 0 else 0)
                  for d in range(h + 1)])
    return C


def dyck_count(K: int, h: int, length: int) -> int:
    """Members of Dyck(K, h) of a given length.

    >>> [dyck_count(1, 10, n) for n in (0, 2, 4, 6)], dyck_count(2, 1, 4)
    ([1, 1, 2, 5], 4)
    """
    return _completions(K, h, length)[length][0] if length >= 0 else 0


def dyck_sampler(K: int, h: int):
    """Exactly uniform sampler (count ratios as float64), vectorized over strings."""

    def sample(length: int, n: int, rng: np.random.Generator) -> np.ndarray:
        C = _completions(K, h, length)
        if C[length][0] == 0:
            raise EmptyLengthError(f"dyck_{K}_{h} has no member of length {length}")
        # p_open[m, d]: probability of opening at depth d with m symbols left
        p_open = np.zeros((length + 1, h + 1))
        for m in range(1, length + 1):
            for d in range(h + 1):
                if C[m][d] and d < h:
                    p_open[m, d] = K * C[m - 1][d + 1] / C[m][d]
        out = np.zeros((n, length), dtype=np.int64)
        depth = np.zeros(n, dtype=np.int64)
        stack = np.zeros((n, h + 1), dtype=np.int64)
        rows = np.arange(n)
        for t in range(length):
            m = length - t
            opens = rng.random(n) < p_open[m, depth]
            typ = rng.integers(0, K, size=n)
            top = stack[rows, np.maximum(depth - 1, 0)]
            out[:, t] = np.where(opens, typ, K + top)
            stack[rows[opens], depth[opens]] = typ[opens]
            depth = depth + np.where(opens, 1, -1)
        return out

    return sample


def dyck_dfa(K: int, h: int):
    pairs = bracket_pairs(K)
    opens = {o: i for i, (o, _) in enumerate(pairs)}
    closes = {c: i for i, (_, c) in enumerate(pairs)}

    def step(stack, s):
        if s in opens:
            return stack + (opens[s],) if len(stack) < h else None
        return stack[:-1] if stack and stack[-1] == closes[s] else None

    alphabet = [o for o, _ in pairs] + [c for _, c in pairs]
    return dfa_from_function(alphabet, (), step, lambda q: q == ())


def dyck_language(K: int, h: int) -> Language:
    if not (1 <= K <= len(_PAIRS)) or h < 1:
        raise UnknownLanguageError(f"dyck_K_h needs 1 <= K <= {len(_PAIRS)} and h >= 1")
    name = f"dyck_{K}_{h}"
    desc = f"Dyck({K},{h}): {K} bracket type(s), nesting depth at most {h}"
    n_states = sum(K ** d for d in range(h + 1))
    if n_states <= EXPLICIT_DFA_MAX_STATES:
        return Language(name, dyck_dfa(K, h), description=desc, task="dyck")
    return Language(name, BoundedDyckMachine(K, h), description=desc, is_regular=True, task="dyck",
                    member_count=lambda n: dyck_count(K, h, n), member_sampler=dyck_sampler(K, h))


BUILTINS = [(f"dyck_{K}_{h}", (lambda K=K, h=h: dyck_language(K, h)), ())
            for K, h in ((2, 3), (2, 4), (8, 10))]

def _dyck_pattern(m):
    K = family_parameter(m.group(1), "dyck_K_h (K)", 1)
    return dyck_language(K, family_parameter(m.group(2), "dyck_K_h (h)", 1))


PATTERNS = [(r"dyck_(\d+)_(\d+)", _dyck_pattern)]
