"""Star-free languages given as a DFA, a regex or a registered name → an exact SSM.

The minimal DFA must be aperiodic (Schützenberger 1965: exactly the star-free languages);
otherwise the request is refused (:class:`ConstructionRefused`): no SSM with non-negative gates
models a non-star-free language at every length in finite precision (Sarrof et al. 2024).
The language is turned into a past-LTL formula for prefix membership, which
:func:`ssm.constructions.ltl.build_ltl` compiles into non-negative-gate layers (gates 0 and 1 for
``S``/``O``/``H``, 1/4 for ``Y``). Two translations:

Partially ordered DFAs (``method="partial_order"``)
    If the only cycles are self-loops (the R-trivial languages; Brzozowski and Fich 1980) the
    run enters each state at most once: "in ``q0``" is ``H loop(q0)``, and "in ``q``" is
    ``loop(q) S ⋁_p (prev(p) ∧ into(p, q))`` with ``prev(p) = Y in(p)`` (or, for ``p = q0``,
    also ``!Y true``: the first position). Two layers per step of the longest path.

Any aperiodic DFA (``method="general"``)
    By induction on (number of states, number of letters), factorizing the word at a letter
    ``c`` that does not act as the identity — the induction of the classical proofs that
    aperiodic automata are first-order / LTL definable (cf. Wilke 1999, "Classifying discrete
    temporal properties"; Diekert and Gastin 2008, "First-order definable languages"); the
    formulation below, relativized to past LTL, is ours. For a set of positions ``P`` and
    segment boundaries ``β`` we build, for all states ``p, q``, a formula "from ``p`` at the
    start of the current segment, the letters read so far lead to ``q``":

    * if every letter acts as the identity: ``p = q``;
    * else pick such a ``c``; in an aperiodic DFA it is not a permutation, so its image
      ``C = Q·c`` is smaller. Recursively (one letter fewer) get formulas ``Ψ`` for the
      sub-segments between ``c``'s; the state after each ``c`` evolves in a *block automaton*
      on ``C`` whose letters are the actions of ``u c`` (``u`` free of ``c``), each a formula
      over ``Ψ`` at the position before the ``c``; recursively (fewer states) get its
      formulas, relativized to the ``c`` positions. The state at ``t`` is ``Ψ`` if no ``c``
      occurred, else ``Ψ`` started from the state after the last ``c``.

    Relativization uses only ``Y`` and ``S`` ("previous position of ``P`` in this segment":
    ``Y((¬P ∧ ¬β) S (P ∧ ¬β ∧ φ))``). Formulas are DAGs with shared subterms; the depth, and so
    the number of layers, grows quickly with the DFA (e.g. 18 layers for Tomita 4, 69 for
    ``D_3``). The tests check both translations against the DFA on random words, for every
    star-free language of the paper's suite and for random aperiodic DFAs.

``method="auto"`` uses the first translation when it applies, else the second.

>>> c = build_star_free(regex="0*1*0*1*", alphabet="01")
>>> c.predict(["0110"])[0].tolist(), c.layers
([True, True, True, True], 7)
>>> build_star_free(language="tomita4").info["method"]
'general'
"""
from __future__ import annotations

from typing import Sequence

import networkx as nx
import numpy as np
import torch

from automata import DFA, regex_to_dfa

from .base import Construction, registry_language, registry_member_sampler
from .errors import ConstructionError, ConstructionRefused
from .ltl import And, Atom, Const, Formula, Historically, Not, Or, Since, Yesterday, build_ltl

__all__ = ["build_star_free", "partially_ordered_formula", "is_partially_ordered",
           "aperiodic_formula"]


def _disj(fs: Sequence[Formula]) -> Formula:
    fs = list(fs)
    if not fs:
        return Const(False)
    out = fs[0]
    for f in fs[1:]:
        out = Or(out, f)
    return out


def _reachable(dfa: DFA) -> set[int]:
    seen, todo = {dfa.initial}, [dfa.initial]
    while todo:
        q = todo.pop()
        for r in dfa.delta[q].tolist():
            if r not in seen:
                seen.add(r)
                todo.append(r)
    return seen


def is_partially_ordered(dfa: DFA) -> bool:
    """Whether the reachable part of ``dfa`` has no cycle other than self-loops."""
    reach = _reachable(dfa)
    g = nx.DiGraph()
    g.add_nodes_from(reach)
    g.add_edges_from((q, r) for q in reach for r in dfa.delta[q].tolist() if r != q)
    return nx.is_directed_acyclic_graph(g)


