"""A compiled (numba) core for the breadth-first monoid enumeration of :mod:`automata.monoid`.

This is the only module that imports numba, and only on first use. ``AUTOMATA_JIT=0`` in the
environment turns it off; without numba everything runs the vectorized numpy code. The
compiled kernels are cached on disk (``cache=True``), so they are compiled once per machine.

The algorithm is Froidure and Pin's (1997, "Algorithms for computing finite semigroups", in
*Foundations of Computational Mathematics*, Springer): elements are found breadth-first by
right multiplication with the generators, each with its parent and last letter, and while the
right Cayley graph is recorded most products need no multiplication at all. Write ``u = b s``
(first letter ``b``, the suffix ``s`` one letter shorter). When ``t = s a`` was *not* found as
``s`` times ``a`` (its own word is ``w(t) = w(p) c`` with ``p`` its parent, ``c`` its last
letter), then ``u a = b t = (b p) c``: a look-up in the left graph (``b p``, known because
``p`` is shorter than ``u``) and then in the right graph; only when that row entry is not
known yet is the product computed and hashed. The visiting order is the numpy path's
(level by level; within a level, blocks of ``chunk`` elements; within a block letter by
letter), so the elements, their order, words and graphs are the same arrays as the numpy path
gives; the shortcut changes only how a product already in the monoid is recognised.

Elements are stored packed exactly as :class:`automata.monoid._Packing` packs them (``b``-bit
fields in ``uint64`` words), multiplied field by field through a per-letter table, and kept in
an open-addressing (linear probing) hash table of element ids.
"""
from __future__ import annotations

import math
import os
import sys
import time

import numpy as np

from .errors import BudgetExceededError

__all__ = ["enabled", "compile_into", "compiled_once", "enumerate_monoid", "compile_seconds",
           "image_sizes", "strong_components", "green_labels", "max_tail",
           "power_index", "first_cyclic"]

_DONE, _GROW, _PAUSE, _BUDGET = 0, 1, 2, 3
_PAUSE_WORK = 1 << 17          # products between two returns to Python (time budget checks)
_NEVER = np.iinfo(np.int64).max
_MIX = np.uint64(0x9E3779B97F4A7C15)

_STATE: dict = {"loaded": None, "compile_s": None}
_KERNELS = ("_hash", "_find", "_product", "_fill_left", "_fp_kernel", "_rehash", "_lookup",
            "_unpack_row", "_tail", "_max_tail", "_first_cyclic", "_image_sizes", "_scc_labels",
            "_root", "_d_classes", "_distinct_columns", "_green_kernel", "_setup_letters",
            "_power_index", "_idempotents_by_words", "_group_rows", "_element_row",
            "_unpack_all")


def _environment():
    """``(os.environ's own dict, the key, the value "0")``, encoded as ``os.environ`` keeps
    them, or None where it keeps no such dict (then ``os.environ.get`` is read)."""
    try:
        return os.environ._data, os.environ.encodekey("AUTOMATA_JIT"), \
            os.environ.encodevalue("0")
    except AttributeError:                      # pragma: no cover - another os.environ
        return None


#: ``enabled()`` runs a few times per classification and ``os.environ.get`` is a chain of
#: Python calls (about 3 µs here, 5-10 % of a tiny acceptor's ``classify``); the dict behind
#: ``os.environ``, which its assignments update (``monkeypatch.setenv`` included), is read
#: directly instead
_ENV = _environment()


def _turned_off() -> bool:
    """``AUTOMATA_JIT`` is ``0``."""
    if _ENV is not None:
        return _ENV[0].get(_ENV[1]) == _ENV[2]
    return os.environ.get("AUTOMATA_JIT") == "0"     # pragma: no cover


def enabled() -> bool:
    """Whether the compiled core is used: numba importable and ``AUTOMATA_JIT`` not ``0``."""
    if _turned_off():
        return False
    loaded = _STATE["loaded"]
    if loaded is None:
        loaded = _STATE["loaded"] = _load()
    return loaded


def compile_seconds() -> float | None:
    """Seconds of this process's first call of the enumeration kernel (compiling it or loading
    it from the cache, and running it); None before that call."""
    return _STATE["compile_s"]


def _load() -> bool:
    """Replace the kernels of this module by their numba-compiled versions (False: no numba)."""
    try:
        import numba
    except ImportError:
        return False
    g = globals()
    for name in _KERNELS:
        g[name] = numba.njit(cache=True, nogil=True)(g[name])
    notice_if_uncached([g[name] for name in _KERNELS])
    return True


#: printed once per process, on a terminal, before kernels that are not cached compile
COMPILE_NOTICE = ("automata: compiling the numba kernels on first use (up to about a minute, "
                  "once; then cached on disk). AUTOMATA_JIT=0 runs without them.")


def notice_if_uncached(dispatchers, stream=None) -> bool:
    """Tell the user, once per process, that none of ``dispatchers`` (the core's kernels, just
    wrapped by numba; every classification runs some of them) has a valid on-disk cache: the
    core was never compiled on this machine (or its source changed), so the first calls
    will compile, those of the other ``jit_*`` modules too. Only when ``stream``
    (default ``sys.stderr``) is a terminal: piped output and the tests see nothing. The cache
    is read from numba's cache index (an internal of numba's; if it cannot be read, nothing
    is printed). Returns whether the notice was printed."""
    stream = sys.stderr if stream is None else stream
    if _STATE.get("noticed") or not getattr(stream, "isatty", lambda: False)():
        return False
    try:
        cached = any(bool(d._cache._cache_file._load_index()) for d in dispatchers)
    except Exception:                            # numba's internals moved: stay quiet
        return False
    if cached:
        return False
    _STATE["noticed"] = True
    print(COMPILE_NOTICE, file=stream, flush=True)
    return True


