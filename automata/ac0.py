"""Is a regular language in AC0? The quasi-aperiodicity test, with a certificate.

Barrington, Compton, Straubing and Thérien (1992): a regular language L is in AC0 iff its
syntactic morphism η : Σ* → M is *quasi-aperiodic*: for every s, the set η(Σ^s) of elements of
words of length exactly s contains no non-trivial group. The sets ``S_k = η(Σ^k)`` obey
``S_{k+1} = S_k · η(Σ)``, so the sequence is eventually periodic; the *stable index* s is the
least s with ``S_s = S_{2s}``, and then ``S_s`` is a semigroup (the stable semigroup) and L is in
AC0 iff it is aperiodic: a group G inside some ``S_t`` satisfies ``G = G^s ⊆ S_{ts} = S_s``, and
``S_s`` holds a non-trivial group iff one of its elements has a cycle of length > 1 (its powers
stay in ``S_s``, a semigroup).

Certificate: ``s`` and ``|S_s|``; when L is not in AC0, a word of length s whose element
generates a non-trivial cyclic group, and that group's order.

>>> from automata.regex import regex_to_dfa
>>> c = ac0_certificate(regex_to_dfa("(aa)*", "a"))
>>> c.ac0, c.stable_index, c.stable_size
(True, 2, 1)
>>> c = ac0_certificate(regex_to_dfa("(b*ab*a)*b*", "ab"))   # parity of a's
>>> c.ac0, c.stable_index, c.word, c.group_order
(False, 1, ['a'], 2)
"""
from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .dfa import DFA
from .errors import BudgetExceededError
from .jit_levels import cayley_levels as _jit_cayley_levels
from .jit_levels import cycle_orders as _jit_cycle_orders
from .jit_levels import direct_levels as _jit_direct_levels
from .jit_levels import enabled as _jit_enabled
from .jit_levels import first_cyclic_id as _jit_first_cyclic_id
from .records import fast_init

__all__ = ["AC0Certificate", "ac0_certificate", "padded_certificate", "length_levels", "Levels",
           "cycle_orders"]


@fast_init
@dataclass(frozen=True)
class Levels:
    """The sets ``S_k = η(Σ^k)`` for ``k = 1 .. start + period - 1``.

    ``sets[k - 1]`` is an int array ``(m_k, n)`` of distinct transformations (row ``x`` maps
    state ``q`` to ``x[q]``); ``parent[k - 1][i]`` and ``letter[k - 1][i]`` say that row ``i`` of
    level k is row ``parent`` of level k-1 followed by ``letter`` (level 1: ``parent = -1``).
    ``S_{start} = S_{start + period}``, and no earlier level recurs. ``ids[k - 1]`` (when the
    levels were walked on an enumerated monoid's Cayley graph, else None): the monoid indices
    of level k's rows, in the same order; ``sets`` then gathers a level's rows from ``rows``
    (every element's) when it is first read.
    """

    sets: tuple
    parent: tuple
    letter: tuple
    start: int
    period: int
    ids: tuple | None = None
    #: every monoid element's row (by monoid index) when ``ids`` is given, else None (None
    #: too when the walk ranked the elements by index: ``sets`` then unpacks the rows)
    rows: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def stable_index(self) -> int:
        """The least s with ``S_s = S_{2s}``: the least multiple of the period ≥ start."""
        return self.period * max(1, math.ceil(self.start / self.period))

    def word(self, k: int, i: int) -> list[int]:
        """Letter indices of a word of length k whose element is row i of level k."""
        out = []
        if isinstance(self.letter, _Cuts) and isinstance(self.parent, _Cuts):
            letter, parent, offs = self.letter._flat, self.parent._flat, self.letter._offs
            for lev in range(k - 1, -1, -1):       # the flat arrays, without a view per level
                out.append(int(letter[offs[lev] + i]))
                i = int(parent[offs[lev] + i])
            return out[::-1]
        for lev in range(k - 1, -1, -1):
            out.append(int(self.letter[lev][i]))
            i = int(self.parent[lev][i])
        return out[::-1]


