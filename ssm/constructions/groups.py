"""Groups tracked exactly by diagonal SSM layers: a cascade along a subnormal series.

A finite group ``G`` with a subnormal series ``G = G_0 ⊳ G_1 ⊳ … ⊳ G_d = 1`` whose factors
``G_j / G_{j+1}`` are abelian is tracked by ``d`` diagonal layers (Shakerinava et al. 2026's
theorem, made explicit here; depth = derived length for the derived series). Write the prefix
product as ``N^{(0)}_t = u_1 u_2 ⋯ u_t`` (right action: first ``u_1``) and split it along the
series with right-coset representatives ``r^{(j)}_t = rep(G_{j+1} N^{(j)}_t)``:
``N^{(j)}_t = N^{(j+1)}_t r^{(j)}_t``. Then ``N^{(j+1)}_t = N^{(j+1)}_{t-1} u^{(j+1)}_t`` with

    u^{(j+1)}_t = r^{(j)}_{t-1} u^{(j)}_t (r^{(j)}_t)^{-1} ∈ G_{j+1},
    r^{(j)}_{t-1} = rep(G_{j+1} r^{(j)}_t (u^{(j)}_t)^{-1}),

a position-wise function of layer ``j``'s input and output: layer ``j + 1`` reads it. Layer ``j``
tracks the coset ``G_{j+1} N^{(j)}_t`` in the abelian factor through characters
``χ: G_j → Z_m`` trivial on ``G_{j+1}`` (chosen to separate the cosets): one channel per
character, ``h ↦ ω^{χ(u)} h`` with ``ω = e^{2πi/m}`` (a complex rotation), read by rounding the
angle. For a 2-group the series ``G_{j+1} = ⟨g², [g, h]⟩`` (the Frattini series) has elementary
abelian factors, whose characters take values ±1: the same layers with **signed** real gates.
The prefix product is ``r^{(d-1)} ⋯ r^{(0)}``.

Resets (a permutation–reset component of a cascade, :mod:`ssm.constructions.cascade`): an
instruction is either a group element or "reset to point v". A reset sets every character
channel back to 1 (gate 0, input 1) and a one-hot *last reset point* to ``v`` (set/hold channels,
gates 0/1, in the first layer); the current point is that point moved by the product since.

Length-periodic languages (every letter acts as one permutation: membership depends on the
length modulo ``period``) are tracked by one channel with the **time-invariant** gate
``e^{2πi/period}`` (:func:`build_length_periodic`). That constant gate has modulus 1, outside
the family ``ssm_time_invariant`` (a constant real gate in (0, 1)), whose verdict there is no.

>>> c = build_group_cascade("word_problem_s3")
>>> c.layers, c.info["series_orders"]
(2, [6, 3, 1])
>>> c.check(300, 5).accuracy
1.0
"""
from __future__ import annotations

import cmath
import itertools
import math
from collections import deque
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import torch

from automata import DFA
from automata.languages import resolve_language
from ssm.layers.diagonal import DiagonalSSM, DiagonalSSMLayer

from .base import Construction, gate_list, registry_language, registry_member_sampler
from .errors import ConstructionError, ConstructionRefused
from .modular import sample_uniform_words

__all__ = ["FiniteGroup", "derived_series", "frattini_2_series", "separating_characters",
           "component_layers", "build_group_cascade", "build_length_periodic", "GATES",
           "MAX_CHARACTER_SEARCH"]

GATES = ("nonnegative", "signed", "complex")
MAX_CHARACTER_SEARCH = 200_000
RESET = -1


