"""Facts about finite permutation groups that the verdict rules need (via sympy).

Names follow these conventions: ``Z_n`` (cyclic of order n), ``Z_a×Z_b×...`` (abelian, by
invariant factors, each dividing the next), ``S_n`` and ``A_n`` (symmetric and alternating on n
letters; ``S_3`` rather than ``D_3``), ``D_n`` (dihedral **of order 2n**, the symmetries of an
n-gon), ``Q_8`` (quaternion). Other groups get no name (``None``).

>>> from sympy.combinatorics.named_groups import DihedralGroup, SymmetricGroup
>>> group_info(DihedralGroup(4)).name, group_info(SymmetricGroup(5)).solvable
('D_4', False)
>>> info = group_info(SymmetricGroup(4))
>>> info.order, info.derived_length, info.abelian
(24, 3, False)

sympy is imported on first use (:func:`sympy_permutations`; the import takes about 0.7 s of an
idle machine), never at import time: trivial groups, the only groups of an aperiodic monoid, are
:class:`TrivialGroup` stand-ins that need no sympy.

>>> group_info(TrivialGroup(3)).name
'trivial'
"""
from __future__ import annotations

import importlib
from dataclasses import asdict, dataclass
from math import factorial
from typing import Any

import numpy as np

from .ac0 import cycle_order, cycle_orders
from .jit_orbits import available, permutation_group_order
from .records import fast_init

__all__ = ["GroupInfo", "group_info", "group_info_from_elements", "group_info_sympy",
           "small_generating_set", "elementary_2_length",
           "derived_length", "TrivialGroup", "RowsGroup", "sympy_permutations", "prime_factors"]

_SYMPY: list = []


def sympy_permutations() -> tuple[type, type]:
    """``(Permutation, PermutationGroup)`` of ``sympy.combinatorics``, imported on first call."""
    if not _SYMPY:
        mod = importlib.import_module("sympy.combinatorics")
        _SYMPY.extend((mod.Permutation, mod.PermutationGroup))
    return _SYMPY[0], _SYMPY[1]


def generator_rows(g) -> np.ndarray:
    """The generators of ``g`` (a sympy ``PermutationGroup``, a :class:`RowsGroup` or a
    :class:`TrivialGroup`) as an int array ``(generators, degree)``, each permutation padded
    with the points it fixes beyond its size."""
    if isinstance(g, RowsGroup):
        return g.rows
    n = int(g.degree)
    return np.array([p.array_form + list(range(len(p.array_form), n)) for p in g.generators],
                    dtype=np.int64).reshape(-1, n)


def sympy_group_order(g) -> int:
    """``g.order()`` of a sympy ``PermutationGroup`` (or a :class:`RowsGroup`). With the
    compiled core: a closure over at most 8,192 elements
    (:func:`automata.jit_orbits.permutation_group_order`); for a larger group, sympy's
    Schreier-Sims on a generating subset, each remaining generator added only when the group
    so far does not contain it. The orbit method hands over groups with many redundant
    Schreier generators, which slow Schreier-Sims down about tenfold."""
    arr = generator_rows(g)
    if not arr.size or not available():
        return int((g.sympy if isinstance(g, RowsGroup) else g).order())
    order, kept, looked = permutation_group_order(arr)
    if order is not None:
        return order
    n = int(g.degree)
    gens = list(g.generators)                # sympy's (a RowsGroup builds its group now)
    _, group = sympy_permutations()
    sub = group([gens[i] for i in kept])
    for i, p in enumerate(gens[looked:]):
        order = int(sub.order())
        if order == factorial(n):                    # the symmetric group: nothing to add
            return order
        if 2 * order == factorial(n) and n > 1:      # the alternating group (index 2)
            rest = gens[looked + i:]
            return order if all(q.is_even for q in rest) else 2 * order
        if not sub.contains(p):
            sub = group(list(sub.generators) + [p])
    return int(sub.order())


def prime_factors(n: int) -> tuple[int, ...]:
    """The distinct primes dividing ``n >= 1`` (trial division; group orders are smooth).

    >>> prime_factors(120), prime_factors(1), prime_factors(97)
    ((2, 3, 5), (), (97,))
    """
    out, p = [], 2
    while p * p <= n:
        if n % p == 0:
            out.append(p)
            while n % p == 0:
                n //= p
        p += 1
    if n > 1:
        out.append(n)
    return tuple(out)


