"""Compiled (numba) semigroup-level variety checks for :mod:`automata.varieties`.

The checks are those of :func:`automata.varieties._semigroup_checks` on the enumerated
syntactic semigroup ``S`` (rows are transformations, ``x * y`` applies ``x`` then ``y``):

* definite: ``s e = e`` for every idempotent ``e`` (enough for the generators ``s``);
* reverse definite: ``e s = e``;
* locally testable (Brzozowski and Simon 1973, McNaughton 1974): every local monoid ``e S e``
  is idempotent and commutative.

The idempotents (every one, or one per regular D-class when the caller knows them: D-related
idempotents have isomorphic local monoids) are visited in the caller's order, and each local
monoid is checked as the numpy path does (idempotent first, then its size against ``max_t``,
then commutation), so both paths give the same answer, including "unknown". The kernels
are compiled through :func:`automata.jit_core.compile_into` on first use; with
``AUTOMATA_JIT=0`` or without numba :func:`available` is False and the numpy path runs.
"""
from __future__ import annotations

import numpy as np

from .jit_core import compiled_once

__all__ = ["available", "cayley_semigroup_checks", "cayley_varieties", "semigroup_checks"]

_KERNELS = ("_same_row", "_local_monoid", "_all_idempotent", "_all_commute",
            "_semigroup_kernel", "_walk", "_cayley_kernel", "_varieties_kernel")
_STATE: dict = {"loaded": None}
_UNKNOWN = 2


def available() -> bool:
    """Whether the compiled checks run (the compiled core is on; compiled on first call)."""
    return compiled_once(_STATE, globals(), _KERNELS)


# ---------------------------------------------------------------------------- kernels
# Plain Python functions, compiled in place by available().

def _same_row(t, x, y):
    for q in range(t.shape[1]):
        if t[x, q] != t[y, q]:
            return False
    return True


def _local_monoid(S, e, t, h, rep):
    """Fill ``t`` with the rows ``e s e`` (s in S) and ``rep[:count]`` with one row index per
    distinct row (grouped by a 64-bit hash, rows compared within a group); returns count."""
    m, n = S.shape
    for s in range(m):
        hv = np.uint64(14695981039346656037)
        for q in range(n):
            v = S[e, S[s, S[e, q]]]
            t[s, q] = v
            hv = (hv ^ np.uint64(v + 1)) * np.uint64(1099511628211)
        h[s] = hv
    order = np.argsort(h)
    count = 0
    i = 0
    while i < m:
        j = i
        while j < m and h[order[j]] == h[order[i]]:
            j += 1
        start = count
        for r in range(i, j):
            x = order[r]
            dup = False
            for u in range(start, count):
                if _same_row(t, rep[u], x):
                    dup = True
                    break
            if not dup:
                rep[count] = x
                count += 1
        i = j
    return count


def _semigroup_kernel(S, gens, idem, local, max_work, max_t, out):
    """out[0] definite, out[1] reverse definite, out[2] locally testable (2: unknown);
    ``idem``: the idempotent rows, in order; ``local``: the idempotents (row indices) whose
    local monoids are checked, ``[-1]`` for every idempotent."""
    m, n = S.shape
    k = gens.shape[0]
    ni = idem.shape[0]
    definite = 1
    reverse = 1
    for a in range(k):
        for u in range(ni):
            e = idem[u]
            for q in range(n):
                if S[e, gens[a, q]] != S[e, q]:          # g * e = e
                    definite = 0
                if gens[a, S[e, q]] != S[e, q]:          # e * g = e
                    reverse = 0
            if definite == 0 and reverse == 0:
                break
    out[0] = definite
    out[1] = reverse
    chk = idem if local.shape[0] > 0 and local[0] < 0 else local
    ni = chk.shape[0]
    if ni * m * n > max_work:
        out[2] = 2
        return
    t = np.empty((m, n), dtype=S.dtype)
    h = np.empty(m, dtype=np.uint64)
    rep = np.empty(m, dtype=np.int64)
    lt = 1
    for u in range(ni):
        c = _local_monoid(S, chk[u], t, h, rep)
        if not _all_idempotent(t, rep, c):
            lt = 0
            break
        if c > max_t:
            lt = 2
            break
        if not _all_commute(t, rep, c):
            lt = 0
            break
    out[2] = lt


def _all_idempotent(t, rep, c):
    for r in range(c):
        x = rep[r]
        for q in range(t.shape[1]):
            if t[x, t[x, q]] != t[x, q]:
                return False
    return True