class FiniteGroup:
    """A permutation group given by its elements (identity first) and multiplication table.

    ``mul[i, j]`` is "first ``i``, then ``j``" (right action: point ``p`` goes to
    ``elements[j][elements[i][p]]``)."""

    def __init__(self, elements: Sequence[tuple]):
        self.elements = [tuple(e) for e in elements]
        n = len(self.elements[0])
        if self.elements[0] != tuple(range(n)):
            raise ConstructionError("the first element must be the identity")
        self.index = {e: i for i, e in enumerate(self.elements)}
        if len(self.index) != len(self.elements):
            raise ConstructionError("repeated group elements")
        m = len(self.elements)
        arr = np.array(self.elements, dtype=np.int64)                 # (m, n)
        mul = np.empty((m, m), dtype=np.int64)
        for i in range(m):
            prod = arr[:, arr[i]]                                      # rows: e_j ∘ e_i
            for j in range(m):
                mul[i, j] = self.index[tuple(prod[j])]
        self.mul = mul
        self.inv = np.array([int(np.flatnonzero(mul[i] == 0)[0]) for i in range(m)])

    @classmethod
    def generated(cls, gens: Sequence[tuple], n_points: int, budget: int = 5_000) -> "FiniteGroup":
        ident = tuple(range(n_points))
        seen = {ident}
        order = [ident]
        todo = deque([ident])
        while todo:
            f = todo.popleft()
            for g in gens:
                h = tuple(g[f[p]] for p in range(n_points))
                if h not in seen:
                    seen.add(h)
                    order.append(h)
                    todo.append(h)
                    if len(order) > budget:
                        raise ConstructionError(f"the group has more than {budget:,} elements")
        return cls(order)

    @property
    def order(self) -> int:
        return len(self.elements)

    def closure(self, gens: Sequence[int]) -> frozenset:
        """The subgroup generated by element indices ``gens``."""
        seen = {0}
        todo = [0]
        while todo:
            x = todo.pop()
            for g in gens:
                y = int(self.mul[x, g])
                if y not in seen:
                    seen.add(y)
                    todo.append(y)
        return frozenset(seen)

    def commutator_subgroup(self, H: frozenset) -> frozenset:
        H = sorted(H)
        comms = {int(self.mul[self.mul[self.inv[a], self.inv[b]], self.mul[a, b]])
                 for a in H for b in H}
        return self.closure(sorted(comms))


def derived_series(G: FiniteGroup) -> list[frozenset]:
    """``G ⊳ G' ⊳ G'' ⊳ … ⊳ 1``; refused (:class:`ConstructionRefused`) when not solvable."""
    series = [frozenset(range(G.order))]
    while len(series[-1]) > 1:
        nxt = G.commutator_subgroup(series[-1])
        if nxt == series[-1]:
            raise ConstructionRefused(f"the group of order {G.order} is not solvable: its "
                                      "derived series stops at a perfect subgroup of order "
                                      f"{len(nxt)}, so no cascade of abelian layers tracks it "
                                      "(Shakerinava et al. 2026)")
        series.append(nxt)
    return series


def frattini_2_series(G: FiniteGroup) -> list[frozenset]:
    """``G_{j+1} = ⟨g², [g, h] : g, h ∈ G_j⟩`` (elementary abelian 2-factors); refused when the
    order is not a power of 2."""
    if G.order & (G.order - 1):
        raise ConstructionRefused(f"the group of order {G.order} is not a 2-group: signed "
                                  "(±1) channels realize only Z_2 factors (Grazzi et al. 2025)")
    series = [frozenset(range(G.order))]
    while len(series[-1]) > 1:
        H = sorted(series[-1])
        gens = {int(G.mul[a, a]) for a in H} | set(G.commutator_subgroup(series[-1]))
        series.append(G.closure(sorted(gens)))
    return series


