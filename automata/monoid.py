"""The transition monoid of a DFA (its syntactic monoid when the DFA is minimal), enumerated.

Elements are transformations of the states, ``x[q] = q . w`` for a word ``w`` (a *right*
action: the product ``x * y`` means "apply ``x``, then ``y``", i.e. ``(x*y)[q] = y[x[q]]``,
matching word concatenation). Enumeration is a breadth-first right-multiplication closure in the
spirit of Froidure and Pin (1997, "Algorithms for computing finite semigroups"): each level's
frontier is multiplied by every generator at once with numpy, and new elements are recognised
with a vectorized open-addressing hash set.

Storage is compact: a transformation of ``n`` states is packed into ``b``-bit fields
(``b = 4`` for ``n <= 16``, so one ``uint64`` per element; ``b = 8`` up to 256 states; ``b = 16``
beyond), and multiplication by a generator is one table look-up per byte of the packed code.
Per element we keep the packed code, a parent index (int32) and the last letter (uint8), so
every element has a shortest word. Budgets (``max_size``, ``max_seconds``) raise
:class:`~automata.errors.BudgetExceededError` instead of exhausting memory.

>>> import numpy as np
>>> from automata.dfa import DFA
>>> parity = DFA("01", [[0, 1], [1, 0]], 0, [0])
>>> m = transition_monoid(parity)
>>> m.size, m.semigroup_size, m.idempotent_count(), m.is_aperiodic()
(2, 2, 1, False)
>>> m.elements().tolist()
[[0, 1], [1, 0]]
"""
from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass, field, replace
from typing import Sequence

import numpy as np

from .dfa import DFA
from .errors import BudgetExceededError, InvalidAutomatonError
from .jit_core import enabled as _jit_enabled  # numba itself: on first use
from .jit_core import enumerate_monoid as _jit_enumerate
from .jit_core import first_cyclic, max_tail
from .memos import RecentCache
from .records import fast_init

__all__ = [
    "TransitionMonoid", "transition_monoid", "generators_of", "compose", "has_nontrivial_cycle",
    "element_index", "find_nonaperiodic_element", "DEFAULT_MAX_SIZE", "DEFAULT_MAX_SECONDS",
]

DEFAULT_MAX_SIZE = 2_000_000
DEFAULT_MAX_SECONDS = 30.0
_EMPTY = np.int32(-1)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_MIX2 = np.uint64(0xC2B2AE3D27D4EB4F)
_CHUNK = 1 << 14


def generators_of(dfa: DFA) -> np.ndarray:
    """The letters' transformations, shape ``(n_symbols, n_states)`` (``[a, q] = delta[q, a]``;
    for a :class:`~automata.dfa.DFA` its read-only :attr:`~automata.dfa.DFA.letter_maps`)."""
    if isinstance(dfa, DFA):
        return dfa.letter_maps
    return np.ascontiguousarray(np.asarray(dfa.delta).T)


