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

from .jit_core import compiled_once, unpack_rows

__all__ = ["cayley_levels", "cycle_orders", "direct_levels", "enabled", "first_cyclic_id",
           "parity_candidates", "shortlex_order", "square_hits"]

_STATE: dict = {"loaded": None, "warm_s": None}
_KERNELS = ("_cayley_levels", "_direct_levels", "_level_start", "_close_level", "_radix_sort",
            "_level_slot", "_rehash_levels", "_byte_key", "_word_key", "_radix_group",
            "_sort_rows", "_prepare", "_row_hash", "_parity_scan", "_cycle_orders", "_shortlex",
            "_first_cyclic_id", "_row_order", "_square_hits")
_DONE, _GROW, _PAUSE, _LEVELS, _ELEMENTS = 0, 1, 2, 3, 4
_PAUSE_WORK = 1 << 22               # Cayley-graph look-ups between two returns (time budget)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_BIG = np.iinfo(np.int64).max
_DENSE_BITS = 26                    # direct levels: a bitmap over all 2^bits codes (<= 8 MB)
_SMALL_UNPACK = 1 << 14             # Cayley levels: rows unpacked by a kernel up to this many entries


def enabled() -> bool:
    """Whether the compiled kernels are used (compiling them through jit_core on first use)."""
    return compiled_once(_STATE, globals(), _KERNELS)


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


def _level_start(offs, nlev, total, work, max_levels, pause_work, st):
    """``(rc, lo, size)``: where the last level lies (level 0: the identity alone), or a stop
    before the next one (``rc`` 3: ``max_levels``; 2: a pause for the time budget; ``st``
    set); ``rc`` -1: go on."""
    if nlev == 0:
        return -1, 0, 1
    lo, size = offs[nlev - 1], offs[nlev] - offs[nlev - 1]
    if nlev >= max_levels or work >= pause_work:
        st[0], st[1] = nlev, total
        return (3 if nlev >= max_levels else 2), lo, size
    return -1, lo, size


def _close_level(ltable, hashes, ids, offs, h, base, nf, nlev, total, max_total, st):
    """Level ``nlev + 1`` is written (``ids[base : base + nf]``, ``h`` its hash before the last
    mix): 0 if it equals an earlier level, 4 if the levels' elements pass ``max_total`` (both
    with ``st`` set), else -1 with the level committed to the offsets and the table."""
    h ^= h >> np.uint64(29)
    j, slot = _level_slot(ltable, hashes, ids, offs, h, base, nf)
    if j >= 0:
        st[0], st[1], st[2] = nlev, total, j + 1
        return 0
    if nlev > 0 and total + nf > max_total:
        st[0], st[1] = nlev, total + nf
        return 4
    hashes[nlev] = h
    ltable[slot] = nlev
    offs[nlev + 1] = base + nf
    return -1


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
        rc, lo, size = _level_start(offs, nlev, total, work, max_levels, pause_work, st)
        if rc >= 0:
            return rc
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
        rc = _close_level(ltable, hashes, lev, offs, h, base, nf, nlev, total, max_total, st)
        if rc >= 0:
            return rc
        total += nf
        nlev += 1


def _radix_sort(a, tmp, n, nbits, low):
    """Sort ``a[:n]`` (non-negative) in place by bits ``low .. low + nbits - 1`` (the bits
    above them zero), by 11-bit digits from the lowest (``tmp``: room for ``n``); a stable
    counting sort per digit."""
    count = np.empty(2049, dtype=np.int64)
    src, dst = a, tmp
    shift = low
    while shift < low + nbits:
        count[:] = 0
        for i in range(n):
            count[((src[i] >> shift) & 2047) + 1] += 1
        for d in range(2048):
            count[d + 1] += count[d]
        for i in range(n):
            d = (src[i] >> shift) & 2047
            dst[count[d]] = src[i]
            count[d] += 1
        src, dst = dst, src
        shift += 11
    if src is not a:
        a[:n] = src[:n]


