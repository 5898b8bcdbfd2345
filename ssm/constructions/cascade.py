"""Any regular language whose groups the gate class can track → an exact diagonal SSM, through
the holonomy decomposition (:mod:`automata.holonomy`).

The minimal DFA's transformation semigroup is emulated by a cascade of permutation–reset
components, one per level ``L, L-1, …, 1`` (top first). Each component is compiled by
:func:`ssm.constructions.groups.component_layers`: its last-reset point is a one-hot set/hold
channel (gates 0/1, the flip-flop layer of Sarrof et al. 2024), its group a cascade of abelian
layers (complex rotations, or ±1 signs for a 2-group; none when trivial). A component's
instruction at position ``t`` depends on the letter and on the *previous* coordinates of the
levels above; φ only sees the state after step ``t``, so between levels a **delay layer**
computes ``c(t − 1)`` with fading channels (gate 1/4, input the one-hot coordinate; the
distance 1/4 vs ≤ 1/12 is exact at every length, as for ``Y`` in :mod:`ssm.constructions.ltl`).
The head reads the DFA state from all coordinates (a table) and outputs prefix membership.

Depth: ``Σ_levels max(1, series length) + (L − 1)`` delay layers. Gates: 0, 1, 1/4, and the
groups' character values (±1, or roots of unity). An aperiodic DFA has only trivial holonomy
groups: the construction is then a cascade of reset (flip-flop) layers with gates in
{0, 1/4, 1}, a special case (often much shallower than the past-LTL route of
:mod:`ssm.constructions.star_free`).

>>> c = build_cascade("tomita3", gate="complex")
>>> c.info["levels"], c.layers, c.check(500, 10).accuracy
(4, 7, 1.0)
"""
from __future__ import annotations

import numpy as np
import torch
from sympy.combinatorics import Permutation, PermutationGroup

from automata.groups import group_info
from automata.holonomy import holonomy
from ssm.layers.diagonal import DiagonalSSM, DiagonalSSMLayer

from .base import Construction, gate_list, registry_language, registry_member_sampler
from .errors import ConstructionError
from .groups import GATES, FiniteGroup, _dfa_of, component_layers
from .ltl import Y_GATE
from .modular import sample_uniform_words

__all__ = ["build_cascade", "component_names"]


class _Table:
    """A position-wise lookup from integer columns (mixed radix) to an integer code."""

    def __init__(self, entries: dict, radices: list, what: str):
        self.radices = radices
        self.what = what
        keys = np.array([self._code(k) for k in entries], dtype=np.int64).reshape(-1)
        vals = np.array(list(entries.values()), dtype=np.int64)
        order = np.argsort(keys)
        self.keys = torch.from_numpy(keys[order])
        self.vals = torch.from_numpy(vals[order])

    def _code(self, key) -> int:
        c = 0
        for v, r in zip(key, self.radices):
            c = c * r + int(v)
        return c

    def __call__(self, cols: list) -> torch.Tensor:
        code = torch.zeros_like(cols[0])
        for v, r in zip(cols, self.radices):
            code = code * r + v
        pos = torch.searchsorted(self.keys, code).clamp(max=len(self.keys) - 1)
        if not bool((self.keys[pos] == code).all()):
            raise ConstructionError(f"{self.what}: a combination outside the decomposition's "
                                    "reachable cascade states occurred")
        return self.vals[pos]


def _delay_layer(col: int, n_points: int, initial: int, dtype, name: str) -> DiagonalSSMLayer:
    """``c(t − 1)`` of the integer column ``col`` (``initial`` at ``t = 0``): fading one-hot."""
    def onehot(x):
        return torch.nn.functional.one_hot(x[..., col].round().long(), n_points).to(torch.float64)

    def phi(h, x):
        prev = (h.real - onehot(x).to(h.real.dtype)).argmax(-1)
        return torch.cat([x, prev[..., None].to(x.dtype)], -1)
    h0 = torch.zeros(n_points, dtype=torch.float64)
    h0[initial] = 1.0
    return DiagonalSSMLayer(lambda x: torch.full(x.shape[:-1] + (n_points,), Y_GATE,
                                                 dtype=torch.float64),
                            onehot, phi, h0=h0, dtype=dtype, d_state=n_points, name=name)


def component_names(hd) -> list:
    """Name and order of each level's group (via :func:`automata.groups.group_info`)."""
    out = []
    for comp in hd.components:
        if comp.group_order == 1:
            out.append({"level": comp.level, "group": "1", "order": 1, "points": len(comp.states),
                        "resets": len(comp.resets)})
            continue
        info = group_info(PermutationGroup([Permutation(list(p)) for p in comp.permutations]))
        out.append({"level": comp.level, "group": info.name or f"order {info.order}",
                    "order": info.order, "points": len(comp.states), "resets": len(comp.resets),
                    "derived_length": info.derived_length})
    return out


