"""Compiled (numba) kernels for the length levels ``η(Σ^k)`` of :mod:`automata.ac0` and the
scans over their rows (:func:`automata.ac0.cycle_orders`, :func:`automata.classify.parity_reduction`).

Each kernel gives exactly what the numpy code gives (the same arrays, the same order), and the
callers use them only when :func:`enabled`: numba is there and ``AUTOMATA_JIT`` is not ``0``
(:func:`automata.jit_core.enabled`). numba is imported by :mod:`automata.jit_core` only, which
compiles these kernels (:func:`automata.jit_core.compile_into`) on first use; they are cached on
disk like the enumeration core's.

Length levels on the right Cayley graph (:func:`cayley_levels`): a level is a sequence of
element ids sorted by each element's rank in the byte order of its row; the next level is
``right[x, a]`` for every letter ``a`` (outer) and element ``x`` (inner), deduplicated by rank
with the first position of each kept (its parent and letter). A level that recurs is found by
a hash table of the levels' id sequences.
"""
from __future__ import annotations

import math
import time

import numpy as np

from .jit_core import compile_into
from .jit_core import enabled as _core_enabled

__all__ = ["cayley_levels", "cycle_orders", "enabled", "parity_candidates"]

_STATE: dict = {"loaded": None, "warm_s": None}
_KERNELS = ("_cayley_levels", "_level_slot", "_rehash_levels", "_row_less", "_prepare",
            "_row_hash", "_parity_scan", "_cycle_orders")
_DONE, _GROW, _PAUSE, _LEVELS, _ELEMENTS = 0, 1, 2, 3, 4
_PAUSE_WORK = 1 << 22               # Cayley-graph look-ups between two returns (time budget)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_BIG = np.iinfo(np.int64).max


def enabled() -> bool:
    """Whether the compiled kernels are used (compiling them through jit_core on first use)."""
    if not _core_enabled():
        return False
    if _STATE["loaded"] is None:
        _STATE["loaded"] = compile_into(globals(), _KERNELS)
    return _STATE["loaded"]


# ---------------------------------------------------------------------------- kernels
def _level_slot(ltable, hashes, ids, offs, h, base, size):
    """``(level, slot)``: the earlier level whose ids equal ``ids[base : base + size]`` (hash
    ``h``), or ``-1`` and the empty slot where the probe ended."""
    tmask = ltable.shape[0] - 1
    slot = np.int64(h & np.uint64(tmask))
    while True:
        j = ltable[slot]
        if j < 0:
            return -1, slot
        if hashes[j] == h and offs[j + 1] - offs[j] == size:
            lo = offs[j]
            same = True
            for t in range(size):
                if ids[lo + t] != ids[base + t]:
                    same = False
                    break
            if same:
                return j, slot
        slot = (slot + 1) & tmask


def _rehash_levels(ltable, hashes, ids, offs, nlev):
    """Insert levels ``0 .. nlev-1`` into the (empty) table."""
    for j in range(nlev):
        _, slot = _level_slot(ltable, hashes, ids, offs, hashes[j], offs[j], offs[j + 1] - offs[j])
        ltable[slot] = j