def separating_characters(G: FiniteGroup, H: frozenset, K: frozenset,
                          max_search: int = MAX_CHARACTER_SEARCH):
    """Characters of the abelian factor ``H/K`` (``K`` normal in ``H``) that separate its cosets.

    Returns ``(m, chars, coset_of, reps)``: ``m`` the exponent of ``H/K``; ``chars`` a list of
    arrays ``χ[g] ∈ Z_m`` (for ``g ∈ H``, -1 elsewhere); ``coset_of[g]`` the index of the right
    coset ``K g``; ``reps[c]`` its least element (``reps[0] = 0``, the identity).
    """
    Ks = sorted(K)
    coset_of = np.full(G.order, -1, dtype=np.int64)
    reps: list[int] = []
    for h in sorted(H):
        if coset_of[h] < 0:
            for k in Ks:
                coset_of[G.mul[k, h]] = len(reps)
            reps.append(h)
    nq = len(reps)
    qmul = np.array([[coset_of[G.mul[reps[a], reps[b]]] for b in range(nq)] for a in range(nq)])
    if not all(qmul[a, b] == qmul[b, a] for a in range(nq) for b in range(nq)):
        raise ConstructionError("the factor of the series is not abelian (internal error)")

    def qorder(c):
        k, x = 1, c
        while x != 0:
            x, k = qmul[x, c], k + 1
        return k
    m = math.lcm(*[qorder(c) for c in range(nq)]) if nq > 1 else 1
    gens: list[int] = []
    span = frozenset([0])
    for c in range(nq):
        if c not in span:
            gens.append(c)
            seen, todo = {0}, [0]
            while todo:
                x = todo.pop()
                for g in gens:
                    y = int(qmul[x, g])
                    if y not in seen:
                        seen.add(y)
                        todo.append(y)
            span = frozenset(seen)
    if m ** len(gens) > max_search:
        raise ConstructionError(f"character search over {m}^{len(gens)} assignments exceeds "
                                f"{max_search:,}")
    chars = []
    for e in itertools.product(range(m), repeat=len(gens)):
        val = {0: 0}
        todo = [0]
        ok = True
        while todo and ok:
            x = todo.pop()
            for g, eg in zip(gens, e):
                y, v = int(qmul[x, g]), (val[x] + eg) % m
                if y not in val:
                    val[y] = v
                    todo.append(y)
                elif val[y] != v:
                    ok = False
                    break
        if ok and any(val.values()):
            chars.append(np.array([val[c] for c in range(nq)]))
    chosen: list[np.ndarray] = []
    labels = [()] * nq
    for ch in chars:
        new = [labels[c] + (int(ch[c]),) for c in range(nq)]
        if len(set(new)) > len(set(labels)):
            chosen.append(ch)
            labels = new
        if len(set(labels)) == nq:
            break
    if len(set(labels)) != nq:
        raise ConstructionError("characters do not separate the cosets (internal error)")
    full = []
    for ch in chosen:
        arr = np.full(G.order, -1, dtype=np.int64)
        for h in H:
            arr[h] = ch[coset_of[h]]
        full.append(arr)
    return m, full, coset_of, reps


@dataclass
class _Level:
    m: int
    chars: list
    coset_of: np.ndarray
    reps: list