def _direct_levels(gens, letters, shifts, fmask, nbits, max_levels, max_total, codes, par, let,
                   offs, hashes, ltable, hkey, hidx, found, fpos, tmp, seen, st, pause_work,
                   tab, cbits):
    """The length levels of the transformations ``gens`` (one row per letter) without a Cayley
    graph: each element is one integer, its row's entries in fields of ``shifts`` (the first
    entry highest: ascending codes are the rows in lexicographic order). The next level is
    ``x`` then ``gens[letters[c]]`` for every letter (outer) and element ``x`` (inner). With
    ``seen`` (a bitmap over every code, one bit per code, cleared after each level: small
    enough to stay in cache) each new element is appended to ``found`` as ``code << S |
    position`` (``S = 63 - nbits``) and the level sorted by its codes, the first position
    carried along; without it (codes too wide), through a hash table ``hkey``/``hidx`` of at
    least twice the products (cleared per level), with its position in ``fpos``. States,
    arguments and return codes as :func:`_cayley_levels`'s; ``st[4]``: the products of the
    next level. ``tab[c, j, v]``: the image under letter ``letters[c]`` of the fields in bits
    ``j·cbits ..`` of a code, given those bits ``v`` (whole fields; a product is one look-up
    per chunk instead of one per field)."""
    n = shifts.shape[0]
    nch = tab.shape[1]
    cmask = np.int64((1 << cbits) - 1)
    kc = letters.shape[0]
    dense = seen.shape[0] > 0
    pshift = np.int64(63 - nbits)
    pmask = (np.int64(1) << pshift) - 1
    nlev = st[0]
    total = st[1]
    work = 0
    while True:
        rc, lo, size = _level_start(offs, nlev, total, work, max_levels, pause_work, st)
        if rc >= 0:
            return rc
        base = offs[nlev]
        need = size * kc
        tsize, tlog = 16, 4
        while tsize < 2 * need:
            tsize *= 2
            tlog += 1
        hshift = np.uint64(64 - tlog)
        if base + need > codes.shape[0] or (not dense and tsize > hkey.shape[0]) \
                or need > found.shape[0] or (not dense and need > fpos.shape[0]) \
                or need > tmp.shape[0] \
                or nlev + 2 > offs.shape[0] or 2 * (nlev + 1) > ltable.shape[0]:
            st[0], st[1], st[3], st[4] = nlev, total, base + need, need
            return 1
        tmask = tsize - 1
        if not dense:
            hkey[:tsize] = -1
        nf = 0
        for c in range(kc):                          # letter-major: x then a
            g = gens[letters[c]]
            p = letters[c] * size
            for i in range(size):
                y = np.int64(0)
                if nlev == 0:                            # the identity, then the letter
                    for q in range(n):
                        y |= np.int64(g[q]) << shifts[q]
                else:
                    x = codes[lo + i]
                    for j in range(nch):
                        y |= tab[c, j, (x >> (j * cbits)) & cmask]
                if dense:
                    wd = y >> 6
                    bit = np.uint64(1) << np.uint64(y & 63)
                    if seen[wd] & bit:
                        continue
                    seen[wd] |= bit
                    found[nf] = (y << pshift) | (p + i)
                else:
                    slot = np.int64((np.uint64(y) * _MIX) >> hshift)
                    while hkey[slot] >= 0 and hkey[slot] != y:
                        slot = (slot + 1) & tmask
                    if hkey[slot] >= 0:
                        continue
                    hkey[slot] = y
                    hidx[slot] = nf
                    found[nf] = y
                    fpos[nf] = p + i
                nf += 1
        work += need * n
        if dense:
            for j in range(nf):                      # clear the level's bits
                seen[(found[j] >> pshift) >> 6] = 0         # (one shift may pass 63 bits)
            _radix_sort(found, tmp, nf, nbits, pshift)
        else:
            _radix_sort(found, tmp, nf, nbits, 0)
        h = np.uint64(nf)
        for j in range(nf):
            if dense:
                y = found[j] >> pshift
                pj = found[j] & pmask
            else:
                y = found[j]
                slot = np.int64((np.uint64(y) * _MIX) >> hshift)
                while hkey[slot] != y:
                    slot = (slot + 1) & tmask
                pj = fpos[hidx[slot]]
            codes[base + j] = y
            par[base + j] = -1 if nlev == 0 else pj % size
            let[base + j] = pj // size
            h = (h ^ np.uint64(y)) * _MIX
        rc = _close_level(ltable, hashes, codes, offs, h, base, nf, nlev, total, max_total, st)
        if rc >= 0:
            return rc
        total += nf
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


