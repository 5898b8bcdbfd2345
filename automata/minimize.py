"""DFA minimization (placeholder: vectorized Moore refinement; to be replaced by Hopcroft)."""
from __future__ import annotations

import numpy as np

from .dfa import DFA


def minimize(dfa: DFA) -> DFA:
    """Minimal complete DFA of the same language, states numbered in BFS order."""
    d = dfa.relabel_bfs()
    cls = d.accepting_mask.astype(np.int64)
    n_cls = len(np.unique(cls))
    while True:
        sig = np.column_stack([cls, cls[d.delta]])
        _, new = np.unique(sig, axis=0, return_inverse=True)
        new = new.ravel()
        n_new = int(new.max()) + 1
        cls = new
        if n_new == n_cls:
            break
        n_cls = n_new
    table = np.zeros((n_cls, d.n_symbols), dtype=np.int64)
    table[cls] = cls[d.delta]
    acc = np.unique(cls[d.accepting_mask])
    return DFA(d.alphabet, table, int(cls[d.initial]), acc.tolist()).relabel_bfs()