def compose(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Product ``x * y`` (apply ``x`` then ``y``) of transformations of shape ``(..., n)``."""
    return np.take_along_axis(np.broadcast_to(y, np.broadcast_shapes(x.shape, y.shape)),
                              np.broadcast_to(x, np.broadcast_shapes(x.shape, y.shape)), axis=-1)


def has_nontrivial_cycle(x: np.ndarray) -> np.ndarray:
    """Whether each transformation permutes its eventual image non-trivially.

    Parameters
    ----------
    x : int array, shape (m, n)

    Returns
    -------
    bool array, shape (m,)
        True where ``x`` is *not* aperiodic (its functional graph has a cycle of length > 1).
    """
    x = np.asarray(x)
    n = x.shape[-1]
    y = x
    for _ in range(max(1, math.ceil(math.log2(max(n, 2))))):
        y = np.take_along_axis(y, y, axis=-1)          # y <- y*y ; after k rounds x^(2^k)
    # y = x^(2^k) with 2^k >= n maps every state onto a cycle point of x
    return (np.take_along_axis(x, y, axis=-1) != y).any(axis=-1)


# ---------------------------------------------------------------------------- packing
if sys.byteorder != "little":                     # pragma: no cover - codes are read as bytes
    raise ImportError("automata.monoid packs transformations as little-endian words")

_PACKINGS: dict = {}          # n -> its _Packing
_MASKS: dict = {}             # n -> its valid_mask()
_IDENTITIES: dict = {}        # n -> its identity_code()
_KEEP = 256                   # entries kept per table (then it starts again)


def _kept(table: dict, n: int, value):
    """``table[n] = value`` in a small per-``n`` memo (emptied past ``_KEEP`` entries)."""
    if len(table) >= _KEEP:
        table.clear()
    table[n] = value
    return value


@dataclass(frozen=True)
class _Packing:
    n: int
    bits: int          # 4, 8 or 16
    words: int         # uint64 words per element

    @classmethod
    def for_states(cls, n: int) -> "_Packing":
        hit = _PACKINGS.get(n)
        if hit is not None:
            return hit
        bits = 4 if n <= 16 else 8 if n <= 256 else 16
        if n > 65536:
            raise InvalidAutomatonError(f"{n} states are too many for the monoid enumerator")
        return _kept(_PACKINGS, n, cls(n, bits, math.ceil(n * bits / 64)))

    @property
    def dtype(self):
        return np.uint8 if self.bits <= 8 else np.uint16

    @property
    def hash_consts(self) -> np.ndarray:
        """The (words,) odd uint64 multipliers of the code hash (shared: do not modify)."""
        return _hash_consts(self.words)

    def pack(self, x: np.ndarray) -> np.ndarray:
        """(m, n) transformations -> (m, words) uint64 codes: entry ``q`` in the ``bits``-bit
        field ``q`` (little-endian words, as :meth:`unpack` reads them), padding zero."""
        x = np.asarray(x)
        out = np.zeros((x.shape[0], self.words), dtype=np.uint64)
        if self.bits == 4:                       # a byte holds entries 2j (low) and 2j + 1
            b = out.view(np.uint8)
            lo, hi = x[:, 0::2].astype(np.uint8), x[:, 1::2].astype(np.uint8)
            b[:, :lo.shape[1]] = lo
            b[:, :hi.shape[1]] |= hi << np.uint8(4)
        else:
            out.view(self.dtype)[:, :self.n] = x
        return out

    def unpack(self, codes: np.ndarray) -> np.ndarray:
        """(m, words) uint64 codes -> (m, n) transformations (uint8 or uint16)."""
        codes = np.ascontiguousarray(codes, dtype=np.uint64)
        m = codes.shape[0]
        if self.bits == 4:
            b = codes.view(np.uint8).reshape(m, -1)
            out = np.empty((m, b.shape[1] * 2), dtype=np.uint8)
            out[:, 0::2] = b & 15
            out[:, 1::2] = b >> 4
            return out[:, :self.n]
        return codes.view(self.dtype).reshape(m, -1)[:, :self.n]

    def identity_code(self) -> np.ndarray:
        """The (1, words) code of the identity transformation (a fresh copy each call)."""
        hit = _IDENTITIES.get(self.n)
        if hit is None:
            hit = _kept(_IDENTITIES, self.n, self.pack(np.arange(self.n)[None, :]))
        return hit.copy()

    def valid_mask(self) -> np.ndarray:
        """(words,) uint64 masks of the bits that hold entries (padding must stay zero); a
        fresh copy each call."""
        hit = _MASKS.get(self.n)
        if hit is None:
            hit = _kept(_MASKS, self.n, self._valid_mask())
        return hit.copy()

    def _valid_mask(self) -> np.ndarray:
        masks = np.zeros(self.words, dtype=np.uint64)
        per = 64 // self.bits
        for j in range(self.words):
            k = min(per, self.n - j * per)
            masks[j] = np.uint64((1 << (k * self.bits)) - 1) if k < per else np.uint64(2**64 - 1)
        return masks

    def right_multiplier(self, g: np.ndarray):
        """A function ``codes -> codes * g`` (apply the element, then ``g``) on packed codes."""
        g = np.asarray(g)
        if self.bits == 4:
            lo = np.arange(256) & 15
            hi = np.arange(256) >> 4
            gg = np.zeros(16, dtype=np.int64)
            gg[:self.n] = g
            lut = (gg[lo] | (gg[hi] << 4)).astype(np.uint8)
        else:
            lut = np.zeros(1 << self.bits, dtype=self.dtype)
            lut[:self.n] = g
        mask = self.valid_mask()
        view = np.uint8 if self.bits <= 8 else np.uint16

        def mul(codes: np.ndarray) -> np.ndarray:
            m = codes.shape[0]
            flat = np.ascontiguousarray(codes).view(view).reshape(-1)
            out = np.take(lut, flat).view(np.uint64).reshape(m, self.words)
            out &= mask
            return out

        return mul

    def all_right_multiplier(self, gens: np.ndarray):
        """A function ``codes -> (k * m, words)``: every code times every generator, letter
        major (rows ``a * m .. a * m + m - 1`` are the codes times generator ``a``); one
        gather for all letters instead of one call per letter."""
        gens = np.asarray(gens)
        k = gens.shape[0]
        if self.bits == 4:
            lo = np.arange(256) & 15
            hi = np.arange(256) >> 4
            gg = np.zeros((k, 16), dtype=np.int64)
            gg[:, :self.n] = gens
            lut = (gg[:, lo] | (gg[:, hi] << 4)).astype(np.uint8)
        else:
            lut = np.zeros((k, 1 << self.bits), dtype=self.dtype)
            lut[:, :self.n] = gens
        mask = self.valid_mask()
        view = np.uint8 if self.bits <= 8 else np.uint16

        def mul(codes: np.ndarray) -> np.ndarray:
            m = codes.shape[0]
            idx = np.ascontiguousarray(codes).view(view).reshape(-1).astype(np.intp)
            out = np.empty((k, idx.size), dtype=lut.dtype)
            for a in range(k):
                np.take(lut[a], idx, out=out[a])
            out = out.view(np.uint64).reshape(k * m, self.words)
            out &= mask
            return out

        return mul


# ---------------------------------------------------------------------------- hash set
_CONSTS: dict[int, np.ndarray] = {}


def _hash_consts(w: int) -> np.ndarray:
    c = _CONSTS.get(w)
    if c is None:
        rng = np.random.default_rng(0x5EED)
        c = _CONSTS[w] = rng.integers(0, 2**63, size=w, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    return c


class _CodeSet:
    """Vectorized open-addressing (linear probing) set of packed codes; stores element ids."""

    def __init__(self, words: int, capacity: int = 1024):
        self.words = words
        k = max(10, math.ceil(math.log2(max(capacity, 1) * 2)))
        self._alloc(k)

    def _alloc(self, k: int) -> None:
        self.log = k
        self.table = np.full(1 << k, _EMPTY, dtype=np.int32)
        self.mask = np.uint64((1 << k) - 1)
        self.shift = np.uint64(64 - k)

    @staticmethod
    def hash64(keys: np.ndarray) -> np.ndarray:
        """A 64-bit mixing hash of each row of codes."""
        if keys.shape[1] == 1:
            return keys[:, 0] * _MIX
        # multilinear hash (sum of words times fixed odd constants, mod 2^64), then a mix
        h = (keys * _hash_consts(keys.shape[1])).sum(axis=1, dtype=np.uint64)
        h ^= h >> np.uint64(31)
        h *= _MIX
        h ^= h >> np.uint64(29)
        return h

    def _hash(self, keys: np.ndarray) -> np.ndarray:
        return (self.hash64(keys) >> self.shift).astype(np.int64)

    def lookup(self, keys: np.ndarray, store: np.ndarray, want_slots: bool = False):
        """Ids of ``keys`` in ``store`` (rows of codes), or -1 where absent.

        With ``want_slots``, also the empty slot where each absent key's probe ended (a valid
        insertion point until the table changes; -1 for present keys).
        """
        m = keys.shape[0]
        res = np.full(m, -1, dtype=np.int64)
        ends = np.full(m, -1, dtype=np.int64) if want_slots else None
        slot = self._hash(keys)
        todo = np.arange(m)
        tmask = int(self.mask)
        flat = keys.shape[1] == 1
        k1 = keys[:, 0] if flat else None
        s1 = store[:, 0] if flat else None
        while todo.size:
            ids = self.table[slot]
            cand = ids != _EMPTY
            if want_slots:
                e = ~cand
                ends[todo[e]] = slot[e]
            if cand.all():
                same = (s1[ids] == k1[todo]) if flat else (store[ids] == keys[todo]).all(axis=1)
            else:
                same = np.zeros(todo.size, dtype=bool)
                ci = np.flatnonzero(cand)
                if ci.size:
                    same[ci] = (s1[ids[ci]] == k1[todo[ci]]) if flat else \
                        (store[ids[ci]] == keys[todo[ci]]).all(axis=1)
            res[todo[same]] = ids[same]
            go = cand & ~same
            todo = todo[go]
            slot = (slot[go] + 1) & tmask
        return (res, ends) if want_slots else res

    def insert(self, ids: np.ndarray, store: np.ndarray, slots: np.ndarray | None = None) -> None:
        """Insert elements ``ids`` (rows of ``store``, distinct and absent from the set),
        starting the probes at ``slots`` when given (from :meth:`lookup`)."""
        tmask = int(self.mask)
        slot = self._hash(store[ids]) if slots is None else np.asarray(slots, dtype=np.int64)
        todo = np.asarray(ids, dtype=np.int64)
        while todo.size:
            free = self.table[slot] == _EMPTY
            self.table[slot[free]] = todo[free]
            won = np.zeros(todo.size, dtype=bool)
            won[free] = self.table[slot[free]] == todo[free]
            todo = todo[~won]
            slot = (slot[~won] + 1) & tmask

    def rebuild(self, count: int, store: np.ndarray) -> None:
        """Reallocate to hold ``count`` elements at load <= 1/2 and re-insert rows 0..count-1."""
        k = self.log
        while (1 << k) < 2 * count:
            k += 1
        self.table = None
        self._alloc(k)
        for s in range(0, count, 1 << 15):
            self.insert(np.arange(s, min(count, s + (1 << 15))), store)


# ---------------------------------------------------------------------------- the monoid
@fast_init
@dataclass(frozen=True, eq=False)
class TransitionMonoid:
    """An enumerated transition monoid.

    Attributes
    ----------
    n_states : int
    alphabet : tuple of str
    codes : uint64 array, shape (semigroup_size, words)
        Packed elements of the transition *semigroup* (images of non-empty words), in
        breadth-first (shortlex-length) order.
    parent, letter : arrays, shape (semigroup_size,)
        Element ``i`` is ``parent[i] * letter[i]`` (``parent == -1``: the letter itself).
    identity_in_semigroup : bool
        Whether some non-empty word acts as the identity.
    seconds : float
        Wall time of the enumeration.
    """

    n_states: int
    alphabet: tuple
    codes: np.ndarray
    parent: np.ndarray
    letter: np.ndarray
    identity_in_semigroup: bool
    seconds: float
    _packing: _Packing = field(repr=False)
    _facts: dict = field(default_factory=dict, repr=False)   # facts known from elsewhere

    @property
    def semigroup_size(self) -> int:
        """Number of distinct transformations of non-empty words."""
        return int(self.codes.shape[0])

    @property
    def size(self) -> int:
        """Monoid size: the semigroup plus the identity (empty word) when it is new."""
        return self.semigroup_size + (0 if self.identity_in_semigroup else 1)

    @property
    def nbytes(self) -> int:
        return int(self.codes.nbytes + self.parent.nbytes + self.letter.nbytes)

    def elements(self, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Unpacked semigroup elements ``start:stop``, shape ``(m, n_states)``."""
        return self._packing.unpack(self.codes[start:stop])

    def iter_chunks(self, chunk: int = _CHUNK):
        """Yield ``(start, elements)`` blocks of unpacked semigroup elements."""
        for s in range(0, self.semigroup_size, chunk):
            yield s, self.elements(s, s + chunk)

    def word(self, i: int) -> list[int]:
        """A shortest word (letter indices) for semigroup element ``i``."""
        out = []
        i = int(i)
        while i >= 0:
            out.append(int(self.letter[i]))
            i = int(self.parent[i])
        return out[::-1]

    def idempotent_count(self, *, monoid: bool = True) -> int:
        """Number of idempotents (of the monoid, or of the semigroup when ``monoid=False``)."""
        known = self._facts.get("monoid_idempotents")
        if known is not None:
            return known if monoid or self.identity_in_semigroup else known - 1
        c = 0
        for _, x in self.iter_chunks():
            c += int((np.take_along_axis(x, x, axis=1) == x).all(axis=1).sum())
        if monoid and not self.identity_in_semigroup:
            c += 1
        return c

    def idempotents(self) -> np.ndarray:
        """Indices of the idempotents of the semigroup."""
        out = []
        for s, x in self.iter_chunks():
            out.append(s + np.flatnonzero((np.take_along_axis(x, x, axis=1) == x).all(axis=1)))
        return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)

    def is_aperiodic(self) -> bool:
        """True iff no element permutes its eventual image non-trivially."""
        known = self._facts.get("aperiodic")
        if known is not None:
            return known
        return not any(has_nontrivial_cycle(x).any() for _, x in self.iter_chunks())

    def aperiodicity_index(self) -> int | None:
        """Least ``k >= 1`` with ``x^k = x^(k+1)`` for every element; None if not aperiodic.

        For an aperiodic transformation the least such ``k`` is the longest tail of its
        functional graph (at least 1), so the index is the maximum of that over the elements.
        """
        best = 1
        known = self._facts.get("aperiodic")
        if known is False:
            return None
        if _jit_enabled():
            k = max_tail(self.codes, self._packing)
            return None if k < 0 else k
        for _, x in self.iter_chunks():
            if known is None and has_nontrivial_cycle(x).any():
                return None
            # x^k = x^(k+1) first holds at k = the tail length; iterate y <- y*x
            y = x.copy()
            k = 1
            while True:
                nxt = np.take_along_axis(x, y, axis=1)        # y * x  (apply y then x)
                done = (nxt == y).all(axis=1)
                if done.all():
                    break
                x, y = x[~done], nxt[~done]
                k += 1
            best = max(best, k)
        return best

    def index_of(self, x: Sequence[int]) -> int:
        """Index of transformation ``x`` among the semigroup elements, or -1."""
        return element_index(self, np.asarray(x)[None, :])[0]


