"""Subregular varieties decided on the syntactic monoid / semigroup.

* commutative: the letters' transformations commute (no enumeration);
* aperiodic (star-free, Schützenberger 1965), R-trivial, L-trivial, J-trivial (piecewise
  testable, Simon 1975): from Green's structure (:mod:`automata.green`), no enumeration;
* definite (``s e = e``), reverse definite (``e s = e``) and locally testable (``e S e`` is a
  semilattice for every idempotent ``e``; Brzozowski and Simon 1973, McNaughton 1974): on the
  syntactic **semigroup** (images of non-empty words), from the enumerated monoid, only when it
  has at most ``max_size`` elements (default 20,000); locally testable also needs the work
  ``#idempotents x |S| x #states`` to stay under 5e7 (the idempotents checked: one per regular
  D-class when Green's structure enumerated the monoid, else all) and every ``e S e`` to have
  at most 3,000 elements; otherwise ``None`` ("unknown").

>>> from automata.dfa import DFA
>>> v = varieties(DFA("ab", [[1, 0], [1, 1]], 0, [1]))    # "contains an a"
>>> v.commutative, v.j_trivial, v.locally_testable, v.definite
(True, True, True, False)
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .jit_varieties import available as _compiled, semigroup_checks as _compiled_checks
from .jit_varieties import cayley_semigroup_checks as _cayley_checks
from .jit_varieties import cayley_varieties as _cayley_varieties
from .dfa import DFA
from .errors import BudgetExceededError
from .green import GreenStructure, green_structure
from .monoid import TransitionMonoid, generators_of, transition_monoid
from .records import fast_init

__all__ = ["Varieties", "varieties", "VARIETY_MAX_SIZE"]

VARIETY_MAX_SIZE = 20_000
_MAX_WORK = 50_000_000
_MAX_LOCAL = 3000                 # largest local monoid e S e checked for commutation


@fast_init
@dataclass(frozen=True)
class Varieties:
    """Membership of the language in each variety; ``None`` means unknown (over budget)."""

    commutative: bool | None
    aperiodic: bool | None
    r_trivial: bool | None
    l_trivial: bool | None
    j_trivial: bool | None
    locally_testable: bool | None
    definite: bool | None
    reverse_definite: bool | None

    @property
    def piecewise_testable(self) -> bool | None:
        return self.j_trivial

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["piecewise_testable"] = self.j_trivial
        return d


def _commutative(gens: np.ndarray) -> bool:
    """Whether the letters' transformations commute pairwise: the distinct letters only
    (equal ones commute), all pairs at once when ``k² n`` is small."""
    g = np.array(list({r.tobytes(): r for r in gens}.values())) if len(gens) > 1 else gens
    k, n = g.shape
    if k * k * n <= 4_000_000:
        ab = g[np.arange(k)[:, None, None], g[None, :, :]]     # ab[j, i] = g_i then g_j
        return bool((ab == ab.transpose(1, 0, 2)).all())
    for i in range(k):
        if not (g[i + 1:, g[i]] == g[i][g[i + 1:]]).all():
            return False
    return True


def _commutative_on_cayley_graph(fp) -> bool:
    """:func:`_commutative` read off an enumerated monoid's right Cayley graph: the letters
    commute iff ``a·b`` and ``b·a`` are the same element for all letters ``a, b``."""
    letters = fp.right[fp.identity]                   # the element of each letter
    ab = fp.right[letters]                            # ab[a, b]: the element a·b
    return bool((ab == ab.T).all())


def _distinct_rows(x: np.ndarray) -> np.ndarray:
    """The distinct rows of ``x`` (in some order): grouped by a 64-bit hash of each row,
    every row then compared with its group's first row; ``np.unique`` only if two different
    rows share a hash."""
    m, n = x.shape
    if m <= 1:
        return x
    w = np.random.default_rng(n).integers(1, 2**63, size=n, dtype=np.uint64) | 1
    h = (x.astype(np.uint64) * w).sum(axis=1, dtype=np.uint64)
    _, first, inv = np.unique(h, return_index=True, return_inverse=True)
    rep = x[first]
    if (rep[inv.reshape(-1)] == x).all():
        return rep
    return np.unique(x, axis=0)                              # pragma: no cover - 2^-64 odds


def _semigroup_checks(m: TransitionMonoid, gens: np.ndarray, local: np.ndarray | None = None):
    """(definite, reverse_definite, locally_testable) on the syntactic semigroup (compiled
    by :mod:`automata.jit_varieties` when the compiled core is on: the same answers).

    ``local``: the semigroup indices of one idempotent per regular D-class, when known; only
    their local monoids are checked. That suffices: for D-related idempotents ``e = a ā``,
    ``f = ā a`` (``a`` in ``R_e ∩ L_f``), ``s ↦ ā s a`` is an isomorphism from ``eSe`` onto
    ``fSf`` with inverse ``t ↦ a t ā``. Otherwise every idempotent is checked."""
    S = m.elements().astype(np.int64)
    if _compiled():
        return _compiled_checks(S, gens, _MAX_WORK, _MAX_LOCAL, local)
    flags = (np.take_along_axis(S, S, axis=1) == S).all(axis=1)
    idem = S[flags]
    definite = all(bool((idem[:, g] == idem).all()) for g in gens)      # g * e = e
    reverse = all(bool((g[idem] == idem).all()) for g in gens)          # e * g = e
    if local is not None:
        idem = S[np.asarray(local, dtype=np.int64)]
    if idem.shape[0] * S.shape[0] * S.shape[1] > _MAX_WORK:
        return definite, reverse, None
    lt = True
    for e in idem:
        T = _distinct_rows(e[S[:, e]])                      # e s e  (apply e, s, e)
        if not (np.take_along_axis(T, T, axis=1) == T).all():
            lt = False
            break
        if T.shape[0] > _MAX_LOCAL:
            return definite, reverse, None
        # pairwise commutation: (t1 * t2)[q] = t2[t1[q]]
        a = T[:, None, :]
        b = T[None, :, :]
        ab = np.take_along_axis(np.broadcast_to(b, (T.shape[0],) + b.shape[1:]),
                                np.broadcast_to(a, (T.shape[0], T.shape[0], T.shape[1])), axis=2)
        ba = np.transpose(ab, (1, 0, 2))
        if not (ab == ba).all():
            lt = False
            break
    return definite, reverse, lt


def _local_idempotents(green: GreenStructure | None, monoid: TransitionMonoid):
    """One idempotent per regular D-class of the semigroup (semigroup indices, D-classes in
    order), from Green's structure when it enumerated this very monoid; else None."""
    fp = getattr(green, "enumerated", None) if green is not None else None
    if fp is None or fp.monoid.codes is not monoid.codes:
        return None
    table = fp.d_classes
    reps = np.asarray(table.reps, dtype=np.int64)[np.asarray(table.regular, dtype=bool)]
    return reps[reps < monoid.semigroup_size]         # the identity only when a word gives it