def component_layers(group: FiniteGroup, n_points: int, initial_point: int,
                     instruction: Callable[[torch.Tensor], torch.Tensor], gate: str,
                     dtype: torch.dtype, name: str = "component",
                     resets: bool = True) -> tuple[list, dict]:
    """Layers tracking a permutation–reset component.

    ``instruction(x) -> LongTensor (B, T)``: at each position either a group element index
    (``< group.order``; 0 holds) or ``group.order + v``, "reset to point ``v``". The first
    layer also keeps the last reset point (one-hot set/hold channels, gates 0/1). The last
    layer's φ returns ``x`` with one column appended, the current point (a float code).
    ``resets=False`` (no instruction resets) drops the set/hold channels.
    ``gate``: ``"nonnegative"`` (trivial group only), ``"signed"`` (a 2-group, Frattini
    series, gates ±1) or ``"complex"`` (a solvable group, derived series, rotations).
    Returns ``(layers, info)``.
    """
    if gate not in GATES:
        raise ConstructionError(f"gate must be one of {list(GATES)}, got {gate!r}")
    if group.order == 1:
        series = [frozenset([0])]
    elif gate == "nonnegative":
        raise ConstructionRefused(f"{name}: the group of order {group.order} is not trivial; "
                                  "non-negative gates realize only resets (Sarrof et al. 2024)")
    elif gate == "signed":
        series = frattini_2_series(group)
    else:
        series = derived_series(group)
    levels = [_Level(*separating_characters(group, series[j], series[j + 1]))
              for j in range(len(series) - 1)]
    if gate == "signed" and any(lv.m > 2 for lv in levels):
        raise ConstructionError("a factor of the Frattini series is not elementary (internal)")
    order = group.order
    mul = torch.from_numpy(group.mul)
    inv = torch.from_numpy(group.inv)
    act = torch.tensor(group.elements, dtype=torch.long)               # (order, n_points)
    cplx = gate == "complex"
    gates_used: set = set()

    def char_values(lv: _Level, u: torch.Tensor):
        """Gates and inputs of the character channels for element codes ``u`` (RESET = -1)."""
        reset = u < 0
        uu = u.clamp(min=0)
        ks = torch.stack([torch.from_numpy(ch)[uu] for ch in lv.chars], -1).to(torch.float64)
        if cplx:
            g = torch.polar(torch.ones_like(ks), 2 * math.pi * ks / lv.m)
        else:
            g = torch.where(ks > 0, -1.0, 1.0).to(torch.float64)
        g = torch.where(reset[..., None], torch.zeros_like(g), g)
        b = torch.where(reset[..., None], torch.ones_like(g), torch.zeros_like(g))
        return g, b

    def read_coset(lv: _Level, h: torch.Tensor) -> torch.Tensor:
        if cplx:
            k = torch.remainder(torch.round(torch.angle(h) * (lv.m / (2 * math.pi))).long(), lv.m)
        else:
            k = (h.real < 0).long()
        table = {tuple(int(ch[r]) for ch in lv.chars): c for c, r in enumerate(lv.reps)}
        keys = torch.zeros(k.shape[:-1], dtype=torch.long)
        for j in range(k.shape[-1]):
            keys = keys * lv.m + k[..., j]
        lut = torch.full((lv.m ** len(lv.chars),), -1, dtype=torch.long)
        for key, c in table.items():
            code = 0
            for v in key:
                code = code * lv.m + v
            lut[code] = c
        coset = lut[keys]
        if bool((coset < 0).any()):
            raise ConstructionError(f"{name}: a character reading matches no coset")
        return torch.tensor(lv.reps, dtype=torch.long)[coset]

    def first_u(x):
        ins = instruction(x)
        return torch.where(ins >= order, torch.full_like(ins, RESET), ins), ins

    layers = []
    d = len(levels)
    keep_p = resets or d == 0
    h0_p = torch.zeros(n_points, dtype=torch.float64)
    h0_p[initial_point] = 1.0
    for j in range(max(1, d)):
        lv = levels[j] if d else None

        def gates_inputs(x, j=j, lv=lv):
            if j == 0:
                u, ins = first_u(x)
                if not keep_p:
                    return char_values(lv, u)
                reset = ins >= order
                target = (ins - order).clamp(min=0)
                onehot = torch.nn.functional.one_hot(target, n_points).to(torch.float64)
                ga = torch.where(reset[..., None], torch.zeros_like(onehot),
                                 torch.ones_like(onehot))
                gb = torch.where(reset[..., None], onehot, torch.zeros_like(onehot))
                if lv is None:
                    return ga, gb
                ca, cb = char_values(lv, u)
                if cplx:
                    ga, gb = ga.to(torch.complex128), gb.to(torch.complex128)
                return torch.cat([ga, ca], -1), torch.cat([gb, cb], -1)
            return char_values(lv, x[..., -2].round().long())

        def phi(h, x, j=j, lv=lv):
            if j == 0:
                u, ins = first_u(x)
                np_ = n_points if keep_p else 0
                p = h[..., :np_].real.argmax(-1) if keep_p else \
                    torch.full(h.shape[:-1], initial_point, dtype=torch.long)
                base = x
                if lv is None:
                    return torch.cat([base, p[..., None].to(x.dtype)], -1)
                hc = h[..., np_:]
                racc = torch.zeros_like(p)
            else:
                p = x[..., -3].round().long()
                u = x[..., -2].round().long()
                racc = x[..., -1].round().long()
                base = x[..., :-3]
                hc = h
            r = read_coset(lv, hc)
            racc = mul[r, racc]                                         # r^{(j)} ⋯ r^{(0)}
            if j == d - 1:
                point = act[racc, p]
                return torch.cat([base, point[..., None].to(x.dtype)], -1)
            uu = u.clamp(min=0)
            r_prev = torch.tensor(lv.reps, dtype=torch.long)[
                torch.from_numpy(lv.coset_of)[mul[r, inv[uu]]]]
            u_next = mul[mul[r_prev, uu], inv[r]]
            u_next = torch.where(u < 0, torch.full_like(u_next, RESET), u_next)
            cols = torch.stack([p, u_next, racc], -1).to(x.dtype)
            return torch.cat([base, cols], -1)

        width = (n_points if j == 0 and keep_p else 0) + (len(lv.chars) if lv is not None else 0)
        h0 = torch.cat([h0_p if j == 0 and keep_p else torch.zeros(0, dtype=torch.float64),
                        torch.ones(len(lv.chars) if lv is not None else 0,
                                   dtype=torch.float64)])
        if cplx and lv is not None:
            h0 = h0.to(torch.complex128)
        layers.append(DiagonalSSMLayer(lambda x, gi=gates_inputs: gi(x)[0],
                                       lambda x, gi=gates_inputs: gi(x)[1],
                                       phi, h0=h0, dtype=dtype, d_state=width,
                                       name=f"{name}: layer {j + 1}"))
        if j == 0 and keep_p:
            gates_used |= {0.0, 1.0}
        if lv is not None:
            if resets:
                gates_used.add(0.0)
            for ch in lv.chars:
                for v in set(int(t) for t in ch if t >= 0):
                    gates_used.add(cmath.exp(2j * math.pi * v / lv.m) if cplx else
                                   (-1.0 if v else 1.0))
    info = {"group_order": order, "series_orders": [len(s) for s in series],
            "depth": max(1, d), "characters": [len(lv.chars) for lv in levels],
            "exponents": [lv.m for lv in levels], "gates": gates_used,
            "widths": [lay.d_state for lay in layers]}
    return layers, info


