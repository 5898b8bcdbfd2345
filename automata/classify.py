"""One pure function from a language to its algebraic classification and per-model verdicts.

>>> c = classify("parity")
>>> c.aperiodic, c.monoid_size, [g["name"] for g in c.to_dict()["groups"]]
(False, 2, ['Z_2'])
>>> c.witness["period"]
2
>>> {p.model: p.expressible for p in c.predictions}["ssm_signed"]
'yes'
>>> c.prediction("transformer_hard_pe").expressible, c.ac0["ac0"]
('no', False)
>>> r = classify(regex="(aa)*", alphabet="a")          # a regular expression
>>> r.language, r.ac0["ac0"], r.prediction("transformer_hard_pe").expressible
('(aa)*', True, 'yes')
>>> r.prediction("transformer_masked_hard").expressible
'no'
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

import numpy as np

from .ac0 import (Levels, ac0_certificate, cycle_order, cycle_orders, length_levels,
                  padded_certificate)
from .dfa import DFA
from .records import fast_init
from .regex import regex_to_dfa
from .errors import AutomatonError, BudgetExceededError
from .green import ORBIT_ENTRIES_PER_SET, GreenStructure, green_structure
from .groups import GroupInfo, group_info
from .jit_groups import available as _jit_groups_available
from .jit_groups import greedy_generators as _jit_greedy_generators
from .jit_groups import h_class_rows as _jit_h_class_rows
from .jit_groups import idempotent_rows as _jit_idempotent_rows
from .jit_groups import letter_facts as _jit_letter_facts
from .jit_levels import cycle_orders as _jit_cycle_orders
from .jit_levels import enabled as _jit_enabled
from .jit_levels import parity_candidates as _jit_parity_candidates
from .jit_levels import shortlex_order as _jit_shortlex
from .jit_levels import square_hits as _jit_square_hits
from .jit_witness import PAIR_MAX_STATES as _PAIR_MAX_STATES
from .jit_witness import available as _jit_witness_available
from .jit_witness import period_parts as _jit_period_parts
from .jit_witness import separating_word as _jit_separating
from .languages import Language, resolve_language
from .memos import on_clear
from .monoid import (TransitionMonoid, _nonaperiodic_word, generators_of,
                     has_nontrivial_cycle, transition_monoid)
from .varieties import Varieties, varieties
from .verdicts import FAMILIES, FAMILY_STATEMENTS, AlgebraFacts, Prediction, predict

__all__ = ["Budget", "Classification", "classify", "nonstar_free_witness", "parity_reduction",
           "odd_period_witness", "letter_period_witness", "nonsolvable_witness"]


@dataclass(frozen=True)
class Budget:
    """Limits for the algebra. Over budget, the affected fields are ``None`` (unknown).

    enumerate_max_size : full enumeration (idempotents, aperiodicity index, varieties)
    orbit_max : image / kernel orbit sizes (Green's structure)
    max_seconds : per stage
    variety_max_size : semigroup size up to which definite / locally testable are decided
    ac0_max_elements : the length levels η(Σ^k) of the AC0 test, all together
    witness_max_elements : elements enumerated (with words) to find the refuting witnesses

    Past 128 states, the counts of transformations and sets (``enumerate_max_size``,
    ``ac0_max_elements``, ``orbit_max``) allow ``limit × 128`` entries in all instead
    (:meth:`per_states`): their memory grows with the states, and the notes say so.
    """

    enumerate_max_size: int = 1_000_000
    orbit_max: int = 200_000
    max_seconds: float = 20.0
    variety_max_size: int = 20_000
    ac0_max_elements: int = 200_000
    witness_max_elements: int = 20_000

    @staticmethod
    def per_states(limit: int, n: int) -> int:
        """A count of transformations (``enumerate_max_size``, ``ac0_max_elements``) for a DFA
        of ``n`` states: each holds n entries, so past
        :data:`automata.green.ORBIT_ENTRIES_PER_SET` states the limit allows that many entries
        per transformation in all (as the orbits' sets do).

        >>> Budget.per_states(1_000_000, 16), Budget.per_states(1_000_000, 1_002)
        (1000000, 127744)
        """
        return max(1, min(int(limit), int(limit) * ORBIT_ENTRIES_PER_SET // max(int(n), 1)))


def _per_states_note(name: str, limit: int, n: int) -> str:
    """Where a count budget was scaled to the states: how (else empty)."""
    got = Budget.per_states(limit, n)
    if got >= limit:
        return ""
    return (f" ({name} {limit:,} for {n:,} states: {got:,} transformations, "
            f"{ORBIT_ENTRIES_PER_SET} states' worth of entries each)")


@fast_init
@dataclass(frozen=True)
class Classification:
    """The result of :func:`classify`; ``to_dict()`` is JSON-serializable."""

    language: str
    regular: bool
    kind: str
    alphabet: tuple
    states: int | None
    monoid_size: int | None
    aperiodic: bool | None
    groups: tuple                                # GroupInfo of distinct non-trivial max. subgroups
    varieties: Varieties | None
    witness: dict | None
    predictions: tuple
    idempotents: int | None
    d_classes: int | None
    aperiodicity_index: int | None
    paper_group: str | None = None
    notes: tuple = field(default=())
    ac0: dict | None = None                      # automata.ac0 certificate (None: unknown)

    @property
    def star_free(self) -> bool | None:
        return self.aperiodic

    @property
    def label(self) -> str:
        """``star-free`` / ``non-star-free`` / ``counter`` / ``unknown`` (the paper's groups)."""
        if not self.regular:
            return "counter"
        if self.aperiodic is None:
            return "unknown"
        return "star-free" if self.aperiodic else "non-star-free"

    def prediction(self, model: str) -> Prediction:
        """The prediction for one family (see :data:`automata.verdicts.FAMILIES`)."""
        for p in self.predictions:
            if p.model == model:
                return p
        raise AutomatonError(f"unknown model family {model!r}; choose one of: "
                             f"{', '.join(FAMILIES)}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "regular": self.regular,
            "kind": self.kind,
            "alphabet": list(self.alphabet),
            "states": self.states,
            "monoid_size": self.monoid_size,
            "aperiodic": self.aperiodic,
            "star_free": self.star_free,
            "label": self.label,
            "paper_group": self.paper_group,
            "groups": [{"order": g.order, "name": g.name, "abelian": g.abelian,
                        "solvable": g.solvable, "cyclic": g.cyclic,
                        "derived_length": g.derived_length} for g in self.groups],
            "varieties": self.varieties.to_dict() if self.varieties is not None else None,
            "witness": self.witness,
            "predictions": [p.to_dict() for p in self.predictions],
            "idempotents": self.idempotents,
            "d_classes": self.d_classes,
            "aperiodicity_index": self.aperiodicity_index,
            "ac0": self.ac0,
            "families": dict(FAMILY_STATEMENTS),
            "notes": list(self.notes),
        }


# ---------------------------------------------------------------------------- witnesses
def _fmt(word: list[str], alphabet: tuple) -> str | list:
    return "".join(word) if all(len(s) == 1 for s in alphabet) else list(word)


_LAST: list = [None, {}]            # the last DFA asked about and what was derived from it


def _derived(d: DFA) -> dict:
    """What the witnesses derived from ``d`` so far (one classification asks several times);
    kept for the last DFA asked about only."""
    if _LAST[0] is not d:
        _LAST[0], _LAST[1] = d, {}
    return _LAST[1]


@on_clear
def _forget_last() -> None:
    """Forget :data:`_LAST` (run by ``froidure_pin.clear_caches``)."""
    _LAST[0], _LAST[1] = None, {}


def _as_lists(d: DFA) -> tuple[list, list]:
    """``d.delta`` and ``d.accepting_mask`` as lists."""
    got = _derived(d)
    if "lists" not in got:
        got["lists"] = (d.delta.tolist(), d.accepting_mask.tolist())
    return got["lists"]


def _kernel_arrays(d: DFA) -> tuple[np.ndarray, np.ndarray]:
    """``d.delta`` (a writeable copy: numba's dispatcher types a read-only array on its slow
    path, about 3 µs a call) and ``d.accepting_mask``, for the compiled searches."""
    got = _derived(d)
    if "kernel" not in got:
        got["kernel"] = (np.array(d.delta), d.accepting_mask)
    return got["kernel"]


def _bfs_tree(d: DFA) -> dict:
    """``prev[t] = (s, a)``: the breadth-first tree of ``d`` from its initial state (letters
    in order)."""
    got = _derived(d)
    if "tree" in got:
        return got["tree"]
    rows = _as_lists(d)[0]
    prev: dict = {d.initial: None}
    q = deque([d.initial])
    while q:
        s = q.popleft()
        for a, t in enumerate(rows[s]):
            if t not in prev:
                prev[t] = (s, a)
                q.append(t)
    got["tree"] = prev
    return prev


def _word_to(d: DFA, target: int) -> list[int]:
    """Shortest word from the initial state to ``target`` (the first in breadth-first order)."""
    prev = _bfs_tree(d)
    out = []
    s = target
    while prev[s] is not None:
        s, a = prev[s]
        out.append(a)
    return out[::-1]


def _separating(d: DFA, p: int, q: int) -> list[int] | None:
    """Shortest word ``v`` with exactly one of ``p.v``, ``q.v`` accepting (the first in
    breadth-first order over ordered pairs; compiled up to ``PAIR_MAX_STATES`` states)."""
    if d.n_states <= _PAIR_MAX_STATES and _jit_witness_available():
        return _jit_separating(*_kernel_arrays(d), p, q)
    rows, acc = _as_lists(d)
    prev = {(p, q): None}
    dq = deque([(p, q)])
    while dq:
        s = dq.popleft()
        if acc[s[0]] != acc[s[1]]:
            out = []
            while prev[s] is not None:
                s, a = prev[s]
                out.append(a)
            return out[::-1]
        for a, t in enumerate(zip(rows[s[0]], rows[s[1]])):
            if t not in prev:
                prev[t] = (s, a)
                dq.append(t)
    return None


def nonstar_free_witness(d: DFA, w: list[int]) -> dict[str, Any] | None:
    """Words ``u, w, v`` and period ``p > 1`` with membership of ``u w^k v`` cycling with period p.

    ``d`` must be minimal and ``w``'s transformation must have a cycle of length > 1. The
    sequence is verified by running the DFA on ``u w^k v`` for ``k < 2 * cycle length`` (on
    ``u``, then ``w``'s transformation k times, then ``v``).
    (Remembered per word for the last DFA asked about: one classification often asks for
    the same word several times, e.g. a single letter as the main and the letter witness.)
    """
    known = _derived(d).setdefault("witnesses", {})
    key = tuple(int(a) for a in w)
    if key not in known:
        known[key] = _nonstar_free_witness(d, list(key))
    wit = known[key]
    return None if wit is None else {**wit, "memberships": list(wit["memberships"])}


def _nonstar_free_witness(d: DFA, w: list[int]) -> dict[str, Any] | None:
    """:func:`nonstar_free_witness`, computed (the searches compiled up to
    ``PAIR_MAX_STATES`` states: :func:`automata.jit_witness.period_parts`, the same words)."""
    if d.n_states <= _PAIR_MAX_STATES and _jit_witness_available():
        parts = _jit_period_parts(*_kernel_arrays(d), d.initial, w)
        if parts is None:
            return None
        _, L, u, v, seq = parts
    else:
        parts = _period_parts(d, w)
        if parts is None:
            return None
        L, u, v, seq = parts
    syms = d.alphabet
    p = next(p for p in range(1, L + 1) if all(seq[i] == seq[i + p] for i in range(len(seq) - p)))
    if p <= 1:
        return None
    return {"u": _fmt([syms[i] for i in u], syms), "w": _fmt([syms[i] for i in w], syms),
            "v": _fmt([syms[i] for i in v], syms), "period": p,
            "memberships": seq[:2 * p], "verified": True,
            "statement": f"u w^k v is in L iff k mod {p} is in "
                         f"{sorted(k for k in range(p) if seq[k])}"}


def _period_parts(d: DFA, w: list[int]) -> tuple | None:
    """``(L, u, v, seq)`` of :func:`nonstar_free_witness` (numpy and Python): ``w``'s map
    ``t``, the least state ``q`` on a cycle of length ``L > 1``, ``u`` from the initial state
    to ``q``, ``v`` separating ``q`` from ``t(q)``, the memberships of ``u w^k v`` (k < 2L)."""
    t = np.arange(d.n_states)
    for a in w:
        t = d.delta[t, a]
    y = t.copy()
    for _ in range(max(1, int(np.ceil(np.log2(max(d.n_states, 2)))))):
        y = y[y]
    cyc = y[t[y] != y]                  # the points on cycles of length > 1
    if cyc.size == 0:
        return None
    q = int(cyc.min())
    L, s = 1, int(t[q])
    while s != q:
        s, L = int(t[s]), L + 1
    u = _word_to(d, q)
    v = _separating(d, q, int(t[q]))
    if v is None:
        return None
    rows, acc = _as_lists(d)
    # membership of u w^k v: the DFA's run on u, then w's transformation (t) k times, then v
    step, s, seq = t.tolist(), d.initial, []
    for a in u:
        s = rows[s][a]
    for _ in range(2 * L):
        x = s
        for a in v:
            x = rows[x][a]
        seq.append(bool(acc[x]))
        s = step[s]
    return L, u, v, seq


# ---------------------------------------------------------------------------- refutations
def _elements_with_words(d: DFA, max_elements: int) -> tuple[np.ndarray, list[list[int]]] | None:
    """Every element of the transition semigroup with a shortest word, breadth first; None
    when there are more than ``max_elements``."""
    gens = generators_of(d)
    seen: dict[bytes, int] = {}
    elems: list[np.ndarray] = []
    words: list[list[int]] = []
    frontier = []
    for a, g in enumerate(gens):
        k = g.tobytes()
        if k not in seen:
            seen[k] = len(elems)
            elems.append(g)
            words.append([a])
            frontier.append(len(elems) - 1)
    while frontier:
        nxt = []
        for i in frontier:
            for a, g in enumerate(gens):
                y = g[elems[i]]
                k = y.tobytes()
                if k not in seen:
                    if len(elems) >= max_elements:
                        return None
                    seen[k] = len(elems)
                    elems.append(y)
                    words.append(words[i] + [a])
                    nxt.append(len(elems) - 1)
        frontier = nxt
    return np.array(elems), words


def shortlex_order(mon: TransitionMonoid) -> np.ndarray:
    """The semigroup elements' indices sorted by their words (``mon.word``) in shortlex order.

    A word is its parent's word plus one letter, so level by level (word length), the order
    is that of (parent's rank, letter): no word is built.
    """
    parent = np.asarray(mon.parent, dtype=np.int64)
    letter = np.asarray(mon.letter, dtype=np.int64)
    m = parent.shape[0]
    if m and _jit_enabled():
        return _jit_shortlex(parent, letter, max(1, int(letter.max()) + 1))
    length = np.ones(m, dtype=np.int64)
    anc = parent.copy()
    while (anc >= 0).any():
        on = anc >= 0
        length += on
        anc[on] = parent[anc[on]]
    rank = np.full(m, -1, dtype=np.int64)
    out = []
    k = max(1, int(letter.max()) + 1) if m else 1
    done = 0
    for L in range(1, int(length.max()) + 1 if m else 1):
        lv = np.flatnonzero(length == L)
        key = letter[lv] if L == 1 else rank[parent[lv]] * k + letter[lv]
        lv = lv[np.argsort(key, kind="stable")]
        rank[lv] = np.arange(done, done + lv.size)
        done += lv.size
        out.append(lv)
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


class _Words:
    """The words of ``mon``'s elements in the order ``order``, built on demand."""

    def __init__(self, mon: TransitionMonoid, order: np.ndarray):
        self._mon, self._order = mon, order

    def __len__(self) -> int:
        return int(self._order.size)

    def __getitem__(self, i: int) -> list[int]:
        return self._mon.word(int(self._order[i]))


def _period_witness(d: DFA, w: list[int], refutes: str) -> dict[str, Any] | None:
    wit = nonstar_free_witness(d, w)
    if wit is not None:
        wit = {**wit, "refutes": refutes}
    return wit


def letter_period_witness(d: DFA) -> dict[str, Any] | None:
    """A single letter ``a`` with ``u a^k v`` periodic in k (period > 1), for the minimal DFA.

    It refutes every family whose layers, on a repeated letter, have eventually constant
    outputs (non-negative gates, Householder products with eigenvalues in [0, 1]).

    >>> letter_period_witness(DFA("ab", [[1, 0], [0, 1]], 0, [0]))["w"]
    'a'
    """
    gens = generators_of(d)
    orders = _jit_cycle_orders(gens) if _jit_enabled() else None      # None: an lcm overflows
    cyclic = np.flatnonzero(orders > 1 if orders is not None else has_nontrivial_cycle(gens))
    if cyclic.size == 0:
        return None
    return _period_witness(d, [int(cyclic[0])], "a single repeated letter has period > 1; a "
                                                "layer whose matrix has eigenvalues in [0, 1] "
                                                "is eventually constant on it")


def _prime_factors(n: int) -> list[int]:
    out, p = [], 2
    while p * p <= n:
        while n % p == 0:
            out.append(p)
            n //= p
        p += 1
    if n > 1:
        out.append(n)
    return sorted(set(out))


def odd_period_witness(d: DFA, elements=None, *, max_elements: int = 20_000) -> dict | None:
    """Words ``u, w, v`` with ``u w^k v`` of odd prime period p in k, for the minimal DFA.

    ``w``'s element has order p (the shortest such word). An odd period refutes real diagonal
    gates in [-1, 1]: k such layers have period dividing 2^k on a repeated word.

    >>> odd_period_witness(DFA("a", [[1], [2], [0]], 0, [0]))["period"]
    3
    """
    el = elements if elements is not None else _elements_with_words(d, max_elements)
    if el is None:
        return None
    xs, words = el
    orders = cycle_orders(xs).tolist()
    for i, order in enumerate(orders):
        if order > 1 and order % 2 == 1 and _prime_factors(order) == [order]:
            wit = _period_witness(d, words[i], f"the period {order} is odd; k real diagonal "
                                               f"layers with gates in [-1, 1] have period "
                                               f"dividing 2^k on w^k")
            if wit is not None and wit["period"] == order:
                return wit
    # an element whose order has an odd prime factor p: its (order/p)-th power has order p
    for i, order in enumerate(orders):
        odd = [p for p in _prime_factors(order) if p != 2] if order > 2 else []
        if odd:
            p = odd[0]
            w = words[i]
            wit = _period_witness(d, w * (order // p), f"the period {p} is odd; k real diagonal "
                                                       f"layers with gates in [-1, 1] have period "
                                                       f"dividing 2^k on w^k")
            if wit is not None and wit["period"] == p:
                return wit
    return None


def _greedy_generators(perms: np.ndarray) -> list[int]:
    """Row indices of ``perms`` (all the elements of a permutation group), taken in order
    whenever a row lies outside the subgroup the rows taken so far generate, until they
    generate the group."""
    from .group_tables import GroupTable, closure, table_base

    order, r = perms.shape
    kept: list[int] = []
    base = table_base(perms)
    if base is not None:
        t = GroupTable(perms, base)              # subgroups as masks over its table
        if _jit_groups_available():
            return _jit_greedy_generators(t.table, t.identity).tolist()
        mask = np.zeros(order, dtype=bool)
        reached = mask.copy()
        for u in range(order):
            if u == t.identity or reached[u]:
                continue
            kept.append(u)
            mask[u] = True
            reached = t.generated(mask)
            if reached.all():
                break
        return kept
    ident = np.arange(r)
    seen: set = set()
    for u in range(order):
        p = perms[u]
        if (p == ident).all() or p.tobytes() in seen:
            continue
        kept.append(u)
        cur = closure(perms[kept], max_order=order)
        seen = {x.tobytes() for x in cur}
        if cur.shape[0] == order:
            break
    return kept


def nonsolvable_witness(d: DFA, elements=None, *, max_elements: int = 20_000) -> dict | None:
    """Words whose elements generate a non-solvable group inside the syntactic monoid.

    Returns ``{"words", "image", "order", "name", "statement"}``: the elements of ``words``
    lie in the maximal subgroup of an idempotent and, restricted to its image (a set of
    states), generate a non-solvable permutation group of the given order.
    """
    from .groups import group_info

    el = elements if elements is not None else _elements_with_words(d, max_elements)
    if el is None:
        return None
    xs, words = el
    fast = _jit_groups_available()
    idem = (_jit_idempotent_rows(xs) if fast else
            np.flatnonzero((np.take_along_axis(xs, xs, axis=1) == xs).all(axis=1))).tolist()
    n = xs.shape[1]
    for i in idem:
        e = xs[i]
        image = np.flatnonzero(np.bincount(e, minlength=n))     # sorted, as np.unique
        if image.size < 5:                       # a non-solvable group has degree >= 5
            continue
        # x in H_e: x·e = e·x = x and x permutes the image of e
        if fast:
            members = _jit_h_class_rows(xs, e, image)
        else:
            inside = ((e[xs] == xs).all(axis=1) & (xs[:, e] == xs).all(axis=1)
                      & (np.sort(xs[:, image], axis=1) == image).all(axis=1))
            members = np.flatnonzero(inside)
        if members.size < 60:
            continue
        order = int(members.size)                # |H_e|, the group's order
        if image.size == n:                      # e is the identity: members act on all states
            perms = xs[members]
        else:                                    # each member on the image, as 0 .. |image|-1
            pos = np.full(n, -1, dtype=np.int64)
            pos[image] = np.arange(image.size)
            perms = pos[xs[members][:, image]]
        kept = _greedy_generators(perms)         # shortest words first
        if not kept:
            continue
        info = group_info(perms)
        kept = members[kept].tolist()
        if info.solvable:
            continue
        syms = d.alphabet
        ws = [_fmt([syms[a] for a in words[j]], syms) for j in kept]
        name = info.name
        return {"words": ws, "image": image.tolist(), "order": order, "name": name,
                "statement": f"the elements of {ws} act on the states {image.tolist()} as "
                             f"generators of the non-solvable group {name or order}"}
    return None


def _parity_candidates(xs: np.ndarray, q0: int):
    """The rows ``i`` of ``xs`` with ``g³ = g ≠ g²``, ``g²`` fixing ``q0`` and ``g`` moving it,
    in order, each with the row ``j`` equal to ``g²`` (None: not in ``xs``)."""
    if _jit_enabled():
        cand, js = _jit_parity_candidates(xs, q0)
        return [(i, None if j < 0 else j) for i, j in zip(cand.tolist(), js.tolist())]
    g2 = np.take_along_axis(xs, xs, axis=1)           # (x·x)[q] = x[x[q]]
    g3 = np.take_along_axis(xs, g2, axis=1)
    cand = np.flatnonzero((g3 == xs).all(axis=1) & (g2 != xs).any(axis=1)
                          & (g2[:, q0] == q0) & (xs[:, q0] != q0))
    if cand.size == 0:
        return []
    index = {x.tobytes(): i for i, x in enumerate(xs)}
    return ((i, index.get(g2[i].tobytes())) for i in cand)


def _level_parity_candidates(levels: Levels, q0: int):
    """``(k, i, j, g[q0])`` for each level k (from 1) and each row i of it that
    :func:`_parity_candidates` finds with ``g²`` in the same level (row j), in order. Levels
    walked on a Cayley graph are scanned once over every element's row, then read by ids."""
    if levels.ids is None or levels.rows is None:
        for k in range(1, len(levels.sets) + 1):
            xs = levels.sets[k - 1]
            for i, j in _parity_candidates(xs, q0):
                if j is not None:
                    yield k, int(i), int(j), int(xs[i][q0])
        return
    rows = levels.rows
    square = np.full(rows.shape[0], -1, dtype=np.int64)   # element -> the element g² (or -1)
    if _jit_enabled() and hasattr(levels.ids, "end_to_end"):
        # compiled: the candidates' squares, then the levels' hits level by level
        cand, js = _jit_parity_candidates(rows, q0)
        ok = js >= 0
        if not ok.any():
            return
        square[cand[ok]] = js[ok]
        flat, offs = levels.ids.end_to_end()
        col = rows[:, q0]
        for k, its, jts in _jit_square_hits(square, flat, offs):
            ids = flat[offs[k - 1]:offs[k]]
            for i, j in zip(its, jts):
                yield k, i, j, int(col[ids[i]])
        return
    for i, j in _parity_candidates(rows, q0):
        if j is not None:
            square[i] = j
    if not (square >= 0).any():
        return
    pos = np.full(rows.shape[0], -1, dtype=np.int64)      # element -> its row in the level
    for k, ids in enumerate(levels.ids, start=1):
        hit = np.flatnonzero(square[ids] >= 0)
        if hit.size == 0:
            continue
        pos[ids] = np.arange(ids.size)
        for i in hit.tolist():
            j = int(pos[square[ids[i]]])
            if j >= 0:
                yield k, i, j, int(rows[ids[i], q0])
        pos[ids] = -1


def _word_map(d: DFA, word: list[int]) -> list[int]:
    """The state each state of ``d`` reaches on ``word`` (letter indices), from its
    transitions."""
    m = np.arange(d.n_states)
    for a in word:
        m = d.delta[m, a]
    return m.tolist()


def _parity_holds(zero: list[int], one: list[int], acc: list[bool], q0: int,
                  max_len: int) -> bool:
    """Whether, for every x over {0, 1} of length ≤ ``max_len``, the state reached from
    ``q0`` by the maps ``zero``/``one`` (applied letter by letter) is accepting (``acc``) iff
    x's number of 1s has the parity that the empty word has. The words of one length are
    checked together through the (state, parity) pairs they end in: the same tests as
    running all ``2^(max_len+1) - 1`` words one by one."""
    even = acc[q0]
    reached = {(q0, 0)}
    for n in range(max_len + 1):
        if any(acc[q] != (even == (p == 0)) for q, p in reached):
            return False
        if n < max_len:
            reached = {(zero[q], p) for q, p in reached} | {(one[q], 1 - p) for q, p in reached}
    return True


def parity_reduction(d: DFA, levels: Levels) -> dict[str, Any] | None:
    """A reduction of parity to the language of the minimal DFA ``d``, or None.

    Looks, for each length k of the length levels ``η(Σ^k)``, for an element g with
    ``g³ = g ≠ g²``, ``f = g²`` of the same length, f fixing the initial state and g moving
    it. Then for every x over {0, 1}, with ``h(0)`` a word of f and ``h(1)`` a word of g (both
    of length k) and ``v`` a word separating the initial state from its image under g:
    ``h(x) v`` is in L iff x has an even number of 1s (or iff odd: see ``even_accepted``).
    The returned words are checked by running the DFA on ``h(x) v`` for all x of length ≤ 6
    (each block's state map taken from the transitions once, then composed; the words of
    one length checked together through the (state, parity) pairs they end in).

    >>> from automata.ac0 import length_levels
    >>> d = regex_to_dfa("((0|1)(0|1))*", "01")      # even length
    >>> parity_reduction(d, length_levels(d)) is None
    True
    """
    q0 = d.initial
    syms = d.alphabet
    for k, i, j, gq0 in _level_parity_candidates(levels, q0):
        v = _separating(d, q0, gq0)
        if v is None:
            continue
        e_word = levels.word(k, j)
        g_word = levels.word(k, int(i))
        # the DFA run on h(x)·v, block by block: each block's state map read off the
        # transitions once (not the levels' rows), then composed
        zero, one = _word_map(d, e_word), _word_map(d, g_word)
        acc = d.accepting_mask[np.asarray(_word_map(d, v))].tolist()
        even = acc[q0]
        if not _parity_holds(zero, one, acc, q0, 6):
            continue
        return {"block_length": k, "zero": _fmt([syms[a] for a in e_word], syms),
                "one": _fmt([syms[a] for a in g_word], syms),
                "v": _fmt([syms[a] for a in v], syms), "even_accepted": even,
                "verified": True,
                "statement": f"x in {{0,1}}* has an {'even' if even else 'odd'} number of "
                             f"1s iff h(x)·v is in L, with h(0) = "
                             f"{_fmt([syms[a] for a in e_word], syms)!r}, h(1) = "
                             f"{_fmt([syms[a] for a in g_word], syms)!r}, v = "
                             f"{_fmt([syms[a] for a in v], syms)!r}"}
    return None


# ---------------------------------------------------------------------------- classify
def _resolve(obj) -> tuple[str, Any, DFA | None]:
    if isinstance(obj, DFA):
        return "dfa", None, obj
    if not isinstance(obj, (str, Mapping, Language)):
        raise TypeError(f"classify expects a DFA, a Language, a registry name or a regex "
                        f"definition, got {type(obj).__name__}")
    lang = resolve_language(obj)
    return lang.name, lang, lang.dfa


def _facts_flags(d: DFA, size: int | None) -> dict[str, Any]:
    gens = generators_of(d)
    n = d.n_states
    if _jit_groups_available():
        perms, same, has_id_letter = _jit_letter_facts(gens)
    elif gens.size <= 4096:                     # small: lists beat a handful of numpy calls
        rows, ident = gens.tolist(), list(range(n))
        perms = all(sorted(r) == ident for r in rows)                 # every letter a bijection
        same = all(r == rows[0] for r in rows)
        has_id_letter = ident in rows
    else:
        ident = np.arange(n)
        perms = bool((np.sort(gens, axis=1) == ident).all())
        same = bool((gens == gens[0]).all())
        has_id_letter = bool((gens == ident).all(axis=1).any())
    length_periodic = bool(same and perms)
    period = cycle_order(gens[0]) if length_periodic else None          # a permutation's order
    parity_like = bool(perms and size == 2 and has_id_letter and not same)
    mod3_like = bool(perms and size == 3)
    return {"is_group": bool(perms), "length_periodic": length_periodic,
            "period": period, "parity_like": parity_like, "mod3_like": mod3_like}


def classify(language_or_dfa=None, *, regex: str | None = None, alphabet=None,
             budget: Budget = Budget(), name: str | None = None,
             strict: bool = False) -> Classification:
    """Classify a language: syntactic monoid, Green's structure, groups, varieties, AC0,
    verdicts per model family.

    Parameters
    ----------
    language_or_dfa : str, Language, DFA or mapping
        A registry name, a :class:`~automata.languages.Language`, a DFA (minimized here) or a
        definition such as ``{"regex": "(ab)*", "alphabet": "ab"}``
        (:func:`automata.languages.resolve_language`).
    regex, alphabet : str
        Instead of ``language_or_dfa``: a regular expression (:mod:`automata.regex`) over
        ``alphabet`` (a string of one-character symbols or a sequence); the display name
        defaults to the pattern.
    budget : Budget
    name : str, optional
        Display name (default: the registry name, or ``"dfa"``).
    strict : bool
        Raise :class:`~automata.errors.BudgetExceededError` when Green's structure exceeds the
        budget, instead of degrading to what the image orbit or enumeration can tell. (Skipping
        the optional full enumeration of a big monoid is never an error.)

    >>> c = classify("parity")
    >>> c.monoid_size, c.aperiodic, {p.model: p.expressible for p in c.predictions}["ssm_signed"]
    (2, False, 'yes')
    >>> classify(regex="~(.*aa.*)", alphabet="ab").aperiodic
    True
    """
    if regex is not None:
        if language_or_dfa is not None:
            raise TypeError("classify takes a language or a regex, not both")
        if alphabet is None:
            raise AutomatonError("classify(regex=...) needs an alphabet")
        language_or_dfa, name = regex_to_dfa(regex, alphabet), name or regex
    elif language_or_dfa is None:
        raise TypeError("classify needs a language, a DFA or regex=...")
    lname, lang, dfa = _resolve(language_or_dfa)
    lname = name or lname
    paper = getattr(lang, "paper_group", None)
    kind = getattr(lang, "kind", "regular")
    alphabet = tuple(lang.alphabet) if lang is not None else dfa.alphabet
    notes: list[str] = []
    if dfa is None:
        regular = bool(getattr(lang, "is_regular", False))
        if regular:
            notes.append("regular, but given by a machine whose DFA is not built: algebra unknown")
            facts = AlgebraFacts(regular=True)
        else:
            facts = AlgebraFacts(regular=False)
        return Classification(lname, regular, kind, alphabet, None, None, None, (), None, None,
                              predict(facts), None, None, None, paper, tuple(notes))
    d = dfa.minimize()
    gens = generators_of(d)
    # cheap witness first: a short word with a non-trivial cycle answers "not aperiodic"
    short, enumerated = _nonaperiodic_word(gens, 5000, 1.0, d.alphabet) \
        if d.n_states <= 65536 else (None, None)
    green: GreenStructure | None = None
    try:
        green = green_structure(d, minimize=False, max_orbit=budget.orbit_max,
                                max_seconds=budget.max_seconds, _enumerated=enumerated)
    except BudgetExceededError as e:
        if strict:
            raise
        notes.append(f"Green's structure: {e}")
        try:
            green = green_structure(d, minimize=False, max_orbit=budget.orbit_max,
                                    max_seconds=budget.max_seconds, d_classes=False)
        except BudgetExceededError as e2:
            notes.append(f"image orbit: {e2}")
    aperiodic = None
    if short is not None:
        aperiodic = False
    elif green is not None:
        aperiodic = green.is_aperiodic
    groups: tuple[GroupInfo, ...] = ()
    if green is not None:
        if green.method == "enumeration" and green.enumerated is not None:
            # the maximal subgroups as their elements (the H-classes of the idempotent
            # representatives): named from their multiplication tables, no sympy group built
            fp = green.enumerated
            cand = [] if aperiodic else fp.group_permutations_of(
                fp.d_classes.group_indices().tolist())
        elif green.d_classes:
            cand = green.maximal_subgroups()
        else:
            cand = list(green.images.groups)
            notes.append("groups are the Schützenberger groups of the image orbit "
                         "(regularity of their D-classes unknown)")
        seen: dict[tuple, GroupInfo] = {}
        for g in cand:
            if isinstance(g, np.ndarray) and g.shape[0] <= 1 or getattr(g, "is_trivial", False):
                continue
            info = group_info(g)
            key = (info.order, info.name, info.abelian_invariants, info.derived_length,
                   info.solvable, info.cyclic) if info.name else ("anon", id(g))
            seen.setdefault(key, info)
        groups = tuple(sorted(seen.values(), key=lambda i: (i.order, i.name or "")))
    monoid_size = green.monoid_size if green is not None and green.d_classes else None
    n_d = green.n_d_classes if green is not None and green.d_classes else None
    mon: TransitionMonoid | None = None
    idem_green = None
    if (green is not None and green.method == "orbits" and green.d_classes
            and aperiodic is False and monoid_size is not None
            and monoid_size > max(budget.variety_max_size, budget.witness_max_elements) + 1):
        # a large non-aperiodic monoid whose Green's structure came from the orbits: what the
        # enumeration would add is the idempotent count (varieties and witnesses are over their
        # budgets, no aperiodicity index), and Green's structure gives it
        idem_green = green.idempotent_count()
    max_size = budget.per_states(budget.enumerate_max_size, d.n_states)   # a new enumeration's
    if idem_green is not None:
        if monoid_size > budget.enumerate_max_size:
            notes.append(f"enumeration skipped: {monoid_size:,} elements exceed the budget "
                         f"({budget.enumerate_max_size:,})")
    elif green is not None and green.method == "enumeration" and green.enumerated is not None:
        # Green's structure came from enumerating the monoid: reuse it, never enumerate again
        mon = green.enumerated.monoid
        if mon.alphabet != d.alphabet:                 # a cached enumeration of the same letters
            mon = replace(mon, alphabet=d.alphabet)
        if mon.semigroup_size > budget.enumerate_max_size:
            notes.append(f"enumeration skipped: {mon.size:,} elements exceed the budget "
                         f"({budget.enumerate_max_size:,})")
            mon = None
    elif d.n_states > 65536:
        notes.append("enumeration skipped: more than 65,536 states")
    elif monoid_size is None or monoid_size <= max_size:
        try:
            mon = transition_monoid(d, minimize=False, max_size=max_size,
                                    max_seconds=budget.max_seconds)
        except BudgetExceededError as e:
            notes.append(f"enumeration: {e}"
                         + _per_states_note("max_size", budget.enumerate_max_size, d.n_states))
    else:
        notes.append(f"enumeration skipped: {monoid_size:,} elements exceed the budget "
                     f"({max_size:,})"
                     + _per_states_note("max_size", budget.enumerate_max_size, d.n_states))
    if mon is not None:
        monoid_size = mon.size if monoid_size is None else monoid_size
        if aperiodic is None:
            aperiodic = mon.is_aperiodic()
    idem = mon.idempotent_count() if mon is not None else idem_green
    fp = green.enumerated if green is not None and green.method == "enumeration" else None
    index = None
    if mon is not None and aperiodic:
        index = fp.aperiodicity_index() if fp is not None else mon.aperiodicity_index()
    # witness
    witness = None
    if aperiodic is False:
        word = short
        if word is None and green is not None:
            word = next((w for w in green.images.witness_words if w is not None), None)
        if word is not None:
            witness = nonstar_free_witness(d, word)
    elif aperiodic:
        if index is not None:
            witness = {"aperiodicity_index": index,
                       "statement": f"x^{index} = x^{index + 1} for every element x"}
        else:
            bound = max(1, d.n_states - 1)
            witness = {"aperiodicity_index": None, "aperiodicity_index_bound": bound,
                       "statement": f"aperiodic (all Schützenberger groups trivial); index <= "
                                    f"{bound} (n - 1 for n states); exact index needs enumeration"}
    var = varieties(d, green, mon, max_size=budget.variety_max_size, minimize=False,
                    monoid_size=monoid_size, compute_green=False)
    flags = _facts_flags(d, monoid_size)
    extra, ac0 = _refutations(d, groups, aperiodic, witness, monoid_size, budget, notes, mon, fp)
    facts = AlgebraFacts(regular=True, aperiodic=aperiodic, groups=groups,
                         monoid_size=monoid_size, **flags, **extra)
    return Classification(lname, True, kind, alphabet, d.n_states, monoid_size, aperiodic, groups,
                          var, witness, predict(facts), idem, n_d, index, paper, tuple(notes),
                          ac0)


def _refutations(d: DFA, groups: tuple, aperiodic: bool | None, witness: dict | None,
                 monoid_size: int | None, budget: Budget, notes: list[str],
                 mon: TransitionMonoid | None = None, cayley=None):
    """The AC0 certificate, the parity reduction and the witnesses each family's rules show
    (``cayley``: the enumerated monoid with its Cayley graphs, when Green's structure has it)."""
    wits: dict[str, Any] = {}
    if aperiodic is False and witness is not None:
        wits["nonstar_free"] = {**witness, "refutes": "membership of u w^k v has period > 1 "
                                                      "in k, which no star-free language has"}
    ac0 = None
    red = None
    try:
        # an aperiodic monoid's certificate reads only the levels' sizes: no row order
        levels = length_levels(d, max_elements=budget.per_states(budget.ac0_max_elements,
                                                                 d.n_states),
                               max_seconds=budget.max_seconds, cayley=cayley,
                               byte_order=aperiodic is not True)
    except BudgetExceededError as e:
        notes.append(str(e) + _per_states_note("ac0_max_elements", budget.ac0_max_elements,
                                               d.n_states))
        levels = None
        try:                                  # no levels: a letter that permutes the states?
            cert = padded_certificate(d)
        except BudgetExceededError as e2:
            notes.append(str(e2))
            cert = None
        if cert is not None:
            ac0 = cert.to_dict()
            wits["ac0"] = ac0
            n = len(cert.word)
            idx = [d.alphabet.index(a) for a in cert.word]
            w = _period_witness(d, idx, f"w has length {n} and its element generates a cyclic "
                                        f"group of order {cert.group_order} inside η(Σ^{n}) "
                                        f"(padded with powers of the permutation "
                                        f"{cert.pad_letter!r}): not quasi-aperiodic, so not "
                                        f"in AC0")
            if w is not None:
                wits["not_ac0"] = {**w, "word_length": n}
    if levels is not None:
        cert = ac0_certificate(d, levels=levels, aperiodic=aperiodic is True)
        ac0 = cert.to_dict()
        wits["ac0"] = ac0
        if not cert.ac0:
            idx = [d.alphabet.index(a) for a in cert.word]
            w = _period_witness(d, idx, f"w has length s = {cert.stable_index} and its element "
                                        f"generates a cyclic group of order "
                                        f"{cert.group_order} inside η(Σ^s): not quasi-aperiodic, "
                                        f"so not in AC0")
            if w is not None:
                wits["not_ac0"] = {**w, "stable_index": cert.stable_index}
        if aperiodic is False:
            red = parity_reduction(d, levels)
            if red is not None:
                wits["parity_reduction"] = red
    letter = letter_period_witness(d) if aperiodic is False else None
    if letter is not None:
        wits["letter_period"] = letter
    need_odd = any(p != 2 for g in groups for p in g.prime_factors)
    need_ns = any(not g.solvable for g in groups)
    if need_odd or need_ns:
        cap = budget.witness_max_elements
        if mon is not None and mon.semigroup_size <= cap:
            # the enumerated semigroup with its shortest words, in shortlex order of the words
            # (the order of _elements_with_words, so witnesses are the same)
            order = shortlex_order(mon)
            el = (mon.elements()[order], _Words(mon, order))
        else:
            el = (_elements_with_words(d, cap)
                  if monoid_size is None or monoid_size <= cap + 1 else None)
        if el is None:
            notes.append(f"refuting witnesses skipped: more than {cap:,} elements")
        else:
            if need_odd:
                w = odd_period_witness(d, el)
                if w is not None:
                    wits["odd_period"] = w
            if need_ns:
                w = nonsolvable_witness(d, el)
                if w is not None:
                    wits["nonsolvable"] = w
    extra = {"ac0": None if ac0 is None else ac0["ac0"],
             "parity_reduction": (red is not None) if levels is not None else None,
             "letter_group": (letter is not None) if aperiodic is not None else None,
             "witnesses": wits}
    return extra, ac0
