"""Compiled (numba) orbits and spanning trees of the orbit method, for
:func:`automata.green.image_orbit`, :func:`automata.green.kernel_orbit` and
:func:`automata.green._tree_maps`.

The image orbit (subsets of states under the letters acting on the right) and the kernel orbit
(partitions, in least-state form, under the letters acting on the left) are found breadth
first, one level at a time, letter by letter within a level, and each level's members in
order: the order of the Python loops, so the rows, their numbering, the edges and the BFS
parents are the same. Rows are found again through an open-addressing hash table of row
indices (FNV-1a over the row's entries).

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

__all__ = ["available", "least_in_class", "tree_maps", "tree_rows", "orbit",
           "permutation_group_order", "class_counts"]

_KERNELS = ("_tree_kernel", "_least_in_class", "_row_hash", "_orbit_kernel", "_orbit_rehash",
            "_find_row", "_group_closure", "_distinct_rows", "_class_counts", "_enter_row")
_DONE, _GROW, _BUDGET, _PAUSE = 0, 1, 2, 3
#: row entries computed between two returns to Python (for the caller's clock)
_PAUSE_WORK = 1 << 22
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


def _row_hash(rows, i):
    """FNV-1a over the entries of ``rows[i]``, with a final shift-xor."""
    h = np.uint64(14695981039346656037)
    for q in range(rows.shape[1]):
        h = (h ^ np.uint64(rows[i, q])) * np.uint64(1099511628211)
    return h ^ (h >> np.uint64(29))


def _enter_row(rows, table, mask, j):
    """The index of the row among those in ``table`` (``mask`` = its size - 1) that equals
    ``rows[j]``, or ``j`` itself, entered now when there is none."""
    n = rows.shape[1]
    slot = _row_hash(rows, j) & mask
    while True:
        t = table[slot]
        if t < 0:
            table[slot] = j
            return j
        same = True
        for q in range(n):
            if rows[t, q] != rows[j, q]:
                same = False
                break
        if same:
            return t
        slot = (slot + np.uint64(1)) & mask


def _orbit_rehash(rows, count, table):
    """Enter rows ``0 .. count - 1`` in the empty (all -1) ``table``."""
    mask = np.uint64(table.shape[0] - 1)
    for j in range(count):
        slot = _row_hash(rows, j) & mask
        while table[slot] >= 0:
            slot = (slot + np.uint64(1)) & mask
        table[slot] = j


def _orbit_kernel(left, gens, rows, edges, parent, plet, table, first, st, max_orbit,
                  pause_work):
    """Go on with the breadth-first orbit whose state is ``st`` = (count, lo, hi, a, i): rows
    ``lo .. hi - 1`` are the level being expanded, letter ``a``, next row ``i``. ``left``:
    kernels (``rows[i]`` in least-state form; the image under ``a`` has labels
    ``rows[i, gens[a, q]]``, put back in least-state form); else images (0/1 rows; the image
    under ``a`` marks ``gens[a, q]`` for each marked ``q``). ``first``: -1 everywhere (left
    so). Returns _DONE, _GROW (``rows`` holds no room for one more), _BUDGET (more than
    ``max_orbit`` rows) or _PAUSE (after about ``pause_work`` entries, at a level's end)."""
    k, n = gens.shape
    if k == 0:
        return _DONE
    count, lo, hi, a, i = st[0], st[1], st[2], st[3], st[4]
    mask = np.uint64(table.shape[0] - 1)
    work = 0
    rc = _DONE
    while True:
        if i >= hi:
            a += 1
            i = lo
            if a >= k:
                lo, hi, a, i = hi, count, 0, hi
                if lo >= hi:
                    rc = _DONE
                    break
                if work >= pause_work:
                    rc = _PAUSE
                    break
            continue
        if count >= rows.shape[0]:
            rc = _GROW
            break
        if left:
            for q in range(n):
                lab = rows[i, gens[a, q]]
                if first[lab] < 0:
                    first[lab] = q
                rows[count, q] = first[lab]
            for q in range(n):
                first[rows[i, gens[a, q]]] = -1
        else:
            for q in range(n):
                rows[count, q] = 0
            for q in range(n):
                if rows[i, q]:
                    rows[count, gens[a, q]] = 1
        j = _enter_row(rows, table, mask, count)
        if j == count:
            parent[count] = i
            plet[count] = a
            count += 1
        edges[i, a] = j
        i += 1
        work += n
        if count > max_orbit:
            rc = _BUDGET
            break
    st[0], st[1], st[2], st[3], st[4] = count, lo, hi, a, i
    return rc


def _find_row(rows, count, table, x):
    """Index of the row equal to ``x`` among ``rows[:count]`` (entered in ``table``), or
    -1-slot of the free slot where it would go."""
    mask = np.uint64(table.shape[0] - 1)
    h = np.uint64(14695981039346656037)
    for q in range(x.shape[0]):
        h = (h ^ np.uint64(x[q])) * np.uint64(1099511628211)
    slot = (h ^ (h >> np.uint64(29))) & mask
    while True:
        j = table[slot]
        if j < 0:
            return -1 - np.int64(slot)
        same = True
        for q in range(x.shape[0]):
            if rows[j, q] != x[q]:
                same = False
                break
        if same:
            return j
        slot = (slot + np.uint64(1)) & mask


def _distinct_rows(rows, table, ids):
    """``ids[j]``: the number of the first row equal to ``rows[j]``, rows numbered in order of
    first occurrence; returns how many distinct rows there are (``table``: all -1, a power of
    two longer than the rows)."""
    mask = np.uint64(table.shape[0] - 1)
    count = 0
    for j in range(rows.shape[0]):
        t = _enter_row(rows, table, mask, j)
        if t == j:
            ids[j] = count
            count += 1
        else:
            ids[j] = ids[t]
    return count


def _class_counts(x, img, ker, first, table, ids, pair, out):
    """``out`` = (distinct images, distinct kernels, distinct (image, kernel) pairs) of the
    transformations ``x`` (m, n): ``img`` receives the 0/1 image masks, ``ker`` the kernels in
    least-state form, ``pair`` the pairs of their numbers; ``first`` is -1 everywhere (left
    so), ``table`` all -1 (left dirty), ``ids`` scratch (3, m)."""
    m, n = x.shape
    for i in range(m):
        for q in range(n):
            img[i, q] = 0
        for q in range(n):
            v = x[i, q]
            img[i, v] = 1
            if first[v] < 0:
                first[v] = q
            ker[i, q] = first[v]
        for q in range(n):
            first[x[i, q]] = -1
    out[0] = _distinct_rows(img, table, ids[0])
    table[:] = -1
    out[1] = _distinct_rows(ker, table, ids[1])
    table[:] = -1
    for i in range(m):
        pair[i, 0] = ids[0, i]
        pair[i, 1] = ids[1, i]
    out[2] = _distinct_rows(pair, table, ids[2])


def _group_closure(gens, rows, table, kept, y):
    """Close the identity under the permutations ``gens`` (g, r), taken one at a time: a
    generator already among the elements found is passed over (it lies in the group of the
    ones kept before it), and each new one (it at least doubles the group) extends the
    closure by all kept generators. ``kept`` receives the generators kept (``kept[0]``: how
    many). Returns the group's order, or ``-1 - g`` when ``rows`` filled up while generator
    ``g`` (the last one kept) was closed in: the later generators were not looked at."""
    r = gens.shape[1]
    cap = rows.shape[0]
    for q in range(r):
        rows[0, q] = q
    _orbit_rehash(rows, 1, table)
    count = 1
    nk = 0
    for g in range(gens.shape[0]):
        for q in range(r):
            y[q] = gens[g, q]
        if _find_row(rows, count, table, y) >= 0:
            continue
        kept[1 + nk] = g
        nk += 1
        kept[0] = nk
        i = 0
        while i < count:
            for t in range(nk):
                a = kept[1 + t]
                for q in range(r):
                    y[q] = gens[a, rows[i, q]]
                f = _find_row(rows, count, table, y)
                if f < 0:
                    if count >= cap:
                        return -1 - g
                    for q in range(r):
                        rows[count, q] = y[q]
                    table[-1 - f] = count
                    count += 1
            i += 1
    kept[0] = nk
    return count


# ---------------------------------------------------------------------------- wrapper
def permutation_group_order(gens: np.ndarray, max_elements: int = 8192,
                            max_entries: int = 1 << 20) -> tuple[int | None, list[int], int]:
    """``(order, kept, looked)`` for the group generated by the permutations ``gens`` (rows of
    one degree r), by closure over at most ``max_elements`` elements (and ``max_entries``
    entries, elements times r). ``kept``: indices of generators among the first ``looked``
    that generate the same group as those ``looked`` (each of the others lies in the group
    of the kept ones before it). ``order`` is None when the closure did not finish: the
    group is larger, and the generators from ``looked`` on were not looked at."""
    gens = np.ascontiguousarray(gens, dtype=np.int32)
    g, r = gens.shape
    cap = max(2, min(int(max_elements), int(max_entries) // max(r, 1)))
    rows = np.empty((cap, r), dtype=np.int32)
    table = np.full(1 << (2 * cap - 1).bit_length(), -1, dtype=np.int64)
    kept = np.zeros(g + 1, dtype=np.int64)
    got = int(_group_closure(gens, rows, table, kept, np.empty(r, dtype=np.int32)))
    ids = kept[1:1 + int(kept[0])].tolist()
    return (got, ids, g) if got >= 0 else (None, ids, -got)


def class_counts(x: np.ndarray) -> tuple[int, int, int]:
    """``(images, kernels, pairs)``: how many distinct images, kernels and (image, kernel)
    pairs (H-classes) the transformations ``x`` (rows over ``0 .. n-1``) have; the method
    probe of :func:`automata.green._estimate_method`, compiled."""
    x = np.ascontiguousarray(x, dtype=np.int32)
    m, n = x.shape
    img = np.empty((m, n), dtype=np.int32)
    ker = np.empty((m, n), dtype=np.int32)
    table = np.full(1 << (2 * max(m, 1)).bit_length(), -1, dtype=np.int64)
    out = np.zeros(3, dtype=np.int64)
    _class_counts(x, img, ker, np.full(n, -1, dtype=np.int64), table,
                  np.empty((3, m), dtype=np.int64), np.empty((m, 2), dtype=np.int32), out)
    return int(out[0]), int(out[1]), int(out[2])


def orbit(gens: np.ndarray, left: bool, max_orbit: int, check):
    """The kernel orbit (``left``) or the image orbit of ``gens`` (k, n), breadth first as the
    Python loops of :mod:`automata.green` find it: ``(rows, edges, parent, letter)`` with
    rows int32 (least-state kernels, or 0/1 image masks), ``edges[i, a]`` the row reached
    from row ``i`` by letter ``a``, and each row's BFS parent and letter (-1 for row 0).
    None when there are more than ``max_orbit`` rows. ``check()`` is called between pieces
    of work (at most about ``2^22`` entries apart), to raise on the caller's clock."""
    gens = np.ascontiguousarray(gens, dtype=np.int64)
    k, n = gens.shape
    cap = max(16, min(1 << 10, (1 << 22) // max(n, 1)))    # at most 16 MB of rows at first
    rows = np.empty((cap, n), dtype=np.int32)
    rows[0] = np.arange(n) if left else 1
    edges = np.full((cap, k), -1, dtype=np.int64)
    parent = np.full(cap, -1, dtype=np.int64)
    plet = np.full(cap, -1, dtype=np.int64)
    table = np.full(4 * cap, -1, dtype=np.int64)
    _orbit_rehash(rows, 1, table)
    first = np.full(n, -1, dtype=np.int64)
    st = np.array([1, 0, 1, 0, 0], dtype=np.int64)
    while True:
        rc = _orbit_kernel(bool(left), gens, rows, edges, parent, plet, table, first, st,
                           int(max_orbit), _PAUSE_WORK)
        if rc == _BUDGET:
            return None
        if rc == _GROW:
            cap = 2 * rows.shape[0]
            grown = np.empty((cap, n), dtype=np.int32)
            grown[:rows.shape[0]] = rows
            rows = grown
            edges = np.concatenate([edges, np.full_like(edges, -1)])
            parent = np.concatenate([parent, np.full_like(parent, -1)])
            plet = np.concatenate([plet, np.full_like(plet, -1)])
            table = np.full(4 * cap, -1, dtype=np.int64)
            _orbit_rehash(rows, int(st[0]), table)
        check()
        if rc == _DONE:
            break
    m = int(st[0])
    return rows[:m], edges[:m], parent[:m], plet[:m]


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


def _run_tree(members, n_nodes, edges, gens, forward, left, pos):
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
    return members, maps, par, let, order, int(count)


def tree_maps(members: np.ndarray, n_nodes: int, edges: np.ndarray, gens: np.ndarray,
              forward: bool, left: bool, pos: np.ndarray | None = None):
    """``(maps, words)`` as :func:`automata.green._tree_maps` returns them (dicts keyed by
    node, in visiting order; each map a row of one array). ``pos``: optional scratch of
    ``n_nodes`` entries, all -1 (left so on return)."""
    members, maps, par, let, order, count = _run_tree(members, n_nodes, edges, gens, forward,
                                                      left, pos)
    ids = members.tolist()
    out_maps: dict = {}
    out_words: dict = {}
    words: list = [None] * members.shape[0]
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


def tree_rows(members: np.ndarray, n_nodes: int, edges: np.ndarray, gens: np.ndarray,
              forward: bool, left: bool) -> np.ndarray | None:
    """The transformations of :func:`tree_maps` as one array, row ``i`` for ``members[i]``
    (no words, no dicts); None when the tree does not reach every member."""
    members, maps, _, _, _, count = _run_tree(members, n_nodes, edges, gens, forward, left,
                                              None)
    return maps if count == members.shape[0] else None