class TrivialGroup:
    """The trivial permutation group on ``degree`` points, without sympy: the part of
    sympy's ``PermutationGroup`` interface the algebra uses (``degree``, ``generators``,
    ``is_trivial``, ``order()``, ``contains``, ...).

    >>> g = TrivialGroup(4)
    >>> g.order(), g.is_trivial, g.generators, g.is_solvable
    (1, True, [], True)
    """

    is_trivial = True
    is_abelian = True
    is_solvable = True
    is_cyclic = True

    def __init__(self, degree: int):
        self.degree = int(degree)
        self.generators: list = []

    def order(self) -> int:
        return 1

    def contains(self, p) -> bool:
        """Whether the permutation ``p`` (sympy's, or an array) is the identity."""
        if hasattr(p, "is_Identity"):
            return bool(p.is_Identity)
        a = np.asarray(p)
        return bool((a == np.arange(a.size)).all())

    def abelian_invariants(self) -> list:
        return []

    def generate(self):
        yield sympy_permutations()[0](list(range(self.degree)))

    def __repr__(self) -> str:
        return f"TrivialGroup({self.degree})"


class RowsGroup:
    """The permutation group generated by the rows of an int array (permutations of
    ``0 .. degree-1``, in order), made a sympy ``PermutationGroup`` only when something
    sympy's alone is asked for: ``degree``, ``rows``, ``is_trivial`` and ``order()`` (the
    compiled closure of :func:`sympy_group_order`) are answered from the array, and every
    other attribute (``generators``, ``contains``, ``generate``, ...) is the sympy group's,
    ``PermutationGroup([Permutation(row) for row in rows])``, built on first use
    (:attr:`sympy`). The orbit method names most of its groups, and decides most of its
    D-classes, from their orders and generator rows alone.

    >>> g = RowsGroup([[1, 0, 2], [1, 2, 0]])
    >>> g.order(), g.is_trivial, g.degree
    (6, False, 3)
    >>> len(g.generators), g.is_abelian
    (2, False)
    """

    def __init__(self, rows, degree: int | None = None):
        rows = np.asarray(rows, dtype=np.int64)
        if rows.ndim == 1 and rows.size:                 # one permutation
            rows = rows[None, :]
        if rows.size == 0:
            rows = np.zeros((0, int(degree or 0)), dtype=np.int64)
        if rows.ndim != 2 or (degree is not None and rows.shape[1] != int(degree)):
            raise ValueError(f"RowsGroup: rows of shape {rows.shape} are not permutations of "
                             f"degree {degree}")
        self.rows = np.ascontiguousarray(rows)
        self.degree = int(rows.shape[1])
        self._group = None
        self._order: int | None = None

    @property
    def is_trivial(self) -> bool:
        return not bool((self.rows != np.arange(self.rows.shape[1])).any())

    def order(self) -> int:
        if self._order is None:
            self._order = 1 if self.is_trivial else sympy_group_order(self)
        return self._order

    @property
    def sympy(self):
        """The sympy ``PermutationGroup`` of the rows (built once)."""
        if self._group is None:
            perm, group = sympy_permutations()
            self._group = group([perm(row) for row in self.rows.tolist()])
        return self._group

    def __getattr__(self, name: str):
        if name.startswith("_"):              # (copy and pickle look these up on new objects)
            raise AttributeError(name)
        return getattr(self.sympy, name)

    def __repr__(self) -> str:
        return f"RowsGroup(degree={self.degree}, {self.rows.shape[0]} generators)"


_TRIVIAL_INFO = dict(order=1, name="trivial", cyclic=True, abelian=True, solvable=True,
                     derived_length=0, two_group=True, elementary_2_length=0, prime_factors=(),
                     abelian_invariants=(), exponent=1)


@fast_init
@dataclass(frozen=True)
class GroupInfo:
    """Summary of a finite group.

    Attributes
    ----------
    order : int
    name : str or None
        See the module docstring for the conventions.
    cyclic, abelian, solvable : bool
    derived_length : int or None
        Length of the derived series down to 1 (the shortest subnormal series with abelian
        factors); ``None`` when not solvable. Trivial group: 0.
    two_group : bool
        The order is a power of 2 (every composition factor is Z_2).
    elementary_2_length : int or None
        For a 2-group, the shortest subnormal series whose factors are elementary abelian
        2-groups (Z_2^k): its length (the Frattini series G > Φ(G) > Φ(Φ(G)) ... > 1);
        ``None`` otherwise.
    prime_factors : tuple of int
        Primes dividing the order.
    abelian_invariants : tuple of int
        Invariant factors when abelian (``()`` otherwise and for the trivial group).
    exponent : int or None
        The least common multiple of the element orders (for a 2-group: the largest element
        order); ``None`` when the group is too big to enumerate (more than 5,000 elements).
    """

    order: int
    name: str | None
    cyclic: bool
    abelian: bool
    solvable: bool
    derived_length: int | None
    two_group: bool
    elementary_2_length: int | None
    prime_factors: tuple
    abelian_invariants: tuple
    exponent: int | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["prime_factors"] = list(self.prime_factors)
        d["abelian_invariants"] = list(self.abelian_invariants)
        return d