def _cayley_levels(succ, letters, n_let, root, max_levels, max_total, lev, par, let, offs, hashes,
                   ltable, stamp, firstpos, found, st, pause_work):
    """Build levels from ``st[0]`` committed ones until one recurs (0: ``st[2]`` is the level,
    1-based, it repeats), there is no room (1: ``st[3]`` entries needed, or ``offs`` full), a
    pause for the time budget (2), ``max_levels`` (3) or ``max_total`` elements (4).

    Everything is in ranks: ``succ[c, r]`` is the rank of (element of rank ``r``) times letter
    ``letters[c]`` (ascending, one letter per distinct generator: a later equal letter reaches
    nothing first), ``root`` the identity's rank. Level ``j`` is ``lev[offs[j] : offs[j + 1]]``
    (ascending), with parents ``par`` and letters ``let``; ``st[1]``: the elements in all levels.
    """
    m = succ.shape[1]
    kc = letters.shape[0]
    nlev = st[0]
    total = st[1]
    work = 0
    while True:
        if nlev == 0:
            lo, size = 0, 1
        else:
            lo, size = offs[nlev - 1], offs[nlev] - offs[nlev - 1]
            if nlev >= max_levels:
                st[0], st[1] = nlev, total
                return 3
            if work >= pause_work:
                st[0], st[1] = nlev, total
                return 2
        base = offs[nlev]
        if base + min(m, size * n_let) > lev.shape[0] or nlev + 2 > offs.shape[0] \
                or 2 * (nlev + 1) > ltable.shape[0]:
            st[0], st[1], st[3] = nlev, total, base + min(m, size * n_let)
            return 1
        tag = nlev + 1
        nf = 0
        for c in range(kc):                          # letter-major: x then a
            row = succ[c]
            p = letters[c] * size
            for i in range(size):
                r = row[root if nlev == 0 else lev[lo + i]]
                if stamp[r] != tag:
                    stamp[r] = tag
                    firstpos[r] = p + i
                    found[nf] = r
                    nf += 1
        work += size * kc
        if nf * 16 < m:
            found[:nf].sort()
        else:                                        # many: a scan of the ranks is cheaper
            t = 0
            for r in range(m):
                if stamp[r] == tag:
                    found[t] = r
                    t += 1
        h = np.uint64(nf)
        for j in range(nf):
            r = found[j]
            p = firstpos[r]
            lev[base + j] = r
            par[base + j] = -1 if nlev == 0 else p % size
            let[base + j] = p // size
            h = (h ^ np.uint64(r)) * _MIX
        h ^= h >> np.uint64(29)
        j, slot = _level_slot(ltable, hashes, lev, offs, h, base, nf)
        if j >= 0:
            st[0], st[1], st[2] = nlev, total, j + 1
            return 0
        total += nf
        if nlev > 0 and total > max_total:
            st[0], st[1] = nlev, total
            return 4
        hashes[nlev] = h
        ltable[slot] = nlev
        offs[nlev + 1] = base + nf
        nlev += 1


def _row_hash(xs, r, buf, use_buf, shift):
    """Slot of row ``r`` of ``xs`` (or of ``buf`` when ``use_buf``) in a table of ``2^(64-shift)``."""
    h = np.uint64(0)
    for q in range(xs.shape[1]):
        v = buf[q] if use_buf else xs[r, q]
        h = (h ^ np.uint64(v)) * _MIX
    h ^= h >> np.uint64(29)
    h *= _MIX
    return np.int64(h >> shift)


def _parity_scan(xs, q0, cand, js):
    """Rows ``g`` of ``xs`` with ``g³ = g ≠ g²``, ``g²`` fixing ``q0`` and ``g`` moving it, in
    order, into ``cand``; ``js``: the row equal to ``g²`` (-1: none). Returns their number."""
    m, n = xs.shape
    nc = 0
    for r in range(m):
        x1 = xs[r, q0]
        if x1 == q0 or xs[r, x1] != q0:
            continue
        cube = True
        moved = False
        for q in range(n):
            y = xs[r, xs[r, q]]
            if xs[r, y] != xs[r, q]:
                cube = False
                break
            if y != xs[r, q]:
                moved = True
        if cube and moved:
            cand[nc] = r
            nc += 1
    if nc == 0:
        return 0
    log = 1
    while (1 << log) < 2 * m:
        log += 1
    shift = np.uint64(64 - log)
    tmask = (1 << log) - 1
    table = np.full(1 << log, -1, dtype=np.int64)
    buf = np.empty(n, dtype=xs.dtype)
    for r in range(m):                               # rows are distinct
        slot = _row_hash(xs, r, buf, False, shift)
        while table[slot] >= 0:
            slot = (slot + 1) & tmask
        table[slot] = r
    for c in range(nc):
        r = cand[c]
        for q in range(n):
            buf[q] = xs[r, xs[r, q]]
        slot = _row_hash(xs, r, buf, True, shift)
        js[c] = -1
        while table[slot] >= 0:
            i = table[slot]
            same = True
            for q in range(n):
                if xs[i, q] != buf[q]:
                    same = False
                    break
            if same:
                js[c] = i
                break
            slot = (slot + 1) & tmask
    return nc


def _cycle_orders(xs, out):
    """``out[r]``: the lcm of the cycle lengths of row ``r``; False if one does not fit in int64
    (the caller then uses numpy's arithmetic)."""
    m, n = xs.shape
    mark = np.empty(n, dtype=np.int64)
    for r in range(m):
        mark[:] = -1
        acc = np.int64(1)
        for q0 in range(n):
            if mark[q0] >= 0:
                continue
            q = q0
            while mark[q] < 0:                       # walk until a point seen before
                mark[q] = q0
                q = xs[r, q]
            if mark[q] == q0:                        # a new cycle, through q
                c = np.int64(1)
                s = xs[r, q]
                while s != q:
                    s = xs[r, s]
                    c += 1
                a, b = acc, c
                while b:
                    a, b = b, a % b
                if acc // a > _BIG // c:
                    return False
                acc = acc // a * c
        out[r] = acc
    return True