def compiled_once(state: dict, namespace: dict, names: tuple) -> bool:
    """Whether another module's kernels ``names`` run compiled: the core is on, and they are
    compiled through :func:`compile_into` on the first call (``state["loaded"]`` keeps the
    answer). Each ``jit_*`` module's ``available()`` is this."""
    if not enabled():
        return False
    if state.get("loaded") is None:
        state["loaded"] = compile_into(namespace, names)
    return bool(state["loaded"])


def compile_into(namespace: dict, names: tuple) -> bool:
    """Compile the plain-Python kernels ``names`` of another module (its ``globals()``) in
    place, the way this module's own are; False (nothing changed) when the core is off. Each
    module calls it once, on its first use; this module stays the only one importing numba."""
    if not enabled():
        return False
    import numba

    for name in names:
        namespace[name] = numba.njit(cache=True, nogil=True)(namespace[name])
    return True


# ---------------------------------------------------------------------------- kernels
# Plain Python functions, compiled by _load(); each refers to the others through this
# module's globals, which _load() has replaced by the compiled versions before the first call.

def _hash(row, consts):
    """64-bit hash of one packed element (a row of ``uint64`` words)."""
    if row.shape[0] == 1:
        return row[0] * _MIX
    h = np.uint64(0)
    for j in range(row.shape[0]):
        h += row[j] * consts[j]
    h ^= h >> np.uint64(31)
    h *= _MIX
    h ^= h >> np.uint64(29)
    return h


def _find(buf, table, row, consts, shift):
    """``(id, slot)``: the id of ``row`` among the stored elements, or ``-1`` and the empty
    slot where its probe ended."""
    tmask = table.shape[0] - 1
    slot = np.int64(_hash(row, consts) >> shift)
    w = row.shape[0]
    while True:
        i = table[slot]
        if i < 0:
            return -1, slot
        same = True
        for j in range(w):
            if buf[i, j] != row[j]:
                same = False
                break
        if same:
            return i, slot
        slot = (slot + 1) & tmask


def _product(buf, u, a, gtab, mask, fbits, out):
    """``out`` = element ``u`` times generator ``a``, field by field (``gtab[a]`` maps a field
    value to its image: one state for 8/16-bit fields, two 4-bit states per byte otherwise)."""
    fmask = np.uint64((1 << fbits) - 1)
    per = 64 // fbits
    for j in range(buf.shape[1]):
        x = buf[u, j]
        y = np.uint64(0)
        for f in range(per):
            sh = np.uint64(f * fbits)
            y |= gtab[a, np.int64((x >> sh) & fmask)] << sh
        out[j] = y & mask[j]


def _fill_left(left, right, parent, letter, gen_index, canon, i0, i1):
    """Left Cayley graph rows ``i0 .. i1-1``: ``a x = (a p) c`` for ``x = p c`` (a letter
    acting as an earlier one, ``canon[a] < a``, copies its column)."""
    k = left.shape[1]
    for i in range(i0, i1):
        p = parent[i]
        c = letter[i]
        for a in range(k):
            if canon[a] != a:
                left[i, a] = left[i, canon[a]]
            else:
                left[i, a] = right[gen_index[a], c] if p < 0 else right[left[p, a], c]