def _row_order(xs, r, mark):
    """The lcm of the cycle lengths of row ``r`` of ``xs``, or -1 if it does not fit in int64
    (``mark``: scratch of one entry per column)."""
    n = xs.shape[1]
    mark[:] = -1
    acc = np.int64(1)
    for q0 in range(n):
        if mark[q0] >= 0:
            continue
        q = q0
        while mark[q] < 0:                           # walk until a point seen before
            mark[q] = q0
            q = xs[r, q]
        if mark[q] == q0:                            # a new cycle, through q
            c = np.int64(1)
            s = xs[r, q]
            while s != q:
                s = xs[r, s]
                c += 1
            if c == 1 or acc % c == 0:               # a fixed point, or c divides acc
                continue
            if acc == 1:
                acc = c
                continue
            a, b = acc, c
            while b:
                a, b = b, a % b
            if acc // a > _BIG // c:
                return np.int64(-1)
            acc = acc // a * c
    return acc


def _cycle_orders(xs, out):
    """``out[r]``: the lcm of the cycle lengths of row ``r``; False if one does not fit in int64
    (the caller then uses numpy's arithmetic)."""
    mark = np.empty(xs.shape[1], dtype=np.int64)
    for r in range(xs.shape[0]):
        o = _row_order(xs, r, mark)
        if o < 0:
            return False
        out[r] = o
    return True


def _first_cyclic_id(rows, ids, mark):
    """The first position ``i`` such that row ``ids[i]`` of ``rows`` has a cycle of length
    > 1 (its order is not 1; -1 when it overflows), or -1 (``mark``: scratch of one entry per
    column)."""
    for i in range(ids.shape[0]):
        if _row_order(rows, ids[i], mark) != 1:
            return i
    return -1


def _shortlex(parent, letter, k, out):
    """``out``: the elements in shortlex order of their words (a word is its parent's word
    and one letter), as :func:`automata.classify.shortlex_order` orders them: by length, then
    by (parent's rank, letter)."""
    m = parent.shape[0]
    length = np.zeros(m, dtype=np.int64)
    chain = np.empty(m, dtype=np.int64)
    for i in range(m):                               # word lengths, each chain walked once
        c = 0
        j = i
        while j >= 0 and length[j] == 0:
            chain[c] = j
            c += 1
            j = parent[j]
        base = 0 if j < 0 else length[j]
        for t in range(c - 1, -1, -1):
            base += 1
            length[chain[t]] = base
    top = 0
    for i in range(m):
        top = max(top, length[i])
    start = np.zeros(top + 2, dtype=np.int64)
    for i in range(m):
        start[length[i] + 1] += 1
    for L in range(1, top + 2):
        start[L] += start[L - 1]
    fill = start.copy()
    for i in range(m):                               # by length, in index order
        out[fill[length[i]]] = i
        fill[length[i]] += 1
    rank = np.empty(m, dtype=np.int64)
    for L in range(1, top + 1):
        lo, hi = start[L], start[L + 1]
        key = np.empty(hi - lo, dtype=np.int64)
        for t in range(lo, hi):
            x = out[t]
            key[t - lo] = letter[x] if L == 1 else rank[parent[x]] * k + letter[x]
        # the keys are distinct (one element per parent and letter), in a range of
        # k * |previous level|: placed by key when that range is not much larger
        base = 0 if L == 1 else start[L - 1] * k
        span = k if L == 1 else (start[L] - start[L - 1]) * k
        if span <= 8 * (hi - lo) + 4096:
            slots = np.full(span, -1, dtype=np.int64)
            for t in range(lo, hi):
                slots[key[t - lo] - base] = out[t]
            t = lo
            for j in range(span):
                x = slots[j]
                if x >= 0:
                    out[t] = x
                    rank[x] = t
                    t += 1
            continue
        order = np.argsort(key, kind="mergesort")
        lv = out[lo:hi].copy()
        for t in range(hi - lo):
            out[lo + t] = lv[order[t]]
            rank[lv[order[t]]] = lo + t


