"""Brute-force oracles for the algebra tests: plain BFS enumeration and Green's relations from
the Cayley graphs (networkx SCCs). Deliberately simple and independent of automata.monoid."""
from __future__ import annotations

import networkx as nx
import numpy as np


def brute_monoid(gens: np.ndarray) -> np.ndarray:
    """All transformations of words (identity included), shape (size, n)."""
    n = gens.shape[1]
    seen = {tuple(range(n)): 0}
    els = [np.arange(n)]
    i = 0
    while i < len(els):
        for a in gens:
            y = tuple(int(v) for v in a[els[i]])
            if y not in seen:
                seen[y] = len(els)
                els.append(np.array(y))
        i += 1
    return np.array(els)


def brute_green(gens: np.ndarray):
    """(monoid size, #D-classes, #idempotents, aperiodic, sorted maximal subgroup orders with
    one entry per regular D-class)."""
    E = brute_monoid(gens)
    idx = {tuple(x): i for i, x in enumerate(E)}
    right, left = nx.DiGraph(), nx.DiGraph()
    right.add_nodes_from(range(len(E)))
    left.add_nodes_from(range(len(E)))
    for i, x in enumerate(E):
        for a in gens:
            right.add_edge(i, idx[tuple(a[x])])      # x * a
            left.add_edge(i, idx[tuple(x[a])])       # a * x
    both = nx.compose(right, left)
    d_of = {v: k for k, c in enumerate(nx.strongly_connected_components(both)) for v in c}
    n_d = len(set(d_of.values()))
    r_of = {v: k for k, c in enumerate(nx.strongly_connected_components(right)) for v in c}
    l_of = {v: k for k, c in enumerate(nx.strongly_connected_components(left)) for v in c}
    h_sizes: dict[tuple, int] = {}
    for v in range(len(E)):
        key = (r_of[v], l_of[v])
        h_sizes[key] = h_sizes.get(key, 0) + 1
    idem = [i for i, x in enumerate(E) if (x[x] == x).all()]
    aperiodic = all(s == 1 for s in h_sizes.values())
    per_d = {d_of[i]: h_sizes[(r_of[i], l_of[i])] for i in idem}
    group_orders = sorted(per_d.values())
    return len(E), n_d, len(idem), aperiodic, group_orders


def full_transformation_gens(n: int) -> np.ndarray:
    """Letters generating T_n: the n-cycle, the transposition (0 1), the map 0 -> 1."""
    if n == 1:
        return np.zeros((3, 1), dtype=np.int64)
    c = [(i + 1) % n for i in range(n)]
    t = [1, 0] + list(range(2, n))
    e = [1] + list(range(1, n))
    return np.array([c, t, e])