def _fp_kernel(buf, right, left, parent, letter, first, suffix, table, levels, gen_index,
               canon, gcodes, gtab, mask, consts, st, fbits, max_size, chunk, batch, record,
               pause_work, pause_count):
    """Run the enumeration from the state ``st`` until it is done (0), needs more room (1,
    ``st[7]`` elements), pauses at a block boundary (2: ``pause_work`` products done or
    ``pause_count`` elements found) or would exceed ``max_size`` (3: the current batch undone).

    ``st``: count, level start, level end, block start, number of level starts, phase (0
    generators to add, 1 running, 2 done), rows with their left graph filled, room needed,
    then where a block was left (letter, element, count at the batch start, inside a block).
    ``record``: keep the right and left graphs (else they are not touched). ``canon[a]``: the
    first letter with the same transformation as ``a``; a later duplicate only copies (its
    products are never new: the earlier letter went first in this block), row by row once
    the block's letters are done (no enumeration step reads a duplicate's column).
    """
    cap, w = buf.shape
    k = gcodes.shape[0]
    tsize = table.shape[0]
    log = 0
    while (1 << log) < tsize:
        log += 1
    shift = np.uint64(64 - log)
    cand = np.empty(w, dtype=np.uint64)
    ndup = 0
    for a in range(k):
        if canon[a] != a:
            ndup += 1
    count = st[0]
    if st[5] == 0:
        if cap < k + 1 or 2 * (k + 1) > tsize:
            st[7] = k + 1
            return 1
        for a in range(k):
            i, slot = _find(buf, table, gcodes[a], consts, shift)
            if i < 0:
                if count >= max_size:
                    st[0] = 0
                    return 3
                i = count
                buf[i, :] = gcodes[a]
                table[slot] = i
                parent[i] = -1
                letter[i] = a
                if record:
                    first[i] = a
                    suffix[i] = -1
                    right[i, :] = -1
                count += 1
            gen_index[a] = i
        levels[0] = 0
        st[0], st[1], st[2], st[3], st[4], st[5], st[6] = count, 0, 0, 0, 1, 1, 0
    lo, hi, s, nlev, ldone = st[1], st[2], st[3], st[4], st[6]
    a, u, count0, inblock = st[8], st[9], st[10], st[11]
    work = 0
    while True:
        if not inblock:
            if s >= hi:                               # start the next level
                lo = hi
                if lo >= count:
                    if record:
                        _fill_left(left, right, parent, letter, gen_index, canon, ldone, count)
                    st[0], st[1], st[2], st[3], st[4], st[5], st[6] = \
                        count, lo, hi, s, nlev, 2, count
                    return 0
                hi = count
                levels[nlev] = hi
                nlev += 1
                s = lo
                if record:                            # every shorter element's left row
                    _fill_left(left, right, parent, letter, gen_index, canon, ldone, lo)
                    ldone = lo
            a, u, count0, inblock = 0, s, count, 1
        e = min(hi, s + chunk)
        while a < k:
            if canon[a] != a:                         # a duplicate letter: copied below
                u = e
            while u < e:
                r = -1
                sf = suffix[u] if record else -1
                if sf >= 0:
                    t = right[sf, a]
                    if parent[t] != sf or letter[t] != a:     # s a is not new as s * a
                        p = parent[t]
                        y = gen_index[first[u]] if p < 0 else left[p, first[u]]
                        r = right[y, letter[t]]
                if r < 0:
                    _product(buf, u, a, gtab, mask, fbits, cand)
                    r, slot = _find(buf, table, cand, consts, shift)
                    if r < 0:
                        if count >= max_size:             # undo this batch, stop
                            if record:
                                for a2 in range(0 if batch else a, a + 1):
                                    for u2 in range(s, e):
                                        right[u2, a2] = -1
                            st[0], st[1], st[2], st[3], st[4], st[6] = \
                                count0, lo, hi, s, nlev, ldone
                            return 3
                        if count + 1 > cap or 2 * (count + 1) > tsize:
                            st[0], st[1], st[2], st[3], st[4], st[6], st[7] = \
                                count, lo, hi, s, nlev, ldone, count + 1
                            st[8], st[9], st[10], st[11] = a, u, count0, inblock
                            return 1
                        r = count
                        buf[r, :] = cand
                        table[slot] = r
                        parent[r] = u
                        letter[r] = a
                        if record:
                            first[r] = first[u]
                            suffix[r] = gen_index[a] if sf < 0 else right[sf, a]
                            right[r, :] = -1          # row not visited yet
                        count += 1
                if record:
                    right[u, a] = r
                u += 1
            a += 1
            u = s
            if not batch:                             # numpy adds letter by letter
                count0 = count
        if record and ndup:                           # duplicates' columns, row by row
            for u2 in range(s, e):
                for a2 in range(k):
                    if canon[a2] != a2:
                        right[u2, a2] = right[u2, canon[a2]]
        inblock = 0
        work += (e - s) * k
        s = e
        if work >= pause_work or count >= pause_count:
            st[0], st[1], st[2], st[3], st[4], st[6], st[11] = count, lo, hi, s, nlev, ldone, 0
            return 2


def _rehash(buf, count, table, consts):
    """Insert elements ``0 .. count-1`` into the (empty) table."""
    tsize = table.shape[0]
    log = 0
    while (1 << log) < tsize:
        log += 1
    shift = np.uint64(64 - log)
    for i in range(count):
        _, slot = _find(buf, table, buf[i], consts, shift)
        table[slot] = i


def _lookup(buf, count, table, consts, probes):
    """Ids of the ``probes`` rows among elements ``0 .. count-1`` (-1 where absent)."""
    tsize = table.shape[0]
    log = 0
    while (1 << log) < tsize:
        log += 1
    shift = np.uint64(64 - log)
    out = np.full(probes.shape[0], -1, dtype=np.int64)
    for j in range(probes.shape[0]):
        i, _ = _find(buf, table, probes[j], consts, shift)
        if 0 <= i < count:
            out[j] = i
    return out


def _unpack_row(codes, i, n, bits, x):
    """``x`` = the transformation packed in row ``i`` of ``codes`` (``bits``-bit fields)."""
    per = 64 // bits
    fmask = np.uint64((1 << bits) - 1)
    b = np.uint64(bits)
    j = 0
    for w in range(codes.shape[1]):
        y = codes[i, w]
        for _ in range(per):
            if j >= n:
                return
            x[j] = np.int64(y & fmask)
            y >>= b
            j += 1


def _tail(x, n, depth, stack):
    """The longest path to a fixed point in the functional graph of ``x`` (0 for the
    identity), or -1 when ``x`` has a cycle of length > 1. ``depth``: scratch of length n."""
    for q in range(n):
        depth[q] = 0 if x[q] == q else -1
    best = 0
    for q in range(n):
        if depth[q] >= 0:
            continue
        m = 0
        p = q
        while depth[p] < 0:
            if m > n - 1:
                return -1                        # n steps without a fixed point: a cycle
            stack[m] = p
            m += 1
            p = x[p]
        base = depth[p]
        for t in range(m - 1, -1, -1):
            base += 1
            depth[stack[t]] = base
        if base > best:
            best = base
    return best


def _max_tail(codes, n, bits):
    """max(1, the longest path to a fixed point in any element's functional graph): for an
    aperiodic monoid the least k with ``x^k = x^(k+1)`` for all x; -1 when an element has a
    cycle of length > 1 (not aperiodic)."""
    x = np.empty(n, dtype=np.int64)
    depth = np.empty(n, dtype=np.int64)
    stack = np.empty(n + 1, dtype=np.int64)
    best = 1
    for i in range(codes.shape[0]):
        _unpack_row(codes, i, n, bits, x)
        t = _tail(x, n, depth, stack)
        if t < 0:
            return -1
        if t > best:
            best = t
    return best