def _rows_unique(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of ``x`` in a canonical (byte-wise) order and the index of each one's first
    copy; equal sets of rows give equal arrays."""
    xc = np.ascontiguousarray(x)
    m, n = xc.shape
    b = max(1, (n - 1).bit_length())
    if n * b <= 63 and n <= 256 and m:
        # one integer per row, in the same (lexicographic) order as the bytes of rows whose
        # entries are < 256: np.unique on integers instead of on raw bytes
        weights = np.left_shift(np.int64(1), (b * np.arange(n - 1, -1, -1)).astype(np.int64))
        codes = xc.astype(np.int64) @ weights              # exact: at most 63 bits
        if n * b <= 22 and (1 << (n * b)) <= max(1 << 16, 8 * m):
            # few possible codes: a dense table instead of a sort (same distinct codes in the
            # same order, and the same first occurrences)
            first = np.full(1 << (n * b), m, dtype=np.int64)
            np.minimum.at(first, codes, np.arange(m, dtype=np.int64))
            idx = first[first < m]
        else:
            _, idx = np.unique(codes, return_index=True)
        return xc[idx], idx
    view = xc.view(np.dtype((np.void, xc.dtype.itemsize * xc.shape[1]))).ravel()
    _, idx = np.unique(view, return_index=True)
    return xc[idx], idx


def _levels_on_cayley_graph(fp, n_let: int, max_elements: int, max_levels: int,
                            max_seconds: float, byte_order: bool = True) -> Levels:
    """:func:`length_levels` from an enumerated monoid's right Cayley graph: a level is a set
    of element indices and ``S_k · Σ`` is one look-up per element and letter, no product of
    transformations. Each element's rank in the byte order of its int32 row (the order
    :func:`_rows_unique` sorts by) is computed once, so the sets, their order and the first
    occurrences (parents, letters) are those of the direct computation. With the compiled
    kernels (:mod:`automata.jit_levels`) the walk runs there, with the same results (with
    ``byte_order`` False, each level in index order instead: see :func:`length_levels`)."""
    t0 = time.perf_counter()
    if _jit_enabled():
        mon = fp.monoid
        over, rows, res = _jit_cayley_levels(
            mon.codes, mon._packing.bits, mon.semigroup_size, mon.n_states, fp.right,
            fp.identity, n_let, max_levels, max_elements, t0, max_seconds, byte_order)
        if over is not None and over != "equal":
            raise BudgetExceededError(_over(over, max_elements, max_levels, max_seconds))
        if over is None:
            return _levels_from(rows, res)
    m = fp.size
    rows = fp._elements_of(np.arange(m, dtype=np.int64)).astype(np.int32)
    if byte_order:
        view = np.ascontiguousarray(rows).view(np.dtype((np.void, 4 * rows.shape[1]))).ravel()
        _, rank = np.unique(view, return_inverse=True)
        rank = rank.reshape(-1).astype(np.int64)
    else:
        rank = np.arange(m, dtype=np.int64)
    right = fp.right.astype(np.int64)

    def distinct(cand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        first = np.full(m, cand.size, dtype=np.int64)            # by rank: first position
        np.minimum.at(first, rank[cand], np.arange(cand.size, dtype=np.int64))
        idx = first[first < cand.size]                           # in rank order
        return cand[idx], idx

    el, idx = distinct(right[fp.identity, :n_let].copy())
    levels, parents, letters = [el], [np.full(len(el), -1)], [idx.astype(np.int64)]
    seen = {el.tobytes(): 1}
    total = len(el)
    while True:
        k = len(levels)
        if k >= max_levels:
            raise BudgetExceededError(f"AC0 test: more than {max_levels:,} length levels")
        if time.perf_counter() - t0 > max_seconds:
            raise BudgetExceededError(f"AC0 test: over {max_seconds:g} s")
        cur = levels[-1]
        cand = right[cur, :n_let].T.reshape(-1)                  # letter-major: x then a
        el, idx = distinct(cand)
        key = el.tobytes()
        if key in seen:
            j = seen[key]
            ids = tuple(levels)
            return Levels(_GatheredSets(rows, ids), tuple(parents), tuple(letters), j,
                          k + 1 - j, ids, rows)
        total += len(el)
        if total > max_elements:
            raise BudgetExceededError(f"AC0 test: the length levels exceed {max_elements:,} "
                                      f"transformations")
        levels.append(el)
        parents.append(idx % len(cur))
        letters.append(idx // len(cur))
        seen[key] = k + 1


class _GatheredSets(Sequence):
    """The levels' rows, each level gathered from every element's rows by its ids on first
    access (most callers read one level, the stable one: gathering all of them was a third
    of a 64-letter acceptor's AC0 test). ``rows``: an array, or a call that gives it (made on
    the first access: an aperiodic monoid's certificate reads no row)."""

    def __init__(self, rows, ids: tuple):
        self._rows, self._ids = rows, ids
        self._done: dict[int, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return tuple(self[j] for j in range(*k.indices(len(self))))
        k = range(len(self))[k]                     # negative indices, IndexError
        x = self._done.get(k)
        if x is None:
            if callable(self._rows):                 # unpacked on the first read
                self._rows = self._rows()
            x = self._done[k] = self._rows[self._ids[k]]
        return x

    def __eq__(self, other) -> bool:
        if isinstance(other, (Sequence, tuple)):
            return len(self) == len(other) and all(
                np.array_equal(a, b) for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None


class _Cuts(Sequence):
    """The levels of one array laid end to end (level ``k``: ``flat[offs[k] : offs[k + 1]]``),
    each a view made when it is read."""

    def __init__(self, flat: np.ndarray, offs: list):
        self._flat, self._offs = flat, offs

    def __len__(self) -> int:
        return len(self._offs) - 1

    def __getitem__(self, k):
        if isinstance(k, slice):
            return tuple(self[j] for j in range(*k.indices(len(self))))
        k = range(len(self))[k]                     # negative indices, IndexError
        return self._flat[self._offs[k]:self._offs[k + 1]]

    __eq__ = _GatheredSets.__eq__
    __hash__ = None

    def end_to_end(self) -> tuple[np.ndarray, list]:
        """``(flat, offs)``: the levels laid end to end and where each starts (and the end)."""
        return self._flat, self._offs


def _levels_from(rows: np.ndarray, res: tuple) -> Levels:
    """:class:`Levels` from a compiled walk's arrays (all levels end to end; ``ids`` None:
    ``rows`` are the levels' own rows, else every element's, each level gathered by its
    ``ids`` when it is read)."""
    ids, par, let, offs, start = res
    offs = offs.tolist()
    if ids is None:
        sets = _Cuts(rows, offs)
        level_ids = None
    else:
        level_ids = _Cuts(ids, offs)
        sets = _GatheredSets(rows, level_ids)
    return Levels(sets, _Cuts(par, offs), _Cuts(let, offs), start, len(offs) - start,
                  level_ids, rows if ids is not None and not callable(rows) else None)


def _over(which: str, max_elements: int, max_levels: int, max_seconds: float) -> str:
    """The message of a length-levels budget running out."""
    return {"levels": f"AC0 test: more than {max_levels:,} length levels",
            "seconds": f"AC0 test: over {max_seconds:g} s",
            "elements": f"AC0 test: the length levels exceed {max_elements:,} transformations"
            }[which]


def length_levels(d: DFA, *, max_elements: int = 200_000, max_levels: int = 10_000,
                  max_seconds: float = 10.0, cayley=None, byte_order: bool = True) -> Levels:
    """The sequence ``η(Σ^k)`` until it repeats, for the transition monoid of ``d``.

    Raises :class:`~automata.errors.BudgetExceededError` when the levels together exceed
    ``max_elements`` transformations, ``max_levels`` levels or ``max_seconds``.

    ``cayley``: the enumerated monoid of ``d``'s letters
    (:class:`~automata.froidure_pin.FroidurePin`), when there is one: the levels are then
    walked on its right Cayley graph (the same result, without multiplying transformations).
    ``byte_order=False`` lets that walk list each level's elements in their index order
    instead of the byte order of their rows (no sort of the rows): the same sets, sizes,
    ``start`` and ``period``, but other first words (the AC0 test of an aperiodic monoid
    reads only the sizes).

    >>> from automata.froidure_pin import froidure_pin
    >>> d = DFA("ab", [[1, 0], [2, 0], [2, 2]], 0, [0])
    >>> a, b = length_levels(d), length_levels(d, cayley=froidure_pin(d.delta.T))
    >>> all((x == y).all() for x, y in zip(a.sets, b.sets)), (a.start, a.period) == (b.start, b.period)
    (True, True)
    """
    if cayley is not None and cayley.monoid.n_states == d.n_states:
        return _levels_on_cayley_graph(cayley, d.n_symbols, max_elements, max_levels,
                                       max_seconds, byte_order)
    gens = d.letter_maps.astype(np.int32)                                 # (letters, n)
    t0 = time.perf_counter()
    if _jit_enabled():
        over, rows, res = _jit_direct_levels(gens, max_levels, max_elements, t0, max_seconds)
        if over is not None:
            raise BudgetExceededError(_over(over, max_elements, max_levels, max_seconds))
        if rows is not None:
            return _levels_from(rows, res)
    x, idx = _rows_unique(gens)
    sets, parents, letters = [x], [np.full(len(x), -1)], [idx.astype(np.int64)]
    seen = {x.tobytes(): 1}
    total = len(x)
    n_let = gens.shape[0]
    while True:
        k = len(sets)
        if k >= max_levels:
            raise BudgetExceededError(f"AC0 test: more than {max_levels:,} length levels")
        if time.perf_counter() - t0 > max_seconds:
            raise BudgetExceededError(f"AC0 test: over {max_seconds:g} s")
        cur = sets[-1]
        nxt = np.concatenate([gens[a][cur] for a in range(n_let)])       # x then letter a
        y, idx = _rows_unique(nxt)
        key = y.tobytes()
        if key in seen:
            j = seen[key]
            return Levels(tuple(sets), tuple(parents), tuple(letters), j, k + 1 - j)
        total += len(y)
        if total > max_elements:
            raise BudgetExceededError(f"AC0 test: the length levels exceed {max_elements:,} "
                                      f"transformations")
        sets.append(y)
        parents.append(idx % len(cur))
        letters.append(idx // len(cur))
        seen[key] = k + 1


def _on_cycle(x: np.ndarray) -> np.ndarray:
    """Which states lie on a cycle of ``x``: the image of ``x^(2^⌈log2 n⌉)``."""
    n = x.size
    y = x
    for _ in range(max(1, math.ceil(math.log2(max(n, 2))))):
        y = y[y]
    out = np.zeros(n, dtype=bool)
    out[y] = True
    return out


def cycle_order(x: np.ndarray) -> int:
    """The order of the group part of transformation ``x``: lcm of its cycle lengths, each
    cycle walked once (``O(n log n)``).

    >>> cycle_order(np.array([1, 2, 0, 3, 3]))
    3
    """
    x = np.asarray(x)
    seen = ~_on_cycle(x)                        # the states on a cycle of x, not yet walked
    xs = x.tolist()
    out = 1
    for q in np.flatnonzero(~seen).tolist():    # each cycle walked once: O(n) in all
        if seen[q]:
            continue
        k, s = 0, q
        while not seen[s]:
            seen[s] = True
            s, k = xs[s], k + 1
        out = math.lcm(out, k)
    return out


def cycle_orders(xs: np.ndarray) -> np.ndarray:
    """:func:`cycle_order` of every row of ``xs`` (shape ``(m, n)``), vectorized.

    >>> cycle_orders(np.array([[1, 2, 0, 3, 3], [1, 0, 3, 4, 2], [0, 0, 1, 2, 3]])).tolist()
    [3, 6, 1]
    """
    if np.ndim(xs) == 2 and np.shape(xs)[0] and np.shape(xs)[1] and _jit_enabled():
        out = _jit_cycle_orders(xs)
        if out is not None:                      # else an lcm overflows: numpy's arithmetic
            return out
    xs = np.asarray(xs, dtype=np.int64)
    m, n = xs.shape
    if m == 0:
        return np.zeros(0, dtype=np.int64)
    y = xs
    for _ in range(max(1, math.ceil(math.log2(max(n, 2))))):
        y = np.take_along_axis(y, y, axis=1)
    on = np.zeros((m, n), dtype=bool)                     # q lies on a cycle of x
    np.put_along_axis(on, y, True, axis=1)
    length = np.where(on, 0, 1)
    ident = np.arange(n)
    cur = xs
    for k in range(1, n + 1):
        hit = (cur == ident) & (length == 0)
        length[hit] = k
        if not (length == 0).any():
            break
        cur = np.take_along_axis(xs, cur, axis=1)         # x^(k+1)
    return np.lcm.reduce(length, axis=1)


@fast_init
@dataclass(frozen=True)
class AC0Certificate:
    """The result of :func:`ac0_certificate`; ``to_dict()`` is JSON-serializable."""

    ac0: bool
    stable_index: int | None            # None: a padded certificate (no levels walked)
    stable_size: int | None
    period: int | None
    word: list | None = None            # symbols: a word of length s outside AC0's reach
    group_order: int | None = None      # order of the cyclic group its element generates
    pad_letter: str | None = None       # padded certificate: the letter that permutes the states

    @property
    def statement(self) -> str:
        s = self.stable_index
        if self.pad_letter is not None:
            w = "".join(self.word) if all(len(a) == 1 for a in self.word) else " ".join(self.word)
            n = len(self.word)
            return (f"not in AC0: the letter {self.pad_letter!r} permutes the states, so padding "
                    f"with its powers puts every element of the cyclic group of order "
                    f"{self.group_order} generated by the element of {w!r} (length {n}) into "
                    f"η(Σ^{n}): the syntactic morphism is not quasi-aperiodic")
        if self.ac0:
            n = self.stable_size
            return (f"in AC0: the stable semigroup η(Σ^{s}) ({n} element{'s' * (n != 1)}, "
                    f"s = {s}) is aperiodic, so the syntactic morphism is quasi-aperiodic")
        w = "".join(self.word) if all(len(a) == 1 for a in self.word) else " ".join(self.word)
        return (f"not in AC0: the word {w!r} of length s = {s} has an element of η(Σ^{s}) "
                f"that generates a cyclic group of order {self.group_order}")

    def to_dict(self) -> dict[str, Any]:
        out = {"ac0": self.ac0, "stable_index": self.stable_index,
               "stable_size": self.stable_size, "length_period": self.period,
               "word": self.word, "group_order": self.group_order,
               "statement": self.statement}
        if self.pad_letter is not None:
            out["pad_letter"] = self.pad_letter
            out["word_length"] = len(self.word)
        return out


def _power(x: np.ndarray, k: int) -> np.ndarray:
    """The transformation ``x^k`` (``k ≥ 0``) by repeated squaring."""
    out = np.arange(x.size)
    sq = x
    while k:
        if k & 1:
            out = sq[out]
        sq = sq[sq]
        k >>= 1
    return out


def _index(x: np.ndarray) -> int:
    """The least ``i ≥ 1`` with ``x^(i+p) = x^i`` (``p`` the period): the longest walk from a
    state into a cycle, at least 1, by binary search on the powers (``O(n log² n)``).

    >>> _index(np.array([1, 2, 0, 3, 3])), _index(np.array([1, 2, 2]))
    (1, 2)
    """
    n = x.size
    on_cycle = _on_cycle(x)
    lo, hi = 1, max(1, n)                          # on_cycle[x^hi] holds for hi = n
    while lo < hi:
        mid = (lo + hi) // 2
        if on_cycle[_power(x, mid)].all():
            hi = mid
        else:
            lo = mid + 1
    return lo


def padded_certificate(d: DFA, *, max_work: int = 2_000_000,
                       max_word: int = 10_000) -> AC0Certificate | None:
    """A certificate that the language of the **minimal** DFA ``d`` is not in AC0 that walks no
    length levels, or None when it does not apply.

    It needs a letter ``a`` that permutes the states, of order ``m`` (so ``a^m`` acts as the
    identity), and a letter ``b`` whose word ``w = b a^(m-1)`` has an element ``x`` that is
    not aperiodic: index ``i``, period ``p > 1``. Every element ``x^j`` of the cyclic group
    ``{x^i, …, x^(i+p-1)}`` is then the element of ``w^j a^(m(i+p-1-j))``, a word of length
    ``L = m(i+p-1)``, since ``|w| = m``. So ``η(Σ^L)`` holds a non-trivial group and the
    syntactic morphism is not quasi-aperiodic: L is not in AC0 (Barrington, Compton, Straubing
    and Thérien 1992). The certificate's word is the one of length ``L`` whose element
    generates that group (``w^j0 a^(m(i+p-1-j0))`` with ``j0 ≡ 1 mod p``). Of all pairs
    ``(a, b)`` the one with the shortest word is taken (the first in alphabet order, ``a``
    first, among equals). Cost: ``O(k_p k n log n)`` for ``k_p`` permutation letters, ``k``
    letters and ``n`` states; past ``max_work`` (``k_p · k · n``) it raises
    :class:`~automata.errors.BudgetExceededError` before any pair is tried, and also when
    every certificate word would be longer than ``max_word`` letters.

    >>> from automata.regex import regex_to_dfa
    >>> c = padded_certificate(regex_to_dfa("(b*ab*a)*b*", "ab"))   # parity of a's
    >>> c.ac0, c.word, c.group_order, c.pad_letter
    (False, ['a', 'b'], 2, 'b')
    >>> padded_certificate(regex_to_dfa("(aa)*", "a")) is None      # in AC0
    True
    """
    from .monoid import generators_of

    gens = np.asarray(generators_of(d), dtype=np.int64)
    k, n = gens.shape
    perms = [ai for ai in range(k) if np.unique(gens[ai]).size == n]
    if len(perms) * k * n > max_work:
        raise BudgetExceededError(f"padded AC0 certificate: {len(perms)} permutation letters × "
                                  f"{k} letters × {n:,} states exceed {max_work:,} (max_work)")
    best = None
    shortest_over = None                             # the shortest word past max_word
    for ai in perms:
        a = gens[ai]
        m = cycle_order(a)                           # a permutation's order
        a_inv = _power(a, m - 1)                     # a^(m-1), the inverse of a
        for bi in range(k):
            x = a_inv[gens[bi]]                      # apply b, then a^(m-1)
            p = cycle_order(x)
            if p == 1:
                continue
            i = _index(x)
            length = m * (i + p - 1)
            if best is not None and length >= best[0]:
                continue
            if length > max_word:
                shortest_over = min(length, shortest_over or length)
                continue
            j0 = i + (1 - i) % p                     # x^j0 generates the group
            word = ([bi] + [ai] * (m - 1)) * j0 + [ai] * (m * (i + p - 1 - j0))
            best = (len(word), word, p, ai)
    if best is None:
        if shortest_over is not None:
            raise BudgetExceededError(f"padded AC0 certificate: its shortest word would have "
                                      f"{shortest_over:,} letters (max_word {max_word:,})")
        return None
    _, word, p, ai = best
    return AC0Certificate(False, None, None, None, [d.alphabet[c] for c in word], p,
                          d.alphabet[ai])


def ac0_certificate(d: DFA, *, max_elements: int = 200_000, max_levels: int = 10_000,
                    max_seconds: float = 10.0, levels: Levels | None = None,
                    aperiodic: bool | None = None) -> AC0Certificate:
    """Decide whether the language of the **minimal** DFA ``d`` is in AC0, with a certificate.

    The budget is that of :func:`length_levels` (pass ``levels`` to reuse them).
    ``aperiodic=True`` (the monoid is known to be aperiodic): no element has a cycle, so the
    stable semigroup is not scanned.
    """
    lv = levels or length_levels(d, max_elements=max_elements, max_levels=max_levels,
                                 max_seconds=max_seconds)
    s = lv.stable_index
    if aperiodic:                                # its size only: no rows gathered
        return AC0Certificate(True, s, len(lv.ids[s - 1] if lv.ids is not None
                                           else lv.sets[s - 1]), lv.period)
    if lv.ids is not None and lv.rows is not None and _jit_enabled():
        # the first element with a cycle, read from every element's rows by the stable
        # level's ids (no rows gathered, no order computed but that one's)
        ids = lv.ids[s - 1]
        i = _jit_first_cyclic_id(lv.rows, ids)
        if i >= 0:
            word = [d.alphabet[a] for a in lv.word(s, i)]
            order = int(cycle_orders(lv.rows[int(ids[i])][None, :])[0])
            return AC0Certificate(False, s, len(ids), lv.period, word, order)
        return AC0Certificate(True, s, len(ids), lv.period)
    stable = lv.sets[s - 1]
    orders = cycle_orders(stable)
    bad = np.flatnonzero(orders > 1)
    if bad.size:
        i = int(bad[0])
        word = [d.alphabet[a] for a in lv.word(s, i)]
        return AC0Certificate(False, s, len(stable), lv.period, word, int(orders[i]))
    return AC0Certificate(True, s, len(stable), lv.period)