def partially_ordered_formula(dfa: DFA) -> Formula:
    """The past-LTL formula of prefix membership for a partially ordered DFA (see the module)."""
    if not is_partially_ordered(dfa):
        raise ConstructionError("the DFA has a cycle through several states; only partially "
                                "ordered DFAs are handled")
    sym = [Atom(s) for s in dfa.alphabet]
    first = Not(Yesterday(Const(True)))
    reach = _reachable(dfa)
    memo: dict[int, Formula] = {}

    def into(p: int, q: int) -> Formula:
        return _disj([sym[i] for i in range(dfa.n_symbols) if dfa.delta[p, i] == q])

    def in_state(q: int) -> Formula:
        if q in memo:
            return memo[q]
        if q == dfa.initial:
            f = Historically(into(q, q))
        else:
            terms = []
            for p in sorted(reach):
                if p == q or not (dfa.delta[p] == q).any():
                    continue
                prev = Yesterday(in_state(p))
                if p == dfa.initial:
                    prev = Or(prev, first)
                terms.append(And(prev, into(p, q)))
            f = Since(into(q, q), _disj(terms))
        memo[q] = f
        return f

    return _disj([in_state(q) for q in sorted(dfa.accepting & reach)])


# ------------------------------------------------------------ general aperiodic DFAs
TRUE, FALSE = Const(True), Const(False)


def _or(fs):
    fs = [f for f in fs if f != FALSE]
    if not fs:
        return FALSE
    if TRUE in fs:
        return TRUE
    out = fs[0]
    for f in fs[1:]:
        out = Or(out, f)
    return out


def _and(*fs):
    fs = [f for f in fs if f != TRUE]
    if FALSE in fs:
        return FALSE
    if not fs:
        return TRUE
    out = fs[0]
    for f in fs[1:]:
        out = And(out, f)
    return out


def _not(f):
    if f == TRUE:
        return FALSE
    if f == FALSE:
        return TRUE
    if isinstance(f, Not):
        return f.f
    return Not(f)


def _since(f, g):
    if g == FALSE:
        return FALSE
    return Since(f, g)


def _y(f):
    return FALSE if f == FALSE else Yesterday(f)


def _closure(Q, maps, budget):
    """All compositions (words) of the maps (tuples indexed by position in Q), identity included."""
    ident = tuple(range(len(Q)))
    seen = {ident}
    todo = [ident]
    while todo:
        f = todo.pop()
        for g in maps:
            h = tuple(g[f[i]] for i in range(len(Q)))
            if h not in seen:
                seen.add(h)
                todo.append(h)
                if len(seen) > budget:
                    raise ConstructionError(f"more than {budget} transformations; raise budget=")
    return seen


def _trans(P: Formula, beta: Formula, Q: list, letters: list, budget: int) -> dict:
    """Formulas ``phi[i, j]``: at every position where ``P & !beta`` holds, ``phi[i, j]`` is true
    iff state ``Q[i]``, reading the letters of the ``P``-positions of the current segment (those
    after the last ``beta`` position), reaches ``Q[j]``. ``letters`` are pairs (formula true at
    the positions carrying the letter, its action as a tuple of indices into ``Q``)."""
    n = len(Q)
    ident = tuple(range(n))
    active = [(L, m) for L, m in letters if m != ident]
    if not active:
        return {(i, j): (TRUE if i == j else FALSE) for i in range(n) for j in range(n)}
    Lc, mc = active[0]
    if len(set(mc)) == n:
        raise ConstructionRefused("a letter permutes the states non-trivially: the DFA is not "
                                  "aperiodic, so its language is not star-free (Schützenberger)")
    rest = [(L, m) for L, m in letters if not (L == Lc and m == mc)]
    Pc = _and(P, _not(beta), Lc)                     # c-positions of this level
    beta2 = _or([beta, Pc])
    psi = _trans(P, beta2, Q, rest, budget)
    # previous sub-level position value (or default when the sub-segment is empty)
    def py_sub(f, default):
        has_prev = _y(_since(_and(_not(P), _not(beta2)), _and(P, _not(beta2))))
        prev = _y(_since(_and(_not(P), _not(beta2)), _and(P, _not(beta2), f)))
        return _or([prev, _and(_not(has_prev), TRUE if default else FALSE)])
    C = sorted(set(mc))
    cidx = {s: k for k, s in enumerate(C)}
    def step(i, s):  # from Q[i] at the sub-segment start, after it and c: state Q[s] (s index in Q)
        return _or([py_sub(psi[i, r], i == r) for r in range(n) if mc[r] == s])
    has_c = _since(_not(beta), Pc)
    first_c = _and(Pc, _not(_y(has_c)))
    # block level
    sub_maps = [m for L, m in rest]
    words = _closure(Q, sub_maps, budget)
    gamma = sorted({tuple(cidx[mc[u[s]]] for s in C) for u in words})
    PB = _and(Pc, _not(first_c))
    betaB = _or([beta, first_c])
    block_letters = []
    for g in gamma:
        Lg = _and(*[step(s, C[g[k]]) for k, s in enumerate(C)])
        block_letters.append((Lg, g))
    blk = _trans(PB, betaB, C, block_letters, budget)
    phi = {}
    for i in range(n):
        first = {s: _since(_not(beta), _and(first_c, step(i, s))) for s in C}
        after_at = {}
        for k2, s2 in enumerate(C):
            terms = []
            for k, s in enumerate(C):
                b = _or([_and(betaB, TRUE if k == k2 else FALSE), _and(_not(betaB), blk[k, k2])])
                terms.append(_and(first[s], b))
            after_at[s2] = _or(terms)
        after = {s: _since(_and(_not(Pc), _not(beta)), _and(Pc, after_at[s])) for s in C}
        for j in range(n):
            terms = [_and(_not(has_c), psi[i, j])]
            for s in C:
                terms.append(_and(after[s], _or([_and(Lc, TRUE if s == j else FALSE),
                                                 _and(_not(Lc), psi[s, j])])))
            phi[i, j] = _or(terms)
    return phi