def _power_index(right, parent, letter, codes, s, n, bits, walk_max):
    """max over the elements ``x`` (``0 .. s-1``, in breadth-first order: ``parent``/``letter``
    give each a word, its parent first) of the least ``k >= 1`` with ``x^k = x^(k+1)``; -1
    when some ``x`` has none (a cycle of length > 1: not aperiodic). Each element by the
    cheaper of two ways: for a word of at most ``walk_max`` letters, its powers on the right
    Cayley graph (``x^(k+1)``: ``x^k`` followed by the word's letters, about ``|w|·(k + 1)``
    look-ups; no ``k <= n`` means a cycle), else the longest tail of its transformation's
    functional graph (unpacked from ``codes``: about ``3n`` steps)."""
    wlen = np.empty(max(1, s), dtype=np.int64)
    word = np.empty(max(1, min(s, walk_max) + 1), dtype=np.int64)
    row = np.empty(n, dtype=np.int64)
    depth = np.empty(n, dtype=np.int64)
    stack = np.empty(n + 1, dtype=np.int64)
    best = 1
    for x in range(s):
        p0 = parent[x]
        wl = 1 if p0 < 0 else wlen[p0] + 1
        wlen[x] = wl
        if wl > walk_max:
            _unpack_row(codes, x, n, bits, row)
            k = _tail(row, n, depth, stack)
            if k < 0:
                return -1
        else:
            m = 0
            y = x
            while y >= 0:                         # the word of x, last letter first
                word[m] = letter[y]
                m += 1
                y = parent[y]
            p = x
            k = 1
            while True:
                q = p
                for t in range(m - 1, -1, -1):
                    q = right[q, word[t]]
                if q == p:
                    break
                if k >= n:
                    return -1
                p = q
                k += 1
        if k > best:
            best = k
    return best


def _first_cyclic(codes, n, bits):
    """The first element with a cycle of length > 1, or -1."""
    x = np.empty(n, dtype=np.int64)
    depth = np.empty(n, dtype=np.int64)
    stack = np.empty(n + 1, dtype=np.int64)
    for i in range(codes.shape[0]):
        _unpack_row(codes, i, n, bits, x)
        if _tail(x, n, depth, stack) < 0:
            return i
    return -1


def _image_sizes(codes, rows, n, bits, out):
    """``out[j]``: the image size (rank) of element ``rows[j]``."""
    x = np.empty(n, dtype=np.int64)
    seen = np.full(n, -1, dtype=np.int64)
    for j in range(rows.shape[0]):
        _unpack_row(codes, rows[j], n, bits, x)
        c = 0
        for q in range(n):
            if seen[x[q]] != j:
                seen[x[q]] = j
                c += 1
        out[j] = c


def _scc_labels(edges, cols, comp):
    """Strongly connected components of ``i -> edges[i, a]`` for the columns ``a`` in
    ``cols`` (Tarjan 1972, iteratively: an explicit stack of (vertex, next edge)), then
    numbered in order of their least vertex (so the labels do not depend on the order of the
    edges, nor on a column given twice).
    A vertex's edges to vertices already seen are scanned in one tight loop, its low-link in a
    local; a vertex popped into its component gets index ``m + 1``, which no low-link
    exceeds, so no on-stack flags are read."""
    m = edges.shape[0]
    k = cols.shape[0]
    done = m + 1
    index = np.full(m, -1, dtype=np.int64)
    low = np.empty(m, dtype=np.int64)
    stack = np.empty(m, dtype=np.int64)
    call_v = np.empty(m, dtype=np.int64)
    call_e = np.empty(m, dtype=np.int64)
    sp = 0
    nxt = 0
    ncomp = 0
    for root in range(m):
        if index[root] >= 0:
            continue
        index[root] = nxt
        low[root] = nxt
        nxt += 1
        stack[sp] = root
        sp += 1
        call_v[0] = root
        call_e[0] = 0
        depth = 1
        while depth > 0:
            v = call_v[depth - 1]
            e = call_e[depth - 1]
            lv = low[v]
            w = -1
            while e < k:                               # edges to seen vertices: low-links
                u = edges[v, cols[e]]
                e += 1
                iu = index[u]
                if iu < 0:
                    w = u
                    break
                if iu < lv:                            # on the stack (popped ones: m + 1)
                    lv = iu
            low[v] = lv
            call_e[depth - 1] = e
            if w >= 0:                                 # descend
                index[w] = nxt
                low[w] = nxt
                nxt += 1
                stack[sp] = w
                sp += 1
                call_v[depth] = w
                call_e[depth] = 0
                depth += 1
                continue
            depth -= 1                                 # v is finished
            if depth > 0 and lv < low[call_v[depth - 1]]:
                low[call_v[depth - 1]] = lv
            if lv == index[v]:                         # v roots a component: pop it
                while True:
                    sp -= 1
                    x = stack[sp]
                    index[x] = done
                    comp[x] = ncomp
                    if x == v:
                        break
                ncomp += 1
    remap = np.full(ncomp, -1, dtype=np.int64)
    c = 0
    for i in range(m):
        if remap[comp[i]] < 0:
            remap[comp[i]] = c
            c += 1
        comp[i] = remap[comp[i]]


def strong_components(edges: np.ndarray) -> np.ndarray:
    """SCC labels (int64) of the graph ``i -> edges[i, a]``, numbered by least element."""
    out = np.empty(edges.shape[0], dtype=np.int64)
    _scc_labels(np.ascontiguousarray(edges), np.arange(edges.shape[1], dtype=np.int64), out)
    return out