def _all_commute(t, rep, c):
    for r in range(c):
        x = rep[r]
        for w in range(r + 1, c):
            y = rep[w]
            for q in range(t.shape[1]):
                if t[y, t[x, q]] != t[x, t[y, q]]:
                    return False
    return True


def _walk(right, x, words, start, end):
    """``x`` followed by the word ``words[start:end]`` on the right Cayley graph."""
    for t in range(start, end):
        x = right[x, words[t]]
    return x


def _cayley_kernel(right, left, parent, letter, idem, ids, s, n, local, max_work, max_t,
                   out):
    """:func:`_semigroup_kernel` on an enumerated monoid's Cayley graphs (elements
    ``0 .. s-1`` the semigroup, ``parent``/``letter`` their words, ``idem`` the idempotent
    flags, ``ids`` the idempotents among ``0 .. s-1`` in order): ``g·e = e`` is
    ``left[e, g] = e``, ``e·g = e`` is ``right[e, g] = e``, a local monoid ``eSe`` is a set
    of element indices (``e·x`` for every x by the words' recurrence ``e·(p a) = (e·p)·a``,
    then ``·e`` along e's word) and products of its elements are walks along words. The
    same answers, budgets and order of checks."""
    k = right.shape[1]
    definite = 1
    reverse = 1
    for a in range(k):
        for u in range(ids.shape[0]):
            e = ids[u]
            if left[e, a] != e:                          # g * e = e
                definite = 0
            if right[e, a] != e:                         # e * g = e
                reverse = 0
        if definite == 0 and reverse == 0:
            break
    out[0] = definite
    out[1] = reverse
    chk = ids if local.shape[0] > 0 and local[0] < 0 else local
    ni = chk.shape[0]
    if ni * s * n > max_work:
        out[2] = 2
        return
    # every element's word, end to end (a word is its parent's word and one letter)
    wlen = np.empty(s, dtype=np.int64)
    total = 0
    for i in range(s):
        wlen[i] = 1 if parent[i] < 0 else wlen[parent[i]] + 1
        total += wlen[i]
    start = np.empty(s + 1, dtype=np.int64)
    start[0] = 0
    for i in range(s):
        start[i + 1] = start[i] + wlen[i]
    words = np.empty(total, dtype=np.int64)
    for i in range(s):
        p = parent[i]
        b = start[i]
        if p >= 0:
            for t in range(wlen[p]):
                words[b + t] = words[start[p] + t]
        words[b + wlen[i] - 1] = letter[i]
    es = np.empty(s, dtype=np.int64)
    stamp = np.full(right.shape[0], -1, dtype=np.int64)
    rep = np.empty(s, dtype=np.int64)
    lt = 1
    for u in range(ni):
        e = chk[u]
        c = 0
        for x in range(s):                               # e·x, parents first
            es[x] = right[e if parent[x] < 0 else es[parent[x]], letter[x]]
            y = _walk(right, es[x], words, start[e], start[e + 1])     # e·x·e
            if stamp[y] != u:
                stamp[y] = u
                rep[c] = y
                c += 1
        ok = True
        for r in range(c):
            if not idem[rep[r]]:
                ok = False
                break
        if not ok:
            lt = 0
            break
        if c > max_t:
            lt = 2
            break
        for r in range(c):
            x = rep[r]
            for w in range(r + 1, c):
                y = rep[w]
                if _walk(right, x, words, start[y], start[y + 1]) != \
                        _walk(right, y, words, start[x], start[x + 1]):
                    ok = False
                    break
            if not ok:
                break
        if not ok:
            lt = 0
            break
    out[2] = lt


def _varieties_kernel(right, left, parent, letter, idem, identity, s, n, n_r, n_l, h_size,
                      regular, reps, max_work, max_t, out):
    """Everything :func:`automata.varieties.varieties` reads off an enumerated monoid's
    Cayley graphs and D-class table, in one call: ``out`` = (the letters commute, R-trivial,
    L-trivial, definite, reverse definite, locally testable as :func:`_cayley_kernel`)."""
    k = right.shape[1]
    comm = 1
    for a in range(k):                               # a·b = b·a for all letters
        xa = right[identity, a]
        for b in range(a + 1, k):
            if right[xa, b] != right[right[identity, b], a]:
                comm = 0
                break
        if comm == 0:
            break
    rt = 1
    lt = 1
    nd = h_size.shape[0]
    for d in range(nd):
        if n_l[d] * h_size[d] != 1:
            rt = 0
        if n_r[d] * h_size[d] != 1:
            lt = 0
    local = np.empty(nd, dtype=np.int64)             # one idempotent per regular D-class
    nl = 0
    for d in range(nd):
        if regular[d] and reps[d] < s:
            local[nl] = reps[d]
            nl += 1
    ids = np.empty(s, dtype=np.int64)                # the idempotents, in order
    ni = 0
    for i in range(s):
        if idem[i]:
            ids[ni] = i
            ni += 1
    checks = np.zeros(3, dtype=np.int64)
    _cayley_kernel(right, left, parent, letter, idem, ids[:ni], s, n, local[:nl], max_work,
                   max_t, checks)
    out[0], out[1], out[2] = comm, rt, lt
    out[3], out[4], out[5] = checks[0], checks[1], checks[2]


