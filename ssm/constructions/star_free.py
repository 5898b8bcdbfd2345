"""Star-free languages given as a DFA or a regex → an exact SSM (partial: partially ordered DFAs).

What is done
------------
If the minimal DFA is *partially ordered* — its only cycles are self-loops; these recognize
exactly the languages with an R-trivial syntactic monoid (Brzozowski and Fich 1980, "Languages
of R-trivial monoids"), a subclass of the star-free languages that includes Tomita 1 (``1*``),
Tomita 7 (``0*1*0*1*``), ``aa*bb*cc*dd*ee*`` and ``{a,b}*d{b,c}*`` — the run can enter each state
at most once, so "the run is in state ``q`` at ``t``" is a past-LTL formula:

* the initial state ``q0``: ``H loop(q0)`` (every symbol so far loops on ``q0``);
* any other ``q``: ``loop(q) S enter(q)`` with
  ``enter(q) = ⋁_{p ≠ q} (prev(p) ∧ into(p, q))``, ``prev(p) = Y in(p)`` (or, for ``p = q0``,
  also "``t = 0``", i.e. ``!Y true``), and ``loop(q)`` / ``into(p, q)`` the disjunction of the
  symbols looping on ``q`` / leading from ``p`` to ``q``.

Membership of a prefix is ``⋁_{q accepting} in(q)``; :func:`ssm.constructions.ltl.build_ltl`
compiles it into non-negative-gate layers (gates 0, 1 and the 1/4 of ``Y``). The depth grows
with the longest path of the DFA (two layers per step: ``Y`` then ``S``).

What is not done
----------------
A general aperiodic DFA (with cycles through several states: Tomita 2 and 4, ``D_n``,
``{0,1,2}*02*``) needs the Krohn–Rhodes decomposition into a cascade of reset automata
(e.g. the holonomy decomposition, Eilenberg 1976; Maler and Pnueli 1990 for counter-free
automata) or a proof of Kamp's theorem that builds formulas (e.g. Diekert and Kufleitner's
local divisors). It is not implemented: such a DFA is answered with a :class:`ConstructionError`
saying so. A DFA that is not aperiodic is refused (:class:`ConstructionRefused`): its language
is not star-free (Schützenberger 1965), so no non-negative-gate SSM models it at every length in
finite precision (Sarrof et al. 2024).

>>> c = build_star_free(regex="0*1*0*1*", alphabet="01")
>>> c.predict(["0110"])[0].tolist(), c.layers
([True, True, True, True], 7)
"""
from __future__ import annotations

from typing import Sequence

import networkx as nx
import numpy as np
import torch

from automata import DFA

from .base import Construction, registry_language, registry_member_sampler
from .errors import ConstructionError, ConstructionRefused
from .ltl import And, Atom, Const, Formula, Historically, Not, Or, Since, Yesterday, build_ltl

__all__ = ["build_star_free", "partially_ordered_formula", "is_partially_ordered"]


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


def _aperiodic(dfa: DFA) -> bool:
    from automata.monoid import transition_monoid
    return transition_monoid(dfa).is_aperiodic()


def build_star_free(dfa: DFA | None = None, *, regex: str | None = None, language: str | None = None,
                    alphabet: Sequence[str] | str | None = None,
                    dtype: torch.dtype = torch.float32) -> Construction:
    """An exact non-negative-gate SSM for the language of ``dfa`` (or ``regex`` over
    ``alphabet``, or the registered ``language``); the output is prefix membership."""
    given = sum(x is not None for x in (dfa, regex, language))
    if given != 1:
        raise ConstructionError("give exactly one of dfa=, regex= or language=")
    reg = None
    if regex is not None:
        if alphabet is None:
            raise ConstructionError("regex= needs alphabet=")
        dfa = DFA.from_regex(regex, alphabet)
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
    if not is_partially_ordered(dfa):
        raise ConstructionError(
            f"{name}: star-free, but its minimal DFA has cycles through several states; the "
            "general construction (Krohn-Rhodes / holonomy decomposition into reset layers) is "
            "not implemented — only partially ordered (R-trivial) DFAs are")
    formula = partially_ordered_formula(dfa)
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
        info={"formula": str(formula), "dfa_states": dfa.n_states,
              "temporal_depth": base.info["temporal_depth"]})