def build_cascade(language_or_dfa, *, gate: str = "complex", dtype: torch.dtype = torch.float32,
                  name: str | None = None, **budgets) -> Construction:
    """The holonomy-cascade SSM of a regular language (registered name, ``Language``, DFA or
    ``{"regex": ..., "alphabet": ...}``); output prefix membership. ``gate``:
    ``"nonnegative"`` (aperiodic only), ``"signed"`` (every holonomy group a 2-group) or
    ``"complex"`` (every one solvable); otherwise :class:`ConstructionRefused`.
    ``budgets``: keyword limits of :func:`automata.holonomy.holonomy`."""
    if gate not in GATES:
        raise ConstructionError(f"gate must be one of {list(GATES)}, got {gate!r}")
    lname, dfa, lang = _dfa_of(language_or_dfa)
    lname = name or lname
    hd = holonomy(dfa, **budgets)
    dfa = hd.dfa
    L = hd.levels
    V = dfa.n_symbols
    sizes = {c.level: len(c.states) for c in hd.components}
    layers: list = []
    gates: set = set()
    ncols = 1                                  # column 0: the letter
    col_c: dict[int, int] = {}
    col_y: dict[int, int] = {}
    comp_info = []
    for k in range(L, 0, -1):
        if k < L:
            layers.append(_delay_layer(col_c[k + 1], sizes[k + 1], hd.initial[k], dtype,
                                       f"delay of level {k + 1}"))
            col_y[k + 1] = ncols
            ncols += 1
            gates.add(Y_GATE)
        comp = hd.components[k - 1]
        G = FiniteGroup(comp.group)
        entries = {}
        for (lev, a, upper), (kind, v) in hd.instructions.items():
            if lev == k:
                entries[(a,) + upper] = v if kind == "perm" else G.order + v
        radices = [V] + [sizes[j] for j in range(L, k, -1)]
        table = _Table(entries, radices, f"level {k}")
        cols = [0] + [col_y[j] for j in range(L, k, -1)]

        def instruction(x, table=table, cols=cols):
            return table([x[..., c].round().long() for c in cols])
        lay, info = component_layers(G, len(comp.states), hd.initial[k - 1], instruction, gate,
                                     dtype, name=f"level {k}", resets=bool(comp.resets))
        layers.extend(lay)
        gates |= info.pop("gates")
        comp_info.append({"level": k, **info})
        col_c[k] = ncols
        ncols += 1
    decode = _Table({tuple(c[j - 1] for j in range(L, 0, -1)): q for c, q in hd.decode.items()},
                    [sizes[j] for j in range(L, 0, -1)], "decode")
    acc = torch.from_numpy(dfa.accepting_mask)
    dcols = [col_c[j] for j in range(L, 0, -1)]

    def head(z):
        if not dcols:                          # one state: the language is Σ* or empty
            return acc[dfa.initial].expand(z.shape[:-1])
        return acc[decode([z[..., c].round().long() for c in dcols])]
    model = DiagonalSSM(layers, embed=lambda tok: tok[..., None].to(torch.float64), head=head)
    widths = tuple(int(lay.d_state) for lay in layers)
    reg = lang if lang is not None and lang.kind == "regular" else registry_language(lname, dfa.alphabet)
    names = component_names(hd)
    return Construction(
        name="cascade", language=lname, alphabet=tuple(dfa.alphabet), layers=len(layers),
        width=sum(widths), layer_widths=widths, gates=tuple(gate_list(gates)), model=model,
        output="membership of every prefix (bool)",
        theorem="holonomy decomposition (Eilenberg 1976; Zeiger 1967; Krohn–Rhodes 1965): a "
                "cascade of reset (flip-flop, Sarrof et al. 2024) and group components; solvable "
                "groups by abelian layers (Shakerinava et al. 2026), 2-groups by sign layers "
                "(Grazzi et al. 2025)",
        reference=lambda w: dfa.accepting_mask[np.asarray(dfa.trace(w))[1:]],
        sampler=registry_member_sampler(reg) if reg is not None else
        (lambda length, n, seed: sample_uniform_words(dfa.alphabet, length, n, seed)),
        registry=reg.name if reg is not None else None,
        from_labels=lambda labels, word: np.asarray(labels.membership, dtype=bool),
        info={"gate": gate, "levels": L, "dfa_states": dfa.n_states,
              "holonomy": hd.to_dict(), "components": names, "component_layers": comp_info,
              "delay_layers": max(0, L - 1)})