def _distinct_columns(right, identity):
    """The first letter of each distinct generator: ``right[identity, a]`` is letter ``a``'s
    element, and two letters with the same element have equal columns in both Cayley
    graphs (``x·a``, ``a·x``), so their edges are the same. (``jit_levels._prepare`` picks
    the same letters with the same loop, written there again: numba's disk cache does not
    see a change in a kernel of another file, so a compiled kernel calls only its own
    module's.)"""
    k = right.shape[1]
    cols = np.empty(k, dtype=np.int64)
    kc = 0
    for a in range(k):
        g = right[identity, a]
        new = True
        for c in range(kc):
            if right[identity, cols[c]] == g:
                new = False
                break
        if new:
            cols[kc] = a
            kc += 1
    return cols[:kc]


def _root(up, x):
    """Union-find: the root of ``x``, halving the path on the way."""
    while up[x] != x:
        up[x] = up[up[x]]
        x = up[x]
    return x


def _d_classes(r_lab, l_lab, idem, identity):
    """D-classes from R- and L-labels (``D = R o L``: the components joining each element's
    R-class to its L-class, by union-find), numbered identity first, then by least element;
    with their sizes, R- and L-class counts, representatives (least idempotent, the identity
    first; else least element) and regularity."""
    m = r_lab.shape[0]
    nr = 0
    nl = 0
    for i in range(m):
        nr = max(nr, r_lab[i] + 1)
        nl = max(nl, l_lab[i] + 1)
    up = np.arange(nr + nl)
    for i in range(m):
        a = _root(up, r_lab[i])
        b = _root(up, nr + l_lab[i])
        if a != b:
            up[max(a, b)] = min(a, b)
    name = np.full(nr + nl, -1, dtype=np.int64)
    d_lab = np.empty(m, dtype=np.int64)
    nd = 0
    for j in range(-1, m):                    # the identity's class first
        i = identity if j < 0 else j
        c = _root(up, r_lab[i])
        if name[c] < 0:
            name[c] = nd
            nd += 1
        d_lab[i] = name[c]
    d_size = np.zeros(nd, dtype=np.int64)
    n_r = np.zeros(nd, dtype=np.int64)
    n_l = np.zeros(nd, dtype=np.int64)
    seen_r = np.zeros(nr, dtype=np.bool_)
    seen_l = np.zeros(nl, dtype=np.bool_)
    reps = np.full(nd, -1, dtype=np.int64)
    regular = np.zeros(nd, dtype=np.bool_)
    for j in range(-1, m):                    # least first, the identity before all
        i = identity if j < 0 else j
        if j == identity:
            continue
        d = d_lab[i]
        d_size[d] += 1
        if not seen_r[r_lab[i]]:
            seen_r[r_lab[i]] = True
            n_r[d] += 1
        if not seen_l[l_lab[i]]:
            seen_l[l_lab[i]] = True
            n_l[d] += 1
        if reps[d] < 0:
            reps[d] = i
        if idem[i] and not regular[d]:
            regular[d] = True
            reps[d] = i
    return d_lab, d_size, n_r, n_l, reps, regular