def _square_hits(square, flat, offs, k0, pos, out):
    """The first level ``k >= k0`` (``flat[offs[k] : offs[k + 1]]``, element ids) with an
    element whose square (``square``: element -> element, -1 none) lies in the same level:
    ``out[:, t] = (i, j)``, the positions of each such element and of its square, ascending.
    Returns ``(t, k + 1)``, or ``(0, -1)`` when no level from ``k0`` on has one (``pos``: -1
    per element on entry and on return)."""
    for k in range(k0, offs.shape[0] - 1):
        lo, hi = offs[k], offs[k + 1]
        for i in range(lo, hi):
            pos[flat[i]] = i - lo
        t = 0
        for i in range(lo, hi):
            s = square[flat[i]]
            if s >= 0 and pos[s] >= 0:
                out[0, t] = i - lo
                out[1, t] = pos[s]
                t += 1
        for i in range(lo, hi):
            pos[flat[i]] = -1
        if t:
            return t, k + 1
    return 0, -1


def _byte_key(v):
    """An int32 entry's rank in the order of its little-endian bytes, least significant
    first: rows compared entry by entry with these keys are in the order numpy sorts their
    raw bytes in."""
    a = np.int64(v)
    return ((a & 255) << 24) | (((a >> 8) & 255) << 16) | (((a >> 16) & 255) << 8) \
        | ((a >> 24) & 255)


def _word_key(rows, i, w, per, width, n, small):
    """Entries ``w·per .. w·per + per - 1`` of row ``i`` as one uint64, the first highest:
    each entry itself (``small``: all below 256, 8 bits each) or its :func:`_byte_key`
    (32 bits each); past the row's end, zeros (every row has ``n`` entries, so padding never
    decides an order)."""
    v = np.uint64(0)
    for j in range(per):
        q = w * per + j
        e = 0
        if q < n:
            e = rows[i, q] if small else _byte_key(rows[i, q])
        v = (v << np.uint64(width)) | np.uint64(e)
    return v


def _radix_group(keys, order, a, b, ktmp, otmp, count):
    """Sort ``keys[a:b]`` (uint64) in place, ``order[a:b]`` carried along: a stable counting
    sort per byte from the lowest (Knuth's LSD radix sort), skipping a byte that is the same
    in every key (the padding of a short row, the high bytes of small entries)."""
    g = b - a
    for byte in range(8):
        sh = np.uint64(8 * byte)
        count[:] = 0
        for i in range(a, b):
            count[np.int64((keys[i] >> sh) & np.uint64(255)) + 1] += 1
        if count[np.int64((keys[a] >> sh) & np.uint64(255)) + 1] == g:
            continue
        for v in range(256):
            count[v + 1] += count[v]
        for i in range(a, b):
            v = np.int64((keys[i] >> sh) & np.uint64(255))
            ktmp[count[v]] = keys[i]
            otmp[count[v]] = order[i]
            count[v] += 1
        for i in range(g):
            keys[a + i] = ktmp[i]
            order[a + i] = otmp[i]