def _row_less(rows, i, j):
    """Whether row ``i`` comes before row ``j`` in the byte order of their (little-endian)
    int32 entries: at the first entry that differs, compare its bytes, least significant
    first (the order numpy sorts the rows' raw bytes in)."""
    for q in range(rows.shape[1]):
        a = np.int64(rows[i, q])
        b = np.int64(rows[j, q])
        if a != b:
            ka = ((a & 255) << 24) | (((a >> 8) & 255) << 16) | (((a >> 16) & 255) << 8) \
                | ((a >> 24) & 255)
            kb = ((b & 255) << 24) | (((b >> 8) & 255) << 16) | (((b >> 16) & 255) << 8) \
                | ((b >> 24) & 255)
            return ka < kb
    return False


def _prepare(codes, bits, s, right, identity, n_let, rows, ws, letters, succ):
    """Unpack the elements' rows (``rows``; elements ``s ..``: the identity), rank them in
    byte order (``ws[0]``: rank of each element, ``ws[1]``: element of each rank; merge sort),
    pick one letter per distinct generator (the first: ``letters``) and fill ``succ``. Returns
    the number of those letters, or -1 if two rows are equal."""
    m, n = rows.shape
    per = 64 // bits
    fmask = np.uint64((1 << bits) - 1)
    for i in range(m):
        if i >= s:
            for q in range(n):
                rows[i, q] = q
            continue
        q = 0
        for w in range(codes.shape[1]):
            y = codes[i, w]
            for _ in range(per):
                if q >= n:
                    break
                rows[i, q] = np.int32(y & fmask)
                y >>= np.uint64(bits)
                q += 1
    rank, order, tmp = ws[0], ws[1], ws[4]
    for i in range(m):
        order[i] = i
    width = 1
    while width < m:                                 # bottom-up merge sort
        for lo in range(0, m, 2 * width):
            mid = min(lo + width, m)
            hi = min(lo + 2 * width, m)
            a, b, t = lo, mid, lo
            while a < mid and b < hi:
                if _row_less(rows, order[b], order[a]):
                    tmp[t] = order[b]
                    b += 1
                else:
                    tmp[t] = order[a]
                    a += 1
                t += 1
            while a < mid:
                tmp[t] = order[a]
                a += 1
                t += 1
            while b < hi:
                tmp[t] = order[b]
                b += 1
                t += 1
        for i in range(m):
            order[i] = tmp[i]
        width *= 2
    for i in range(m):
        if i and not _row_less(rows, order[i - 1], order[i]):
            return -1
        rank[order[i]] = i
    kc = 0
    for a in range(n_let):
        g = right[identity, a]
        new = True
        for c in range(kc):
            if right[identity, letters[c]] == g:
                new = False
                break
        if new:
            letters[kc] = a
            kc += 1
    for c in range(kc):
        a = letters[c]
        for x in range(m):
            succ[c, rank[x]] = rank[right[x, a]]
    return kc


# ---------------------------------------------------------------------------- drivers
def _warm_up() -> float:
    """Compile (or load from the cache) every kernel on tiny inputs, with the argument types
    of the real calls; returns the seconds it took."""
    w0 = time.perf_counter()
    codes = np.array([[1 | (0 << 8)]], dtype=np.uint64)        # the transposition of 2 states
    cayley_levels(codes, 8, 1, 2, np.array([[1], [0]], dtype=np.int32), 1, 1, 100, 100, w0,
                  math.inf)
    rows = np.array([[1, 0], [0, 1]], dtype=np.int32)
    cycle_orders(rows)
    parity_candidates(rows, 0)
    return time.perf_counter() - w0