def _idempotents_by_words(right, parent, letter, codes, n, bits, idem):
    """``idem[x]`` for the packed elements: ``x·x = x``, read from the packed transformation
    (each entry ``v = x[q]`` from its field, stopping at the first ``x[v] != v``: a few reads
    for most elements, ``2n`` for an idempotent), or, over more than 32 states, for a word
    shorter than 8 letters by walking it from ``x`` on the right Cayley graph (fewer reads
    than ``2n`` whatever ``x`` is)."""
    s = codes.shape[0]
    per = 64 // bits
    fmask = np.uint64((1 << bits) - 1)
    short = 8 if n > 32 else 0
    wlen = np.empty(s if short else 0, dtype=np.int64)
    word = np.empty(short + 1, dtype=np.int64)
    for x in range(s):
        if short:
            p = parent[x]
            wlen[x] = 1 if p < 0 else wlen[p] + 1
            if wlen[x] < short:
                m = 0
                y = x
                while y >= 0:                  # x's word, last letter first
                    word[m] = letter[y]
                    m += 1
                    y = parent[y]
                z = x
                for t in range(m - 1, -1, -1):
                    z = right[z, word[t]]
                idem[x] = z == x
                continue
        ok = True
        for q in range(n):
            v = np.int64((codes[x, q // per] >> np.uint64((q % per) * bits)) & fmask)
            if np.int64((codes[x, v // per] >> np.uint64((v % per) * bits)) & fmask) != v:
                ok = False
                break
        idem[x] = ok


def _green_kernel(right, left, parent, letter, codes, n, bits, identity, r_lab, l_lab, idem):
    """Green's relations of an enumerated monoid in one call: the R- and L-labels (SCCs of
    the Cayley graphs), the idempotents (:func:`_idempotents_by_words`; elements past the
    packed ones: the identity) and :func:`_d_classes`, with each D-class's H-class size
    (AssertionError where ``#R·#L`` does not divide its size, which a theorem forbids) and
    whether every H-class is trivial."""
    cols = _distinct_columns(right, identity)       # duplicate letters: the same edges
    _scc_labels(right, cols, r_lab)
    _scc_labels(left, cols, l_lab)
    s = codes.shape[0]
    _idempotents_by_words(right, parent, letter, codes, n, bits, idem[:s])
    for i in range(s, idem.shape[0]):
        idem[i] = True
    idem[identity] = True
    d_lab, d_size, n_r, n_l, reps, regular = _d_classes(r_lab, l_lab, idem, identity)
    h_size = np.empty(d_size.shape[0], dtype=np.int64)
    aperiodic = True
    for d in range(d_size.shape[0]):
        rl = n_r[d] * n_l[d]
        if d_size[d] % rl != 0:
            raise AssertionError("D-class size is not #R x #L x |H|")
        h_size[d] = d_size[d] // rl
        if h_size[d] != 1:
            aperiodic = False
    return d_lab, d_size, n_r, n_l, reps, regular, h_size, aperiodic


def green_labels(right: np.ndarray, left: np.ndarray, parent: np.ndarray, letter: np.ndarray,
                 codes: np.ndarray, packing, identity: int):
    """``(r_lab, l_lab, idem, d_lab, d_size, n_r, n_l, reps, regular, h_size, aperiodic)`` of the
    monoid whose Cayley graphs are ``right`` and ``left`` (its first elements packed in
    ``codes``, with their words by ``parent`` and ``letter``), see :func:`_green_kernel`."""
    m = right.shape[0]
    r_lab = np.empty(m, dtype=np.int64)
    l_lab = np.empty(m, dtype=np.int64)
    idem = np.empty(m, dtype=np.bool_)
    out = _green_kernel(np.ascontiguousarray(right), np.ascontiguousarray(left),
                        np.ascontiguousarray(parent), np.ascontiguousarray(letter),
                        np.ascontiguousarray(codes), packing.n, packing.bits, int(identity),
                        r_lab, l_lab, idem)
    return (r_lab, l_lab, idem) + tuple(out)


def max_tail(codes: np.ndarray, packing) -> int:
    """See :func:`_max_tail` (-1: some element is not aperiodic)."""
    return int(_max_tail(np.ascontiguousarray(codes), packing.n, packing.bits))


def power_index(right: np.ndarray, parent: np.ndarray, letter: np.ndarray,
                codes: np.ndarray, packing, s: int, walk_max: int | None = None) -> int:
    """See :func:`_power_index`: the index of an enumerated monoid's ``s`` packed elements
    (-1: not aperiodic). ``walk_max``: the longest word whose powers are walked (default
    ``3n / 4`` for ``n`` states: a walk of index ``k`` costs about ``|w|·(k + 1)`` look-ups,
    a tail about ``3n``)."""
    n = packing.n
    if walk_max is None:
        walk_max = 3 * n // 4
    return int(_power_index(np.ascontiguousarray(right), np.ascontiguousarray(parent),
                            np.ascontiguousarray(letter), np.ascontiguousarray(codes), int(s),
                            int(n), int(packing.bits), int(walk_max)))


def first_cyclic(codes: np.ndarray, packing) -> int:
    """The index of the first packed element with a cycle of length > 1, or -1."""
    return int(_first_cyclic(np.ascontiguousarray(codes), packing.n, packing.bits))


def image_sizes(codes: np.ndarray, rows: np.ndarray, packing) -> np.ndarray:
    """The rank (image size) of the packed elements ``codes[rows]`` (int64 array)."""
    out = np.empty(len(rows), dtype=np.int64)
    _image_sizes(np.ascontiguousarray(codes), np.asarray(rows, dtype=np.int64), packing.n,
                 packing.bits, out)
    return out


def _element_row(codes, i, s, n, bits, x):
    """``x`` = monoid element ``i``: packed row ``i`` of ``codes``, the identity when
    ``i >= s`` (past the semigroup's elements)."""
    if i >= s:
        for q in range(n):
            x[q] = q
    else:
        _unpack_row(codes, i, n, bits, x)


def _unpack_all(codes, n, bits, s, rows):
    """``rows[i]`` = element ``i`` for every row of ``rows`` (int32; the identity from ``s``)."""
    x = np.empty(n, dtype=np.int64)
    for i in range(rows.shape[0]):
        _element_row(codes, i, s, n, bits, x)
        for q in range(n):
            rows[i, q] = x[q]


def _group_rows(codes, n, bits, s, r_lab, l_lab, reps, sizes, ranks):
    """The maximal subgroups at the idempotents ``reps`` (monoid indices; ``>= s`` is the
    identity), one after the other in one flat array: for each, the elements of its H-class
    in index order, each as the permutation ``pos[x[pts]]`` of the sorted image ``pts`` of
    the idempotent (``pos``: a point's place in ``pts``). ``sizes[j]`` is set to the H-class's
    size, ``ranks[j]`` to ``|pts|``."""
    m = r_lab.shape[0]
    x = np.empty(n, dtype=np.int64)
    pos = np.empty(n, dtype=np.int64)
    members = np.empty(m, dtype=np.int64)     # distinct idempotents: disjoint H-classes
    starts = np.empty(reps.shape[0] + 1, dtype=np.int64)
    starts[0] = 0
    count = 0
    total = 0
    for j in range(reps.shape[0]):            # the H-classes, and the idempotents' ranks
        rep = reps[j]
        for i in range(m):
            if r_lab[i] == r_lab[rep] and l_lab[i] == l_lab[rep]:
                if count == m:                # overlapping H-classes: not idempotents
                    sizes[0] = -1
                    return np.empty(0, dtype=np.int64)
                members[count] = i
                count += 1
        starts[j + 1] = count
        sizes[j] = count - starts[j]
        _element_row(codes, rep, s, n, bits, x)
        pos[:] = 0
        r = 0
        for q in range(n):
            if pos[x[q]] == 0:
                pos[x[q]] = 1
                r += 1
        ranks[j] = r
        total += sizes[j] * ranks[j]
    out = np.empty(total, dtype=np.int64)
    o = 0
    for j in range(reps.shape[0]):
        _element_row(codes, reps[j], s, n, bits, x)
        pos[:] = -1
        for q in range(n):
            pos[x[q]] = 0
        r = 0
        for q in range(n):                    # pos: the place of each image point, sorted
            if pos[q] == 0:
                pos[q] = r
                r += 1
        for t in range(starts[j], starts[j + 1]):
            _element_row(codes, members[t], s, n, bits, x)
            for q in range(n):
                if pos[q] >= 0:
                    out[o] = pos[x[q]]
                    o += 1
    return out


def unpack_rows(codes: np.ndarray, bits: int, s: int, n: int, m: int) -> np.ndarray:
    """The ``(m, n)`` int32 rows of the monoid elements ``0 .. m-1``: the ``s`` packed in
    ``codes`` (``bits``-bit fields of little-endian words), then the identity."""
    rows = np.empty((m, n), dtype=np.int32)
    _unpack_all(np.ascontiguousarray(codes), int(n), int(bits), int(s), rows)
    return rows


def group_rows(codes: np.ndarray, packing, s: int, r_lab: np.ndarray, l_lab: np.ndarray,
               reps) -> list[np.ndarray]:
    """For each idempotent in ``reps`` (monoid indices), its maximal subgroup's elements (its
    H-class, in index order) as permutations of its sorted image: int64 arrays of shape
    ``(h_size, rank)``, as :meth:`automata.froidure_pin.FroidurePin.group_permutations` gives
    them (a repeated representative: the same array). Distinct idempotents have disjoint
    H-classes; representatives whose H-classes overlap (not idempotents) are refused
    (ValueError) rather than overrun the kernel's room for one element each."""
    asked = [int(r) for r in reps]
    reps = np.array(list(dict.fromkeys(asked)), dtype=np.int64)      # each once
    sizes = np.empty(reps.size, dtype=np.int64)
    ranks = np.empty(reps.size, dtype=np.int64)
    flat = _group_rows(np.ascontiguousarray(codes), packing.n, packing.bits, int(s),
                       np.ascontiguousarray(r_lab), np.ascontiguousarray(l_lab), reps,
                       sizes, ranks)
    if reps.size and sizes[0] < 0:
        raise ValueError("group_rows: the representatives must be idempotents")
    out, o = {}, 0
    for rep, h, r in zip(reps.tolist(), sizes.tolist(), ranks.tolist()):
        out[rep] = flat[o:o + h * r].reshape(h, r)
        o += h * r
    return [out[r] for r in asked]


def _setup_letters(gens, bits, gcodes, gtab, canon):
    """The kernel's inputs from the letters (``gens``, int64 ``(k, n)``): their packed codes
    (``bits``-bit fields), the field table (``bits == 4``: per letter, the image of every
    byte, two fields; else ``gtab`` is the letters themselves) and ``canon`` (the first letter
    equal to each). A duplicate letter's row of ``gtab`` is left unset: the kernel never
    multiplies by it (it copies its first copy's Cayley-graph column)."""
    k, n = gens.shape
    per = 64 // bits
    for a in range(k):
        for w in range(gcodes.shape[1]):
            gcodes[a, w] = 0
        for q in range(n):
            gcodes[a, q // per] |= np.uint64(gens[a, q]) << np.uint64(bits * (q % per))
        canon[a] = a
        for b in range(a):
            if canon[b] != b:
                continue
            same = True
            for w in range(gcodes.shape[1]):
                if gcodes[b, w] != gcodes[a, w]:
                    same = False
                    break
            if same:
                canon[a] = b
                break
        if canon[a] != a:                  # a duplicate: the kernel multiplies by its first
            continue
        if bits == 4:
            for b in range(256):
                lo = b & 15
                hi = b >> 4
                v = np.uint64(0)
                if lo < n:
                    v |= np.uint64(gens[a, lo])
                if hi < n:
                    v |= np.uint64(gens[a, hi]) << np.uint64(4)
                gtab[a, b] = v
        else:
            for q in range(n):
                gtab[a, q] = np.uint64(gens[a, q])


# ---------------------------------------------------------------------------- driver
class _Arrays:
    """The kernel's growing arrays (the kernel initialises every row it creates)."""

    def __init__(self, cap: int, words: int, k: int, record: bool):
        g = cap if record else 1
        self.buf = np.empty((cap, words), dtype=np.uint64)
        self.right = np.empty((g, k), dtype=np.int32)
        self.left = np.empty((g, k), dtype=np.int32)
        self.parent = np.empty(cap, dtype=np.int32)
        self.letter = np.empty(cap, dtype=np.uint16)          # k <= 65535 letters
        self.first = np.empty(g, dtype=np.int32)
        self.suffix = np.empty(g, dtype=np.int32)
        self.levels = np.empty(cap + 2, dtype=np.int32)
        self.levels[0] = 0                   # the first level starts at 0 (set before any run)
        self.per_element = ("buf", "parent", "letter") + \
            (("right", "left", "first", "suffix") if record else ())   # one row per element

    def grow(self, cap: int) -> None:
        """Room for ``cap`` elements, in place where the allocator can (``ndarray.resize``,
        as the numpy path grows: no second copy alive at the peak)."""
        for name in self.per_element:
            a = getattr(self, name)
            a.resize((cap,) + a.shape[1:], refcheck=False)
        self.levels.resize(cap + 2, refcheck=False)

    def trim(self, count: int) -> None:
        """Shrink the per-element arrays to ``count`` rows: views of the first rows when
        the spare rows hold at most 1 MiB in all (a small monoid: no reallocation), else in
        place (the spare memory goes back to the allocator)."""
        names = self.per_element
        spare = (self.buf.shape[0] - count) * sum(getattr(self, a).strides[0] for a in names)
        for name in names:
            a = getattr(self, name)
            if a.shape[0] > count:
                if spare <= 1 << 20:
                    setattr(self, name, a[:count])
                else:
                    a.resize((count,) + a.shape[1:], refcheck=False)


def _warm_up() -> float:
    """Compile (or load from the cache) the enumeration kernel on the 2-element monoid of one
    transposition; returns the seconds it took."""
    from .monoid import _Packing

    _STATE["warming"] = True
    w0 = time.perf_counter()
    try:
        enumerate_monoid(np.array([[1, 0]]), _Packing.for_states(2), 10, math.inf, False, None,
                         {}, None, 16, True, w0)
    finally:
        _STATE["warming"] = False
    return time.perf_counter() - w0


def enumerate_monoid(gens, packing, max_size, max_seconds, partial_ok, probe, graph, check,
                     chunk, batch, t0):
    """:func:`automata.monoid._enumerate` with the compiled kernel (same arguments and
    results; ``chunk``, ``batch``: the numpy path's block size and batching, which fix the
    order of the elements). The first call of a process compiles (or loads) the kernel on a
    tiny monoid first and leaves that time out of ``max_seconds``: compiling is a one-time
    cost, not work on the caller's monoid, and must not turn a small budget into a refusal."""
    if _STATE["compile_s"] is None and not _STATE.get("warming"):
        t0 += _warm_up()

    gens = np.asarray(gens)
    k = gens.shape[0]
    words = packing.words
    record = graph is not None
    gcodes = np.empty((k, words), dtype=np.uint64)
    fbits = 8 if packing.bits == 4 else packing.bits
    gtab = np.empty((k, 256 if packing.bits == 4 else packing.n), dtype=np.uint64)
    canon = np.empty(k, dtype=np.int64)
    _setup_letters(np.ascontiguousarray(gens, dtype=np.int64), packing.bits, gcodes, gtab,
                   canon)
    mask = packing.valid_mask()
    consts = packing.hash_consts
    cap = max(1 << 10, 2 * (k + 1))
    arr = _Arrays(cap, words, k, record)
    table = np.empty(1 << max(10, math.ceil(math.log2(4 * (k + 1)))), dtype=np.int32)
    table.fill(-1)
    gen_index = np.zeros(k, dtype=np.int64)
    st = np.zeros(12, dtype=np.int64)
    pause_count = int(check[0]) if check is not None else _NEVER
    complete = False
    tc = time.perf_counter()
    first_call = _STATE["compile_s"] is None
    while True:
        rc = _fp_kernel(arr.buf, arr.right, arr.left, arr.parent, arr.letter, arr.first,
                        arr.suffix, table, arr.levels, gen_index, canon, gcodes, gtab, mask,
                        consts, st, fbits, int(max_size), int(chunk), bool(batch), record,
                        _PAUSE_WORK, pause_count)
        if first_call:
            _STATE["compile_s"] = time.perf_counter() - tc
            first_call = False
        if rc == _GROW:
            need = int(st[7])
            if need > arr.buf.shape[0]:
                # eight times at first (a copy of the 2^10 first rows, not three copies on
                # the way to a few thousand), then twice; never past the budget's size
                cap = arr.buf.shape[0]
                arr.grow(max(need, min(cap * (8 if cap <= 1 << 10 else 2), int(max_size) + 2)))
            if 2 * need > table.size:
                table = np.full(1 << math.ceil(math.log2(2 * need)), -1, dtype=np.int32)
                _rehash(arr.buf, int(st[0]), table, consts)
            continue
        if rc == _BUDGET:
            if partial_ok:
                break
            raise BudgetExceededError(
                f"transition monoid has more than {max_size:,} elements (max_size budget)")
        count = int(st[0])                      # rc is _PAUSE or _DONE: at a block boundary
        if check is not None and count >= check[0]:
            ok = check[1](arr.buf[:count])
            check, pause_count = None, _NEVER
            if not ok:
                break
        if time.perf_counter() - t0 > max_seconds:
            if partial_ok:
                break
            raise BudgetExceededError(
                f"transition monoid enumeration exceeded {max_seconds:g} s (max_seconds "
                f"budget) after {count:,} elements")
        if rc == _DONE:
            complete = True
            break
    return _results(arr, table, st, gen_index, consts, probe, graph, complete, k)


def _results(arr, table, st, gen_index, consts, probe, graph, complete, k):
    count = int(st[0])
    found = _lookup(arr.buf, count, table, consts, np.ascontiguousarray(probe, dtype=np.uint64)) \
        if probe is not None else None
    levels = arr.levels[:max(1, int(st[4]))].tolist()
    arr.trim(count)
    codes, parent = arr.buf, arr.parent
    letter = arr.letter.astype(np.uint8 if k < 256 else np.uint16)
    if graph is not None:
        right = arr.right
        if not complete:
            right[right < 0] = 0                 # the numpy path leaves unvisited rows zero
        graph["right"] = right
        if st[5] >= 1:
            graph["gen_index"] = gen_index.copy()
        if complete:
            graph["left"] = arr.left
        graph["levels"] = np.array(levels + ([count] if levels[-1] != count else []),
                                   dtype=np.int64)
    if probe is not None:
        return codes, parent, letter, complete, found
    return codes, parent, letter, complete