def small_generating_set(g):
    """The same group on few generators (greedy: keep a generator only if it enlarges)."""
    gens = list(g.generators)
    if len(gens) <= 3:
        return g
    _, PermutationGroup = sympy_permutations()
    order = g.order()
    kept: list = []
    cur = None
    for p in gens:
        if p.is_Identity:
            continue
        if cur is None or not cur.contains(p):
            kept.append(p)
            cur = PermutationGroup(kept)
            if cur.order() == order:
                break
    return cur if cur is not None else g


def _invariant_factors(primary: list[int]) -> tuple[int, ...]:
    """Primary invariants (prime powers) -> invariant factors d_1 | d_2 | ... ."""
    by_prime: dict[int, list[int]] = {}
    for q in primary:
        p = prime_factors(q)[0]
        by_prime.setdefault(p, []).append(q)
    for v in by_prime.values():
        v.sort(reverse=True)
    k = max((len(v) for v in by_prime.values()), default=0)
    out = []
    for i in range(k):
        d = 1
        for v in by_prime.values():
            if i < len(v):
                d *= v[i]
        out.append(d)
    return tuple(sorted(out))


def derived_length(g) -> int | None:
    """Derived length (None when not solvable)."""
    if not g.is_solvable:
        return None
    return len(g.derived_series()) - 1


def elementary_2_length(g) -> int | None:
    """For a 2-group, the length of its Frattini series (None for other groups).

    ``Φ(G)`` for a 2-group is the normal closure of the squares and commutators of the
    generators; ``G / Φ(G)`` is the largest elementary abelian quotient.
    """
    order = int(g.order())
    if order & (order - 1):
        return None
    if order == 1:
        return 0
    Permutation, PermutationGroup = sympy_permutations()
    n = 0
    cur = g
    while cur.order() > 1:
        gens = list(cur.generators)
        rel = [p * p for p in gens] + [~a * ~b * a * b for a in gens for b in gens]
        rel = [p for p in rel if not p.is_Identity]
        if rel:
            cur = small_generating_set(cur.normal_closure(PermutationGroup(rel)))
        else:
            cur = PermutationGroup([Permutation(list(range(cur.degree)))])
        n += 1
    return n


_MAX_ENUM = 5000


def _elements_np(g) -> np.ndarray:
    """All elements as an int array (order, degree), by closure under the generators
    (:func:`automata.group_tables.closure`; callers bound the order by :data:`_MAX_ENUM`)."""
    from .group_tables import closure

    n = int(g.degree)
    gens = generator_rows(g)
    if not gens.size:
        return np.arange(n)[None, :]
    return closure(gens, max_order=max(int(g.order()), 1))


def exponent(g) -> int | None:
    """The exponent (lcm of the element orders), or ``None`` above 5,000 elements.

    >>> from sympy.combinatorics.named_groups import CyclicGroup, DihedralGroup
    >>> exponent(CyclicGroup(8)), exponent(DihedralGroup(4)), exponent(DihedralGroup(3))
    (8, 4, 6)
    """
    order = int(g.order())
    if order == 1:
        return 1
    if order > _MAX_ENUM:
        return None
    from math import lcm

    if g.is_abelian:
        inv = _invariant_factors([int(q) for q in g.abelian_invariants()])
        return int(max(inv))
    return lcm(*set(cycle_orders(_elements_np(g)).tolist()))


def _is_dihedral(g, order: int) -> bool:
    """Non-abelian of order 2m with an element r of order m and an involution s outside <r>
    inverting it (s r s = r^-1)."""
    if order % 2 or order < 6:
        return False
    m = order // 2
    els = _elements_np(g)
    ident = np.arange(els.shape[1])
    orders = cycle_orders(els)
    rs = np.flatnonzero(orders == m)
    if rs.size == 0:
        return False
    r = els[rs[0]]
    powers = {ident.tobytes()}
    x = r.copy()
    while not (x == ident).all():
        powers.add(x.tobytes())
        x = r[x]
    rinv = np.empty_like(r)
    rinv[r] = ident
    for i in np.flatnonzero(orders == 2):
        s = els[i]
        if s.tobytes() in powers:
            continue
        return bool((s[r[s]] == rinv).all())       # s r s = r^-1  (s an involution)
    return False