def _sort_rows(rows, order, tmp):
    """``order`` = the rows' indices in the byte order of their int32 entries (at the first
    entry that differs, the smaller :func:`_byte_key` first), by refinement from the first
    entries on (most significant digit first): each group of rows equal so far is sorted by
    its next entries and split, until every group is one row; False when two rows are equal.
    A digit is several entries read together as one uint64 (:func:`_word_key`): eight when
    every entry is below 256 (their own order is then the byte order), else two. Rows sharing
    long prefixes cost one pass per shared digit, not one per comparison as in a comparison
    sort. A group is sorted by insertion up to 16 rows, by ``argsort`` up to 256, past that
    by :func:`_radix_group`; the order within equal keys does not matter, as the next digits
    split them."""
    m, n = rows.shape
    for i in range(m):
        order[i] = i
    if m <= 1:
        return True
    small = True
    for i in range(m):
        for q in range(n):
            if rows[i, q] < 0 or rows[i, q] > 255:
                small = False
                break
        if not small:
            break
    per = 8 if small else 2
    width = 8 if small else 32
    n_words = (n + per - 1) // per
    keys = np.empty(m, dtype=np.uint64)
    ktmp = np.empty(m, dtype=np.uint64)
    count = np.empty(257, dtype=np.int64)
    gs = np.empty(m, dtype=np.int64)
    ge = np.empty(m, dtype=np.int64)
    gs2 = np.empty(m, dtype=np.int64)
    ge2 = np.empty(m, dtype=np.int64)
    ng = 1
    gs[0] = 0
    ge[0] = m
    for w in range(n_words):
        nn = 0
        for g in range(ng):
            a = gs[g]
            b = ge[g]
            for i in range(a, b):
                keys[i] = _word_key(rows, order[i], w, per, width, n, small)
            if b - a <= 16:                            # insertion sort
                for i in range(a + 1, b):
                    kv = keys[i]
                    ov = order[i]
                    j = i - 1
                    while j >= a and keys[j] > kv:
                        keys[j + 1] = keys[j]
                        order[j + 1] = order[j]
                        j -= 1
                    keys[j + 1] = kv
                    order[j + 1] = ov
            elif b - a <= 256:
                idx = np.argsort(keys[a:b])
                for i in range(b - a):
                    tmp[i] = order[a + idx[i]]
                    ktmp[i] = keys[a + idx[i]]
                for i in range(b - a):
                    order[a + i] = tmp[i]
                    keys[a + i] = ktmp[i]
            else:
                _radix_group(keys, order, a, b, ktmp, tmp, count)
            r = a
            for i in range(a + 1, b + 1):
                if i == b or keys[i] != keys[i - 1]:
                    if i - r > 1:
                        gs2[nn] = r
                        ge2[nn] = i
                        nn += 1
                    r = i
        if nn == 0:
            return True
        for g in range(nn):
            gs[g] = gs2[g]
            ge[g] = ge2[g]
        ng = nn
    return False


def _prepare(right, identity, n_let, rows, ws, letters, succ, by_rows):
    """Rank the elements (``ws[0]``: rank of each element, ``ws[1]``: element of each rank):
    with ``by_rows``, their rows (``rows``) in byte order (see :func:`_sort_rows`), else by
    index. Pick one letter per distinct generator (the first: ``letters``) and fill
    ``succ``. Returns the number of those letters, or -1 if two rows are equal."""
    m = right.shape[0]
    rank, order = ws[0], ws[1]
    if by_rows:
        if not _sort_rows(rows, order, ws[4]):
            return -1                                 # two equal rows
        for i in range(m):
            rank[order[i]] = i
    else:
        for i in range(m):
            rank[i] = i
            order[i] = i
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
    direct_levels(rows, 100, 100, w0, math.inf)
    cycle_orders(rows)
    parity_candidates(rows, 0)
    shortlex_order(np.array([-1, 0]), np.array([0, 0]), 1)
    return time.perf_counter() - w0


def _first_call(t0: float) -> float:
    """``t0`` moved past the compiling (or loading) of the kernels, which the first call of a
    process does first, so that it stays out of the caller's time budget."""
    if _STATE["warm_s"] is None:
        _STATE["warm_s"] = 0.0
        _STATE["warm_s"] = w = _warm_up()
        t0 += w
    return t0


def _grown(out: np.ndarray, need: int, room: int = 0) -> np.ndarray:
    """``out`` (3 rows) with at least ``need`` columns: twice as many when it grows, or
    ``room`` (what the budget can still use) when that is more."""
    if need <= out.shape[1]:
        return out
    grown = np.empty((3, max(need, 2 * out.shape[1], room)), dtype=np.int64)
    grown[:, :out.shape[1]] = out
    return grown


def _level_tables(offs, hashes, ltable, ids, nlev: int):
    """The offsets, hashes and hash table of ``nlev`` levels, twice as large (a power of two
    table, the levels re-inserted) if the next level needs room, else as they are."""
    if nlev + 2 <= offs.size and 2 * (nlev + 1) <= ltable.size:
        return offs, hashes, ltable
    lcap = 2 * offs.size
    offs = np.concatenate([offs, np.zeros(lcap - offs.size, dtype=np.int64)])
    hashes = np.concatenate([hashes, np.empty(lcap - hashes.size, dtype=np.uint64)])
    ltable = np.full(1 << (4 * lcap - 1).bit_length(), -1, dtype=np.int64)
    _rehash_levels(ltable, hashes, ids, offs, nlev)
    return offs, hashes, ltable


