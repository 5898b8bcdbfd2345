"""One pure function from a language to its algebraic classification and per-model verdicts.

>>> c = classify("parity")
>>> c.aperiodic, c.monoid_size, [g["name"] for g in c.to_dict()["groups"]]
(False, 2, ['Z_2'])
>>> c.witness["period"]
2
>>> {p.model: p.expressible for p in c.predictions}["ssm_signed"]
'yes'
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from .dfa import DFA
from .errors import BudgetExceededError
from .green import GreenStructure, green_structure
from .groups import GroupInfo, group_info
from .languages import Language, resolve_language
from .monoid import (TransitionMonoid, find_nonaperiodic_element, generators_of,
                     transition_monoid)
from .varieties import Varieties, varieties
from .verdicts import AlgebraFacts, predict

__all__ = ["Budget", "Classification", "classify", "nonstar_free_witness"]


@dataclass(frozen=True)
class Budget:
    """Limits for the algebra. Over budget, the affected fields are ``None`` (unknown).

    enumerate_max_size : full enumeration (idempotents, aperiodicity index, varieties)
    orbit_max : image / kernel orbit sizes (Green's structure)
    max_seconds : per stage
    variety_max_size : semigroup size up to which definite / locally testable are decided
    """

    enumerate_max_size: int = 1_000_000
    orbit_max: int = 200_000
    max_seconds: float = 20.0
    variety_max_size: int = 20_000


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
            "notes": list(self.notes),
        }


# ---------------------------------------------------------------------------- witnesses
def _fmt(word: list[str], alphabet: tuple) -> str | list:
    return "".join(word) if all(len(s) == 1 for s in alphabet) else list(word)


def _word_to(d: DFA, target: int) -> list[int]:
    """Shortest word from the initial state to ``target``."""
    prev = {d.initial: None}
    q = deque([d.initial])
    while q:
        s = q.popleft()
        if s == target:
            break
        for a in range(d.n_symbols):
            t = int(d.delta[s, a])
            if t not in prev:
                prev[t] = (s, a)
                q.append(t)
    out = []
    s = target
    while prev[s] is not None:
        s, a = prev[s]
        out.append(a)
    return out[::-1]


def _separating(d: DFA, p: int, q: int) -> list[int] | None:
    """Shortest word ``v`` with exactly one of ``p.v``, ``q.v`` accepting."""
    acc = d.accepting_mask
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
        for a in range(d.n_symbols):
            t = (int(d.delta[s[0], a]), int(d.delta[s[1], a]))
            if t not in prev:
                prev[t] = (s, a)
                dq.append(t)
    return None


def nonstar_free_witness(d: DFA, w: list[int]) -> dict[str, Any] | None:
    """Words ``u, w, v`` and period ``p > 1`` with membership of ``u w^k v`` cycling with period p.

    ``d`` must be minimal and ``w``'s transformation must have a cycle of length > 1. The
    sequence is verified by running the DFA on ``u w^k v`` for ``k < 2 * cycle length``.
    """
    t = np.arange(d.n_states)
    for a in w:
        t = d.delta[t, a]
    y = t.copy()
    for _ in range(max(1, int(np.ceil(np.log2(max(d.n_states, 2)))))):
        y = y[y]
    cyc = np.unique(y[t[y] != y])
    if cyc.size == 0:
        return None
    q = int(cyc[0])
    L, s = 1, int(t[q])
    while s != q:
        s, L = int(t[s]), L + 1
    u = _word_to(d, q)
    v = _separating(d, q, int(t[q]))
    if v is None:
        return None
    syms = d.alphabet
    seq = [d.accepts([syms[i] for i in u + w * k + v]) for k in range(2 * L)]
    p = next(p for p in range(1, L + 1) if all(seq[i] == seq[i + p] for i in range(len(seq) - p)))
    if p <= 1:
        return None
    return {"u": _fmt([syms[i] for i in u], syms), "w": _fmt([syms[i] for i in w], syms),
            "v": _fmt([syms[i] for i in v], syms), "period": p,
            "memberships": seq[:2 * p], "verified": True,
            "statement": f"u w^k v is in L iff k mod {p} is in "
                         f"{sorted(k for k in range(p) if seq[k])}"}


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
    perms = all(np.unique(g).size == g.size for g in gens)
    same = all(np.array_equal(g, gens[0]) for g in gens)
    length_periodic = bool(same and perms)
    period = None
    if length_periodic:
        t, period = gens[0], 1
        x = t.copy()
        while not np.array_equal(x, np.arange(d.n_states)):
            x, period = t[x], period + 1
    ident = np.arange(d.n_states)
    has_id_letter = any(np.array_equal(g, ident) for g in gens)
    parity_like = bool(perms and size == 2 and has_id_letter and not same)
    mod3_like = bool(perms and size == 3)
    return {"is_group": bool(perms), "length_periodic": length_periodic,
            "period": period, "parity_like": parity_like, "mod3_like": mod3_like}


def classify(language_or_dfa, *, budget: Budget = Budget(), name: str | None = None,
             strict: bool = False) -> Classification:
    """Classify a language: syntactic monoid, Green's structure, groups, varieties, verdicts.

    Parameters
    ----------
    language_or_dfa : str, Language, DFA or mapping
        A registry name, a :class:`~automata.languages.Language`, a DFA (minimized here) or a
        definition such as ``{"regex": "(ab)*", "alphabet": "ab"}``
        (:func:`automata.languages.resolve_language`).
    budget : Budget
    name : str, optional
        Display name (default: the registry name, or ``"dfa"``).
    strict : bool
        Raise :class:`~automata.errors.BudgetExceededError` when Green's structure exceeds the
        budget, instead of degrading to what the image orbit or enumeration can tell. (Skipping
        the optional full enumeration of a big monoid is never an error.)
    """
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
    short = find_nonaperiodic_element(gens, max_elements=5000, max_seconds=1.0) \
        if d.n_states <= 65536 else None
    green: GreenStructure | None = None
    try:
        green = green_structure(d, minimize=False, max_orbit=budget.orbit_max,
                                max_seconds=budget.max_seconds)
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
        if green.d_classes:
            cand = green.maximal_subgroups()
        else:
            cand = list(green.images.groups)
            notes.append("groups are the Schützenberger groups of the image orbit "
                         "(regularity of their D-classes unknown)")
        seen: dict[tuple, GroupInfo] = {}
        for g in cand:
            if g.is_trivial:
                continue
            info = group_info(g)
            key = (info.order, info.name, info.abelian_invariants, info.derived_length,
                   info.solvable, info.cyclic) if info.name else ("anon", id(g))
            seen.setdefault(key, info)
        groups = tuple(sorted(seen.values(), key=lambda i: (i.order, i.name or "")))
    monoid_size = green.monoid_size if green is not None and green.d_classes else None
    n_d = green.n_d_classes if green is not None and green.d_classes else None
    mon: TransitionMonoid | None = None
    if d.n_states > 65536:
        notes.append("enumeration skipped: more than 65,536 states")
    elif monoid_size is None or monoid_size <= budget.enumerate_max_size:
        try:
            mon = transition_monoid(d, minimize=False, max_size=budget.enumerate_max_size,
                                    max_seconds=budget.max_seconds)
        except BudgetExceededError as e:
            notes.append(f"enumeration: {e}")
    else:
        notes.append(f"enumeration skipped: {monoid_size:,} elements exceed the budget "
                     f"({budget.enumerate_max_size:,})")
    if mon is not None:
        monoid_size = mon.size if monoid_size is None else monoid_size
        if aperiodic is None:
            aperiodic = mon.is_aperiodic()
    idem = mon.idempotent_count() if mon is not None else None
    index = mon.aperiodicity_index() if mon is not None and aperiodic else None
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
    var = varieties(d, green if (green is not None and green.d_classes) else None, mon,
                    max_size=budget.variety_max_size, minimize=False)
    flags = _facts_flags(d, monoid_size)
    facts = AlgebraFacts(regular=True, aperiodic=aperiodic, groups=groups,
                         monoid_size=monoid_size, **flags)
    return Classification(lname, True, kind, alphabet, d.n_states, monoid_size, aperiodic, groups,
                          var, witness, predict(facts), idem, n_d, index, paper, tuple(notes))
