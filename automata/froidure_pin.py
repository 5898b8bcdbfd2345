"""Green's relations of a small transition monoid from its enumerated Cayley graphs.

Froidure and Pin (1997, "Algorithms for computing finite semigroups", in *Foundations of
Computational Mathematics*, Springer) enumerate a semigroup given by generators breadth-first,
keeping for every element a shortest word (its parent and last letter) and building the right
and left Cayley graphs as they go; Green's relations then follow from graph connectivity:

* ``x R y`` iff ``xM = yM`` iff ``x`` and ``y`` lie in one strongly connected component (SCC)
  of the **right** Cayley graph (edges ``x -> x a``);
* ``x L y`` iff they lie in one SCC of the **left** Cayley graph (edges ``x -> a x``);
* ``D = J`` (finite monoid): one SCC of the union of both graphs; ``H = R ∩ L``.

Here the enumeration is :func:`automata.monoid._enumerate` (vectorized, packed codes) recording
the right graph; the left graph comes without a single new product from the words: ``a * x`` for
``x = p b`` (parent ``p``, last letter ``b``) is ``(a * p) * b``, one look-up in the right graph,
level by level (``p`` is one letter shorter). SCCs are computed by scipy's compiled strong
components and numbered in order of their least element. With numba (:mod:`automata.jit_core`)
the enumeration, the left graph, the SCCs (Tarjan), idempotents and ranks are compiled, giving
the same arrays. A D-class is regular iff it holds an idempotent ``e``; its maximal subgroup is the
H-class of ``e``, acting faithfully by permutations on the image of ``e`` (Clifford and
Preston 1961, Section 2.2). All H-classes of a D-class have the same size, so the monoid is
aperiodic iff every H-class is a singleton.

>>> import numpy as np
>>> t3 = np.array([[1, 2, 0], [1, 0, 2], [1, 1, 2]])      # generators of T_3
>>> fp = froidure_pin(t3)
>>> fp.size, fp.n_d_classes, fp.is_aperiodic, fp.idempotent_count
(27, 3, False, 10)
>>> [d.h_size for d in fp.d_classes]                      # |S_3|, |S_2|, trivial
[6, 2, 1]
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from .errors import BudgetExceededError
from .groups import clear_memo
from .jit_core import green_labels, group_rows, power_index
from .memos import RecentCache, clear_all
from .monoid import (TransitionMonoid, _enumerate, _jit_enabled, _key, _Packing,
                     _remember)
from .records import fast_init

__all__ = ["FPDClass", "DClassTable", "LazyEntries", "FroidurePin", "froidure_pin", "cached_froidure_pin",
           "clear_caches", "enumeration_work_limit", "DEFAULT_MAX_WORK", "EnumeratedImages"]

#: default bound on ``elements x letters x (states + 64)`` for :func:`froidure_pin` when it is
#: used as the fast path (about 0.1-0.3 s of numpy on a 2-core machine)
DEFAULT_MAX_WORK = 200_000_000


def enumeration_work_limit(n_states: int, n_letters: int, max_work: int = DEFAULT_MAX_WORK) -> int:
    """Largest monoid size the fast path attempts for ``n_states`` and ``n_letters``.

    The cost of enumeration is about ``size * letters`` products, each a fixed overhead (hash,
    probe) of roughly 64 state look-ups plus ``n_states`` look-ups; the limit keeps that under
    ``max_work``.

    >>> enumeration_work_limit(8, 3) > enumeration_work_limit(400, 64)
    True
    """
    return max(1, int(max_work // (max(1, n_letters) * (int(n_states) + 64))))


def _strong_components(edges: np.ndarray) -> np.ndarray:
    """SCC labels of the graph ``i -> edges[i, a]`` (all rows), numbered in order of their
    least element (compiled when :mod:`automata.jit_core` runs; else scipy)."""
    if _jit_enabled():
        from .jit_core import strong_components

        return strong_components(edges)
    m, k = edges.shape
    try:
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import connected_components
    except ImportError:                                   # pragma: no cover - scipy is a dep of sklearn
        from .green import _sccs
        return _by_least_element(_sccs(edges))
    # built in compressed form directly (row i holds its k edges): no COO conversion
    it = np.int32 if m * k < 2**31 else np.int64
    g = csr_matrix((np.ones(m * k, dtype=it), edges.reshape(-1).astype(it, copy=False),
                    np.arange(0, m * k + 1, k, dtype=it)), shape=(m, m))
    return _by_least_element(connected_components(g, directed=True, connection="strong")[1])


def _by_least_element(labels: np.ndarray) -> np.ndarray:
    """The same partition, classes numbered in order of their least element (int64)."""
    _, first, inv = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(first.size, dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(first.size)
    return rank[inv.reshape(-1)]


def _d_labels(r_lab: np.ndarray, l_lab: np.ndarray, max_rounds: int = 64) -> np.ndarray | None:
    """D-class labels from the R- and L-class labels: ``D = R ∘ L`` (a finite semigroup), so
    the D-classes are the connected components of the graph joining each element's R-class
    to its L-class. Smallest labels are spread along R and L alternately until nothing
    changes; ``None`` after ``max_rounds`` rounds (the caller then takes the SCCs of the
    union of both Cayley graphs)."""
    lab = r_lab.astype(np.int64).copy()
    nr, nl = int(r_lab.max()) + 1, int(l_lab.max()) + 1
    for _ in range(max_rounds):
        by_l = np.full(nl, lab.size, dtype=np.int64)
        np.minimum.at(by_l, l_lab, lab)
        by_r = np.full(nr, lab.size, dtype=np.int64)
        np.minimum.at(by_r, r_lab, by_l[l_lab])
        new = by_r[r_lab]
        if np.array_equal(new, lab):
            return np.unique(lab, return_inverse=True)[1].reshape(-1).astype(np.int64)
        lab = new
    return None


@dataclass(frozen=True)
class FPDClass:
    """One D-class of an enumerated monoid (element indices are monoid indices)."""

    index: int
    size: int
    n_r_classes: int
    n_l_classes: int
    h_size: int
    regular: bool
    rep: int                      # an idempotent when regular, else the first element
    rank: int                     # image size of the representative


class LazyEntries(Sequence):
    """A sequence whose entries are built together, once, on first access (``_build``);
    its length is known without them (``__len__``)."""

    _items = None

    def _build(self) -> tuple:
        raise NotImplementedError

    def _all(self) -> tuple:
        if self._items is None:
            self._items = self._build()
        return self._items

    def __getitem__(self, i):
        return self._all()[i]

    def __iter__(self):
        return iter(self._all())

    def __eq__(self, other) -> bool:
        if isinstance(other, (LazyEntries, tuple, list)):
            return tuple(self) == tuple(other)
        return NotImplemented

    __hash__ = None

    def __repr__(self) -> str:
        return repr(self._all())


class DClassTable(LazyEntries):
    """The D-classes of an enumerated monoid as arrays, read as a sequence of
    :class:`FPDClass`. The entries (and the representatives' ranks) are built together, once,
    on first access: a J-trivial monoid has as many D-classes as elements, and building
    thousands of objects that nobody reads was a large part of a small enumeration's time."""

    def __init__(self, size, n_r, n_l, h_size, regular, reps, ranks, aperiodic=None):
        self._cols = (size, n_r, n_l, h_size, regular, reps)
        self._rank_fn = ranks
        self._groups = None
        #: every H-class trivial (``aperiodic``: when the caller knows it)
        self.aperiodic = bool((h_size == 1).all()) if aperiodic is None else bool(aperiodic)

    def _build(self) -> tuple:
        size, n_r, n_l, h, regular, reps = self._cols
        return tuple(FPDClass(*row) for row in zip(
            range(size.size), size.tolist(), n_r.tolist(), n_l.tolist(), h.tolist(),
            regular.tolist(), reps.tolist(), self._rank_fn().tolist()))

    def __len__(self) -> int:
        return int(self._cols[0].size)

    @property
    def h_sizes(self) -> np.ndarray:
        """The H-class size of every D-class (int array), without building entries."""
        return self._cols[3]

    @property
    def n_r_classes(self) -> np.ndarray:
        return self._cols[1]

    @property
    def n_l_classes(self) -> np.ndarray:
        return self._cols[2]

    @property
    def regular(self) -> np.ndarray:
        return self._cols[4]

    @property
    def reps(self) -> np.ndarray:
        return self._cols[5]

    def group_indices(self) -> np.ndarray:
        """The regular D-classes with a non-trivial maximal subgroup (ascending; computed
        once, do not modify)."""
        if self._groups is None:
            self._groups = np.flatnonzero(self.regular & (self.h_sizes > 1))
        return self._groups


@fast_init
@dataclass(frozen=True, eq=False)
class FroidurePin:
    """The enumerated monoid (identity included) with Green's relations.

    Attributes
    ----------
    monoid : TransitionMonoid
        The semigroup elements with their words; monoid index ``i < semigroup_size`` is
        semigroup element ``i``; when the identity is not the image of a non-empty word it is
        monoid element ``semigroup_size``.
    identity : int
        Monoid index of the identity.
    right, left : int32 arrays, shape (size, k)
        Cayley graphs: ``right[i, a]`` = ``x_i * a``, ``left[i, a]`` = ``a * x_i``.
    r_label, l_label, d_label : int arrays, shape (size,)
        Green's classes; D-classes are numbered so that the identity's is 0 and the others in
        order of their first element (breadth-first, shortest words first).
    idempotent : bool array, shape (size,)
    d_classes : DClassTable
        A sequence of :class:`FPDClass`, built on access.
    """

    monoid: TransitionMonoid
    identity: int
    right: np.ndarray
    left: np.ndarray
    r_label: np.ndarray
    l_label: np.ndarray
    d_label: np.ndarray
    idempotent: np.ndarray
    d_classes: "DClassTable"
    seconds: float
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def size(self) -> int:
        return int(self.d_label.shape[0])

    @property
    def n_d_classes(self) -> int:
        return len(self.d_classes)

    @property
    def idempotent_count(self) -> int:
        return int(self.idempotent.sum())

    @property
    def is_aperiodic(self) -> bool:
        return self.d_classes.aperiodic

    def element(self, i: int) -> np.ndarray:
        """The transformation of monoid element ``i``."""
        if i >= self.monoid.semigroup_size:
            return np.arange(self.monoid.n_states)
        return self.monoid.elements(i, i + 1)[0].astype(np.int64)

    def word(self, i: int) -> list[int]:
        """A shortest word (letter indices) for monoid element ``i`` (``[]`` for the identity
        when no non-empty word gives it)."""
        return [] if i >= self.monoid.semigroup_size else self.monoid.word(i)

    def h_class(self, i: int) -> np.ndarray:
        """Monoid indices of the H-class of element ``i``."""
        return np.flatnonzero((self.r_label == self.r_label[i]) & (self.l_label == self.l_label[i]))

    def group_permutations(self, d: int) -> np.ndarray | None:
        """The maximal subgroup of regular D-class ``d``: its elements as permutations of the
        sorted image of the idempotent representative, shape (h_size, rank); None when the
        D-class is not regular."""
        table = self.d_classes
        if not table.regular[d]:
            return None
        rep = int(table.reps[d])
        e = self.element(rep)
        pts = np.flatnonzero(np.bincount(e, minlength=e.size) > 0)
        pos = np.full(e.size, -1, dtype=np.int64)
        pos[pts] = np.arange(pts.size)
        H = self.h_class(rep)
        X = self._elements_of(H)
        return pos[X[:, pts]]

    def group_permutations_of(self, ds) -> list[np.ndarray | None]:
        """:meth:`group_permutations` of each D-class in ``ds`` (with the compiled core, all
        in one pass: the same arrays)."""
        table = self.d_classes
        if not _jit_enabled():
            return [self.group_permutations(d) for d in ds]
        ds = [int(d) for d in ds]
        if not ds:
            return []
        regular = table.regular
        reps = [int(table.reps[d]) for d in ds if regular[d]]
        rows = iter(group_rows(self.monoid.codes, self.monoid._packing,
                               self.monoid.semigroup_size, self.r_label, self.l_label, reps))
        return [next(rows) if regular[d] else None for d in ds]

    def _elements_of(self, idx: np.ndarray) -> np.ndarray:
        s = self.monoid.semigroup_size
        out = np.empty((idx.size, self.monoid.n_states), dtype=np.int64)
        inside = idx < s
        if inside.any():
            out[inside] = self.monoid._packing.unpack(self.monoid.codes[idx[inside]])
        out[~inside] = np.arange(self.monoid.n_states)
        return out

    def aperiodicity_index(self) -> int | None:
        """:meth:`TransitionMonoid.aperiodicity_index`, the same answer: with the compiled
        core, each element by the cheaper of walking its powers on the right Cayley graph
        (short words) and its transformation's tails (:func:`automata.jit_core.power_index`)."""
        mon = self.monoid
        if mon._facts.get("aperiodic") is False:
            return None
        if _jit_enabled():
            k = power_index(self.right, mon.parent, mon.letter, mon.codes, mon._packing,
                            mon.semigroup_size)
            return None if k < 0 else k
        return mon.aperiodicity_index()

    def witness_word(self, d: int) -> list[int] | None:
        """A word whose transformation lies in the maximal subgroup of D-class ``d`` and is not
        its identity (so it permutes that image with a cycle of length > 1); None if trivial."""
        table = self.d_classes
        if not table.regular[d] or table.h_sizes[d] == 1:
            return None
        rep = int(table.reps[d])
        H = self.h_class(rep)
        i = int(H[H != rep][0])
        return self.word(i)


def _levels_left(right: np.ndarray, parent: np.ndarray, letter: np.ndarray,
                 gen_index: np.ndarray, levels: np.ndarray, size: int, identity: int) -> np.ndarray:
    """Left Cayley graph from the right one: ``a * (p b) = (a * p) * b``."""
    k = right.shape[1]
    left = np.empty((size, k), dtype=np.int32)
    # word length 1: x = g_b, a * g_b = g_a * b
    lv = np.arange(levels[0], levels[1])
    left[lv] = right[gen_index[None, :], letter[lv][:, None]]
    for j in range(1, levels.size - 1):
        lv = np.arange(levels[j], levels[j + 1])
        left[lv] = right[left[parent[lv]], letter[lv][:, None]]
    if identity >= levels[-1]:
        left[identity] = gen_index
    return left


def _d_classes(right, left, r_lab, l_lab, idem, identity):
    """``(d_lab, d_size, n_r, n_l, reps, regular)``: D-class labels (identity first, then by
    least element), sizes, R- and L-class counts, representatives (least idempotent, the
    identity first; else the least element) and regularity."""
    size = r_lab.shape[0]
    d_raw = _d_labels(r_lab, l_lab)
    if d_raw is None:
        d_raw = _strong_components(np.concatenate([right, left], axis=1))
    # number D-classes: identity first, then by first element
    order_key = np.arange(size, dtype=np.int64)
    order_key[identity] = -1
    first = np.full(int(d_raw.max()) + 1, size, dtype=np.int64)
    np.minimum.at(first, d_raw, order_key)
    remap = np.empty_like(first)
    remap[np.argsort(first, kind="stable")] = np.arange(first.size)
    d_lab = remap[d_raw]
    nd = int(first.size)
    d_size = np.bincount(d_lab, minlength=nd)
    n_r = np.bincount(np.unique(d_lab * (r_lab.max() + 1) + r_lab) // (r_lab.max() + 1),
                      minlength=nd)
    n_l = np.bincount(np.unique(d_lab * (l_lab.max() + 1) + l_lab) // (l_lab.max() + 1),
                      minlength=nd)
    # representative: least idempotent of the D-class, else its first element
    big = np.iinfo(np.int64).max
    rep_idem = np.full(nd, big, dtype=np.int64)
    ii = np.flatnonzero(idem)
    np.minimum.at(rep_idem, d_lab[ii], np.where(ii == identity, -1, ii))
    rep_idem[rep_idem == -1] = identity
    rep_any = np.full(nd, big, dtype=np.int64)
    np.minimum.at(rep_any, d_lab, order_key)
    rep_any[rep_any == -1] = identity
    regular = rep_idem != big
    return d_lab, d_size, n_r, n_l, np.where(regular, rep_idem, rep_any), regular


def _idempotent_flags(mon: TransitionMonoid) -> np.ndarray:
    """Whether each semigroup element is idempotent (the numpy path; compiled, the flags come
    from :func:`automata.jit_core.green_labels`)."""
    idem = np.zeros(mon.semigroup_size, dtype=bool)
    for st, x in mon.iter_chunks():                   # chunked over the unpacked elements
        idem[st:st + x.shape[0]] = (np.take_along_axis(x, x, axis=1) == x).all(axis=1)
    return idem


def _ranks(mon: TransitionMonoid, reps: np.ndarray) -> np.ndarray:
    """Image sizes of the monoid elements ``reps`` (an index past the semigroup: the
    identity, rank ``n``)."""
    n = mon.n_states
    inside = reps < mon.semigroup_size
    ranks = np.full(reps.size, n, dtype=np.int64)
    if _jit_enabled():
        from .jit_core import image_sizes

        ranks[inside] = image_sizes(mon.codes, reps[inside], mon._packing)
        return ranks
    x = mon._packing.unpack(mon.codes[reps[inside]]).astype(np.int64)
    mark = np.zeros(x.shape, dtype=bool)
    mark[np.repeat(np.arange(x.shape[0]), n), x.reshape(-1)] = True
    ranks[inside] = mark.sum(axis=1)
    return ranks


def froidure_pin(gens: np.ndarray, *, max_size: int = 1_000_000, max_seconds: float = 30.0,
                 partial_ok: bool = False, alphabet: tuple | None = None) -> FroidurePin | None:
    """Enumerate the monoid generated by ``gens`` and compute its Green's relations.

    Parameters
    ----------
    gens : int array, shape (k, n)
        The letters' transformations (``gens[a, q] = q . a``).
    max_size, max_seconds : budgets
        Over budget: :class:`BudgetExceededError`, or ``None`` when ``partial_ok`` (the caller
        then uses another method).
    alphabet : tuple, optional
        Letter names for the returned :class:`TransitionMonoid` (default ``0 .. k-1``).
    """
    return _froidure_pin(gens, max_size=max_size, max_seconds=max_seconds,
                         partial_ok=partial_ok, alphabet=alphabet)[0]


def _froidure_pin(gens: np.ndarray, *, max_size: int = 1_000_000, max_seconds: float = 30.0,
                  partial_ok: bool = False, alphabet: tuple | None = None, check=None):
    """:func:`froidure_pin`, and on an incomplete enumeration ``(None, (codes, parent,
    letter))``: the elements found (``check`` as in :func:`automata.monoid._enumerate`)."""
    t0 = time.perf_counter()
    gens = np.asarray(gens)
    k, n = gens.shape
    packing = _Packing.for_states(n)
    ident_code = packing.identity_code()
    graph: dict = {}
    codes, parent, letter, complete, found = _enumerate(
        gens, packing, max(1, int(max_size) - 1), float(max_seconds), partial_ok=partial_ok,
        probe=ident_code, graph=graph, check=check)
    if not complete:
        return None, (codes, parent, letter)
    s = codes.shape[0]
    in_sg = bool(found[0] >= 0)
    names = tuple(alphabet) if alphabet is not None else tuple(range(k))
    mon = TransitionMonoid(n, names, codes, parent, letter, in_sg, time.perf_counter() - t0,
                           packing)
    identity = int(found[0]) if in_sg else s
    size = s if in_sg else s + 1
    right = graph["right"]
    gen_index = graph["gen_index"]
    if not in_sg:
        right = np.concatenate([right, gen_index[None, :].astype(np.int32)])
    if "left" in graph:                        # the compiled core built it on the way
        left = graph["left"]
        if not in_sg:
            left = np.concatenate([left, gen_index[None, :].astype(np.int32)])
    else:
        left = _levels_left(right, parent.astype(np.int64), letter.astype(np.int64), gen_index,
                            graph["levels"], size, identity)
    if _jit_enabled():                      # SCCs, idempotents and D-classes in one call
        r_lab, l_lab, idem, d_lab, d_size, n_r, n_l, reps, regular, h_size, aperiodic = \
            green_labels(right, left, parent, letter, codes, packing, identity)
    else:
        r_lab = _strong_components(right)
        l_lab = _strong_components(left)
        idem = np.zeros(size, dtype=bool)
        idem[:s] = _idempotent_flags(mon)
        idem[identity] = True
        d_lab, d_size, n_r, n_l, reps, regular = _d_classes(right, left, r_lab, l_lab, idem,
                                                            identity)
        h_size, rem = np.divmod(d_size, n_r * n_l)
        if rem.any():                                      # pragma: no cover - a theorem
            raise AssertionError("D-class size is not #R x #L x |H|")
        aperiodic = None
    mon._facts["monoid_idempotents"] = int(np.count_nonzero(idem))
    dcs = DClassTable(d_size, n_r, n_l, h_size, regular, reps, lambda: _ranks(mon, reps),
                      aperiodic)
    if time.perf_counter() - t0 > max_seconds and not partial_ok:
        raise BudgetExceededError(f"Froidure-Pin exceeded {max_seconds:g} s (max_seconds budget)")
    mon._facts["aperiodic"] = dcs.aperiodic
    return FroidurePin(mon, identity, right, left, r_lab, l_lab, d_lab, idem, dcs,
                       time.perf_counter() - t0), None


def _generating_set(perms: np.ndarray) -> list[np.ndarray]:
    """A few of the permutations (rows) that generate the same group as all of them: greedy,
    keeping a row only when it is outside the closure of those kept (at most log2 |G| rows)."""
    r = perms.shape[1]
    ident = np.arange(r)
    kept: list[np.ndarray] = []
    reached = {ident.tobytes()}
    elems = [ident]
    for p in perms:
        if p.tobytes() in reached:
            continue
        kept.append(p)
        gens = np.stack(kept)
        # closure of the kept rows: breadth-first from the identity (a finite group)
        reached = {ident.tobytes()}
        elems = [ident]
        frontier = ident[None, :]
        while frontier.size:
            nxt = gens[:, frontier].reshape(-1, r)          # apply frontier element, then g
            new = []
            for y in nxt:
                key = y.tobytes()
                if key not in reached:
                    reached.add(key)
                    new.append(y)
            frontier = np.array(new).reshape(-1, r)
            elems.extend(new)
        if len(elems) == perms.shape[0]:
            break
    return kept


class EnumeratedImages:
    """What :class:`automata.green.ImageOrbit` offers its callers (``groups``,
    ``witness_words``, ``is_aperiodic``, ``n_sccs``) for a structure computed by enumeration:
    one entry per D-class (the maximal subgroup of a regular D-class, the trivial group
    otherwise). Groups are sympy permutation groups built on first use."""

    def __init__(self, fp: FroidurePin):
        self._fp = fp
        self._groups = None
        self._words = None

    @property
    def witness_words(self) -> list:
        """Per D-class, :meth:`FroidurePin.witness_word` (None where trivial); made on first
        use."""
        if self._words is None:
            fp = self._fp
            words = [None] * fp.n_d_classes
            for d in fp.d_classes.group_indices().tolist():
                words[d] = fp.witness_word(d)
            self._words = words
        return self._words

    @property
    def n_sccs(self) -> int:
        return self._fp.n_d_classes

    @property
    def is_aperiodic(self) -> bool:
        return self._fp.is_aperiodic

    @property
    def groups(self) -> list:
        if self._groups is None:
            from .green import _group_of, _trivial_group

            out = []
            for d, dc in enumerate(self._fp.d_classes):
                r = max(1, dc.rank)
                if dc.h_size == 1 or not dc.regular:
                    out.append(_trivial_group(r))
                    continue
                out.append(_group_of(_generating_set(self._fp.group_permutations(d)), r))
            self._groups = out
        return self._groups


# The last few complete enumerations, keyed by the generators, so that the calls of one
# classification (a cheap non-aperiodicity probe, Green's structure, the enumerated monoid)
# share one enumeration.
_RECENT = RecentCache(4, 128 << 20)


def _nbytes(fp: FroidurePin) -> int:
    return int(fp.monoid.nbytes + fp.right.nbytes + fp.left.nbytes + 3 * fp.d_label.nbytes)


def remember(fp: FroidurePin, gens: np.ndarray, key: bytes | None = None) -> None:
    """Keep ``fp`` (generated by ``gens``; ``key``: their ``monoid._key`` when the caller has
    it) for :func:`cached_froidure_pin`."""
    key = _key(gens) if key is None else key
    _RECENT.put(key, fp, _nbytes(fp))
    _remember(fp.monoid, gens, key)


def clear_caches() -> None:
    """Forget the recent enumerations (here and in :mod:`automata.monoid`), the remembered
    group facts (:mod:`automata.groups`) and every memo registered with
    :func:`automata.memos.on_clear` (the witnesses :mod:`automata.classify` derived for the
    last DFA), e.g. to time a first classification."""
    clear_memo()
    clear_all()                      # the recent enumerations are RecentCaches: registered


def cached_froidure_pin(gens: np.ndarray, *, max_size: int, max_seconds: float = 30.0,
                        alphabet: tuple | None = None, check=None):
    """``(FroidurePin, None)`` from the recent ones or a new enumeration of at most
    ``max_size`` elements (then remembered), or ``(None, (codes, parent, letter))`` with the
    elements found when the monoid is larger (or ``check`` stopped it).

    >>> import numpy as np
    >>> fp, _ = cached_froidure_pin(np.array([[1, 0]]), max_size=10)
    >>> cached_froidure_pin(np.array([[1, 0]]), max_size=10)[0] is fp
    True
    """
    gens = np.asarray(gens)
    key = _key(gens)
    hit = _RECENT.get(key)
    if hit is not None and hit.size <= max_size:
        if alphabet is not None and hit.monoid.alphabet != tuple(alphabet):
            hit = replace(hit, monoid=replace(hit.monoid, alphabet=tuple(alphabet)))
        return hit, None
    fp, sample = _froidure_pin(gens, max_size=max_size, max_seconds=max_seconds, partial_ok=True,
                               alphabet=alphabet, check=check)
    if fp is not None:
        remember(fp, gens, key)
    return fp, sample