def cayley_levels(codes: np.ndarray, bits: int, s: int, n: int, right: np.ndarray,
                  identity: int, n_let: int, max_levels: int, max_total: int, t0: float,
                  max_seconds: float):
    """The length levels on an enumerated monoid's right Cayley graph ``right`` (elements
    ``0 .. s-1`` packed in ``codes`` with ``bits``-bit fields over ``n`` states; a further
    element is the identity): ``(over, rows, levels)``. ``over``: None, ``"levels"``,
    ``"elements"`` or ``"seconds"`` (the budget that ran out), or ``"equal"`` (two elements
    with the same row: the caller's numpy path then decides); ``rows``: every element's
    transformation (int32); ``levels`` = ``(ids, parents, letters, offsets, start)`` (level
    ``j`` is ``ids[offsets[j] : offsets[j + 1]]``, and level ``start`` recurs after the last).
    The first call of a process compiles (or loads) the kernels first and leaves that time
    out of ``max_seconds``."""
    if _STATE["warm_s"] is None:
        _STATE["warm_s"] = 0.0
        _STATE["warm_s"] = w = _warm_up()
        t0 += w
    m = right.shape[0]
    rows = np.empty((m, n), dtype=np.int32)
    ws = np.zeros((5, m), dtype=np.int64)        # rank, by rank, stamp, first position, found
    letters = np.empty(n_let, dtype=np.int64)
    succ = np.empty((n_let, m), dtype=np.int32)
    kc = _prepare(np.ascontiguousarray(codes, dtype=np.uint64), int(bits), int(s),
                  np.ascontiguousarray(right, dtype=np.int32), int(identity), int(n_let), rows,
                  ws, letters, succ)
    if kc < 0:
        return "equal", rows, None
    cap, lcap = 16 * m + 64, 64
    out = np.empty((3, cap), dtype=np.int64)          # levels (ranks), parents, letters
    offs = np.zeros(lcap + 2, dtype=np.int64)
    hashes = np.empty(lcap + 2, dtype=np.uint64)
    ltable = np.full(4 * lcap, -1, dtype=np.int64)        # a power of two
    st = np.zeros(4, dtype=np.int64)
    root = int(ws[0, identity])
    pause = 0                       # the first pause right after level 1: the numpy path's
    while True:                     # first time check
        rc = _cayley_levels(succ[:kc], letters[:kc], int(n_let), root, int(max_levels),
                            int(max_total), out[0], out[1], out[2], offs, hashes, ltable,
                            ws[2], ws[3], ws[4], st, pause)
        pause = _PAUSE_WORK
        nlev = int(st[0])
        if rc == _GROW:
            if int(st[3]) > out.shape[1]:
                grown = np.empty((3, max(int(st[3]), 2 * out.shape[1])), dtype=np.int64)
                grown[:, :out.shape[1]] = out
                out = grown
            if nlev + 2 > offs.size or 2 * (nlev + 1) > ltable.size:
                lcap = 2 * offs.size
                offs = np.concatenate([offs, np.zeros(lcap - offs.size, dtype=np.int64)])
                hashes = np.concatenate([hashes, np.empty(lcap - hashes.size, dtype=np.uint64)])
                ltable = np.full(1 << (4 * lcap - 1).bit_length(), -1, dtype=np.int64)  # 2^j
                _rehash_levels(ltable, hashes, out[0], offs, nlev)
            continue
        if rc == _PAUSE:
            if time.perf_counter() - t0 > max_seconds:
                return "seconds", rows, None
            continue
        if rc != _DONE:
            return ("levels" if rc == _LEVELS else "elements"), rows, None
        end = int(offs[nlev])
        return None, rows, (ws[1][out[0, :end]], out[1, :end].copy(), out[2, :end].copy(),
                            offs[:nlev + 1], int(st[2]))


def cycle_orders(xs: np.ndarray) -> np.ndarray | None:
    """The lcm of each row's cycle lengths (int64), or None if one overflows int64."""
    xs = np.ascontiguousarray(xs, dtype=np.int32)
    out = np.empty(xs.shape[0], dtype=np.int64)
    return out if _cycle_orders(xs, out) else None


def parity_candidates(xs: np.ndarray, q0: int) -> tuple[np.ndarray, np.ndarray]:
    """``(cand, js)``: the rows g of ``xs`` with ``g³ = g ≠ g²``, ``g²[q0] = q0 ≠ g[q0]``, in
    order, and for each the row of ``xs`` equal to ``g²`` (-1: none)."""
    xs = np.ascontiguousarray(xs, dtype=np.int32)
    cand = np.empty(xs.shape[0], dtype=np.int64)
    js = np.empty(xs.shape[0], dtype=np.int64)
    nc = _parity_scan(xs, int(q0), cand, js)
    return cand[:nc], js[:nc]
