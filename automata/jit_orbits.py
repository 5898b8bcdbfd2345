"""Compiled (numba) spanning trees of the orbit method's strongly connected components, for
:func:`automata.green._tree_maps`.

Inside one SCC of the image (or kernel) orbit, a breadth-first tree from the representative
gives every member a transformation: along the edges (``forward``: the tree word's
transformation, ``T_child = T_parent * a``, or ``a * T_parent`` for the left action) or along
the reversed edges towards the representative (``U_v = a * U_w`` for an edge ``v --a--> w``,
or ``U_w * a``). The members are visited in the order the Python version visits them (queue
order; letters in order; reversed edges grouped by target, each group in member then letter
order), so the trees, the transformations and the words are the same. Compiled through
:func:`automata.jit_core.compile_into` on first use; with ``AUTOMATA_JIT=0`` or without numba
:func:`available` is False.
"""
from __future__ import annotations

import numpy as np

from .jit_core import compiled_once

__all__ = ["available", "least_in_class", "tree_maps"]

_KERNELS = ("_tree_kernel", "_least_in_class")
_STATE: dict = {"loaded": None}
_SCRATCH: dict = {}


def available() -> bool:
    """Whether the compiled trees run (the compiled core is on; compiled on first call)."""
    return compiled_once(_STATE, globals(), _KERNELS)


# ---------------------------------------------------------------------------- kernels
def _least_in_class(labels, first, out):
    """``out[i, q]``: the least state ``p`` with ``labels[i, p] == labels[i, q]`` (labels in
    ``0 .. first.size - 1``; ``first`` is -1 everywhere on entry and exit)."""
    m, n = labels.shape
    for i in range(m):
        for q in range(n):
            lab = labels[i, q]
            if first[lab] < 0:
                first[lab] = q
            out[i, q] = first[lab]
        for q in range(n):
            first[labels[i, q]] = -1


def _tree_kernel(members, pos, edges, gens, forward, left, maps, par, let, order):
    """Fill ``maps`` (one row per member), ``par``/``let`` (tree parent's member index and
    letter; -1 at the representative) and ``order`` (member indices in visiting order);
    returns how many members the tree reached. ``pos``: -1 for every node on entry and exit."""
    m = members.shape[0]
    n = gens.shape[1]
    k = edges.shape[1]
    for i in range(m):
        pos[members[i]] = i
    seen = np.zeros(m, dtype=np.bool_)
    for q in range(n):
        maps[0, q] = q
    par[0] = -1
    let[0] = -1
    seen[0] = True
    order[0] = 0
    count = 1
    if forward:
        head = 0
        while head < count:
            v = order[head]
            head += 1
            for a in range(k):
                w = pos[edges[members[v], a]]
                if w < 0 or seen[w]:
                    continue
                seen[w] = True
                for q in range(n):
                    maps[w, q] = maps[v, gens[a, q]] if left else gens[a, maps[v, q]]
                par[w] = v
                let[w] = a
                order[count] = w
                count += 1
    else:
        start = np.zeros(m + 1, dtype=np.int64)      # reversed edges grouped by target
        for i in range(m):
            for a in range(k):
                t = pos[edges[members[i], a]]
                if t >= 0:
                    start[t + 1] += 1
        for t in range(m):
            start[t + 1] += start[t]
        fill = start[:m].copy()
        src = np.empty(start[m], dtype=np.int64)
        lab = np.empty(start[m], dtype=np.int64)
        for i in range(m):
            for a in range(k):
                t = pos[edges[members[i], a]]
                if t >= 0:
                    src[fill[t]] = i
                    lab[fill[t]] = a
                    fill[t] += 1
        head = 0
        while head < count:
            w = order[head]
            head += 1
            for e in range(start[w], start[w + 1]):
                v = src[e]
                if seen[v]:
                    continue
                seen[v] = True
                a = lab[e]
                for q in range(n):
                    maps[v, q] = gens[a, maps[w, q]] if left else maps[w, gens[a, q]]
                par[v] = w
                let[v] = a
                order[count] = v
                count += 1
    for i in range(m):
        pos[members[i]] = -1
    return count


# ---------------------------------------------------------------------------- wrapper
def least_in_class(labels: np.ndarray) -> np.ndarray | None:
    """:func:`automata.green._canonical_kernels` compiled: each state to the least state of
    its class, for labels in ``0 .. 4n``; None for other labels (the caller's numpy path)."""
    m, n = labels.shape
    if m == 0 or n == 0:
        return None
    lo, hi = int(labels.min()), int(labels.max())
    if lo < 0 or hi > 4 * n:
        return None
    out = np.empty((m, n), dtype=np.int64)
    _least_in_class(np.ascontiguousarray(labels, dtype=np.int64),
                    np.full(hi + 1, -1, dtype=np.int64), out)
    return out


def tree_maps(members: np.ndarray, n_nodes: int, edges: np.ndarray, gens: np.ndarray,
              forward: bool, left: bool, pos: np.ndarray | None = None):
    """``(maps, words)`` as :func:`automata.green._tree_maps` returns them (dicts keyed by
    node, in visiting order; each map a row of one array). ``pos``: optional scratch of
    ``n_nodes`` entries, all -1 (left so on return)."""
    members = np.ascontiguousarray(members, dtype=np.int64)
    m, n = members.shape[0], gens.shape[1]
    if pos is None:                  # one scratch for all calls (the kernel leaves it all -1)
        pos = _SCRATCH.get("pos")
        if pos is None or pos.shape[0] < n_nodes:
            pos = _SCRATCH["pos"] = np.full(max(n_nodes, 1024), -1, dtype=np.int64)
    maps = np.empty((m, n), dtype=np.int64)
    par = np.empty(m, dtype=np.int64)
    let = np.empty(m, dtype=np.int64)
    order = np.empty(m, dtype=np.int64)
    count = _tree_kernel(members, pos, np.ascontiguousarray(edges, dtype=np.int64),
                         np.ascontiguousarray(gens, dtype=np.int64), bool(forward), bool(left),
                         maps, par, let, order)
    ids = members.tolist()
    out_maps: dict = {}
    out_words: dict = {}
    words: list = [None] * m
    for i in order[:count].tolist():
        p = int(par[i])
        if p < 0:
            words[i] = []
        elif forward:
            words[i] = words[p] + [int(let[i])]
        else:
            words[i] = [int(let[i])] + words[p]
        out_maps[ids[i]] = maps[i]
        out_words[ids[i]] = words[i]
    return out_maps, out_words