def _name(g, order: int, abelian: bool, cyclic: bool,
          invariants: tuple) -> str | None:
    if order == 1:
        return "trivial"
    if cyclic:
        return f"Z_{order}"
    if abelian:
        return "×".join(f"Z_{d}" for d in invariants)
    # natural actions first
    support = sorted({i for p in g.generators for i in p.support()})
    r = len(support)
    if r and order == factorial(r):
        return f"S_{r}"
    if r >= 3 and order * 2 == factorial(r) and all(p.is_even for p in g.generators):
        return f"A_{r}"
    if order == 6:
        return "S_3"
    if order <= _MAX_ENUM and _is_dihedral(g, order):
        return f"D_{order // 2}"
    if order == 8:
        return "Q_8"            # the only non-abelian, non-dihedral group of order 8
    if order in (12, 24, 60, 120):
        der = g.derived_subgroup()
        do = int(der.order())
        if order == 12 and do == 4:
            return "A_4"
        if order == 24 and do == 12:
            return "S_4"
        if order == 60 and not g.is_solvable:
            return "A_5"        # the only non-solvable group of order 60
        if order == 120 and do == 60 and g.center().order() == 1:
            return "S_5"        # A_5 x Z_2 has a centre; SL(2,5) is perfect
    return None


def _table_name(t, order: int, abelian: bool, cyclic: bool, invariants: tuple,
                solvable: bool) -> str | None:
    """:func:`_name`, decision by decision, on a :class:`~automata.group_tables.GroupTable`."""
    if order == 1:
        return "trivial"
    if cyclic:
        return f"Z_{order}"
    if abelian:
        return "×".join(f"Z_{d}" for d in invariants)
    r = t.support_size()
    if r and order == factorial(r):
        return f"S_{r}"
    if r >= 3 and order * 2 == factorial(r) and t.all_even():
        return f"A_{r}"
    if order == 6:
        return "S_3"
    if t.is_dihedral():
        return f"D_{order // 2}"
    if order == 8:
        return "Q_8"
    if order in (12, 24, 60, 120):
        do = int(t.commutator_subgroup(np.ones(order, dtype=bool)).sum())
        if order == 12 and do == 4:
            return "A_4"
        if order == 24 and do == 12:
            return "S_4"
        if order == 60 and not solvable:
            return "A_5"
        if order == 120 and do == 60 and int(t.centre().sum()) == 1:
            return "S_5"
    return None


def group_info_from_elements(elements: np.ndarray, base: np.ndarray | None = None) -> GroupInfo:
    """:func:`group_info` of the group whose elements are the rows of ``elements`` (all of
    them, permutations of ``0 .. degree-1``), from its multiplication table, without sympy
    (:mod:`automata.group_tables`; ``base``: the table's, when known).

    >>> s4 = np.array([[1, 0, 2, 3], [1, 2, 3, 0]])
    >>> from automata.group_tables import closure
    >>> info = group_info_from_elements(closure(s4))
    >>> info.name, info.order, info.derived_length
    ('S_4', 24, 3)
    """
    from .group_tables import GroupTable

    t = GroupTable(elements, base)
    order = t.order
    if order == 1:
        return GroupInfo(**_TRIVIAL_INFO)
    abelian = t.is_abelian
    invariants = _invariant_factors(t.primary_invariants()) if abelian else ()
    cyclic = abelian and len(invariants) == 1
    series = t.derived_series()
    solvable = int(series[-1].sum()) == 1
    dl = len(series) - 1 if solvable else None
    two = order & (order - 1) == 0
    return GroupInfo(order=order,
                     name=_table_name(t, order, abelian, cyclic, invariants, solvable),
                     cyclic=cyclic, abelian=abelian, solvable=solvable, derived_length=dl,
                     two_group=two, elementary_2_length=t.frattini_2_length() if two else None,
                     prime_factors=prime_factors(order), abelian_invariants=invariants,
                     exponent=t.exponent())


