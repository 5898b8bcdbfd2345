"""Breadth-first numbering of transition tables (numpy), shared by :mod:`automata.dfa` and
:mod:`automata.minimize`.

>>> import numpy as np
>>> bfs_order(np.array([[2, 0], [1, 1], [2, 1]]), 0).tolist()     # state 1 via 2
[0, 2, 1]
>>> concat_ranges(np.array([0, 5]), np.array([2, 7])).tolist()
[0, 1, 5, 6]
"""
from __future__ import annotations

import numpy as np

__all__ = ["bfs_order", "concat_ranges"]


def concat_ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(s, e)`` over the pairs, shape ``(sum(ends - starts),)``."""
    lengths = np.asarray(ends, dtype=np.int64) - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(lengths) - lengths
    return np.arange(total, dtype=np.int64) + np.repeat(starts - offsets, lengths)


def bfs_order(delta: np.ndarray, initial: int) -> np.ndarray:
    """States reachable from ``initial`` in breadth-first order, successors in symbol order.

    Level-synchronous: a large frontier is expanded with numpy, a small one in Python (so deep,
    chain-like automata do not pay numpy's per-call overhead on every level).

    Parameters
    ----------
    delta : int array, shape (n_states, n_symbols)
    initial : int

    Returns
    -------
    order : int array, shape (n_reachable,)
        ``order[i]`` is the state numbered ``i``; ``order[0] == initial``.
    """
    delta = np.asarray(delta)
    n = delta.shape[0]
    seen = np.zeros(n, dtype=bool)
    seen[initial] = True
    levels = [np.array([initial], dtype=np.int64)]
    frontier = levels[0]
    rows = None
    small_levels = 0
    while frontier.size:
        if frontier.size <= 16:
            small_levels += 1
            if rows is None and small_levels > 64:      # a deep automaton: go all-Python
                rows = delta.tolist()
            nxt = []
            if rows is None:
                frontier_rows = delta[frontier].tolist()
            else:
                frontier_rows = [rows[q] for q in frontier.tolist()]
            for row in frontier_rows:
                for t in row:
                    if not seen[t]:
                        seen[t] = True
                        nxt.append(t)
            frontier = np.array(nxt, dtype=np.int64)
        else:
            succ = delta[frontier].ravel()
            succ = succ[~seen[succ]]
            _, first = np.unique(succ, return_index=True)
            frontier = succ[np.sort(first)].astype(np.int64)
            seen[frontier] = True
        levels.append(frontier)
    return np.concatenate(levels)
