"""Hypothesis strategies for random small automata and brute-force oracles, shared by tests.

``dfas``/``dfa_pairs``/``words`` draw random inputs; ``all_words``, ``accepted_words`` and
``myhill_nerode_count`` answer questions by enumerating words, independently of the algorithms
under test.

Usage::

    from tests.automata.strategies import dfas, words

    @given(dfas(max_states=5, alphabet="ab"))
    def test_something(d): ...
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from hypothesis import strategies as st

from automata.dfa import DFA

__all__ = ["dfas", "words", "dfa_pairs"]


@st.composite
def dfas(draw, max_states: int = 6, alphabet: Sequence[str] | str = "ab", min_states: int = 1,
         initial_zero: bool = False) -> DFA:
    """A random complete DFA with ``min_states..max_states`` states over ``alphabet``.

    Transitions, the initial state (state 0 when ``initial_zero``) and the accepting set are all
    drawn; unreachable states are allowed (minimization must drop them).
    """
    symbols = tuple(alphabet)
    n = draw(st.integers(min_states, max_states))
    flat = draw(st.lists(st.integers(0, n - 1), min_size=n * len(symbols),
                         max_size=n * len(symbols)))
    delta = np.array(flat, dtype=np.int64).reshape(n, len(symbols))
    initial = 0 if initial_zero else draw(st.integers(0, n - 1))
    accepting = draw(st.sets(st.integers(0, n - 1), max_size=n))
    return DFA(symbols, delta, initial, accepting)


def dfa_pairs(max_states: int = 5, alphabet: Sequence[str] | str = "ab"):
    """Two independent random DFAs over the same alphabet."""
    return st.tuples(dfas(max_states, alphabet), dfas(max_states, alphabet))


def words(alphabet: Sequence[str] | str = "ab", max_size: int = 12):
    """Random words (as ``str`` when every symbol is one character, else lists of symbols)."""
    symbols = tuple(alphabet)
    base = st.lists(st.sampled_from(symbols), max_size=max_size)
    if all(len(s) == 1 for s in symbols):
        return base.map("".join)
    return base


# ------------------------------------------------------------ brute-force oracles
def all_words(alphabet: Sequence[str] | str, max_len: int) -> list[str]:
    """Every word over one-character ``alphabet`` of length ``0..max_len``, shortest first."""
    out = [""]
    layer = [""]
    for _ in range(max_len):
        layer = [w + s for w in layer for s in alphabet]
        out.extend(layer)
    return out


def accepted_words(dfa: DFA, max_len: int) -> frozenset[str]:
    """The words of length at most ``max_len`` that ``dfa.accepts`` (one call per word)."""
    return frozenset(w for w in all_words(dfa.alphabet, max_len) if dfa.accepts(w))


def myhill_nerode_count(accepts, alphabet: Sequence[str] | str, prefix_len: int,
                        suffix_len: int) -> int:
    """Distinct rows of the table ``[u v in L]`` (|u| <= prefix_len, |v| <= suffix_len).

    With ``accepts`` a DFA of ``n`` states and ``prefix_len >= n - 1``, ``suffix_len >= n``, this
    is exactly the number of states of the minimal complete DFA (Myhill-Nerode), computed from
    membership queries alone.
    """
    suffixes = all_words(alphabet, suffix_len)
    rows = {tuple(accepts(u + v) for v in suffixes) for u in all_words(alphabet, prefix_len)}
    return len(rows)