def element_index(m: TransitionMonoid, xs: np.ndarray) -> np.ndarray:
    """Indices of transformations ``xs`` (shape (k, n)) in ``m``'s semigroup, -1 if absent."""
    codes = m._packing.pack(xs)
    s = _CodeSet(m._packing.words, m.semigroup_size)
    s.insert(np.arange(m.semigroup_size), m.codes)
    return s.lookup(codes, m.codes)


def _first_occurrences(cand: np.ndarray):
    """``(first, inverse)`` of the distinct rows of ``cand`` (as ``np.unique`` with
    ``return_index`` and ``return_inverse``, rows in an arbitrary but fixed order). Multi-word
    rows are told apart by a 64-bit hash, verified exactly (a collision falls back to a row
    sort)."""
    if cand.shape[1] == 1:
        _, first, inv = np.unique(cand[:, 0], return_index=True, return_inverse=True)
        return first, inv.reshape(-1)
    _, first, inv = np.unique(_CodeSet.hash64(cand), return_index=True, return_inverse=True)
    inv = inv.reshape(-1)
    if not (cand[first[inv]] == cand).all():          # a 64-bit collision: exact and slow
        _, first, inv = np.unique(cand, axis=0, return_index=True, return_inverse=True)
        inv = inv.reshape(-1)
    return first, inv