def varieties(dfa: DFA, green: GreenStructure | None = None, monoid: TransitionMonoid | None = None,
              *, max_size: int = VARIETY_MAX_SIZE, minimize: bool = True,
              monoid_size: int | None = None, compute_green: bool = True) -> Varieties:
    """Decide the varieties for the language of ``dfa``.

    Parameters
    ----------
    dfa : DFA
    green : GreenStructure, optional
        Reused when given (must be of the same, minimal DFA); computed otherwise.
    monoid : TransitionMonoid, optional
        Reused when given; otherwise enumerated with ``max_size`` as budget.
    max_size : int
        Largest semigroup on which the semigroup-level checks run.
    monoid_size : int, optional
        The monoid's size when known (e.g. from Green's structure): above ``max_size + 1`` no
        enumeration is attempted (the semigroup checks stay unknown).
    compute_green : bool
        Compute Green's structure (default budgets) when ``green`` is None. ``False``: take
        ``green`` as the caller's budget left it (None, or the image orbit alone); what needs
        the D-classes (R-, L-, J-triviality) is then unknown. :func:`~automata.classify.classify`
        passes ``False``, so that a structure over its budget is not tried again.
    """
    d = dfa.minimize() if minimize else dfa
    fp = green.enumerated if green is not None and green.method == "enumeration" else None
    if (fp is not None and monoid is not None and fp.monoid.codes is monoid.codes
            and monoid.semigroup_size <= max_size and green.d_classes
            and green._table() is not None and fp.right.shape[1] == d.n_symbols
            and _compiled()):
        # Green's structure enumerated this very monoid: every check in one compiled call
        comm, rt, lt_, definite, reverse, loc = _cayley_varieties(fp, _MAX_WORK, _MAX_LOCAL)
        return Varieties(comm, green.is_aperiodic, rt, lt_, rt and lt_, loc, definite,
                         reverse)
    gens = generators_of(d).astype(np.int64)
    comm = _commutative_on_cayley_graph(fp) if fp is not None else _commutative(gens)
    if green is None and compute_green:
        try:
            green = green_structure(d, minimize=False)
        except BudgetExceededError:
            green = None
    if green is not None and green.d_classes:
        ap = green.is_aperiodic
        rt, lt_ = green.r_trivial(), green.l_trivial()
        jt = rt and lt_
    else:
        ap = green.is_aperiodic if green is not None else None
        rt = lt_ = jt = None
    definite = reverse = loc = None
    too_big = monoid_size is not None and monoid_size > max_size + 1
    if (monoid is None or monoid.semigroup_size > max_size) and d.n_states <= 65536 \
            and not too_big:
        try:
            monoid = transition_monoid(d, minimize=False, max_size=max_size, max_seconds=5.0)
        except BudgetExceededError:
            monoid = None
    if monoid is not None and monoid.semigroup_size <= max_size:
        local = _local_idempotents(green, monoid)
        if (fp is not None and fp.monoid.codes is monoid.codes and _compiled()
                and fp.right.shape[1] == gens.shape[0]):
            # the same checks on the Cayley graphs of the enumeration behind Green's structure
            definite, reverse, loc = _cayley_checks(fp, _MAX_WORK, _MAX_LOCAL, local)
        else:
            definite, reverse, loc = _semigroup_checks(monoid, gens, local)
    return Varieties(comm, ap, rt, lt_, jt, loc, definite, reverse)
