"""Seeded random DFAs for tests, property-based strategies and benchmarks.

>>> d = random_dfa(5, "ab", seed=0)
>>> d.n_states, d.alphabet
(5, ('a', 'b'))
>>> d.same_structure(random_dfa(5, "ab", seed=0))
True
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .budgets import check
from .dfa import DFA
from .errors import InvalidAutomatonError

__all__ = ["random_dfa"]


def random_dfa(
    n_states: int,
    alphabet: Sequence[str] | str,
    seed: int,
    accept_prob: float = 0.5,
) -> DFA:
    """A DFA with uniformly random transitions and independently random accepting states.

    State 0 is initial; not every state need be reachable. With ``n_states`` large and a
    few symbols the minimal DFA stays large (random DFAs are almost surely nearly minimal);
    use a small ``accept_prob`` or tiny alphabets to get ones that collapse.

    Parameters
    ----------
    n_states : int
        Number of states, at least 1.
    alphabet : str or sequence of str
        A string is split into one-character symbols.
    seed : int
        Seed for ``numpy.random.default_rng``; the global RNG is never touched.
    accept_prob : float
        Probability that each state is accepting, in ``[0, 1]``.

    Returns
    -------
    DFA
        ``delta`` has shape ``(n_states, len(alphabet))``.

    >>> d = random_dfa(5, "ab", seed=0)
    >>> d.delta.shape, d == random_dfa(5, "ab", seed=0)
    ((5, 2), True)
    """
    if isinstance(n_states, bool) or not isinstance(n_states, (int, np.integer)) or n_states < 1:
        raise InvalidAutomatonError(f"n_states must be an int >= 1, got {n_states!r}")
    check(int(n_states), "max_dfa_states", "random_dfa")
    if not 0.0 <= float(accept_prob) <= 1.0:
        raise InvalidAutomatonError(f"accept_prob must lie in [0, 1], got {accept_prob}")
    symbols = tuple(alphabet)
    rng = np.random.default_rng(seed)
    n = int(n_states)
    delta = rng.integers(0, n, size=(n, len(symbols)))
    accepting = np.flatnonzero(rng.random(n) < accept_prob)
    return DFA(symbols, delta, 0, accepting.tolist())