class _Stop(Exception):
    pass


def _blocks(k: int, words: int) -> tuple[int, bool]:
    """``(chunk, batch)``: how many elements of a level are multiplied at once, and whether
    by every letter in one batch (while a batch stays small: <= 2^18 products, ~32 MB) or
    letter by letter. Together they fix the order in which new elements are numbered."""
    chunk = max(16, min(_CHUNK, (1 << 18) // max(k, 1), (1 << 22) // max(k * words, 1)))
    batch = chunk >= 256 or k > 8
    return (chunk if batch else _CHUNK), batch


def _enumerate(gens: np.ndarray, packing: _Packing, max_size: int, max_seconds: float,
               partial_ok: bool = False, probe: np.ndarray | None = None,
               graph: dict | None = None, check=None):
    """Breadth-first closure of the generators under right multiplication.

    Returns ``(codes, parent, letter, complete)`` (and, when ``probe`` codes are given, their
    indices, -1 where absent, as a fifth item). Budgets raise
    :class:`BudgetExceededError`, unless ``partial_ok``: then the elements found so far are
    returned (complete levels plus part of the next) with ``complete=False``.

    With a ``graph`` dict, the right Cayley graph is recorded at no extra multiplication:
    ``graph["right"]`` (size, k) int32 with ``right[i, a]`` = index of ``element_i * a``,
    ``graph["gen_index"]`` (k,) the index of each letter's element and ``graph["levels"]`` the
    start of each breadth-first level (word length 1, 2, ...) plus the end.

    ``check = (count, fn)``: once ``count`` elements are found, ``fn(codes)`` sees them; when
    it returns False the enumeration stops as over budget (with ``partial_ok``, incomplete).
    """
    t0 = time.perf_counter()
    k = gens.shape[0]
    W = packing.words
    chunk, batch = _blocks(k, W)
    if _jit_enabled():
        return _jit_enumerate(gens, packing, max_size, max_seconds, partial_ok, probe, graph,
                              check, chunk, batch, t0)
    mul_all = packing.all_right_multiplier(gens) if batch else None
    muls = [packing.right_multiplier(g) for g in gens] if not batch else None
    letters = np.arange(k)
    cap = 1 << 12
    codes = np.zeros((cap, W), dtype=np.uint64)
    parent = np.zeros(cap, dtype=np.int32)
    letter = np.zeros(cap, dtype=np.uint8 if k < 256 else np.uint16)
    cset = _CodeSet(W, cap)
    count = 0
    right = np.zeros((cap, k), dtype=np.int32) if graph is not None else None

    def grow(need: int):
        nonlocal codes, parent, letter, cap
        if need <= cap:
            return
        new = cap
        while new < need:
            new = new * 3 // 2
        # in-place realloc (mremap for big blocks): no transient second copy
        codes.resize((new, W), refcheck=False)
        parent.resize(new, refcheck=False)
        letter.resize(new, refcheck=False)
        if right is not None:
            right.resize((new, k), refcheck=False)
        cap = new

    def add(cand: np.ndarray, par: np.ndarray, let: np.ndarray):
        """Insert the new candidates; returns the index of every candidate when recording
        the graph (else None)."""
        nonlocal count
        found, ends = cset.lookup(cand, codes, want_slots=True)
        new = found < 0
        if not new.any():
            return found
        cand, par, let, ends = cand[new], par[new], let[new], ends[new]
        if right is None:
            first, _ = _first_occurrences(cand)
            first.sort()
        else:
            first, inv = _first_occurrences(cand)
            order = np.argsort(first, kind="stable")
            rank = np.empty_like(order)
            rank[order] = np.arange(order.size)
            first = first[order]
            found[new] = count + rank[inv.reshape(-1)]
        m = first.size
        if count + m > max_size:
            if partial_ok:
                raise _Stop
            raise BudgetExceededError(
                f"transition monoid has more than {max_size:,} elements (max_size budget)")
        grow(count + m)
        codes[count:count + m] = cand[first]
        parent[count:count + m] = par[first]
        letter[count:count + m] = let[first]
        if 2 * (count + m) > cset.table.size:
            cset.rebuild(count + m, codes)      # re-inserts elements 0 .. count+m-1
        else:
            cset.insert(np.arange(count, count + m), codes, ends[first])
        count += m
        return found

    gcodes = packing.pack(gens)
    lo = 0
    levels = [0]
    try:
        gen_index = add(gcodes, np.full(k, -1, dtype=np.int64), np.arange(k))
        if graph is not None:
            graph["gen_index"] = gen_index.astype(np.int64)
        while lo < count:
            hi = count
            levels.append(hi)
            for s in range(lo, hi, chunk):
                e = min(hi, s + chunk)
                block = codes[s:e].copy()      # codes may be reallocated by add()
                ids = np.arange(s, e)
                if mul_all is not None:        # all letters in one batch (letter major)
                    idx = add(mul_all(block), np.tile(ids, k), np.repeat(letters, e - s))
                    if right is not None:
                        right[s:e] = idx.reshape(k, e - s).T
                else:
                    for a in range(k):
                        idx = add(muls[a](block), ids, np.full(e - s, a))
                        if right is not None:
                            right[s:e, a] = idx
                if check is not None and count >= check[0]:
                    if not check[1](codes[:count]):
                        raise _Stop
                    check = None
                if time.perf_counter() - t0 > max_seconds:
                    if partial_ok:
                        raise _Stop
                    raise BudgetExceededError(
                        f"transition monoid enumeration exceeded {max_seconds:g} s (max_seconds "
                        f"budget) after {count:,} elements")
            lo = hi
        complete = True
    except _Stop:
        complete = False
    found = cset.lookup(probe, codes) if probe is not None else None
    cset.table = None
    codes.resize((count, W), refcheck=False)
    parent.resize(count, refcheck=False)
    letter.resize(count, refcheck=False)
    if graph is not None:
        right.resize((count, k), refcheck=False)
        graph["right"] = right
        graph["levels"] = np.array(levels + ([count] if levels[-1] != count else []),
                                   dtype=np.int64)
    if probe is not None:
        return codes, parent, letter, complete, found
    return codes, parent, letter, complete


# The last few monoids enumerated by automata.green's enumeration path, so that a caller that
# asks for the transition monoid of the same DFA right after (automata.classify does) gets it
# without enumerating again. Keyed by the letters' transformations; small (<= 64 MB in all).
_RECENT = RecentCache(8, 64 << 20)


def _key(gens: np.ndarray) -> bytes:
    g = np.ascontiguousarray(gens, dtype=np.int64)
    return g.shape[0].to_bytes(4, "little") + g.shape[1].to_bytes(4, "little") + g.tobytes()


def _remember(m: TransitionMonoid, gens: np.ndarray, key: bytes | None = None) -> None:
    """Keep ``m``, the monoid generated by ``gens`` (in letter order; ``key``: their
    :func:`_key` when the caller has it), for :func:`transition_monoid`."""
    _RECENT.put(_key(gens) if key is None else key, m, m.nbytes)


def transition_monoid(dfa: DFA, *, minimize: bool = True, max_size: int = DEFAULT_MAX_SIZE,
                      max_seconds: float = DEFAULT_MAX_SECONDS) -> TransitionMonoid:
    """Enumerate the transition monoid of ``dfa`` (of its minimal DFA when ``minimize``).

    Parameters
    ----------
    dfa : DFA
    minimize : bool
        Minimize first, so that the result is the syntactic monoid of the language.
    max_size : int
        Raise :class:`BudgetExceededError` when the semigroup would exceed this many elements.
    max_seconds : float
        Raise :class:`BudgetExceededError` when enumeration runs longer.
    """
    d = dfa.minimize() if minimize else dfa
    t0 = time.perf_counter()
    gens = generators_of(d)
    hit = _RECENT.get(_key(gens)) if len(_RECENT) else None
    if hit is not None:
        if hit.alphabet != d.alphabet:
            hit = replace(hit, alphabet=d.alphabet)
        if hit.semigroup_size > max_size:
            raise BudgetExceededError(
                f"transition monoid has more than {max_size:,} elements (max_size budget)")
        return hit
    packing = _Packing.for_states(d.n_states)
    ident = packing.identity_code()
    codes, parent, letter, _, found = _enumerate(gens, packing, int(max_size), float(max_seconds),
                                                 probe=ident)
    return TransitionMonoid(d.n_states, d.alphabet, codes, parent, letter, bool(found[0] >= 0),
                            time.perf_counter() - t0, packing)


def find_nonaperiodic_element(gens: np.ndarray, *, max_elements: int = 20_000,
                              max_seconds: float = 2.0,
                              alphabet: tuple | None = None) -> list[int] | None:
    """A short word whose transformation has a cycle of length > 1, or None if none is found.

    Searches the first breadth-first levels of the semigroup (at most ``max_elements``
    elements), so it answers "not aperiodic" cheaply for most languages; ``None`` proves
    nothing unless the whole semigroup was covered. ``alphabet``: the letters' names, for the
    enumeration kept for later calls (as :func:`automata.froidure_pin.cached_froidure_pin`).
    """
    return _nonaperiodic_word(gens, max_elements, max_seconds, alphabet)[0]


def _nonaperiodic_word(gens: np.ndarray, max_elements: int, max_seconds: float,
                       alphabet: tuple | None):
    """``(word, fp)``: :func:`find_nonaperiodic_element`'s answer and the complete
    enumeration it made or reused (a :class:`~automata.froidure_pin.FroidurePin`, else
    None), which :func:`automata.green.green_structure` can then take as it is."""
    from .froidure_pin import cached_froidure_pin

    gens = np.asarray(gens)
    packing = _Packing.for_states(gens.shape[1])
    # the Froidure-Pin path: a complete enumeration is kept for automata.green (no re-work),
    # and an aperiodic monoid (every H-class trivial) needs no scan
    fp, sample = cached_froidure_pin(gens, max_size=max_elements, max_seconds=max_seconds,
                                     alphabet=alphabet)
    if fp is not None:
        if fp.is_aperiodic:
            return None, fp
        codes, parent, letter = fp.monoid.codes, fp.monoid.parent, fp.monoid.letter
    else:
        codes, parent, letter = sample
    i = -1
    if _jit_enabled():
        i = first_cyclic(codes, packing)
    else:
        for s in range(0, codes.shape[0], _CHUNK):
            bad = np.flatnonzero(has_nontrivial_cycle(packing.unpack(codes[s:s + _CHUNK])))
            if bad.size:
                i = s + int(bad[0])
                break
    if i < 0:
        return None, fp
    word = []
    while i >= 0:
        word.append(int(letter[i]))
        i = int(parent[i])
    return word[::-1], fp