def aperiodic_formula(dfa: DFA, budget: int = 20_000) -> Formula:
    """Past-LTL formula of prefix membership for any aperiodic DFA (see the module docstring);
    raises :class:`ConstructionError` if a letter permutes the states of some level (then the
    DFA is not aperiodic) or a monoid closure exceeds ``budget`` elements."""
    n = dfa.n_states
    Q = list(range(n))
    letters = [(Atom(a), tuple(int(dfa.delta[q, k]) for q in Q)) for k, a in enumerate(dfa.alphabet)]
    phi = _trans(TRUE, FALSE, Q, letters, budget)
    return _or([phi[dfa.initial, q] for q in sorted(dfa.accepting)])


def _aperiodic(dfa: DFA) -> bool:
    from automata.monoid import transition_monoid
    return transition_monoid(dfa).is_aperiodic()


def build_star_free(dfa: DFA | None = None, *, regex: str | None = None, language: str | None = None,
                    alphabet: Sequence[str] | str | None = None, method: str = "auto",
                    budget: int = 20_000, dtype: torch.dtype = torch.float32) -> Construction:
    """An exact non-negative-gate SSM for the language of ``dfa`` (or ``regex`` over
    ``alphabet``, or the registered ``language``); the output is prefix membership.

    ``method``: ``"partial_order"`` (partially ordered DFAs only, shallower), ``"general"`` (any
    aperiodic DFA) or ``"auto"`` (the first when it applies)."""
    given = sum(x is not None for x in (dfa, regex, language))
    if given != 1:
        raise ConstructionError("give exactly one of dfa=, regex= or language=")
    reg = None
    if regex is not None:
        if alphabet is None:
            raise ConstructionError("regex= needs alphabet=")
        dfa = regex_to_dfa(regex, alphabet)
        name = f"regex: {regex}"
    elif language is not None:
        from automata.languages import get_language
        lang = get_language(language)
        if lang.dfa is None:
            raise ConstructionRefused(f"{language!r} is not regular, so not star-free")
        dfa, name, reg = lang.dfa, lang.name, lang
    else:
        if not isinstance(dfa, DFA):
            raise ConstructionError(f"dfa= must be an automata.DFA, got {type(dfa).__name__}")
        name = "dfa"
    dfa = dfa.minimize()
    if not _aperiodic(dfa):
        raise ConstructionRefused(
            f"{name}: the syntactic monoid is not aperiodic, so the language is not star-free "
            "(Schützenberger 1965) and no SSM with non-negative gates models it at every length "
            "in finite precision (Sarrof et al. 2024)")
    if method not in ("auto", "partial_order", "general"):
        raise ConstructionError(f"method must be 'auto', 'partial_order' or 'general', got {method!r}")
    ordered = is_partially_ordered(dfa)
    if method == "partial_order" and not ordered:
        raise ConstructionError(f"{name}: the minimal DFA has cycles through several states; "
                                "use method='general'")
    used = "partial_order" if ordered and method != "general" else "general"
    formula = partially_ordered_formula(dfa) if used == "partial_order" else \
        aperiodic_formula(dfa, budget=budget)
    base = build_ltl(formula, dfa.alphabet, dtype=dtype)
    if reg is None:
        reg = registry_language(name, dfa.alphabet)

    def reference(word):
        return dfa.accepting_mask[np.asarray(dfa.trace(word))[1:]]

    return Construction(
        name="star_free", language=name, alphabet=tuple(dfa.alphabet), layers=base.layers,
        width=base.width, layer_widths=base.layer_widths, gates=base.gates, model=base.model,
        output="membership of every prefix (bool)",
        theorem="Schützenberger / Sarrof et al. 2024: star-free languages are modelled by "
                "non-negative-gate SSMs; here via past LTL for partially ordered DFAs "
                "(Brzozowski and Fich 1980)",
        reference=reference,
        sampler=registry_member_sampler(reg) if reg is not None else base.sampler,
        registry=reg.name if reg is not None else None,
        from_labels=lambda labels, word: np.asarray(labels.membership, dtype=bool),
        info={"formula": base.info["formula"], "dfa_states": dfa.n_states, "method": used,
              "temporal_depth": base.info["temporal_depth"], "subformulas": base.info["subformulas"]})