def _dfa_of(obj) -> tuple[str, DFA, object]:
    if isinstance(obj, DFA):
        return "dfa", obj.minimize(), None
    lang = resolve_language(obj)
    if lang.dfa is None:
        raise ConstructionRefused(f"{lang.name!r} is not regular")
    return lang.name, lang.dfa.minimize(), lang


def build_group_cascade(language_or_dfa, *, gate: str = "complex",
                        dtype: torch.dtype = torch.float32) -> Construction:
    """The word problem of a group language (every letter permutes the minimal DFA's states):
    one cascade layer per factor of the series (derived series for ``gate="complex"``,
    Frattini series of a 2-group for ``gate="signed"``); output prefix membership."""
    name, dfa, lang = _dfa_of(language_or_dfa)
    n = dfa.n_states
    perms = [tuple(int(dfa.delta[q, a]) for q in range(n)) for a in range(dfa.n_symbols)]
    if any(len(set(p)) != n for p in perms):
        raise ConstructionRefused(f"{name} is not a group language: some letter does not "
                                  "permute the minimal DFA's states")
    G = FiniteGroup.generated(perms, n)
    codes = torch.tensor([G.index[p] for p in perms], dtype=torch.long)
    layers, info = component_layers(G, n, dfa.initial, lambda x: codes[x[..., 0].round().long()],
                                    gate, dtype, name=f"{name} group", resets=False)
    acc = torch.from_numpy(dfa.accepting_mask)
    model = DiagonalSSM(layers, embed=lambda tok: tok[..., None].to(torch.float64),
                        head=lambda z: acc[z[..., -1].round().long()])
    reg = lang if lang is not None and lang.kind == "regular" else registry_language(name, dfa.alphabet)
    return Construction(
        name="group_cascade", language=name, alphabet=tuple(dfa.alphabet), layers=len(layers),
        width=sum(info["widths"]), layer_widths=tuple(info["widths"]),
        gates=tuple(gate_list(info.pop("gates"))), model=model,
        output="membership of every prefix (bool)",
        theorem="Shakerinava et al. 2026: k diagonal layers track a group with a subnormal "
                "series of length k with abelian factors (here: one layer per factor, "
                "characters as rotations / signs)",
        reference=lambda w: dfa.accepting_mask[np.asarray(dfa.trace(w))[1:]],
        sampler=registry_member_sampler(reg) if reg is not None else
        (lambda length, k, seed: sample_uniform_words(dfa.alphabet, length, k, seed)),
        registry=reg.name if reg is not None else None,
        from_labels=lambda labels, word: np.asarray(labels.membership, dtype=bool),
        info={**info, "gate": gate})