# ---------------------------------------------------------------------------- wrapper
def cayley_varieties(fp, max_work: int, max_t: int) -> tuple:
    """``(commutative, r_trivial, l_trivial, definite, reverse_definite, locally_testable)``
    of the enumerated monoid ``fp`` (:class:`~automata.froidure_pin.FroidurePin`) from one
    compiled call: the letters' products on the right Cayley graph, the D-class table, and
    :func:`cayley_semigroup_checks` with one idempotent per regular D-class (the answers of
    the separate checks; ``locally_testable`` None: over ``max_work`` or ``max_t``)."""
    mon, t = fp.monoid, fp.d_classes
    out = np.zeros(6, dtype=np.int64)
    _varieties_kernel(np.ascontiguousarray(fp.right), np.ascontiguousarray(fp.left),
                      np.ascontiguousarray(mon.parent), np.ascontiguousarray(mon.letter),
                      np.ascontiguousarray(fp.idempotent), int(fp.identity),
                      int(mon.semigroup_size), int(mon.n_states),
                      np.ascontiguousarray(t.n_r_classes), np.ascontiguousarray(t.n_l_classes),
                      np.ascontiguousarray(t.h_sizes), np.ascontiguousarray(t.regular),
                      np.ascontiguousarray(t.reps), int(max_work), int(max_t), out)
    lt = None if out[5] == _UNKNOWN else bool(out[5])
    return bool(out[0]), bool(out[1]), bool(out[2]), bool(out[3]), bool(out[4]), lt
def cayley_semigroup_checks(fp, max_work: int, max_t: int,
                            local: np.ndarray | None = None) -> tuple[bool, bool, bool | None]:
    """:func:`semigroup_checks` of the semigroup of the enumerated monoid ``fp``
    (:class:`~automata.froidure_pin.FroidurePin`) on its Cayley graphs, without its
    transformations: the same answers."""
    mon = fp.monoid
    out = np.zeros(3, dtype=np.int64)
    loc = np.full(1, -1, dtype=np.int64) if local is None else \
        np.ascontiguousarray(local, dtype=np.int64)
    s = int(mon.semigroup_size)
    idem = np.ascontiguousarray(fp.idempotent)
    _cayley_kernel(np.ascontiguousarray(fp.right), np.ascontiguousarray(fp.left),
                   np.ascontiguousarray(mon.parent), np.ascontiguousarray(mon.letter),
                   idem, np.flatnonzero(idem[:s]).astype(np.int64), s, int(mon.n_states), loc,
                   int(max_work), int(max_t), out)
    return bool(out[0]), bool(out[1]), None if out[2] == _UNKNOWN else bool(out[2])


def semigroup_checks(S: np.ndarray, gens: np.ndarray, max_work: int, max_t: int,
                     local: np.ndarray | None = None) -> tuple[bool, bool, bool | None]:
    """(definite, reverse_definite, locally_testable) of the semigroup with rows ``S``
    generated by ``gens``; ``local``: the (idempotent) row indices whose local monoids
    ``e S e`` are checked, in order (default: every idempotent). Locally testable is None
    when ``#checked x |S| x #states`` exceeds ``max_work`` or a local monoid has more than
    ``max_t`` elements."""
    from .jit_groups import available as _groups_compiled, idempotent_rows

    out = np.zeros(3, dtype=np.int64)
    loc = np.full(1, -1, dtype=np.int64) if local is None else \
        np.ascontiguousarray(local, dtype=np.int64)
    S = np.ascontiguousarray(S, dtype=np.int64)
    _groups_compiled()                           # the idempotent scan compiled too
    _semigroup_kernel(S, np.ascontiguousarray(gens, dtype=np.int64), idempotent_rows(S), loc,
                      int(max_work), int(max_t), out)
    return bool(out[0]), bool(out[1]), None if out[2] == _UNKNOWN else bool(out[2])