def _unpacked(codes: np.ndarray, bits: int, s: int, n: int, m: int) -> np.ndarray:
    """The ``(m, n)`` int32 rows of the elements packed in ``codes`` (``s`` of them, in
    ``bits``-bit fields of little-endian words, as :mod:`automata.monoid` packs them), the
    identity after them."""
    if s * n <= _SMALL_UNPACK:                     # one compiled call beats numpy's few
        return unpack_rows(codes, bits, s, n, m)
    rows = np.empty((m, n), dtype=np.int32)        # large: numpy's views copy at memory speed
    if bits == 4:
        b = codes.view(np.uint8).reshape(s, -1)
        rows[:s, 0::2] = (b & 15)[:, :(n + 1) // 2]
        rows[:s, 1::2] = (b >> 4)[:, :n // 2]
    else:
        rows[:s] = codes.view(np.uint8 if bits == 8 else np.uint16).reshape(s, -1)[:, :n]
    rows[s:] = np.arange(n, dtype=np.int32)
    return rows


#: the rows argument of :func:`_prepare` when it ranks by index (it reads no row)
_NO_ROWS = np.zeros((1, 1), dtype=np.int32)


class _LazyRows:
    """Every element's rows (:func:`_unpacked`), unpacked on the first call."""

    __slots__ = ("_args", "_rows")

    def __init__(self, codes, bits: int, s: int, n: int, m: int):
        self._args, self._rows = (codes, bits, s, n, m), None

    def __call__(self) -> np.ndarray:
        if self._rows is None:
            codes, bits, s, n, m = self._args
            self._rows = _unpacked(np.ascontiguousarray(codes, dtype=np.uint64), bits, s, n, m)
        return self._rows


def cayley_levels(codes: np.ndarray, bits: int, s: int, n: int, right: np.ndarray,
                  identity: int, n_let: int, max_levels: int, max_total: int, t0: float,
                  max_seconds: float, byte_order: bool = True):
    """The length levels on an enumerated monoid's right Cayley graph ``right`` (elements
    ``0 .. s-1`` packed in ``codes`` with ``bits``-bit fields over ``n`` states; a further
    element is the identity): ``(over, rows, levels)``. ``over``: None, ``"levels"``,
    ``"elements"`` or ``"seconds"`` (the budget that ran out), or ``"equal"`` (two elements
    with the same row: the caller's numpy path then decides); ``rows``: every element's
    transformation (int32; with ``byte_order`` False, a call that unpacks them); ``levels`` =
    ``(ids, parents, letters, offsets, start)`` (level ``j`` is ``ids[offsets[j] :
    offsets[j + 1]]``, and level ``start`` recurs after the last).
    Each level lists its elements in the byte order of their rows, or with ``byte_order``
    False in index order (no sort of the rows; the same sets, starts and periods, other
    first words). The first call of a process compiles (or loads) the kernels first and
    leaves that time out of ``max_seconds``."""
    t0 = _first_call(t0)
    m = right.shape[0]
    if byte_order:
        rows = _unpacked(np.ascontiguousarray(codes, dtype=np.uint64), int(bits), int(s),
                         int(n), m)
    else:                       # index order: the walk reads no row; unpacked when asked for
        rows = _LazyRows(codes, int(bits), int(s), int(n), m)
    ws = np.zeros((5, m), dtype=np.int64)        # rank, by rank, stamp, first position, found
    letters = np.empty(n_let, dtype=np.int64)
    succ = np.empty((n_let, m), dtype=np.int32)
    kc = _prepare(np.ascontiguousarray(right, dtype=np.int32), int(identity), int(n_let),
                  rows if byte_order else _NO_ROWS, ws, letters, succ, bool(byte_order))
    if kc < 0:
        return "equal", rows, None
    # room for sixteen levels as large as the monoid; past 2^16 entries, at once for all the
    # budget allows (np.empty: pages are touched only as the levels fill them)
    cap, lcap = 16 * m + 64, 64
    if cap > 1 << 16:
        cap = max(cap, int(max_total) + m + 64)
    out = np.empty((3, cap), dtype=np.int64)          # levels (ranks), parents, letters
    offs = np.zeros(lcap + 2, dtype=np.int64)
    hashes = np.empty(lcap + 2, dtype=np.uint64)
    ltable = np.empty(4 * lcap, dtype=np.int64)           # a power of two (np.full is slower)
    ltable.fill(-1)
    st = np.zeros(4, dtype=np.int64)
    root = int(ws[0, identity])
    while True:
        rc = _cayley_levels(succ[:kc], letters[:kc], int(n_let), root, int(max_levels),
                            int(max_total), out[0], out[1], out[2], offs, hashes, ltable,
                            ws[2], ws[3], ws[4], st, _PAUSE_WORK)
        nlev = int(st[0])
        if rc == _GROW:
            # the levels stop past max_total elements, so max_total + one level (<= m) is
            # all they can take: one copy instead of several doublings
            out = _grown(out, int(st[3]), int(max_total) + m + 64)
            offs, hashes, ltable = _level_tables(offs, hashes, ltable, out[0], nlev)
            continue
        if rc == _PAUSE:
            if time.perf_counter() - t0 > max_seconds:
                return "seconds", rows, None
            continue
        if rc != _DONE:
            return ("levels" if rc == _LEVELS else "elements"), rows, None
        if time.perf_counter() - t0 > max_seconds:     # a walk shorter than one pause
            return "seconds", rows, None
        end = int(offs[nlev])
        ids = ws[1][out[0, :end]] if byte_order else out[0, :end].copy()    # rank = index
        return None, rows, (ids, out[1, :end].copy(), out[2, :end].copy(), offs[:nlev + 1],
                            int(st[2]))


def _chunk_tables(gens: np.ndarray, b: int, chunk_bits: int = 12) -> tuple[np.ndarray, int]:
    """``(tab, cbits)`` for :func:`_direct_levels`: a code's fields (``b`` bits each, the
    first entry highest) in chunks of ``cbits = b·⌊chunk_bits / b⌋`` bits from the lowest, and
    ``tab[c, j, v]`` the code of the images under ``gens[c]`` of chunk ``j``'s fields when
    its bits are ``v``, in place (field values past the states, which no code holds, are
    read as the last state)."""
    k, n = gens.shape
    per = min(n, max(1, chunk_bits // b))            # a DFA of few states: one small table
    nch = -(-n // per)
    cbits = per * b
    v = np.arange(1 << cbits, dtype=np.int64)
    fmask = (1 << b) - 1
    tab = np.zeros((k, nch, 1 << cbits), dtype=np.int64)
    for j in range(nch):
        for local in range(min(per, n - j * per)):
            field = (v >> (local * b)) & fmask        # the field j·per + local from the low end
            shift = (j * per + local) * b
            img = gens[:, np.minimum(field, n - 1)].astype(np.int64)   # (k, 2^cbits)
            tab[:, j, :] |= img << shift
    return tab, cbits


def direct_levels(gens: np.ndarray, max_levels: int, max_total: int, t0: float,
                  max_seconds: float):
    """The length levels of the transformations ``gens`` (``(letters, n)``, each row a letter)
    without a Cayley graph, when a row fits in one int64 (``n·⌈log2 n⌉ <= 63``; else
    ``(None, None, None)``): ``(over, rows, levels)`` as :func:`cayley_levels` gives them
    (``ids``: None), ``over`` None or the budget that ran out."""
    gens = np.ascontiguousarray(gens, dtype=np.int32)
    k, n = gens.shape
    b = max(1, (n - 1).bit_length())
    if n * b > 63 or k == 0:
        return None, None, None
    t0 = _first_call(t0)
    shifts = (b * np.arange(n - 1, -1, -1)).astype(np.int64)
    _, first = np.unique(gens.view(np.dtype((np.void, 4 * n))).ravel(), return_index=True)
    letters = np.sort(first).astype(np.int64)           # one letter per distinct generator
    # codes, parents, letters: room at once for the levels the budget allows and the products
    # of the last (at most (1 + k)·max_total; the pages are only touched as levels fill them),
    # capped at 2^22; grown by doubling past that
    out = np.empty((3, min((1 + k) * int(max_total), 1 << 22) + 16 * k + 64), dtype=np.int64)
    offs = np.zeros(66, dtype=np.int64)
    hashes = np.empty(66, dtype=np.uint64)
    ltable = np.empty(256, dtype=np.int64)
    ltable.fill(-1)
    # a bitmap over every code, or a hash table grown to need (past 32 bits a product's
    # position might not fit below its code)
    dense = n * b <= min(_DENSE_BITS, 32)
    seen = np.zeros(max(1, (1 << (n * b)) >> 6) if dense else 0, dtype=np.uint64)
    hkey, hidx = (np.empty(0 if seen.size else 64, dtype=np.int64) for _ in range(2))
    found, tmp = (np.empty(64, dtype=np.int64) for _ in range(2))
    fpos = np.empty(0 if dense else 64, dtype=np.int64)        # the bitmap packs positions
    st = np.zeros(5, dtype=np.int64)
    tab, cbits = _chunk_tables(gens[letters], b)
    pause = 0
    while True:
        rc = _direct_levels(gens, letters, shifts, np.int64((1 << b) - 1), n * b,
                            int(max_levels), int(max_total), out[0], out[1], out[2], offs,
                            hashes, ltable, hkey, hidx, found, fpos, tmp, seen, st, pause,
                            tab, cbits)
        pause = _PAUSE_WORK
        nlev = int(st[0])
        if rc == _GROW:
            out = _grown(out, int(st[3]))
            need = int(st[4])
            if not dense and 2 * need > hkey.size:
                size = 1 << (2 * need - 1).bit_length()
                hkey, hidx = np.empty(size, dtype=np.int64), np.empty(size, dtype=np.int64)
            if need > found.size:
                found, tmp = (np.empty(max(need, 2 * found.size), dtype=np.int64)
                              for _ in range(2))
                if not dense:
                    fpos = np.empty(found.size, dtype=np.int64)
            offs, hashes, ltable = _level_tables(offs, hashes, ltable, out[0], nlev)
            continue
        if rc == _PAUSE:
            if time.perf_counter() - t0 > max_seconds:
                return "seconds", None, None
            continue
        if rc != _DONE:
            return ("levels" if rc == _LEVELS else "elements"), None, None
        end = int(offs[nlev])
        codes = out[0, :end]
        rows = ((codes[:, None] >> shifts) & ((1 << b) - 1)).astype(np.int32)
        return None, rows, (None, out[1, :end].copy(), out[2, :end].copy(), offs[:nlev + 1],
                            int(st[2]))


def first_cyclic_id(rows: np.ndarray, ids: np.ndarray) -> int:
    """The first position ``i`` of ``ids`` whose row ``rows[ids[i]]`` has a cycle of length
    > 1 (-1: none), without gathering the rows."""
    rows = np.ascontiguousarray(rows, dtype=np.int32)
    return int(_first_cyclic_id(rows, np.ascontiguousarray(ids, dtype=np.int64),
                                np.empty(rows.shape[1], dtype=np.int64)))


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


def square_hits(square: np.ndarray, flat: np.ndarray, offs):
    """For each level ``flat[offs[k] : offs[k + 1]]`` (element ids) in order with an element
    whose square (``square``: element -> element, -1 none) lies in the same level:
    ``(k + 1, positions, squares' positions)`` (lists, ascending), level by level as they are
    asked for (see :func:`_square_hits`)."""
    flat = np.ascontiguousarray(flat, dtype=np.int64)
    offs = np.asarray(offs, dtype=np.int64)
    square = np.ascontiguousarray(square, dtype=np.int64)
    pos = np.full(square.shape[0], -1, dtype=np.int64)
    width = int(np.diff(offs).max()) if offs.shape[0] > 1 else 0
    out = np.empty((2, max(1, width)), dtype=np.int64)
    k = 0
    while True:
        t, k = _square_hits(square, flat, offs, k, pos, out)
        if t == 0:
            return
        yield k, out[0, :t].tolist(), out[1, :t].tolist()


def shortlex_order(parent: np.ndarray, letter: np.ndarray, k: int) -> np.ndarray:
    """The element indices in shortlex order of their words (``parent``, ``letter``: each
    element's word is its parent's and one letter; ``k``: the letters' bound in the keys)."""
    out = np.empty(parent.shape[0], dtype=np.int64)
    _shortlex(np.ascontiguousarray(parent, dtype=np.int64),
              np.ascontiguousarray(letter, dtype=np.int64), int(k), out)
    return out