def build_length_periodic(language_or_dfa, *, dtype: torch.dtype = torch.float32) -> Construction:
    """A length-periodic language with ONE time-invariant channel: constant gate
    ``e^{2πi/period}`` (modulus 1), input 0, ``h_0 = 1``; φ reads ``t mod period``.

    Not a model of ``ssm_time_invariant`` (its constant gate is real in (0, 1)); the class of
    Alsmann et al. 2026's constant matrix with eigenvalues of modulus 1."""
    name, dfa, lang = _dfa_of(language_or_dfa)
    n = dfa.n_states
    perms = {tuple(int(dfa.delta[q, a]) for q in range(n)) for a in range(dfa.n_symbols)}
    if len(perms) != 1 or len(set(next(iter(perms)))) != n:
        raise ConstructionRefused(f"{name} is not length-periodic: the letters do not all act "
                                  "as one permutation of the minimal DFA's states")
    perm = next(iter(perms))
    states = [dfa.initial]
    while True:
        q = perm[states[-1]]
        if q == dfa.initial:
            break
        states.append(q)
    period = len(states)
    acc_by_residue = torch.tensor([bool(dfa.accepting_mask[q]) for q in states])
    omega = cmath.exp(2j * math.pi / period)
    V = dfa.n_symbols
    a = torch.full((V, 1), omega, dtype=torch.complex128)
    b = torch.zeros((V, 1), dtype=torch.complex128)

    def phi(h, x):
        k = torch.remainder(torch.round(torch.angle(h[..., 0]) * (period / (2 * math.pi))).long(),
                            period)
        return acc_by_residue[k]
    layer = DiagonalSSMLayer(a, b, phi, h0=torch.ones(1, dtype=torch.complex128), dtype=dtype,
                             name=f"length mod {period}")
    reg = lang if lang is not None and lang.kind == "regular" else registry_language(name, dfa.alphabet)
    return Construction(
        name="length_periodic", language=name, alphabet=tuple(dfa.alphabet), layers=1, width=1,
        layer_widths=(1,), gates=tuple(gate_list([omega])), model=DiagonalSSM([layer]),
        output="membership of every prefix (bool)",
        theorem="Alsmann et al. 2026: a constant transition with an eigenvalue of modulus 1 "
                "counts the length modulo m (outside ssm_time_invariant's gates in (0, 1))",
        reference=lambda w: dfa.accepting_mask[np.asarray(dfa.trace(w))[1:]],
        sampler=registry_member_sampler(reg) if reg is not None else
        (lambda length, k, seed: sample_uniform_words(dfa.alphabet, length, k, seed)),
        registry=reg.name if reg is not None else None,
        from_labels=lambda labels, word: np.asarray(labels.membership, dtype=bool),
        info={"period": period, "time_invariant": True})
