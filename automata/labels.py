"""Per-prefix labels for training and probing (the paper's "character prediction" targets).

For a word ``w`` of length ``T`` and every input position ``t = 0..T-1`` — i.e. **after
consuming token t**, the prefix ``w[:t+1]`` — :func:`prefix_labels` gives

- ``states[t]``: the minimal-DFA state (regular) or the configuration tuple
  ``(control_state, *counters)`` (counter languages) reached on ``w[:t+1]``;
- ``membership[t]``: whether ``w[:t+1]`` is in the language;
- ``next_allowed[t, s]`` for ``s < |alphabet|``: whether ``w[:t+1] + alphabet[s]`` is still a
  prefix of some member (its state is live / co-reachable); column ``|alphabet|`` is
  end-of-string, allowed iff ``w[:t+1]`` is a member.

The empty prefix is not labelled (no model output precedes the first token).

>>> from automata.languages import get_language
>>> lab = prefix_labels(get_language("dyck1"), "(()")
>>> lab.membership.tolist()
[False, False, False]
>>> lab.next_allowed.astype(int).tolist()      # columns: '(' ')' EOS
[[1, 1, 0], [1, 1, 0], [1, 1, 0]]
>>> prefix_labels(get_language("dyck1"), "()").next_allowed[-1].astype(int).tolist()
[1, 0, 1]
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .dfa import Word
from .languages.resolve import resolve_language

__all__ = ["PrefixLabels", "prefix_labels", "prefix_labels_batch", "MachineLabeler"]


@dataclass(frozen=True, eq=False)
class PrefixLabels:
    """Labels of every non-empty prefix of one word.

    Attributes
    ----------
    states : list, length T
        Minimal-DFA state ids (int) or configuration tuples after each token.
    membership : bool ndarray, shape (T,)
    next_allowed : bool ndarray, shape (T, n_symbols + 1)
        Last column: end of string.
    alphabet : tuple of str
    """

    states: list
    membership: np.ndarray
    next_allowed: np.ndarray
    alphabet: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.states)

    def to_dict(self) -> dict[str, Any]:
        return {
            "states": ([list(s) for s in self.states] if self.states and isinstance(self.states[0], tuple)
                       else [int(s) for s in self.states]),
            "membership": [bool(x) for x in self.membership],
            "next_allowed": self.next_allowed.astype(int).tolist(),
        }


def _regular_tables(dfa):
    """(live successor table (n, k) bool, accepting mask (n,)) for a DFA."""
    live = dfa.coreachable_mask()
    return live[dfa.delta], dfa.accepting_mask


def prefix_labels(language, word: Word) -> PrefixLabels:
    """Labels of every non-empty prefix of ``word`` (see the module docstring).

    Parameters
    ----------
    language : Language or str
        A registered name or a :class:`~automata.languages.Language`.
    word : str or sequence of str
        Symbols outside the alphabet raise :class:`~automata.errors.UnknownSymbolError`.
    """
    lang = resolve_language(language)
    enc = lang.encode(word)
    k = len(lang.alphabet)
    T = len(enc)
    dfa = lang.dfa
    if dfa is not None:
        nxt_live, acc = _regular_tables(dfa)
        tr = np.asarray(dfa.trace(enc_to_word(enc, lang.alphabet)), dtype=np.int64)[1:]
        allowed = np.zeros((T, k + 1), dtype=bool)
        allowed[:, :k] = nxt_live[tr]
        allowed[:, k] = acc[tr]
        return PrefixLabels([int(q) for q in tr], acc[tr].copy(), allowed, lang.alphabet)
    key = id(lang.automaton)
    hit = _LABELERS.get(key)
    if hit is None or hit.machine is not lang.automaton:
        if len(_LABELERS) >= 16:
            _LABELERS.clear()
        hit = _LABELERS[key] = MachineLabeler(lang)
    return hit.labels(enc)


_LABELERS: dict[int, "MachineLabeler"] = {}


class MachineLabeler:
    """Labels for a counter/stack machine, memoizing steps and per-configuration label rows
    (configurations repeat a lot across the strings of a dataset)."""

    def __init__(self, language):
        self.language = language
        self.machine = language.automaton
        self.k = len(language.alphabet)
        self._step: dict = {}
        self._row: dict = {}

    def labels(self, enc: np.ndarray) -> PrefixLabels:
        """Labels of the encoded word ``enc`` (int array (T,))."""
        m, k = self.machine, self.k
        T = len(enc)
        configs = []
        rows = np.zeros((T, k + 1), dtype=bool)
        c = m.initial_config
        step, rowc = self._step, self._row
        for t, a in enumerate(enc):
            key = (c, int(a))
            d = step.get(key)
            if d is None:
                d = step[key] = m.step(c, int(a))
            c = d
            configs.append(c)
            r = rowc.get(c)
            if r is None:
                r = np.zeros(k + 1, dtype=bool)
                r[k] = m.is_accepting(c)
                for s in range(k):
                    r[s] = m.is_live(m.step(c, s))
                rowc[c] = r
            rows[t] = r
        return PrefixLabels(configs, rows[:, k].copy(), rows, self.language.alphabet)


def enc_to_word(enc: np.ndarray, alphabet: tuple[str, ...]) -> list[str]:
    return [alphabet[int(i)] for i in enc]


def prefix_labels_batch(language, words: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorized labels for equal-length encoded words of a regular language.

    Parameters
    ----------
    words : int ndarray, shape (N, T)
        Symbol indices.

    Returns
    -------
    states : int ndarray (N, T)
    membership : bool ndarray (N, T)
    next_allowed : bool ndarray (N, T, k + 1)
    """
    lang = resolve_language(language)
    dfa = lang.dfa
    if dfa is None:
        raise TypeError("prefix_labels_batch needs a regular language; use prefix_labels")
    words = np.asarray(words, dtype=np.int64)
    N, T = words.shape
    nxt_live, acc = _regular_tables(dfa)
    states = np.empty((N, T), dtype=np.int64)
    q = np.full(N, dfa.initial, dtype=np.int64)
    for t in range(T):
        q = dfa.delta[q, words[:, t]]
        states[:, t] = q
    allowed = np.concatenate([nxt_live[states], acc[states][..., None]], axis=-1)
    return states, acc[states], allowed