def _table_elements(g) -> np.ndarray | None:
    """All elements of the sympy group ``g`` when it is small enough for a table
    (:func:`~automata.group_tables.table_base`), else None. The closure stops past
    ``TABLE_MAX_WORK`` images (elements · generators · degree)."""
    from .group_tables import TABLE_MAX_ORDER, TABLE_MAX_WORK, closure, table_base

    n = int(g.degree)
    gens = generator_rows(g)
    if not gens.size:
        return np.arange(n)[None, :]
    cap = min(TABLE_MAX_ORDER, TABLE_MAX_WORK // max(n * gens.shape[0], 1))
    els = closure(gens, max_order=cap)
    return els if els is not None and table_base(els) is not None else None


def _prime_info(p: int) -> GroupInfo:
    """A group of prime order p is Z_p."""
    return GroupInfo(order=p, name=f"Z_{p}", cyclic=True, abelian=True, solvable=True,
                     derived_length=1, two_group=p == 2, elementary_2_length=1 if p == 2 else None,
                     prime_factors=(p,), abelian_invariants=(p,), exponent=p)


def _cyclic_info(n: int) -> GroupInfo:
    """The facts of Z_n (``n >= 2``), in closed form: abelian, derived length 1, invariant
    factors ``(n,)``; for ``n = 2^k`` its Frattini series ``Z_{2^k} > Z_{2^(k-1)} > ... > 1``
    has length k. The exponent follows :class:`GroupInfo`'s convention (None above 5,000)."""
    two = n & (n - 1) == 0
    return GroupInfo(order=n, name=f"Z_{n}", cyclic=True, abelian=True, solvable=True,
                     derived_length=1, two_group=two,
                     elementary_2_length=n.bit_length() - 1 if two else None,
                     prime_factors=prime_factors(n), abelian_invariants=(n,),
                     exponent=n if n <= _MAX_ENUM else None)


#: how many rows of an element array are tried as a generator before naming a large group
#: by sympy (a cyclic group of order n has φ(n) >= n/6 of them below 10^7)
_CYCLIC_TRIES = 48


def _large_cyclic(g) -> GroupInfo | None:
    """Z_n's facts when ``g`` is cyclic and that is cheap to see: an element array of n
    rows one of whose first or evenly spaced rows has order n, or a group of one
    generator (its order is the generator's). None otherwise (then nothing is claimed)."""
    if isinstance(g, np.ndarray):
        m = int(g.shape[0])
        if m < 2:
            return None
        picks = sorted(set(range(min(m, _CYCLIC_TRIES // 2)))
                       | set(np.linspace(0, m - 1, _CYCLIC_TRIES // 2).astype(int).tolist()))
        return _cyclic_info(m) if (cycle_orders(g[picks]) == m).any() else None
    rows = generator_rows(g)
    rows = rows[(rows != np.arange(rows.shape[1])).any(axis=1)]        # the identity left out
    if rows.shape[0] == 0 or not (rows == rows[0]).all():
        return None
    n = cycle_order(rows[0])
    return _cyclic_info(n) if n > 1 else None


def _symmetric_info(g) -> GroupInfo | None:
    """The facts of ``S_r`` (``r >= 3``) when ``g`` is the full symmetric group on the points
    it moves (order ``r!``), as both paths give them; None otherwise."""
    from math import lcm

    if isinstance(g, np.ndarray):
        order = int(g.shape[0])
        r = int((g != np.arange(g.shape[1])).any(axis=0).sum())
        if r < 3 or order != factorial(r):
            return None
    else:
        rows = generator_rows(g)
        r = int((rows != np.arange(rows.shape[1])).any(axis=0).sum())     # points moved
        if r < 3:
            return None
        order = sympy_group_order(g)
        if order != factorial(r):
            return None
    exp = 1
    for k in range(2, r + 1):
        exp = lcm(exp, k)
    return GroupInfo(order=order, name=f"S_{r}", cyclic=False, abelian=False,
                     solvable=r <= 4, derived_length={3: 2, 4: 3}.get(r), two_group=False,
                     elementary_2_length=None, prime_factors=prime_factors(order),
                     abelian_invariants=(), exponent=exp if order <= _MAX_ENUM else None)


#: the facts of the last groups given as element arrays, keyed by their set of rows (one
#: classification names a maximal subgroup and, for its witness, the same group again)
_MEMO: dict = {}
_MEMO_MAX = 64


def _memo_key(g: np.ndarray) -> bytes:
    """The shape and the sorted 64-bit codes of the rows (the row codes of
    :mod:`automata.group_tables`, which tell its group elements apart the same way)."""
    from .group_tables import _codes, _weights

    codes = np.sort(_codes(np.asarray(g, dtype=np.int64), _weights(g.shape[1])))
    return np.array(g.shape, dtype=np.int64).tobytes() + codes.tobytes()


def clear_memo() -> None:
    """Forget the remembered group facts (part of ``froidure_pin.clear_caches``)."""
    _MEMO.clear()


def group_info(g) -> GroupInfo:
    """Order, name, cyclic/abelian/solvable, derived length and 2-group data of ``g``: a sympy
    ``PermutationGroup``, a :class:`TrivialGroup`, or an int array whose rows are all the
    elements (permutations).

    Groups of at most :data:`~automata.group_tables.TABLE_MAX_ORDER` elements are decided on
    their multiplication table (:func:`group_info_from_elements`, numpy); larger ones by sympy
    (:func:`group_info_sympy`). Both give the same answer (``tests/automata/test_group_tables.py``).

    Facts of element arrays are remembered (the same set of rows, in any order, is one
    group); :func:`clear_memo` forgets them.
    """
    if not (isinstance(g, np.ndarray) and g.ndim == 2):
        return _group_info(g)
    if _is_prime_order(g):                       # Z_p: nothing to remember
        return _prime_info(int(g.shape[0]))
    key = _memo_key(g)
    hit = _MEMO.get(key)
    if hit is None:
        hit = _group_info(g)
        if len(_MEMO) >= _MEMO_MAX:
            _MEMO.pop(next(iter(_MEMO)))
        _MEMO[key] = hit
    return hit


def _is_prime_order(g) -> bool:
    """``g`` is an element array of prime order below 1000 (then the group is Z_p)."""
    return isinstance(g, np.ndarray) and 1 < g.shape[0] < 1000 \
        and prime_factors(g.shape[0]) == (g.shape[0],)


def _group_info(g) -> GroupInfo:
    """The facts of ``g``, computed (see :func:`group_info`)."""
    if isinstance(g, TrivialGroup):
        return GroupInfo(**_TRIVIAL_INFO)
    if _is_prime_order(g):
        return _prime_info(int(g.shape[0]))
    if not isinstance(g, np.ndarray):            # one generator: Z_n, whatever n is
        cyc = _large_cyclic(g)
        if cyc is not None:
            return cyc
    full = _symmetric_info(g)
    if full is not None:
        return full
    if isinstance(g, np.ndarray):
        from .group_tables import table_base

        base = table_base(g)
        if base is not None:
            return group_info_from_elements(g, base)
        cyc = _large_cyclic(g)
        if cyc is not None:
            return cyc
        Permutation, PermutationGroup = sympy_permutations()
        from .froidure_pin import _generating_set

        return group_info_sympy(PermutationGroup([Permutation(p.tolist())
                                                  for p in _generating_set(g)]))
    els = _table_elements(g)
    if els is not None:
        return group_info_from_elements(els)
    return group_info_sympy(g)


def group_info_sympy(g) -> GroupInfo:
    """:func:`group_info` computed by sympy (the reference for the table path)."""
    if isinstance(g, TrivialGroup):
        return GroupInfo(**_TRIVIAL_INFO)
    if isinstance(g, RowsGroup):
        g = g.sympy
    g = small_generating_set(g)
    order = int(g.order())
    primes = prime_factors(order)
    abelian = bool(g.is_abelian)
    invariants = _invariant_factors([int(q) for q in g.abelian_invariants()]) \
        if abelian and order > 1 else ()
    cyclic = order == 1 or (abelian and len(invariants) == 1)
    # derived length: quick answers for the symmetric / alternating groups in natural action
    support = sorted({i for p in g.generators for i in p.support()})
    r = len(support)
    if r and order == factorial(r) and not abelian:
        dl = {3: 2, 4: 3}.get(r)
    elif r >= 5 and order * 2 == factorial(r) and all(p.is_even for p in g.generators):
        dl = None
    else:
        dl = derived_length(g) if order > 1 else 0
    solvable = dl is not None
    two = order & (order - 1) == 0
    return GroupInfo(
        order=order,
        name=_name(g, order, abelian, cyclic, invariants),
        cyclic=cyclic,
        abelian=abelian,
        solvable=solvable,
        derived_length=dl,
        two_group=two,
        elementary_2_length=elementary_2_length(g) if two else None,
        prime_factors=primes,
        abelian_invariants=invariants,
        exponent=exponent(g),
    )
